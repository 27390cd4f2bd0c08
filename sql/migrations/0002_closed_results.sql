-- Rule 4 in the database: closed results are locked, and attendance sheets carry a version.
--
-- Attendance and scores of an enrolment that is completed or failed cannot be inserted, changed
-- or deleted, whoever writes them: the trigger raises SQLSTATE KL001 with constraint
-- `results_closed` and, as detail, "<staff number> <given name> <family name>". Reopening
-- (HR or an admin, with a reason) moves the enrolment back to enrolled first.
--
-- Every change of a mark raises the revision of its session's sheet for that day, and the mark
-- keeps the revision it was written at: a form read at revision R was overtaken by exactly the
-- marks whose revision is above R.

CREATE TABLE attendance_sheet (
    session_id  uuid NOT NULL REFERENCES training_session (id) ON DELETE CASCADE,
    day         date NOT NULL,
    revision    bigint NOT NULL DEFAULT 0 CHECK (revision >= 0),
    PRIMARY KEY (session_id, day)
);

ALTER TABLE attendance ADD COLUMN revision bigint NOT NULL DEFAULT 0;

-- Refuses the change when the enrolment's results are closed; locks the enrolment row (FOR SHARE)
-- so that closing waits for a change under way, and a change waits for a close under way.
CREATE FUNCTION refuse_closed_results(target uuid, operation text, tbl text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    current  text;
    who      text;
BEGIN
    SELECT e.status, t.staff_number || ' ' || t.given_name || ' ' || t.family_name INTO current, who
    FROM enrolment e JOIN trainee t ON t.id = e.trainee_id
    WHERE e.id = target
    FOR SHARE OF e;
    IF current IN ('completed', 'failed') THEN
        RAISE EXCEPTION 'results are closed: % on % refused', operation, tbl
            USING ERRCODE = 'KL001', CONSTRAINT = 'results_closed', TABLE = tbl, DETAIL = who;
    END IF;
END;
$$;

CREATE FUNCTION results_are_open() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM refuse_closed_results(OLD.enrolment_id, TG_OP, TG_TABLE_NAME);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF TG_OP = 'INSERT' OR NEW.enrolment_id IS DISTINCT FROM OLD.enrolment_id THEN
            PERFORM refuse_closed_results(NEW.enrolment_id, TG_OP, TG_TABLE_NAME);
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$;

CREATE TRIGGER attendance_results_open BEFORE INSERT OR UPDATE OR DELETE ON attendance
    FOR EACH ROW EXECUTE FUNCTION results_are_open();
CREATE TRIGGER assessment_results_open BEFORE INSERT OR UPDATE OR DELETE ON assessment
    FOR EACH ROW EXECUTE FUNCTION results_are_open();

-- The next revision of the sheet (session, day) of this enrolment; the sheet row stays locked
-- until the transaction ends, so saves of one sheet are serialised.
CREATE FUNCTION next_attendance_revision(target uuid, sheet_day date) RETURNS bigint LANGUAGE sql AS $$
    INSERT INTO attendance_sheet AS s (session_id, day, revision)
    SELECT e.session_id, sheet_day, 1 FROM enrolment e WHERE e.id = target
    ON CONFLICT (session_id, day) DO UPDATE SET revision = s.revision + 1
    RETURNING s.revision;
$$;

-- Runs after attendance_results_open (triggers fire in name order): a changed mark takes the
-- next revision of its sheet; rewriting the same status keeps the mark's revision. A mark
-- deleted or moved elsewhere raises the revision of the sheet it leaves.
CREATE FUNCTION attendance_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.enrolment_id = OLD.enrolment_id AND NEW.day = OLD.day THEN
        IF NEW.status = OLD.status THEN
            NEW.revision := OLD.revision;
        ELSE
            NEW.revision := next_attendance_revision(NEW.enrolment_id, NEW.day);
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM next_attendance_revision(OLD.enrolment_id, OLD.day);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    NEW.revision := next_attendance_revision(NEW.enrolment_id, NEW.day);
    RETURN NEW;
END;
$$;

CREATE TRIGGER attendance_sheet_revision BEFORE INSERT OR UPDATE OR DELETE ON attendance
    FOR EACH ROW EXECUTE FUNCTION attendance_revision();
