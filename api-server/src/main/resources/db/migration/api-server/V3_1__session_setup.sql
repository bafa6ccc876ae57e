-- What a session was started with, besides its log: the sandbox its tools run in (created for it
-- from the agent's image, or an existing sandbox of the tenant that several sessions share), the
-- environment and working directory of its commands, and instructions added to the agent's prompt.
-- Written once by POST /v1/sessions, before the session row exists (so a brain worker never finds a
-- session without its setup), and read by the brain through its SessionSetups port. No foreign key
-- to sessions or sandboxes: those rows belong to other modules' migrations.
create table session_setups (
    session_id              text        primary key,
    tenant_id               text        not null references tenants (id) on delete cascade,
    sandbox_id              text        not null,
    -- true when the sandbox was created for this session (false: attached to an existing one)
    sandbox_owned           boolean     not null,
    env                     jsonb       not null default '{}'::jsonb,
    cwd                     text,
    additional_instructions text        not null default '',
    created_at              timestamptz not null
);
create index session_setups_sandbox on session_setups (sandbox_id);
