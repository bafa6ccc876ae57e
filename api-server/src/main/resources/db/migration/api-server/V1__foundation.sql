-- Foundation: tenants, their API keys, agents with immutable versions, idempotent POSTs.

create table tenants (
    id          text primary key,
    name        text        not null,
    tier        text        not null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null
);

-- API keys are stored as a public prefix plus the SHA-256 of the whole key; never the key.
create table api_keys (
    id            text primary key,
    tenant_id     text        not null references tenants (id) on delete cascade,
    prefix        text        not null unique,
    key_hash      bytea       not null,
    name          text        not null,
    created_at    timestamptz not null,
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
create index api_keys_tenant on api_keys (tenant_id, id);

create table agents (
    id              text primary key,
    tenant_id       text        not null references tenants (id) on delete cascade,
    name            text        not null,
    current_version int         not null,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    deleted_at      timestamptz
);
create unique index agents_live_name on agents (tenant_id, name) where deleted_at is null;
create index agents_tenant on agents (tenant_id, id desc) where deleted_at is null;

-- Every create or update writes a new immutable version; sessions pin (agent_id, version).
create table agent_versions (
    agent_id    text        not null references agents (id) on delete cascade,
    version     int         not null,
    spec        jsonb       not null,
    created_at  timestamptz not null,
    primary key (agent_id, version)
);

-- Responses of POSTs sent with an Idempotency-Key, replayed for 24 hours.
create table idempotency_keys (
    scope        text        not null,
    key          text        not null,
    fingerprint  text        not null,
    status       int,
    body         text,
    created_at   timestamptz not null,
    primary key (scope, key)
);
