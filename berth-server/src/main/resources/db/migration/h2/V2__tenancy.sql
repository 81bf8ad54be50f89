-- Users, memberships, invitations, per-organization quotas and suspension, API key permissions.
create table app_user (
    id           varchar(36)  primary key,
    issuer       varchar(512),
    subject      varchar(255),
    email        varchar(320),
    name         varchar(255),
    system_admin boolean      not null,
    created_at   timestamp(6) with time zone not null,
    constraint app_user_identity unique (issuer, subject)
);

create table organization_member (
    organization_id varchar(36)  not null references organization(id),
    user_id         varchar(36)  not null references app_user(id),
    role            varchar(16)  not null,
    permissions     varchar(2000) not null,
    created_at      timestamp(6) with time zone not null,
    primary key (organization_id, user_id)
);
create index organization_member_user on organization_member(user_id);

create table organization_invitation (
    id              varchar(36)  primary key,
    organization_id varchar(36)  not null references organization(id),
    email           varchar(320) not null,
    role            varchar(16)  not null,
    permissions     varchar(2000) not null,
    invited_by      varchar(36)  not null,
    status          varchar(16)  not null,
    expires_at      timestamp(6) with time zone not null,
    created_at      timestamp(6) with time zone not null
);
create index organization_invitation_email on organization_invitation(email);

alter table organization add column created_by varchar(36);
alter table organization add column suspended boolean default false not null;
alter table organization add column suspension_reason varchar(1000);
alter table organization add column suspended_until timestamp(6) with time zone;
alter table organization add column total_cpu_quota integer default 16 not null;
alter table organization add column total_memory_quota integer default 32 not null;
alter table organization add column total_disk_quota integer default 200 not null;
alter table organization add column max_cpu_per_sandbox integer default 4 not null;
alter table organization add column max_memory_per_sandbox integer default 8 not null;
alter table organization add column max_disk_per_sandbox integer default 10 not null;
alter table organization add column max_sandboxes integer default 100 not null;
alter table organization add column snapshot_quota integer default 100 not null;
alter table organization add column max_snapshot_size integer default 20 not null;
alter table organization add column volume_quota integer default 100 not null;

alter table api_key add column user_id varchar(36);
alter table api_key add column permissions varchar(2000) default '' not null;
