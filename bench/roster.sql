-- The API roster's statement, EnrolmentQueries.roster(sessionCode:), for pgbench (@CODE@ is replaced by the bench).
SELECT s.id AS s_id, s.code AS s_code, s.course_id AS s_course_id, s.partner_id AS s_partner_id, s.programme_id AS s_programme_id,
       s.starts_on AS s_starts_on, s.ends_on AS s_ends_on, s.mode AS s_mode, s.city AS s_city, s.country AS s_country,
       s.capacity AS s_capacity, s.enrolment_deadline AS s_enrolment_deadline, s.status AS s_status,
       coalesce(tr.ids, '{}') AS s_trainer_ids, c.code AS s_course_code, r.*
FROM training_session s JOIN course c ON c.id = s.course_id
LEFT JOIN LATERAL (SELECT array_agg(st.user_id) AS ids FROM session_trainer st WHERE st.session_id = s.id) tr ON true
LEFT JOIN LATERAL (SELECT e.id AS enrolment_id, e.session_id, e.trainee_id, e.status, e.waitlist_position, e.override_reason, e.requested_at,
       e.version AS enrolment_version, t.id, t.staff_number, t.given_name, t.family_name, t.sex, t.category, t.position, t.department_id,
       t.email, t.phone, t.active, t.version, d.code AS department_code,
       (SELECT count(*) FROM attendance a WHERE a.enrolment_id = e.id AND a.status = 'present') AS present_days,
       (SELECT count(*) FROM attendance a WHERE a.enrolment_id = e.id AND a.status = 'excused') AS excused_days,
       (SELECT score::float8 FROM assessment x WHERE x.enrolment_id = e.id AND x.kind = 'pre') AS pre_score,
       (SELECT score::float8 FROM assessment x WHERE x.enrolment_id = e.id AND x.kind = 'post') AS post_score,
       CASE e.status WHEN 'waitlisted' THEN 1 ELSE 0 END AS waiting
FROM enrolment e JOIN trainee t ON t.id = e.trainee_id LEFT JOIN department d ON d.id = t.department_id WHERE e.session_id = s.id) r ON true
WHERE s.code = '@CODE@'
ORDER BY r.waiting, r.waitlist_position, r.family_name, r.given_name;
