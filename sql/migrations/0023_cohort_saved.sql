-- The cohort index as `kalan stats` last read it (issue 29): the next run starts from it and reads
-- only the staff members changed since, instead of every enrolment (seconds at a million). A cache:
-- its rows hold nothing the other tables do not; deleting them costs one whole load. Each row is a
-- part of one binary image (CohortSaved.swift), at most a few megabytes, all written in one
-- transaction; `database` names the database it was read from, so that a restored or another
-- database never starts from it.
CREATE TABLE cohort_saved (
    part integer PRIMARY KEY CHECK (part >= 0),
    snapshot text NOT NULL,
    database text NOT NULL,
    saved_at timestamptz NOT NULL DEFAULT now(),
    data bytea NOT NULL
);
