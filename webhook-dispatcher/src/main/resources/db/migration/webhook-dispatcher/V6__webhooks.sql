-- Outgoing webhooks (webhook-dispatcher module): the tenants' endpoints, one message per
-- (endpoint, event) derived from the event log, and every delivery attempt.

CREATE TABLE webhook_endpoints (
    id                      text        PRIMARY KEY,
    tenant_id               text        NOT NULL,
    url                     text        NOT NULL,
    -- Event types or prefixes with a wildcard (session.*); NULL = every type.
    events                  text[],
    description             text,
    metadata                jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- The signing secret lives in the secret store as version secret_version; during a rotation's
    -- overlap the previous version signs too, until previous_secret_until.
    secret_version          integer     NOT NULL CHECK (secret_version >= 1),
    previous_secret_until   timestamptz,
    disabled_at             timestamptz,
    disabled_reason         text,
    -- Since when every attempt has failed (NULL after a success); disables the endpoint after a while.
    failing_since           timestamptz,
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL
);

CREATE INDEX webhook_endpoints_tenant_idx ON webhook_endpoints (tenant_id, id);

CREATE TABLE webhook_messages (
    id               text        PRIMARY KEY,
    endpoint_id      text        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    tenant_id        text        NOT NULL,
    -- The event the message is about; NULL for a webhook.test message.
    session_id       text,
    event_seq        bigint,
    event_type       text        NOT NULL,
    body             text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    -- The dispatcher delivering it right now, until when; claim_token grows with every claim.
    lease_owner      text,
    lease_expires_at timestamptz,
    claim_token      bigint      NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    delivered_at     timestamptz,
    failed_at        timestamptz,
    UNIQUE (endpoint_id, session_id, event_seq)
);

CREATE INDEX webhook_messages_due_idx ON webhook_messages (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_messages_endpoint_idx ON webhook_messages (endpoint_id, id);

CREATE TABLE webhook_attempts (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id    text        NOT NULL REFERENCES webhook_messages (id) ON DELETE CASCADE,
    attempt       integer     NOT NULL,
    started_at    timestamptz NOT NULL,
    duration_ms   integer     NOT NULL,
    status_code   integer,
    response_body text,
    error         text,
    dispatcher    text        NOT NULL
);

CREATE INDEX webhook_attempts_message_idx ON webhook_attempts (message_id, id);
