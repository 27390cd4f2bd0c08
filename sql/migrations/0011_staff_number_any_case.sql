-- Staff numbers typed by a person are found whatever their case ("dgpt-2019-001" finds
-- DGPT-2019-001): the lookup compares upper(staff_number), which this index serves.
CREATE INDEX trainee_staff_number_upper_idx ON trainee (upper(staff_number));
