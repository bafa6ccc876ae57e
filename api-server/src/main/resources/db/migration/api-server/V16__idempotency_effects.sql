-- What a request under an idempotency key created, remembered before it commits (a session's id),
-- so that a retry taking over the claim of a process that died after the commit answers with it
-- instead of creating it again.
alter table idempotency_keys add column effect text;
