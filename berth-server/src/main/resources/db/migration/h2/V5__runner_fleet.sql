-- Runner fleet: regions, runner registration and health, the job queue.
create table region (
    id         varchar(64) primary key,
    created_at timestamp(6) with time zone not null
);

alter table runner add column runner_class varchar(64) default 'default' not null;
alter table runner add column token_hash varchar(64);
alter table runner add column endpoint varchar(255);
alter table runner add column tunnel_secret varchar(128);
alter table runner add column protocol_version integer default 2 not null;
alter table runner add column embedded boolean default false not null;
alter table runner add column schedulable boolean default true not null;
alter table runner add column cpu_capacity integer default 0 not null;
alter table runner add column memory_capacity integer default 0 not null;
alter table runner add column disk_capacity integer default 0 not null;
alter table runner add column max_sandboxes integer default 100 not null;
alter table runner add column cpu_usage double precision default 0 not null;
alter table runner add column memory_usage double precision default 0 not null;
alter table runner add column disk_usage double precision default 0 not null;
alter table runner add column load_per_core double precision default 0 not null;
alter table runner add column sandbox_count integer default 0 not null;
alter table runner add column engine_healthy boolean default false not null;
alter table runner add column unresponsive_since timestamp(6) with time zone;
alter table runner add column version bigint default 0 not null;
alter table runner add column session_id varchar(36);
create unique index runner_token on runner(token_hash);

create table job (
    id           varchar(36)  primary key,
    runner_id    varchar(64)  not null,
    type         varchar(32)  not null,
    resource_id  varchar(64)  not null,
    payload      varchar(1000000) not null,
    state        varchar(16)  not null,
    traceparent  varchar(128),
    error        varchar(4000),
    timeout_at   timestamp(6) with time zone not null,
    created_at   timestamp(6) with time zone not null,
    updated_at   timestamp(6) with time zone not null,
    version      bigint       not null
);
-- at most one unfinished job per resource per runner
alter table job add column unfinished_key varchar(140) generated always as (case when state in ('PENDING', 'CLAIMED') then runner_id || '|' || resource_id end);
create unique index job_one_unfinished on job(unfinished_key);
create index job_runner_state on job(runner_id, state, created_at);
