-- Budgets (issue 19): a session whose run stopped at one of its budgets is 'exhausted' until its
-- budget changes (SessionStatus; budget.exhausted / session.budget_changed). Owned by the event-log
-- module, which keeps the status column.

ALTER TABLE sessions DROP CONSTRAINT sessions_status_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_status_check
    CHECK (status IN ('pending', 'running', 'idle', 'hibernated', 'failed', 'closed', 'exhausted'));
