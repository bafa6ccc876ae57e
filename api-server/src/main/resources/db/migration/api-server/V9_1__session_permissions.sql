-- A session's own permission rules (POST /v1/sessions {permissions}), which can only tighten its
-- agent's; null: the agent's alone.
alter table session_setups add column permissions jsonb;
