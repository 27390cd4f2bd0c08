-- Cooperation (issue 27): what each session costs and who pays, partners' offers of places shared
-- among departments, and the administrative file of each participant trained abroad.

-- Currencies (ISO 4217) with their minor unit: amounts are integers in that unit (XOF 0, EUR 2).
CREATE TABLE currency (
    code            text PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
    minor_exponent  smallint NOT NULL CHECK (minor_exponent BETWEEN 0 AND 3),
    UNIQUE (code, minor_exponent)
);
INSERT INTO currency (code, minor_exponent) VALUES
    ('XOF', 0), ('XAF', 0), ('EUR', 2), ('USD', 2), ('GBP', 2), ('CHF', 2), ('CAD', 2), ('CNY', 2), ('RUB', 2),
    ('IRR', 2), ('INR', 2), ('TRY', 2), ('AED', 2), ('SAR', 2), ('MAD', 2), ('DZD', 2), ('EGP', 2), ('GHS', 2),
    ('NGN', 2), ('GNF', 0), ('JPY', 0), ('KRW', 0), ('TND', 3), ('KWD', 3);

-- One amount spent on a session. The rate is XOF per major unit of the currency, kept exactly as a
-- fraction of integers; the XOF amount is computed here, in integers, rounded half up:
-- amount_xof = round(amount_minor × numerator ÷ (denominator × 10^exponent)).
CREATE TABLE cost_line (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id        uuid NOT NULL REFERENCES training_session (id) ON DELETE CASCADE,
    kind              text NOT NULL CHECK (kind IN ('tuition', 'travel', 'allowances', 'lodging', 'venue', 'other')),
    description       text CHECK (description IS NULL OR char_length(btrim(description)) BETWEEN 1 AND 200),
    amount_minor      bigint NOT NULL CHECK (amount_minor > 0 AND amount_minor <= 1000000000000000),
    currency          text NOT NULL DEFAULT 'XOF',
    minor_exponent    smallint NOT NULL DEFAULT 0,
    rate_numerator    bigint NOT NULL DEFAULT 1 CHECK (rate_numerator > 0 AND rate_numerator <= 1000000000000),
    rate_denominator  bigint NOT NULL DEFAULT 1 CHECK (rate_denominator > 0 AND rate_denominator <= 1000000000000),
    amount_xof        bigint GENERATED ALWAYS AS (
        div(2 * amount_minor::numeric * rate_numerator + rate_denominator::numeric * (10::numeric ^ minor_exponent),
            2 * rate_denominator::numeric * (10::numeric ^ minor_exponent))::bigint) STORED,
    payer_kind        text NOT NULL CHECK (payer_kind IN ('partner', 'state', 'other')),
    payer_partner_id  uuid REFERENCES partner (id) ON DELETE RESTRICT,
    payer_name        text CHECK (payer_name IS NULL OR char_length(btrim(payer_name)) BETWEEN 1 AND 200),
    created_at        timestamptz NOT NULL DEFAULT now(),
    created_by        text NOT NULL,
    FOREIGN KEY (currency, minor_exponent) REFERENCES currency (code, minor_exponent),
    CONSTRAINT cost_line_rate_check CHECK (currency <> 'XOF' OR (rate_numerator = 1 AND rate_denominator = 1)),
    CONSTRAINT cost_line_payer_partner_check CHECK ((payer_kind = 'partner') = (payer_partner_id IS NOT NULL)),
    CONSTRAINT cost_line_payer_check CHECK ((payer_kind = 'other') = (payer_name IS NOT NULL))
);
CREATE INDEX cost_line_session ON cost_line (session_id);

-- A partner's offer of places: a course (and its sessions to come) or one session, at home or abroad.
CREATE TABLE offer (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code               text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
    partner_id         uuid NOT NULL REFERENCES partner (id) ON DELETE RESTRICT,
    course_id          uuid NOT NULL REFERENCES course (id) ON DELETE RESTRICT,
    title              text NOT NULL CHECK (char_length(btrim(title)) BETWEEN 1 AND 200),
    city               text CHECK (city IS NULL OR char_length(btrim(city)) BETWEEN 1 AND 100),
    country            text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    places             integer NOT NULL CHECK (places > 0 AND places <= 10000),
    starts_on          date NOT NULL,
    ends_on            date NOT NULL,
    deadline           date NOT NULL,
    -- The day unused shares go to the general waitlist.
    release_on         date NOT NULL,
    -- What the partner pays (cost kinds); the ministry pays the rest.
    partner_pays       text[] NOT NULL DEFAULT '{}'
                       CHECK (partner_pays <@ ARRAY['tuition', 'travel', 'allowances', 'lodging', 'venue', 'other']::text[]),
    released_at        timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on),
    CHECK (deadline <= starts_on),
    CHECK (release_on <= starts_on)
);

-- A department's share of an offer's places; the shares never exceed the offer's places.
CREATE TABLE offer_share (
    offer_id       uuid NOT NULL REFERENCES offer (id) ON DELETE CASCADE,
    department_id  uuid NOT NULL REFERENCES department (id) ON DELETE RESTRICT,
    places         integer NOT NULL CHECK (places > 0 AND places <= 10000),
    PRIMARY KEY (offer_id, department_id)
);

CREATE FUNCTION offer_shares_fit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    offered integer;
    shared integer;
