-- A session may wait for an answer from outside (a permission request, a client tool's result):
-- the status fold's 'waiting' (V8's 'exhausted' stays allowed). Idle-like: not runnable, so sessions_runnable_idx is unchanged.
ALTER TABLE sessions DROP CONSTRAINT sessions_status_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_status_check
    CHECK (status IN ('pending', 'running', 'idle', 'hibernated', 'failed', 'closed', 'exhausted', 'waiting'));
