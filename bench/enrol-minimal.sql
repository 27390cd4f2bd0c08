-- The least a correct enrolment does, for pgbench: lock the session, count its seats, insert the
-- enrolment with one history line and one audit row, in one transaction. Each run takes the next
-- synthetic staff member (sequence bench_pg_seq); @SESSION@ and @TAG@ are replaced by the bench.
SELECT nextval('bench_pg_seq') AS n \gset
BEGIN;
SELECT capacity FROM training_session WHERE id = '@SESSION@' FOR UPDATE;
SELECT count(*) FROM enrolment WHERE session_id = '@SESSION@' AND status IN ('enrolled', 'completed', 'failed', 'no_show');
WITH t AS (SELECT id FROM trainee WHERE staff_number = 'SYN-@TAG@-' || lpad(:n::text, 7, '0')),
     e AS (INSERT INTO enrolment (session_id, trainee_id, status, period) SELECT '@SESSION@', id, 'enrolled', '[2031-03-03,2031-03-07]' FROM t RETURNING id),
     h AS (INSERT INTO enrolment_event (enrolment_id, from_status, to_status, actor) SELECT id, NULL, 'enrolled', 'pgbench' FROM e)
INSERT INTO audit_event (actor, source, action, entity, entity_id, after) SELECT 'pgbench', 'bench', 'enrolment.enrolled', 'enrolment', id::text, '{"status": "enrolled"}' FROM e;
COMMIT;
