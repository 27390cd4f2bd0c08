-- Issue 27: the notices of cooperation, written in the outbox of 0016_notices.sql.
--
-- offer_released: when an offer is released (its unused places go to the general waitlist), the
-- head of each department whose share kept unused places is told how many, in the release's
-- transaction. abroad_overdue: once a file abroad is overdue (the expected return passed, no
-- resumption of duty), the head of the person's department and every active HR account with an
-- e-mail are told, once per file (overdue_notice_at); an extension makes a new overdue day, told again.

ALTER TABLE notice DROP CONSTRAINT notice_kind_check;
ALTER TABLE notice ADD CONSTRAINT notice_kind_check CHECK (kind IN ('nominated', 'enrolled', 'waitlisted', 'promoted', 'rejected', 'withdrawn',
    'passed', 'failed', 'certified', 'revoked', 'session_changed', 'session_cancelled', 'reminder', 'roster', 'roster_changed',
    'abroad_overdue', 'offer_released'));
ALTER TABLE notice DROP CONSTRAINT notice_recipient_check;
ALTER TABLE notice ADD CONSTRAINT notice_recipient_check CHECK (recipient IN ('trainee', 'head', 'trainer', 'hr'));

ALTER TABLE abroad_file ADD COLUMN overdue_notice_at timestamptz;

-- The heads of the departments whose share of the offer kept unused places; the facts are those
-- of the offer's first session (a notice belongs to a session), with the offer and the places.
CREATE FUNCTION notice_on_offer_release() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s record;
    r record;
    f jsonb;
BEGIN
    SELECT ts.id, ts.code, ts.starts_on, ts.ends_on, ts.mode, ts.city, ts.country, ts.notice_sequence, c.title_fr, c.title_en, p.name AS partner
    INTO s
    FROM training_session ts JOIN course c ON c.id = ts.course_id JOIN partner p ON p.id = ts.partner_id
    WHERE ts.offer_id = NEW.id ORDER BY ts.starts_on, ts.code LIMIT 1;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    FOR r IN SELECT d.contact_name, d.contact_email, d.contact_phone,
                    x.places - (SELECT count(*) FROM enrolment e JOIN training_session es ON es.id = e.session_id JOIN trainee t ON t.id = e.trainee_id
                                WHERE es.offer_id = NEW.id AND t.department_id = x.department_id AND e.status NOT IN ('rejected', 'withdrawn')) AS free
             FROM offer_share x JOIN department d ON d.id = x.department_id WHERE x.offer_id = NEW.id ORDER BY d.code LOOP
        CONTINUE WHEN r.free <= 0;
        f := jsonb_build_object('session', s.code, 'course_fr', s.title_fr, 'course_en', s.title_en, 'starts_on', s.starts_on, 'ends_on', s.ends_on,
            'mode', s.mode, 'city', s.city, 'country', s.country, 'partner', s.partner, 'sequence', s.notice_sequence, 'offer', NEW.code, 'places', r.free);
        IF r.contact_email IS NOT NULL THEN
            INSERT INTO notice (kind, recipient, channel, address, recipient_name, session_id, facts)
            VALUES ('offer_released', 'head', 'email', r.contact_email, coalesce(r.contact_name, r.contact_email), s.id, f);
        END IF;
        IF r.contact_phone IS NOT NULL THEN
            INSERT INTO notice (kind, recipient, channel, address, recipient_name, session_id, facts)
            VALUES ('offer_released', 'head', 'sms', r.contact_phone, coalesce(r.contact_name, r.contact_phone), s.id, f);
        END IF;
    END LOOP;
    RETURN NULL;
END;
$$;
CREATE TRIGGER notice_offer_release AFTER UPDATE OF released_at ON offer
    FOR EACH ROW WHEN (OLD.released_at IS NULL AND NEW.released_at IS NOT NULL) EXECUTE FUNCTION notice_on_offer_release();

-- The files overdue on p_today and not yet told; kalan serve's cooperation service calls it. One
-- caller at a time: the others find the files told.
CREATE FUNCTION notice_schedule_overdue(p_today date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    n integer := 0;
    k integer;
    r record;
    f jsonb;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('kalan.notice.overdue')) THEN
        RETURN 0;
    END IF;
    FOR r IN SELECT a.id, a.enrolment_id, e.session_id, e.trainee_id, d.contact_name, d.contact_email, d.contact_phone,
                    coalesce((SELECT x.returns_on FROM abroad_extension x WHERE x.file_id = a.id ORDER BY x.id DESC LIMIT 1), a.returns_on) AS due_on
             FROM abroad_file a JOIN enrolment e ON e.id = a.enrolment_id JOIN trainee t ON t.id = e.trainee_id
             LEFT JOIN department d ON d.id = t.department_id
             WHERE a.resumed_on IS NULL AND a.overdue_notice_at IS NULL LOOP
        CONTINUE WHEN r.due_on >= p_today;
        f := notice_facts(r.enrolment_id) || jsonb_build_object('due_on', r.due_on);
        IF r.contact_email IS NOT NULL THEN
            INSERT INTO notice (kind, recipient, channel, address, recipient_name, session_id, enrolment_id, trainee_id, facts)
            VALUES ('abroad_overdue', 'head', 'email', r.contact_email, coalesce(r.contact_name, r.contact_email), r.session_id, r.enrolment_id, r.trainee_id, f);
            n := n + 1;
        END IF;
        IF r.contact_phone IS NOT NULL THEN
            INSERT INTO notice (kind, recipient, channel, address, recipient_name, session_id, enrolment_id, trainee_id, facts)
            VALUES ('abroad_overdue', 'head', 'sms', r.contact_phone, coalesce(r.contact_name, r.contact_phone), r.session_id, r.enrolment_id, r.trainee_id, f);
            n := n + 1;
        END IF;
        INSERT INTO notice (kind, recipient, channel, address, recipient_name, session_id, enrolment_id, trainee_id, facts)
        SELECT 'abroad_overdue', 'hr', 'email', u.email, u.display_name, r.session_id, r.enrolment_id, r.trainee_id, f
        FROM app_user u WHERE u.role = 'hr' AND u.active AND u.email IS NOT NULL ORDER BY u.username;
        GET DIAGNOSTICS k = ROW_COUNT;
        n := n + k;
        UPDATE abroad_file SET overdue_notice_at = now() WHERE id = r.id;
    END LOOP;
    RETURN n;
END;
$$;

-- An extension sets a new expected return: overdue again past it, told again.
CREATE FUNCTION abroad_extension_renews_notice() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE abroad_file SET overdue_notice_at = NULL WHERE id = NEW.file_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER abroad_extension_renews_notice AFTER INSERT ON abroad_extension
    FOR EACH ROW EXECUTE FUNCTION abroad_extension_renews_notice();
