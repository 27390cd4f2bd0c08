-- Issue 23: status lists that never run out, keys withdrawn after a compromise, legacy
-- credentials found by their content.
--
-- A status list holds 131,072 bits; when every bit of a list is used, issuing begins the next
-- list (`status_list` 2, 3, …, served at /status/2 …): a bit is one (list, index) pair.
ALTER TABLE certificate ADD COLUMN status_list integer NOT NULL DEFAULT 1 CHECK (status_list >= 1);
DROP INDEX certificate_status_index;
CREATE UNIQUE INDEX certificate_status_index ON certificate (status_list, status_index);

ALTER TABLE certificate_superseded ADD COLUMN status_list integer NOT NULL DEFAULT 1 CHECK (status_list >= 1);
ALTER TABLE certificate_superseded DROP CONSTRAINT certificate_superseded_pkey;
ALTER TABLE certificate_superseded ADD PRIMARY KEY (status_list, status_index);

-- A key withdrawn after a compromise (`kalan keys retire`): it leaves the issuer profile's
-- assertionMethod; what it signed reads "signed by a withdrawn key". The reason is the operator's.
ALTER TABLE signing_key ADD COLUMN retired_reason text;
UPDATE signing_key SET retired_reason = 'retired' WHERE retired_at IS NOT NULL;
ALTER TABLE signing_key ADD CONSTRAINT signing_key_retired_with_reason
    CHECK ((retired_at IS NULL) = (retired_reason IS NULL) AND (retired_reason IS NULL OR length(btrim(retired_reason)) > 0));
