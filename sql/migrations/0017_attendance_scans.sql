-- The training room: the signed paper sign-in sheet of a session day, scanned or photographed, kept
-- in the database as that day's evidence (so that `kalan db backup` and restores carry it).
--
-- A scan is never replaced nor removed: a second one is kept beside the first. The database checks
-- what it can of the file itself: its type (read from its first bytes by Kalan, and checked here
-- against the same signatures), its size (at most 10 MiB) and its digest.

CREATE TABLE attendance_scan (
    id           uuid PRIMARY KEY,
    session_id   uuid NOT NULL REFERENCES training_session (id),
    day          date NOT NULL,
    media_type   text NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    file_name    text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    content      bytea NOT NULL CHECK (octet_length(content) BETWEEN 1 AND 10485760),
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    uploaded_by  text NOT NULL,
    uploaded_at  timestamptz NOT NULL,
    -- The same file twice for a day is one scan.
    UNIQUE (session_id, day, sha256),
    CONSTRAINT attendance_scan_signature CHECK (
        (media_type = 'application/pdf' AND substring(content FROM 1 FOR 5) = '\x255044462d'::bytea)
        OR (media_type = 'image/jpeg' AND substring(content FROM 1 FOR 3) = '\xffd8ff'::bytea)
        OR (media_type = 'image/png' AND substring(content FROM 1 FOR 8) = '\x89504e470d0a1a0a'::bytea))
);
CREATE INDEX attendance_scan_day_idx ON attendance_scan (session_id, day, uploaded_at);

CREATE FUNCTION attendance_scan_is_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a sign-in sheet scan is kept as evidence: % is refused', TG_OP
        USING ERRCODE = '42501';
END;
$$;

CREATE TRIGGER attendance_scan_no_update BEFORE UPDATE OR DELETE ON attendance_scan
    FOR EACH ROW EXECUTE FUNCTION attendance_scan_is_kept();
