-- Issue 31: the certificate in the holder's own wallet.
--
-- A wallet offer lets a phone wallet receive a copy of a valid certificate bound to the wallet's
-- DID, by one of three ways in (the Learner Credential Wallet's request link, a VC-API exchange
-- reached from a VCALM interaction URL, OpenID4VCI's pre-authorized code). It is single use across
-- them all, expires (30 minutes unless asked otherwise), and a certificate has one live offer at a
-- time: a new one ends the old. Every offer stays recorded with what became of it.
CREATE TABLE wallet_offer (
    -- 128 random bits, base64url: the offer's id in its URLs.
    id                  text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{22}$'),
    certificate_id      uuid NOT NULL REFERENCES certificate (id) ON DELETE RESTRICT,
    created_by          text NOT NULL CHECK (char_length(created_by) <= 200),
    created_at          timestamptz NOT NULL,
    expires_at          timestamptz NOT NULL,
    -- The LCW request link's and the VC-API exchange's challenge (128 bits).
    challenge           text NOT NULL UNIQUE CHECK (challenge ~ '^[A-Za-z0-9_-]{22}$'),
    -- OpenID4VCI: the pre-authorized code (128 bits) and its transaction code (6 digits, 5 tries).
    pre_authorized_code text NOT NULL UNIQUE CHECK (pre_authorized_code ~ '^[A-Za-z0-9_-]{22}$'),
    tx_code             text NOT NULL CHECK (tx_code ~ '^[0-9]{6}$'),
    tx_failures         integer NOT NULL DEFAULT 0 CHECK (tx_failures BETWEEN 0 AND 5),
    -- The access token the token endpoint gave for the pre-authorized code (then the offer is 'redeeming').
    access_token        text UNIQUE CHECK (access_token ~ '^[A-Za-z0-9_-]{43}$'),
    token_expires_at    timestamptz,
    -- live → used (a copy issued); live → redeeming (OpenID4VCI token given) → used;
    -- ended (a new offer), burnt (5 wrong transaction codes), expired (read as such once past expires_at).
    status              text NOT NULL DEFAULT 'live' CHECK (status IN ('live', 'redeeming', 'used', 'ended', 'burnt', 'expired')),
    finished_at         timestamptz,
    -- How the copy went out: 'lcw', 'vcapi', 'oid4vci' (1.0) or 'oid4vci-draft13'.
    way_in              text CHECK (way_in IN ('lcw', 'vcapi', 'oid4vci', 'oid4vci-draft13')),
    CHECK (expires_at > created_at AND expires_at <= created_at + interval '7 days'),
    CHECK ((status IN ('live', 'redeeming', 'expired')) OR finished_at IS NOT NULL),
    CHECK ((status = 'used') = (way_in IS NOT NULL))
);
-- One live offer per certificate.
CREATE UNIQUE INDEX wallet_offer_live_idx ON wallet_offer (certificate_id) WHERE status IN ('live', 'redeeming');
CREATE INDEX wallet_offer_certificate_idx ON wallet_offer (certificate_id, created_at DESC);
CREATE INDEX wallet_offer_creator_idx ON wallet_offer (created_by, created_at);

-- OpenID4VCI nonces (the nonce endpoint, and the token response's c_nonce for draft 13): each
-- accepted once in a proof, within minutes.
CREATE TABLE wallet_nonce (
    nonce       text PRIMARY KEY CHECK (nonce ~ '^[A-Za-z0-9_-]{22}$'),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX wallet_nonce_expires_idx ON wallet_nonce (expires_at);

-- Every copy a wallet received, as issued: bound to the wallet's DID, sharing the certificate's
-- status entry (one revocation reaches every copy).
CREATE TABLE wallet_copy (
    id              uuid PRIMARY KEY,
    certificate_id  uuid NOT NULL REFERENCES certificate (id) ON DELETE RESTRICT,
    offer_id        text NOT NULL UNIQUE REFERENCES wallet_offer (id) ON DELETE RESTRICT,
    holder_did      text NOT NULL CHECK (holder_did ~ '^did:key:z[1-9A-HJ-NP-Za-km-z]{40,60}$'),
    way_in          text NOT NULL CHECK (way_in IN ('lcw', 'vcapi', 'oid4vci', 'oid4vci-draft13')),
    credential      text NOT NULL,
    issued_at       timestamptz NOT NULL
);
CREATE INDEX wallet_copy_certificate_idx ON wallet_copy (certificate_id, issued_at);

-- The transaction code reaches the staff member by the notices' outbox: SMS when the register has
-- a phone, else e-mail (never a copy to the head).
ALTER TABLE notice DROP CONSTRAINT notice_kind_check;
ALTER TABLE notice ADD CONSTRAINT notice_kind_check CHECK (kind IN ('nominated', 'enrolled', 'waitlisted', 'promoted', 'rejected', 'withdrawn',
    'passed', 'failed', 'certified', 'revoked', 'session_changed', 'session_cancelled', 'reminder', 'roster', 'roster_changed',
    'abroad_overdue', 'offer_released', 'wallet_code'));

CREATE FUNCTION notice_wallet_code(p_offer text) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    o record;
    f jsonb;
BEGIN
    SELECT c.enrolment_id, c.serial, w.tx_code, w.expires_at, t.id AS trainee_id, t.given_name || ' ' || t.family_name AS name, t.email, t.phone,
           t.notice_language, t.notices_off, en.session_id
      INTO o
      FROM wallet_offer w JOIN certificate c ON c.id = w.certificate_id JOIN enrolment en ON en.id = c.enrolment_id
      JOIN trainee t ON t.id = en.trainee_id
     WHERE w.id = p_offer;
    IF NOT FOUND OR o.notices_off OR (o.phone IS NULL AND o.email IS NULL) THEN
        RETURN 0;
    END IF;
    f := notice_facts(o.enrolment_id) || jsonb_build_object('serial', o.serial, 'code', o.tx_code);
    INSERT INTO notice (kind, recipient, channel, address, recipient_name, language, session_id, enrolment_id, trainee_id, facts,
                        next_attempt_at)
    VALUES ('wallet_code', 'trainee', CASE WHEN o.phone IS NOT NULL THEN 'sms' ELSE 'email' END, coalesce(o.phone, o.email), o.name,
            o.notice_language, o.session_id, o.enrolment_id, o.trainee_id, f, clock_timestamp());
    RETURN 1;
END;
$$;
