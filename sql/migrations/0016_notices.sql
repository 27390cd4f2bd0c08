-- Issue 24: the people named in a decision hear about it (e-mail, SMS).
--
-- The outbox: one `notice` row per recipient and channel, written by triggers in the transaction
-- that records the decision (an enrolment step, a certificate issued or revoked, a session's dates,
-- place or cancellation), so that every path that decides (pages, API, CLI, imports, results
-- closing) writes its notices and no notice exists without its decision. Senders claim due rows
-- (FOR UPDATE SKIP LOCKED) and render the words from the catalogue in the row's language; the
-- row keeps the facts as they were decided (`facts`), so a later change does not reword it.

-- The head of a department: who receives a copy of the decisions about its staff.
ALTER TABLE department
    ADD COLUMN contact_name  text CHECK (length(btrim(contact_name)) > 0 AND char_length(contact_name) <= 200),
    ADD COLUMN contact_email text CHECK (contact_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' AND char_length(contact_email) <= 200),
    ADD COLUMN contact_phone text CHECK (contact_phone ~ '^\+?[0-9 ().-]{6,24}$' AND char_length(contact_phone) <= 24);

-- A staff member's notices: in which language, or none at all.
ALTER TABLE trainee
    ADD COLUMN notice_language text NOT NULL DEFAULT 'fr' CHECK (notice_language IN ('fr', 'en')),
    ADD COLUMN notices_off boolean NOT NULL DEFAULT false;

-- The calendar invitation's SEQUENCE (RFC 5545): bumped when the dates, place or status change.
ALTER TABLE training_session ADD COLUMN notice_sequence integer NOT NULL DEFAULT 0;

CREATE TABLE notice (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('nominated', 'enrolled', 'waitlisted', 'promoted', 'rejected', 'withdrawn',
                         'passed', 'failed', 'certified', 'revoked', 'session_changed', 'session_cancelled', 'reminder',
                         'roster', 'roster_changed')),
    recipient        text NOT NULL CHECK (recipient IN ('trainee', 'head', 'trainer')),
    channel          text NOT NULL CHECK (channel IN ('email', 'sms', 'none')),
    address          text,
    recipient_name   text NOT NULL,
    language         text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
    session_id       uuid NOT NULL REFERENCES training_session (id) ON DELETE RESTRICT,
    enrolment_id     uuid REFERENCES enrolment (id) ON DELETE RESTRICT,
    trainee_id       uuid REFERENCES trainee (id) ON DELETE RESTRICT,
    facts            jsonb NOT NULL,
    -- pending → sending (claimed) → sent; failed after the give-up time; unreachable: no address at all.
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unreachable')),
    attempts         integer NOT NULL DEFAULT 0,
    -- The give-up time counts from the first try, not from the decision (notices wait while nothing is configured).
    first_attempt_at timestamptz,
    next_attempt_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    claimed_until    timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    sent_at          timestamptz,
    CHECK ((channel = 'none') = (address IS NULL)),
    CHECK ((status = 'unreachable') = (channel = 'none'))
);
CREATE INDEX notice_due_idx ON notice (next_attempt_at, id) WHERE status IN ('pending', 'sending');
CREATE INDEX notice_session_idx ON notice (session_id, id);
CREATE INDEX notice_trainee_idx ON notice (trainee_id, id);
CREATE INDEX notice_enrolment_idx ON notice (enrolment_id, kind);

-- What a notice about an enrolment says, as it is now: the person, the session, the seat.
CREATE FUNCTION notice_facts(p_enrolment uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'staff_number', t.staff_number, 'given_name', t.given_name, 'family_name', t.family_name,
        'session', s.code, 'course_fr', c.title_fr, 'course_en', c.title_en, 'starts_on', s.starts_on, 'ends_on', s.ends_on,
        'mode', s.mode, 'city', s.city, 'country', s.country, 'partner', p.name, 'status', e.status,
        'waitlist_position', e.waitlist_position, 'sequence', s.notice_sequence, 'enrolment', e.id)
    FROM enrolment e JOIN trainee t ON t.id = e.trainee_id JOIN training_session s ON s.id = e.session_id
    JOIN course c ON c.id = s.course_id JOIN partner p ON p.id = s.partner_id
    WHERE e.id = p_enrolment
$$;

