-- Foundation schema. Every tenant-owned row carries organization_id.
create table organization (
    id          varchar(36)  primary key,
    name        varchar(255) not null,
    created_at  timestamp(6) with time zone not null
);

create table api_key (
    id              varchar(36)  primary key,
    organization_id varchar(36)  not null references organization(id),
    name            varchar(255) not null,
    key_hash        varchar(64)  not null unique,
    key_prefix      varchar(16)  not null,
    key_suffix      varchar(8)   not null,
    system_admin    boolean      not null,
    created_at      timestamp(6) with time zone not null,
    last_used_at    timestamp(6) with time zone,
    expires_at      timestamp(6) with time zone
);
create index api_key_org on api_key(organization_id);

create table runner (
    id                varchar(64)  primary key,
    region            varchar(64)  not null,
    state             varchar(32)  not null,
    engine_version    varchar(64),
    storage_driver    varchar(64),
    disk_quota        boolean      not null,
    userns_remap      boolean      not null,
    agent_available   boolean      not null,
    last_heartbeat_at timestamp(6) with time zone,
    created_at        timestamp(6) with time zone not null
);

-- scope is the owning organization id, or '*' for general snapshots every organization can use.
create table snapshot (
    id              varchar(36)  primary key,
    scope           varchar(36)  not null,
    name            varchar(255) not null,
    image_name      varchar(512) not null,
    state           varchar(32)  not null,
    size_bytes      bigint,
    cpu             integer      not null,
    mem             integer      not null,
    disk            integer      not null,
    error_reason    varchar(4000),
    created_at      timestamp(6) with time zone not null,
    updated_at      timestamp(6) with time zone not null,
    last_used_at    timestamp(6) with time zone,
    version         bigint       not null,
    constraint snapshot_scope_name unique (scope, name)
);

create table sandbox (
    id                    varchar(36)  primary key,
    organization_id       varchar(36)  not null references organization(id),
    name                  varchar(63)  not null,
    -- equals name while the sandbox is live, null once destroyed: names are reusable after delete
    live_name             varchar(63),
    snapshot_name         varchar(255) not null,
    image_ref             varchar(512) not null,
    runner_id             varchar(64),
    state                 varchar(32)  not null,
    desired_state         varchar(32)  not null,
    error_reason          varchar(4000),
    os_user               varchar(64)  not null,
    cpu                   integer      not null,
    memory_gib            integer      not null,
    disk_gib              integer      not null,
    env_json              text         not null,
    labels_json           text         not null,
    public_access         boolean      not null,
    network_block_all     boolean      not null,
    target                varchar(64)  not null,
    auto_stop_interval    integer      not null,
    auto_archive_interval integer      not null,
    auto_delete_interval  integer      not null,
    created_at            timestamp(6) with time zone not null,
    updated_at            timestamp(6) with time zone not null,
    state_changed_at      timestamp(6) with time zone not null,
    last_activity_at      timestamp(6) with time zone,
    version               bigint       not null,
    constraint sandbox_org_live_name unique (organization_id, live_name)
);
create index sandbox_org_created on sandbox(organization_id, created_at, id);
create index sandbox_state on sandbox(state);
