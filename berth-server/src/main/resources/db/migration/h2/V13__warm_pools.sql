-- Warm pools (dev.berth.server.warmpool): started sandboxes kept ready for creates that match them.
-- scope: the owning organization's id, or '*' for a system pool that serves every organization; a system
-- pool's sandboxes belong to the organization 'berth-system' until a create claims them.
-- pool: the most sandboxes kept; min_pool: the fewest (between them the recent claim rate decides).
create table warm_pool (
    id            varchar(36)   primary key,
    scope         varchar(36)   not null,
    snapshot_id   varchar(36)   not null,
    snapshot_name varchar(255)  not null,
    target        varchar(64)   not null,
    pool          integer       not null,
    min_pool      integer       not null,
    cpu           integer       not null,
    memory_gib    integer       not null,
    disk_gib      integer       not null,
    os_user       varchar(64)   not null,
    env_json      varchar(1000000) not null,
    error_reason  varchar(4000),
    failures      integer       not null,
    retry_at      timestamp(6) with time zone,
    created_at    timestamp(6) with time zone not null,
    updated_at    timestamp(6) with time zone not null,
    version       bigint        not null,
    constraint warm_pool_scope_snapshot_target unique (scope, snapshot_id, target)
);

insert into organization (id, name, created_at) values ('berth-system', 'berth-system (warm pools)', current_timestamp);

-- warm_pool_id: the pool a sandbox came from (kept after the claim, for the DTO's warmPoolId);
-- pooled: true until a create claims it (never true again); invisible to every tenant query while true.
-- spawn_env_json: the claiming create's env, which the container was started without: the toolbox applies it
-- to every process it starts.
alter table sandbox add column warm_pool_id varchar(36);
alter table sandbox add column pooled boolean default false not null;
alter table sandbox add column claimed_at timestamp(6) with time zone;
alter table sandbox add column spawn_env_json varchar(1000000);
create index sandbox_warm_pool on sandbox(warm_pool_id, pooled, state);
-- the replenisher's counts: unclaimed members per organization and region, claims of a pool since a time
create index sandbox_pooled on sandbox(pooled, organization_id, target);
create index sandbox_pool_claims on sandbox(warm_pool_id, claimed_at);
