-- Statistics without deadlocks (issue 32). stats_change kept one row per staff member, which each
-- writing transaction updated (INSERT … ON CONFLICT DO UPDATE) and so locked until it committed: a
-- withdrawal that promoted someone from the waitlist locked two people's rows in one order while
-- another transaction locked them in the other, and PostgreSQL broke the deadlock by failing one.
--
-- Now the table is a log: each statement appends (staff member, its transaction id) and nothing
-- ever updates or waits on a shared row. The servers' reading is unchanged (the rows whose
-- transaction their last snapshot did not see, staff members taken once each). Old rows are
-- pruned by the writers themselves, now and then, a few hundred at a time, skipping rows another
-- transaction holds (SKIP LOCKED: never a wait): rows a million transactions older than the
-- oldest running one. A server whose last look is that old loads everything again instead
-- (CohortLoad.swift), so pruning can never hide a change from it.
ALTER TABLE stats_change DROP CONSTRAINT stats_change_pkey;

CREATE OR REPLACE FUNCTION kalan_stats_prune() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF random() < 0.01 THEN
        DELETE FROM stats_change WHERE ctid = ANY (ARRAY(
            SELECT ctid FROM stats_change
            WHERE changed < (greatest(pg_snapshot_xmin(pg_current_snapshot())::text::bigint - 1000000, 3))::text::xid8
            LIMIT 500 FOR UPDATE SKIP LOCKED));
    END IF;
END $$;

CREATE OR REPLACE FUNCTION kalan_stats_note_enrolments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stats_change (trainee_id) SELECT DISTINCT trainee_id FROM changed_rows;
    PERFORM kalan_stats_prune();
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION kalan_stats_note_results() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stats_change (trainee_id)
    SELECT DISTINCT e.trainee_id FROM changed_rows r JOIN enrolment e ON e.id = r.enrolment_id;
    PERFORM kalan_stats_prune();
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION kalan_stats_note_trainee() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stats_change (trainee_id) VALUES (NEW.id);
    RETURN NULL;
END $$;