-- The notices of one decision about one enrolment: the staff member (e-mail and SMS, or one
-- 'unreachable' line for HR), a copy to the head of their department, and, from two days before
-- the first day, the session's trainers (roster changes).
CREATE FUNCTION notice_enqueue(p_kind text, p_enrolment uuid, p_extra jsonb, p_trainers boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    f jsonb := notice_facts(p_enrolment) || coalesce(p_extra, '{}'::jsonb);
    e record;
    u record;
BEGIN
    SELECT en.session_id, en.trainee_id, t.given_name || ' ' || t.family_name AS name, t.email, t.phone, t.notice_language,
           t.notices_off, d.contact_name, d.contact_email, d.contact_phone, s.starts_on, s.ends_on
      INTO e
      FROM enrolment en JOIN trainee t ON t.id = en.trainee_id LEFT JOIN department d ON d.id = t.department_id
      JOIN training_session s ON s.id = en.session_id
     WHERE en.id = p_enrolment;
    IF NOT e.notices_off THEN
        IF e.email IS NOT NULL THEN
            INSERT INTO notice (kind, recipient, channel, address, recipient_name, language, session_id, enrolment_id, trainee_id, facts)
            VALUES (p_kind, 'trainee', 'email', e.email, e.name, e.notice_language, e.session_id, p_enrolment, e.trainee_id, f);
        END IF;
        IF e.phone IS NOT NULL THEN
            INSERT INTO notice (kind, recipient, channel, address, recipient_name, language, session_id, enrolment_id, trainee_id, facts)
            VALUES (p_kind, 'trainee', 'sms', e.phone, e.name, e.notice_language, e.session_id, p_enrolment, e.trainee_id, f);
        END IF;
        IF e.email IS NULL AND e.phone IS NULL THEN
            INSERT INTO notice (kind, recipient, channel, address, recipient_name, language, session_id, enrolment_id, trainee_id, facts, status)
            VALUES (p_kind, 'trainee', 'none', NULL, e.name, e.notice_language, e.session_id, p_enrolment, e.trainee_id, f, 'unreachable');
        END IF;
    END IF;
    IF p_kind NOT IN ('reminder') THEN
        IF e.contact_email IS NOT NULL THEN
            INSERT INTO notice (kind, recipient, channel, address, recipient_name, session_id, enrolment_id, trainee_id, facts)
            VALUES (p_kind, 'head', 'email', e.contact_email, coalesce(e.contact_name, e.contact_email), e.session_id, p_enrolment, e.trainee_id, f);
        END IF;
        IF e.contact_phone IS NOT NULL THEN
            INSERT INTO notice (kind, recipient, channel, address, recipient_name, session_id, enrolment_id, trainee_id, facts)
            VALUES (p_kind, 'head', 'sms', e.contact_phone, coalesce(e.contact_name, e.contact_phone), e.session_id, p_enrolment, e.trainee_id, f);
        END IF;
    END IF;
    IF p_trainers AND e.starts_on <= current_date + 2 AND e.ends_on >= current_date THEN
        FOR u IN SELECT a.display_name, a.email FROM session_trainer st JOIN app_user a ON a.id = st.user_id
                 WHERE st.session_id = e.session_id AND a.active AND a.email IS NOT NULL LOOP
            INSERT INTO notice (kind, recipient, channel, address, recipient_name, session_id, enrolment_id, trainee_id, facts)
            VALUES ('roster_changed', 'trainer', 'email', u.email, u.display_name, e.session_id, p_enrolment, e.trainee_id, f || jsonb_build_object('change', p_kind));
        END LOOP;
    END IF;
END;
$$;

-- An enrolment step: at commit (deferred), and only for the transaction's last step of the
-- enrolment, so that HR's one-step enrolment (nominated, approved, enrolled) sends one notice.
CREATE FUNCTION notice_on_enrolment_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k text;
BEGIN
    IF EXISTS (SELECT 1 FROM enrolment_event v WHERE v.enrolment_id = NEW.enrolment_id AND v.id > NEW.id) THEN
        RETURN NULL;
    END IF;
    k := CASE NEW.to_status
        WHEN 'nominated' THEN 'nominated'
        WHEN 'enrolled' THEN CASE WHEN NEW.from_status = 'waitlisted' THEN 'promoted'
                                  WHEN NEW.from_status IN ('completed', 'failed') THEN NULL ELSE 'enrolled' END
        WHEN 'waitlisted' THEN 'waitlisted'
        WHEN 'rejected' THEN 'rejected'
        WHEN 'withdrawn' THEN 'withdrawn'
        WHEN 'completed' THEN 'passed'
        WHEN 'failed' THEN 'failed'
        ELSE NULL END;
    IF k IS NOT NULL THEN
        PERFORM notice_enqueue(k, NEW.enrolment_id,
            jsonb_build_object('reason', CASE WHEN k IN ('rejected', 'withdrawn') THEN NEW.reason END),
            k IN ('enrolled', 'promoted', 'withdrawn', 'rejected'));
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER notice_enrolment_event AFTER INSERT ON enrolment_event
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION notice_on_enrolment_event();

-- A certificate issued, or revoked (with its reason).
CREATE FUNCTION notice_on_certificate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM notice_enqueue('certified', NEW.enrolment_id, jsonb_build_object('serial', NEW.serial), false);
    ELSIF OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL THEN
        PERFORM notice_enqueue('revoked', NEW.enrolment_id, jsonb_build_object('serial', NEW.serial, 'reason', NEW.revoked_reason), false);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER notice_certificate AFTER INSERT OR UPDATE OF revoked_at ON certificate
    FOR EACH ROW EXECUTE FUNCTION notice_on_certificate();

-- A session's dates, place or cancellation: a new SEQUENCE, and a notice to everyone who holds or awaits a seat.
CREATE FUNCTION notice_session_sequence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.starts_on, NEW.ends_on, NEW.mode, NEW.city, NEW.country) IS DISTINCT FROM (OLD.starts_on, OLD.ends_on, OLD.mode, OLD.city, OLD.country)
       OR (NEW.status = 'cancelled' AND OLD.status <> 'cancelled') THEN
        NEW.notice_sequence := OLD.notice_sequence + 1;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER notice_session_sequence BEFORE UPDATE ON training_session
    FOR EACH ROW EXECUTE FUNCTION notice_session_sequence();

