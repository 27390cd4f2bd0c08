-- The roster query of EnrolmentQueries.roster(sessionID:), for pgbench (@SESSION@ is replaced by the bench).
SELECT e.id AS enrolment_id, e.session_id, e.trainee_id, e.status, e.waitlist_position, e.override_reason, e.requested_at,
       e.version AS enrolment_version, t.id, t.staff_number, t.given_name, t.family_name, t.sex, t.category, t.position, t.department_id,
       t.email, t.phone, t.active, t.version, d.code AS department_code,
       (SELECT count(*) FROM attendance a WHERE a.enrolment_id = e.id AND a.status = 'present') AS present_days,
       (SELECT count(*) FROM attendance a WHERE a.enrolment_id = e.id AND a.status = 'excused') AS excused_days,
       (SELECT score::float8 FROM assessment x WHERE x.enrolment_id = e.id AND x.kind = 'pre') AS pre_score,
       (SELECT score::float8 FROM assessment x WHERE x.enrolment_id = e.id AND x.kind = 'post') AS post_score
FROM enrolment e JOIN trainee t ON t.id = e.trainee_id LEFT JOIN department d ON d.id = t.department_id
WHERE e.session_id = '@SESSION@'
ORDER BY CASE e.status WHEN 'waitlisted' THEN 1 ELSE 0 END, e.waitlist_position, t.family_name, t.given_name;