BEGIN
    SELECT places INTO offered FROM offer WHERE id = NEW.offer_id FOR UPDATE;
    SELECT coalesce(sum(places), 0) INTO shared FROM offer_share WHERE offer_id = NEW.offer_id;
    IF shared > offered THEN
        RAISE EXCEPTION 'shares exceed the offer' USING ERRCODE = '23514', CONSTRAINT = 'offer_share_places_check',
            TABLE = 'offer_share', COLUMN = 'places';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER offer_shares_fit AFTER INSERT OR UPDATE ON offer_share
    FOR EACH ROW EXECUTE FUNCTION offer_shares_fit();

-- The sessions an offer became.
ALTER TABLE training_session ADD COLUMN offer_id uuid REFERENCES offer (id) ON DELETE SET NULL;
CREATE INDEX training_session_offer ON training_session (offer_id) WHERE offer_id IS NOT NULL;

-- Until an offer's shares are released, a nomination to one of its sessions takes a place of the
-- person's department's share: a department without a share, or whose share is full, is refused.
-- Withdrawn and rejected lines give their place back. The share's row is locked, so that two
-- nominations at once cannot both take its last place.
CREATE FUNCTION enrolment_offer_share_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    offered uuid;
    department uuid;
    share integer;
    taken integer;
BEGIN
    SELECT f.id INTO offered FROM training_session s JOIN offer f ON f.id = s.offer_id
    WHERE s.id = NEW.session_id AND f.released_at IS NULL AND EXISTS (SELECT 1 FROM offer_share x WHERE x.offer_id = f.id);
    IF offered IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT department_id INTO department FROM trainee WHERE id = NEW.trainee_id;
    SELECT places INTO share FROM offer_share WHERE offer_id = offered AND department_id = department FOR UPDATE;
    SELECT count(*) INTO taken FROM enrolment e JOIN training_session s ON s.id = e.session_id JOIN trainee t ON t.id = e.trainee_id
    WHERE s.offer_id = offered AND t.department_id = department AND e.status NOT IN ('rejected', 'withdrawn');
    IF share IS NULL OR taken >= share THEN
        RAISE EXCEPTION 'the department''s share of the offer is full' USING ERRCODE = '23514',
            CONSTRAINT = 'enrolment_offer_share_check', TABLE = 'enrolment', COLUMN = 'offer_share';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER enrolment_offer_share_check BEFORE INSERT ON enrolment
    FOR EACH ROW EXECUTE FUNCTION enrolment_offer_share_check();

-- A participant's file for a training abroad (or a long one): authorisation, departure, planned
-- return, resumption of duty, funding, end-of-mission report.
CREATE TABLE abroad_file (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    enrolment_id          uuid NOT NULL UNIQUE REFERENCES enrolment (id) ON DELETE CASCADE,
    authorisation_number  text CHECK (authorisation_number IS NULL OR char_length(btrim(authorisation_number)) BETWEEN 1 AND 60),
    authorisation_date    date,
    departs_on            date NOT NULL,
    returns_on            date NOT NULL,
    resumed_on            date,
    funding               text NOT NULL CHECK (funding IN ('partner_scholarship', 'state', 'self_funded')),
    report_name           text CHECK (report_name IS NULL OR char_length(report_name) BETWEEN 1 AND 200),
    report                bytea CHECK (report IS NULL OR octet_length(report) <= 10485760),
    report_at             timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK (returns_on >= departs_on),
    CHECK (resumed_on IS NULL OR resumed_on >= departs_on),
    CHECK ((authorisation_number IS NULL) = (authorisation_date IS NULL)),
    CHECK ((report IS NULL) = (report_name IS NULL))
);

-- Extensions of a stay: each moves the planned return to a later day, with its reason.
CREATE TABLE abroad_extension (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file_id      uuid NOT NULL REFERENCES abroad_file (id) ON DELETE CASCADE,
    returns_on   date NOT NULL,
    reason       text NOT NULL CHECK (char_length(btrim(reason)) BETWEEN 1 AND 500),
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    recorded_by  text NOT NULL
);
CREATE INDEX abroad_extension_file ON abroad_extension (file_id, id);

-- The day a person is expected back: the last extension's, or the file's own.
CREATE VIEW abroad_file_due AS
SELECT f.*, coalesce((SELECT x.returns_on FROM abroad_extension x WHERE x.file_id = f.id ORDER BY x.id DESC LIMIT 1), f.returns_on) AS due_on
FROM abroad_file f;

-- Only a participant of a session held outside Mali, or longer than 30 days, has a file; an
-- extension always moves the return later.
CREATE FUNCTION abroad_file_session_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM enrolment e JOIN training_session s ON s.id = e.session_id
        WHERE e.id = NEW.enrolment_id AND (coalesce(s.country, 'ML') <> 'ML' OR s.ends_on - s.starts_on + 1 > 30)
    ) THEN
        RAISE EXCEPTION 'not a training abroad' USING ERRCODE = '23514', CONSTRAINT = 'abroad_file_session_check',
            TABLE = 'abroad_file', COLUMN = 'session';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER abroad_file_session_check BEFORE INSERT OR UPDATE OF enrolment_id ON abroad_file
    FOR EACH ROW EXECUTE FUNCTION abroad_file_session_check();

CREATE FUNCTION abroad_extension_later() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.returns_on <= (SELECT due_on FROM abroad_file_due WHERE id = NEW.file_id) THEN
        RAISE EXCEPTION 'an extension moves the return later' USING ERRCODE = '23514', CONSTRAINT = 'abroad_extension_returns_on_check',
            TABLE = 'abroad_extension', COLUMN = 'returns_on';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER abroad_extension_later BEFORE INSERT ON abroad_extension
    FOR EACH ROW EXECUTE FUNCTION abroad_extension_later();
