-- The model gateway's session-scoped tokens, owned by the brain. Only a SHA-256 hash of each token
-- is stored; the plaintext exists only in the agent process's environment inside the sandbox. A
-- token is valid for one session, on that session's sandbox socket, for the listed models, until
-- revoked (the agent process ended, the session closed or was destroyed).
create table gateway_tokens (
    token_hash  bytea primary key,
    session_id  text        not null,
    tenant_id   text        not null,
    sandbox_id  text        not null,
    provider    text        not null,
    credential  text,
    models      text[]      not null,
    issued_at   timestamptz not null,
    revoked_at  timestamptz
);

create index gateway_tokens_live_by_session on gateway_tokens (session_id) where revoked_at is null;
