-- Issue 26: the staff member's own door. A staff member signs in with a one-time code sent to the
-- e-mail or phone of the register (no account, no role), sees their own trainings, applies to the
-- calls HR opens, and answers one anonymous evaluation per session after its last day.

-- Sign-in codes: only a hash is kept (SHA-256 of the person's id and the code), valid minutes,
-- used once, dead after 5 wrong tries. A new code ends the person's earlier ones.
CREATE TABLE staff_sign_in_code (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trainee_id  uuid NOT NULL REFERENCES trainee (id) ON DELETE CASCADE,
    code_hash   bytea NOT NULL CHECK (octet_length(code_hash) = 32),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    failures    integer NOT NULL DEFAULT 0 CHECK (failures BETWEEN 0 AND 5),
    CHECK (expires_at > created_at AND expires_at <= created_at + interval '15 minutes')
);
CREATE INDEX staff_sign_in_code_trainee_idx ON staff_sign_in_code (trainee_id, id DESC);
-- A person signs in with an e-mail in any case as well as a staff number.
CREATE INDEX trainee_email_lower_idx ON trainee (lower(email));

-- Every request for a code, counted per identifier typed (whether or not it names someone: the
-- answer is the same) and per address, before anything is looked up.
CREATE TABLE staff_code_request (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identifier  text NOT NULL CHECK (char_length(identifier) <= 200),
    address     text NOT NULL CHECK (char_length(address) <= 100),
    at          timestamptz NOT NULL
);
CREATE INDEX staff_code_request_identifier_idx ON staff_code_request (identifier, at);
CREATE INDEX staff_code_request_address_idx ON staff_code_request (address, at);

-- Counts a request under the limits, atomically across servers: 0 when counted, else the seconds
-- until the oldest request holding the limit leaves the window. Forgets requests older than a day.
CREATE FUNCTION staff_code_request_count(p_identifier text, p_address text, p_at timestamptz, p_window integer,
                                         p_per_identifier integer, p_per_address integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    since timestamptz := p_at - make_interval(secs => p_window);
    oldest timestamptz;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('kalan.staff.code.identifier'), hashtext(p_identifier));
    PERFORM pg_advisory_xact_lock(hashtext('kalan.staff.code.address'), hashtext(p_address));
    DELETE FROM staff_code_request WHERE at < p_at - interval '1 day';
    SELECT min(at) INTO oldest FROM (SELECT at FROM staff_code_request WHERE identifier = p_identifier AND at > since
                                     ORDER BY at DESC LIMIT p_per_identifier) r HAVING count(*) >= p_per_identifier;
    IF oldest IS NULL THEN
        SELECT min(at) INTO oldest FROM (SELECT at FROM staff_code_request WHERE address = p_address AND at > since
                                         ORDER BY at DESC LIMIT p_per_address) r HAVING count(*) >= p_per_address;
    END IF;
    IF oldest IS NOT NULL THEN
        RETURN greatest(1, ceil(extract(epoch FROM oldest + make_interval(secs => p_window) - p_at))::integer);
    END IF;
    INSERT INTO staff_code_request (identifier, address, at) VALUES (p_identifier, p_address, p_at);
    RETURN 0;
END;
$$;

-- A staff member's browser session: like web_session, but for a person of the register, never an account.
CREATE TABLE staff_session (
    token_hash  bytea PRIMARY KEY,
    trainee_id  uuid NOT NULL REFERENCES trainee (id) ON DELETE CASCADE,
    csrf_token  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX staff_session_trainee_idx ON staff_session (trainee_id);

-- The code goes out through the outbox (a notice of its own, with no session), ahead of the other
-- notices; it stays in the row only until the row leaves the outbox.
ALTER TABLE notice ALTER COLUMN session_id DROP NOT NULL;
ALTER TABLE notice DROP CONSTRAINT notice_kind_check;
ALTER TABLE notice ADD CONSTRAINT notice_kind_check CHECK (kind IN ('nominated', 'enrolled', 'waitlisted', 'promoted', 'rejected', 'withdrawn',
    'passed', 'failed', 'certified', 'revoked', 'session_changed', 'session_cancelled', 'reminder', 'roster', 'roster_changed',
    'abroad_overdue', 'offer_released', 'wallet_code', 'sign_in_code', 'application_declined', 'evaluation_reminder'));
ALTER TABLE notice ADD CONSTRAINT notice_session_check CHECK (session_id IS NOT NULL OR kind = 'sign_in_code');

CREATE FUNCTION notice_forget_code() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.facts := NEW.facts - 'code';
    RETURN NEW;
END;
$$;
CREATE TRIGGER notice_forget_code BEFORE UPDATE OF status ON notice
    FOR EACH ROW WHEN (NEW.kind = 'sign_in_code' AND NEW.status IN ('sent', 'failed')) EXECUTE FUNCTION notice_forget_code();

-- Calls for applicants: HR opens a session to applications, for some departments and categories
-- (none listed: everyone), until a closing date.
CREATE TABLE application_call (
    session_id   uuid PRIMARY KEY REFERENCES training_session (id) ON DELETE CASCADE,
    closes_on    date NOT NULL,
    categories   text[] NOT NULL DEFAULT '{}' CHECK (array_position(categories, NULL) IS NULL),
    opened_by    text NOT NULL,
    opened_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE application_call_department (
    session_id     uuid NOT NULL REFERENCES application_call (session_id) ON DELETE CASCADE,
    department_id  uuid NOT NULL REFERENCES department (id) ON DELETE RESTRICT,
    PRIMARY KEY (session_id, department_id)
);

-- One application per person and call; applying and withdrawing only on or before the closing
-- date (the days are the application's clock's, checked here against the call).
CREATE TABLE application (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id    uuid NOT NULL REFERENCES application_call (session_id) ON DELETE CASCADE,
    trainee_id    uuid NOT NULL REFERENCES trainee (id) ON DELETE RESTRICT,
    motivation    text NOT NULL CHECK (length(btrim(motivation)) > 0 AND char_length(motivation) <= 1000),
    status        text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'withdrawn', 'accepted', 'declined')),
    applied_on    date NOT NULL,
    withdrawn_on  date,
    decided_at    timestamptz,
    decided_by    text,
    reason        text CHECK (char_length(reason) <= 500),
    enrolment_id  uuid REFERENCES enrolment (id) ON DELETE SET NULL,
    UNIQUE (session_id, trainee_id),
    CHECK ((status = 'withdrawn') = (withdrawn_on IS NOT NULL)),
    CHECK ((status IN ('accepted', 'declined')) = (decided_at IS NOT NULL))
);

CREATE FUNCTION application_within_call() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    closes date;
BEGIN
    SELECT closes_on INTO closes FROM application_call WHERE session_id = NEW.session_id;
    IF TG_OP = 'INSERT' AND NEW.applied_on > closes THEN
        RAISE EXCEPTION 'the call closed on %', closes USING ERRCODE = 'check_violation', CONSTRAINT = 'application_closed';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.status = 'withdrawn' AND OLD.status <> 'withdrawn' THEN
        IF OLD.status <> 'submitted' OR NEW.withdrawn_on > closes THEN
            RAISE EXCEPTION 'the call closed on %', closes USING ERRCODE = 'check_violation', CONSTRAINT = 'application_closed';
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status IN ('withdrawn', 'accepted', 'declined') AND NEW.status <> OLD.status THEN
        RAISE EXCEPTION 'application already %', OLD.status USING ERRCODE = 'check_violation', CONSTRAINT = 'application_final';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER application_within_call BEFORE INSERT OR UPDATE ON application
    FOR EACH ROW EXECUTE FUNCTION application_within_call();

-- A declined application is told to the person (an accepted one is told by its enrolment's notice).
CREATE FUNCTION notice_on_application() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    t record;
    f jsonb;
BEGIN
    SELECT tr.given_name || ' ' || tr.family_name AS name, tr.email, tr.phone, tr.notice_language, tr.notices_off, tr.staff_number,
           tr.given_name, tr.family_name
      INTO t FROM trainee tr WHERE tr.id = NEW.trainee_id;
    IF t.notices_off THEN
        RETURN NULL;
    END IF;
    SELECT jsonb_build_object('staff_number', t.staff_number, 'given_name', t.given_name, 'family_name', t.family_name,
               'session', s.code, 'course_fr', c.title_fr, 'course_en', c.title_en, 'starts_on', s.starts_on, 'ends_on', s.ends_on,
               'mode', s.mode, 'city', s.city, 'country', s.country, 'partner', p.name, 'sequence', s.notice_sequence, 'reason', NEW.reason)
      INTO f FROM training_session s JOIN course c ON c.id = s.course_id JOIN partner p ON p.id = s.partner_id WHERE s.id = NEW.session_id;
    IF t.email IS NOT NULL THEN
        INSERT INTO notice (kind, recipient, channel, address, recipient_name, language, session_id, trainee_id, facts)
        VALUES ('application_declined', 'trainee', 'email', t.email, t.name, t.notice_language, NEW.session_id, NEW.trainee_id, f);
    END IF;
    IF t.phone IS NOT NULL THEN
        INSERT INTO notice (kind, recipient, channel, address, recipient_name, language, session_id, trainee_id, facts)
        VALUES ('application_declined', 'trainee', 'sms', t.phone, t.name, t.notice_language, NEW.session_id, NEW.trainee_id, f);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER notice_application AFTER UPDATE OF status ON application
    FOR EACH ROW WHEN (NEW.status = 'declined' AND OLD.status <> 'declined') EXECUTE FUNCTION notice_on_application();

-- Evaluations, anonymous: `evaluation_answered` says who answered (once per enrolment, so once
-- per participant and session), `evaluation` keeps the answers with the session only: no person,
-- no time, a random id; nothing a reader can join back to a person.
CREATE TABLE evaluation_answered (
    enrolment_id  uuid PRIMARY KEY REFERENCES enrolment (id) ON DELETE CASCADE,
    answered_on   date NOT NULL
);

CREATE TABLE evaluation (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id    uuid NOT NULL REFERENCES training_session (id) ON DELETE CASCADE,
    content       smallint NOT NULL CHECK (content BETWEEN 1 AND 5),
    trainer       smallint NOT NULL CHECK (trainer BETWEEN 1 AND 5),
    organisation  smallint NOT NULL CHECK (organisation BETWEEN 1 AND 5),
    usefulness    smallint NOT NULL CHECK (usefulness BETWEEN 1 AND 5),
    comment       text CHECK (length(btrim(comment)) > 0 AND char_length(comment) <= 1000)
);
CREATE INDEX evaluation_session_idx ON evaluation (session_id);

-- Only a participant (a seat held to the end), only after the session's last day.
CREATE FUNCTION evaluation_answered_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    e record;
BEGIN
    SELECT en.status, s.ends_on, s.status AS session_status INTO e
      FROM enrolment en JOIN training_session s ON s.id = en.session_id WHERE en.id = NEW.enrolment_id;
    IF e.status NOT IN ('enrolled', 'completed', 'failed') OR e.session_status = 'cancelled' THEN
        RAISE EXCEPTION 'not a participant' USING ERRCODE = 'check_violation', CONSTRAINT = 'evaluation_participant';
    END IF;
    IF NEW.answered_on <= e.ends_on THEN
        RAISE EXCEPTION 'the session ends on %', e.ends_on USING ERRCODE = 'check_violation', CONSTRAINT = 'evaluation_after_last_day';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER evaluation_answered_check BEFORE INSERT ON evaluation_answered
    FOR EACH ROW EXECUTE FUNCTION evaluation_answered_check();

-- Never more answers than people who answered, per session (the answers come with their "answered").
CREATE FUNCTION evaluation_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM evaluation WHERE session_id = NEW.session_id)
       > (SELECT count(*) FROM evaluation_answered a JOIN enrolment e ON e.id = a.enrolment_id WHERE e.session_id = NEW.session_id) THEN
        RAISE EXCEPTION 'an answer without its participant' USING ERRCODE = 'check_violation', CONSTRAINT = 'evaluation_once';
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER evaluation_counted AFTER INSERT ON evaluation
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION evaluation_counted();

-- The evaluation reminder: the day after the last day (up to two weeks on), once per participant
-- who has not answered, to the person only.
CREATE FUNCTION notice_schedule_evaluation_reminders(p_today date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    n integer := 0;
    r record;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('kalan.notice.evaluations')) THEN
        RETURN 0;
    END IF;
    FOR r IN SELECT e.id, e.session_id, e.trainee_id, t.given_name || ' ' || t.family_name AS name, t.email, t.phone, t.notice_language
             FROM enrolment e JOIN training_session s ON s.id = e.session_id JOIN trainee t ON t.id = e.trainee_id
             WHERE e.status IN ('enrolled', 'completed', 'failed') AND s.status <> 'cancelled'
               AND s.ends_on < p_today AND s.ends_on >= p_today - 14 AND NOT t.notices_off
               AND NOT EXISTS (SELECT 1 FROM evaluation_answered a WHERE a.enrolment_id = e.id)
               AND NOT EXISTS (SELECT 1 FROM notice x WHERE x.enrolment_id = e.id AND x.kind = 'evaluation_reminder') LOOP
        IF r.email IS NOT NULL THEN
            INSERT INTO notice (kind, recipient, channel, address, recipient_name, language, session_id, enrolment_id, trainee_id, facts)
            VALUES ('evaluation_reminder', 'trainee', 'email', r.email, r.name, r.notice_language, r.session_id, r.id, r.trainee_id, notice_facts(r.id));
            n := n + 1;
        END IF;
        IF r.phone IS NOT NULL THEN
            INSERT INTO notice (kind, recipient, channel, address, recipient_name, language, session_id, enrolment_id, trainee_id, facts)
            VALUES ('evaluation_reminder', 'trainee', 'sms', r.phone, r.name, r.notice_language, r.session_id, r.id, r.trainee_id, notice_facts(r.id));
            n := n + 1;
        END IF;
    END LOOP;
    RETURN n;
END;
$$;
