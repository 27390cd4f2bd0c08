-- Kalan's domain: organisation, catalogue, delivery, enrolment, results, certificates,
-- accounts and the audit log. Times are timestamptz; calendar days are date.
-- Kinds and statuses are text with CHECK constraints so that they read plainly in SQL.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Organisation ---------------------------------------------------------------------------

CREATE TABLE department (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
    name_fr     text NOT NULL CHECK (length(btrim(name_fr)) > 0),
    name_en     text NOT NULL CHECK (length(btrim(name_en)) > 0),
    kind        text NOT NULL DEFAULT 'direction'
                CHECK (kind IN ('ministry', 'cabinet', 'direction', 'service', 'agency', 'other')),
    parent_id   uuid REFERENCES department (id) ON DELETE RESTRICT,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     integer NOT NULL DEFAULT 1,
    CHECK (parent_id IS DISTINCT FROM id)
);
CREATE INDEX department_parent_idx ON department (parent_id);

CREATE TABLE trainee (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    staff_number   text NOT NULL UNIQUE CHECK (staff_number ~ '^[A-Za-z0-9][A-Za-z0-9./_-]{0,31}$'),
    given_name     text NOT NULL CHECK (length(btrim(given_name)) > 0 AND length(given_name) <= 100),
    family_name    text NOT NULL CHECK (length(btrim(family_name)) > 0 AND length(family_name) <= 100),
    sex            text NOT NULL CHECK (sex IN ('F', 'M')),
    category       text CHECK (category ~ '^[A-Z][0-9]?$'),
    position       text CHECK (length(position) <= 200),
    department_id  uuid REFERENCES department (id) ON DELETE RESTRICT,
    email          text CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    phone          text CHECK (phone ~ '^\+?[0-9 ().-]{6,24}$'),
    active         boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    version        integer NOT NULL DEFAULT 1
);
CREATE INDEX trainee_department_idx ON trainee (department_id);
CREATE INDEX trainee_name_idx ON trainee (lower(family_name), lower(given_name));

-- Partners and programmes ----------------------------------------------------------------

CREATE TABLE partner (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
    name        text NOT NULL CHECK (length(btrim(name)) > 0),
    kind        text NOT NULL CHECK (kind IN ('government', 'university', 'international_organisation', 'national_agency', 'private')),
    country     text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     integer NOT NULL DEFAULT 1
);

CREATE TABLE programme (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code             text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
    name_fr          text NOT NULL CHECK (length(btrim(name_fr)) > 0),
    name_en          text NOT NULL CHECK (length(btrim(name_en)) > 0),
    starts_on        date NOT NULL,
    ends_on          date NOT NULL,
    domains          text[] NOT NULL DEFAULT '{}',
    target_trainees  integer NOT NULL DEFAULT 0 CHECK (target_trainees >= 0),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    version          integer NOT NULL DEFAULT 1,
    CHECK (ends_on >= starts_on)
);

CREATE TABLE programme_partner (
    programme_id  uuid NOT NULL REFERENCES programme (id) ON DELETE CASCADE,
    partner_id    uuid NOT NULL REFERENCES partner (id) ON DELETE RESTRICT,
    PRIMARY KEY (programme_id, partner_id)
);

-- Catalogue ------------------------------------------------------------------------------

