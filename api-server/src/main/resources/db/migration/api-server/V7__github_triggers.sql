-- GitHub triggers: a labelled issue on a repository starts a session of an agent. The hook's
-- signing secret lives in the secret store (github.trigger.<id>), never here.
create table github_triggers (
    id                     text primary key,
    tenant_id              text        not null references tenants (id) on delete cascade,
    repository             text        not null,
    label                  text        not null,
    agent_id               text        not null,
    credential             text        not null,
    input_template         text,
    branch_prefix          text        not null,
    ref                    text,
    steering_associations  text[]      not null,
    disabled               boolean     not null default false,
    created_at             timestamptz not null,
    updated_at             timestamptz not null
);
create index github_triggers_tenant on github_triggers (tenant_id, id desc);

-- Every accepted delivery, keyed by GitHub's X-GitHub-Delivery: the same delivery twice does the
-- work once. A started session is linked here, so comments on its issue can steer it.
create table github_deliveries (
    trigger_id   text        not null references github_triggers (id) on delete cascade,
    delivery_id  text        not null,
    event        text        not null,
    issue        bigint,
    outcome      text        not null,
    session_id   text,
    received_at  timestamptz not null,
    primary key (trigger_id, delivery_id)
);
create index github_deliveries_issue on github_deliveries (trigger_id, issue, received_at desc)
    where session_id is not null;
