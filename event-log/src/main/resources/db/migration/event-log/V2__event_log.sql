-- The event log: sessions (the minimal row every session has; other modules add columns) and
-- their append-only, gapless events. Owned by the event-log module.

CREATE TABLE sessions (
    id               text        PRIMARY KEY,
    tenant_id        text        NOT NULL,
    agent_id         text        NOT NULL,
    agent_version    integer     NOT NULL,
    -- The fold of the session's log (SessionStatus), kept up to date by every append.
    status           text        NOT NULL DEFAULT 'pending'
                                 CHECK (status IN ('pending', 'running', 'idle', 'hibernated', 'failed', 'closed')),
    -- The seq of the last event; the next append takes last_seq + 1 under this row's lock.
    last_seq         bigint      NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    metadata         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- The brain's lease: which worker runs the session until when. lease_token (the fencing
    -- token) only ever grows; an append may require it to still have the value it had when the
    -- worker claimed the lease.
    lease_owner      text,
    lease_expires_at timestamptz,
    lease_token      bigint      NOT NULL DEFAULT 0
);

CREATE INDEX sessions_tenant_id_idx ON sessions (tenant_id, id);
-- Sessions a brain worker may claim: pending, or running with an expiring lease.
CREATE INDEX sessions_runnable_idx ON sessions (lease_expires_at NULLS FIRST)
    WHERE status IN ('pending', 'running');

CREATE TABLE session_events (
    session_id text        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq        bigint      NOT NULL CHECK (seq > 0),
    type       text        NOT NULL,
    data       jsonb       NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (session_id, seq)
);
