-- Operations: idempotency keys that expire and claims that lapse; one signing key per database.
--
-- A key's first request holds it while it runs (status NULL). If that request never finishes
-- (the server or the database went away before it could answer), the claim lapses after 30
-- seconds and a retry with the same key runs the request again. A finished answer is replayed
-- for 24 hours; after that the key is free and old rows are removed as new keys come in.

CREATE INDEX idempotency_key_created_at ON idempotency_key (created_at);

-- The signing key every server of this database uses. A server that starts with another key is
-- refused (two servers on one database must sign with the same key), unless told to rotate.
CREATE TABLE signing_key_in_use (
    singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    key_id         text NOT NULL CHECK (length(key_id) > 0),
    since          timestamptz NOT NULL DEFAULT now()
);