CREATE FUNCTION notice_on_session() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k text;
    en record;
BEGIN
    IF NEW.status = 'cancelled' AND OLD.status <> 'cancelled' THEN
        k := 'session_cancelled';
    ELSIF NEW.notice_sequence <> OLD.notice_sequence THEN
        k := 'session_changed';
    ELSE
        RETURN NULL;
    END IF;
    FOR en IN SELECT id FROM enrolment WHERE session_id = NEW.id AND status IN ('nominated', 'approved', 'enrolled', 'waitlisted') ORDER BY id LOOP
        PERFORM notice_enqueue(k, en.id, jsonb_build_object('was_starts_on', OLD.starts_on, 'was_ends_on', OLD.ends_on), false);
    END LOOP;
    RETURN NULL;
END;
$$;

CREATE TRIGGER notice_session AFTER UPDATE ON training_session
    FOR EACH ROW EXECUTE FUNCTION notice_on_session();

-- The reminders two days before the first day: one per seat holder and one roster per trainer,
-- once (the senders call this before claiming; several at once write each reminder once).
CREATE FUNCTION notice_schedule_reminders(p_today date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    n integer := 0;
    r record;
BEGIN
    -- One scheduler at a time: the others find the reminders written.
    IF NOT pg_try_advisory_xact_lock(hashtext('kalan.notice.reminders')) THEN
        RETURN 0;
    END IF;
    FOR r IN SELECT e.id FROM enrolment e JOIN training_session s ON s.id = e.session_id
             WHERE e.status = 'enrolled' AND s.status IN ('planned', 'open', 'in_progress')
               AND s.starts_on BETWEEN p_today AND p_today + 2
               AND NOT EXISTS (SELECT 1 FROM notice x WHERE x.enrolment_id = e.id AND x.kind = 'reminder') LOOP
        PERFORM notice_enqueue('reminder', r.id, '{}'::jsonb, false);
        n := n + 1;
    END LOOP;
    FOR r IN SELECT s.id, s.code, s.starts_on, s.ends_on, s.mode, s.city, s.country, c.title_fr, c.title_en, p.name AS partner,
                    a.display_name, a.email, s.notice_sequence
             FROM training_session s JOIN course c ON c.id = s.course_id JOIN partner p ON p.id = s.partner_id
             JOIN session_trainer st ON st.session_id = s.id JOIN app_user a ON a.id = st.user_id
             WHERE s.status IN ('planned', 'open', 'in_progress') AND s.starts_on BETWEEN p_today AND p_today + 2
               AND a.active AND a.email IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM notice x WHERE x.session_id = s.id AND x.kind = 'roster' AND x.address = a.email) LOOP
        INSERT INTO notice (kind, recipient, channel, address, recipient_name, session_id, facts)
        VALUES ('roster', 'trainer', 'email', r.email, r.display_name, r.id,
                jsonb_build_object('session', r.code, 'course_fr', r.title_fr, 'course_en', r.title_en, 'starts_on', r.starts_on,
                    'ends_on', r.ends_on, 'mode', r.mode, 'city', r.city, 'country', r.country, 'partner', r.partner,
                    'sequence', r.notice_sequence,
                    'roster', (SELECT coalesce(jsonb_agg(t.given_name || ' ' || t.family_name || ' (' || t.staff_number || ')'
                                                   ORDER BY t.family_name, t.given_name), '[]'::jsonb)
                               FROM enrolment e JOIN trainee t ON t.id = e.trainee_id WHERE e.session_id = r.id AND e.status = 'enrolled')));
        n := n + 1;
    END LOOP;
    RETURN n;
END;
$$;
