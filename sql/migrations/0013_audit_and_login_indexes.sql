-- Indexes that the old rows' clean-up and the audit page need (issue 22): login failures are
-- pruned and counted by time alone, and the audit log is read newest first by time.
CREATE INDEX login_failure_at_idx ON login_failure (at);
CREATE INDEX audit_event_at_idx ON audit_event (at);
