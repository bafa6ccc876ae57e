-- A session's own network policy (POST /v1/sessions {network}: {mode, allow}), which can only narrow
-- its agent's; null: the agent's (or the operator's default).
alter table session_setups add column network jsonb;
