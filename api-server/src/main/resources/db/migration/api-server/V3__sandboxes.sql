-- Sandboxes created through the API (/v1/sandboxes). The container and its workspace volume live
-- on the container engine, named after the id; this row is the tenant's record of it: what was
-- asked for, when it expires, and what the API last saw of it. Session sandboxes are owned by the
-- brain, not listed here.
create table sandboxes (
    id            text primary key,
    tenant_id     text             not null references tenants (id) on delete cascade,
    image         text             not null,
    cpu           double precision not null,
    memory_bytes  bigint           not null,
    network       text             not null,
    status        text             not null,
    exit_code     int,
    expires_at    timestamptz      not null,
    created_at    timestamptz      not null,
    updated_at    timestamptz      not null,
    deleted_at    timestamptz
);
create index sandboxes_tenant on sandboxes (tenant_id, id desc) where deleted_at is null;
create index sandboxes_expiry on sandboxes (expires_at) where deleted_at is null;