CREATE TABLE course (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code             text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
    title_fr         text NOT NULL CHECK (length(btrim(title_fr)) > 0),
    title_en         text NOT NULL CHECK (length(btrim(title_en)) > 0),
    domain           text NOT NULL CHECK (domain ~ '^[a-z0-9_]{2,32}$'),
    hours            integer NOT NULL CHECK (hours > 0 AND hours <= 2000),
    pass_mark        integer NOT NULL DEFAULT 50 CHECK (pass_mark BETWEEN 0 AND 100),
    min_attendance   integer NOT NULL DEFAULT 80 CHECK (min_attendance BETWEEN 0 AND 100),
    validity_months  integer CHECK (validity_months > 0),
    programme_id     uuid REFERENCES programme (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    version          integer NOT NULL DEFAULT 1
);

CREATE TABLE course_module (
    course_id  uuid NOT NULL REFERENCES course (id) ON DELETE CASCADE,
    position   integer NOT NULL CHECK (position > 0),
    title_fr   text NOT NULL CHECK (length(btrim(title_fr)) > 0),
    title_en   text NOT NULL CHECK (length(btrim(title_en)) > 0),
    hours      integer NOT NULL DEFAULT 0 CHECK (hours >= 0),
    PRIMARY KEY (course_id, position)
);

CREATE TABLE course_prerequisite (
    course_id        uuid NOT NULL REFERENCES course (id) ON DELETE CASCADE,
    prerequisite_id  uuid NOT NULL REFERENCES course (id) ON DELETE RESTRICT,
    PRIMARY KEY (course_id, prerequisite_id),
    CHECK (course_id <> prerequisite_id)
);

-- Accounts -------------------------------------------------------------------------------

CREATE TABLE app_user (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    username       text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
    display_name   text NOT NULL CHECK (length(btrim(display_name)) > 0),
    email          text CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    role           text NOT NULL CHECK (role IN ('admin', 'hr', 'trainer', 'viewer')),
    partner_id     uuid REFERENCES partner (id) ON DELETE RESTRICT,
    password_hash  text,
    active         boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    version        integer NOT NULL DEFAULT 1,
    CHECK (role = 'trainer' OR partner_id IS NULL)
);
CREATE UNIQUE INDEX app_user_username_key ON app_user (username);

CREATE TABLE api_token (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    name          text NOT NULL CHECK (length(btrim(name)) > 0),
    token_hash    bytea NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    last_used_at  timestamptz
);
CREATE INDEX api_token_user_idx ON api_token (user_id);

CREATE TABLE web_session (
    token_hash  bytea PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    csrf_token  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX web_session_user_idx ON web_session (user_id);

CREATE TABLE login_failure (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username  text NOT NULL,
    address   text NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failure_username_idx ON login_failure (username, at);
CREATE INDEX login_failure_address_idx ON login_failure (address, at);

-- Delivery -------------------------------------------------------------------------------

CREATE TABLE training_session (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code                text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,39}$'),
    course_id           uuid NOT NULL REFERENCES course (id) ON DELETE RESTRICT,
    partner_id          uuid NOT NULL REFERENCES partner (id) ON DELETE RESTRICT,
    programme_id        uuid REFERENCES programme (id) ON DELETE SET NULL,
    starts_on           date NOT NULL,
    ends_on             date NOT NULL,
    mode                text NOT NULL CHECK (mode IN ('in_person', 'online', 'hybrid')),
    city                text,
    country             text CHECK (country ~ '^[A-Z]{2}$'),
    capacity            integer NOT NULL CHECK (capacity > 0 AND capacity <= 10000),
    enrolment_deadline  date,
    status              text NOT NULL DEFAULT 'planned'
                        CHECK (status IN ('planned', 'open', 'in_progress', 'completed', 'cancelled')),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    version             integer NOT NULL DEFAULT 1,
    CHECK (ends_on >= starts_on),
    CHECK (enrolment_deadline IS NULL OR enrolment_deadline <= ends_on),
    CHECK (mode = 'online' OR (city IS NOT NULL AND country IS NOT NULL))
);
CREATE INDEX training_session_course_idx ON training_session (course_id);
CREATE INDEX training_session_dates_idx ON training_session (starts_on, ends_on);

CREATE TABLE session_trainer (
    session_id  uuid NOT NULL REFERENCES training_session (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    PRIMARY KEY (session_id, user_id)
);
CREATE INDEX session_trainer_user_idx ON session_trainer (user_id);

-- Enrolment ------------------------------------------------------------------------------

CREATE TABLE enrolment (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id         uuid NOT NULL REFERENCES training_session (id) ON DELETE RESTRICT,
    trainee_id         uuid NOT NULL REFERENCES trainee (id) ON DELETE RESTRICT,
    status             text NOT NULL CHECK (status IN ('nominated', 'approved', 'enrolled', 'waitlisted',
                           'completed', 'failed', 'withdrawn', 'rejected', 'no_show')),
    -- Arrival order on the waitlist: 1 is promoted first.
    waitlist_position  integer CHECK (waitlist_position > 0),
    -- The session's dates, copied so that overlaps can be refused by an exclusion constraint.
    period             daterange NOT NULL,
    -- Set when an admin allowed an overlap or a missing prerequisite; the reason is in the history.
    override_reason    text,
    requested_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    version            integer NOT NULL DEFAULT 1,
    UNIQUE (session_id, trainee_id),
    CHECK ((status = 'waitlisted') = (waitlist_position IS NOT NULL)),
    EXCLUDE USING gist (trainee_id WITH =, period WITH &&)
        WHERE (status IN ('approved', 'enrolled', 'waitlisted', 'completed') AND override_reason IS NULL)
);
-- Waitlist positions are distinct per session; deferred so that a promotion can renumber them.
ALTER TABLE enrolment ADD CONSTRAINT enrolment_waitlist_position_excl
    EXCLUDE USING gist (session_id WITH =, waitlist_position WITH =)
    WHERE (waitlist_position IS NOT NULL) DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX enrolment_trainee_idx ON enrolment (trainee_id);
CREATE INDEX enrolment_session_status_idx ON enrolment (session_id, status);

CREATE TABLE enrolment_event (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enrolment_id  uuid NOT NULL REFERENCES enrolment (id) ON DELETE RESTRICT,
    from_status   text,
    to_status     text NOT NULL,
    actor         text NOT NULL,
    reason        text,
    at            timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX enrolment_event_enrolment_idx ON enrolment_event (enrolment_id, id);

CREATE TABLE attendance (
    enrolment_id  uuid NOT NULL REFERENCES enrolment (id) ON DELETE RESTRICT,
    day           date NOT NULL,
    status        text NOT NULL CHECK (status IN ('present', 'absent', 'excused')),
    recorded_by   text NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (enrolment_id, day)
);

CREATE TABLE assessment (
    enrolment_id  uuid NOT NULL REFERENCES enrolment (id) ON DELETE RESTRICT,
    kind          text NOT NULL CHECK (kind IN ('pre', 'post')),
    score         numeric(5, 2) NOT NULL CHECK (score BETWEEN 0 AND 100),
    recorded_by   text NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (enrolment_id, kind)
);

-- Certificates ---------------------------------------------------------------------------

CREATE TABLE certificate_serial_counter (
    prefix       text NOT NULL,
    year         integer NOT NULL,
    last_number  integer NOT NULL DEFAULT 0,
    PRIMARY KEY (prefix, year)
);

CREATE TABLE signing_key (
    id                    text PRIMARY KEY,
    public_key_multibase  text NOT NULL UNIQUE,
    created_at            timestamptz NOT NULL DEFAULT now(),
    retired_at            timestamptz
);

CREATE TABLE certificate (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    enrolment_id    uuid NOT NULL UNIQUE REFERENCES enrolment (id) ON DELETE RESTRICT,
    serial          text NOT NULL UNIQUE,
    issued_on       date NOT NULL,
    expires_on      date,
    credential      jsonb NOT NULL,
    signing_key_id  text NOT NULL REFERENCES signing_key (id),
    revoked_at      timestamptz,
    revoked_by      text,
    revoked_reason  text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL)),
    CHECK (revoked_reason IS NULL OR length(btrim(revoked_reason)) > 0),
    CHECK (expires_on IS NULL OR expires_on > issued_on)
);

-- API idempotency ------------------------------------------------------------------------

CREATE TABLE idempotency_key (
    key            text NOT NULL,
    principal      text NOT NULL,
    method         text NOT NULL,
    path           text NOT NULL,
    request_hash   bytea NOT NULL,
    status         integer,
    headers        jsonb,
    body           bytea,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, key)
);

-- Audit log ------------------------------------------------------------------------------

CREATE TABLE audit_event (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor      text NOT NULL,
    source     text,
    action     text NOT NULL,
    entity     text NOT NULL,
    entity_id  text,
    before     jsonb,
    after      jsonb
);
CREATE INDEX audit_event_entity_idx ON audit_event (entity, entity_id);

CREATE FUNCTION audit_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % is refused', TG_OP
        USING ERRCODE = '42501';
END;
$$;

CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_is_append_only();
