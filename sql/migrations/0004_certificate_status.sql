-- Issue 13: certificates a stranger can trust.
--
-- Every certificate has a bit in the issuer's revocation status list (W3C Bitstring Status List
-- v1.0): `status_index`, drawn at random among the free ones so that indexes do not reveal the
-- order of issue. Existing certificates get one too (their stored credential has no
-- credentialStatus until they are reissued). The status list is derived from this table:
-- revoking sets `revoked_at` and so flips the bit in the same transaction.
--
-- A reissue (after a change of name) keeps the serial: the certificate row takes the new signed
-- credential and a new status index; the superseded credential is kept in
-- certificate_superseded with its own index, whose bit is set.

ALTER TABLE certificate ADD COLUMN status_index integer CHECK (status_index BETWEEN 0 AND 131071);

CREATE TABLE certificate_superseded (
    status_index    integer PRIMARY KEY CHECK (status_index BETWEEN 0 AND 131071),
    certificate_id  uuid NOT NULL REFERENCES certificate (id) ON DELETE RESTRICT,
    credential      jsonb NOT NULL,
    signing_key_id  text NOT NULL REFERENCES signing_key (id),
    superseded_at   timestamptz NOT NULL DEFAULT now(),
    superseded_by   text NOT NULL
);
CREATE INDEX certificate_superseded_certificate ON certificate_superseded (certificate_id);

-- Random, distinct indexes for the certificates issued before this migration.
DO $$
DECLARE
    c record;
    candidate integer;
BEGIN
    FOR c IN SELECT id FROM certificate ORDER BY random() LOOP
        LOOP
            candidate := floor(random() * 131072)::integer;
            EXIT WHEN NOT EXISTS (SELECT 1 FROM certificate WHERE status_index = candidate);
        END LOOP;
        UPDATE certificate SET status_index = candidate WHERE id = c.id;
    END LOOP;
END $$;

ALTER TABLE certificate ALTER COLUMN status_index SET NOT NULL;
CREATE UNIQUE INDEX certificate_status_index ON certificate (status_index);

-- The same key may be listed under a did:key id (before) and an https id under the issuer profile (now).
ALTER TABLE signing_key DROP CONSTRAINT signing_key_public_key_multibase_key;
