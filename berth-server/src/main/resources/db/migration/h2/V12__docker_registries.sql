-- Registries an organization registers to pull its private images from (/api/docker-registry).
-- password_enc: AES-GCM under Berth's secrets key, never returned by the API.
create table docker_registry (
    id              varchar(36)   primary key,
    organization_id varchar(36)   not null,
    name            varchar(255)  not null,
    url             varchar(512)  not null,
    host            varchar(255)  not null,
    username        varchar(255)  not null,
    password_enc    varchar(4000) not null,
    project         varchar(255),
    created_at      timestamp(6) with time zone not null,
    updated_at      timestamp(6) with time zone not null,
    constraint docker_registry_org_name unique (organization_id, name)
);
create index docker_registry_org_host on docker_registry (organization_id, host);
