-- SSH access to sandboxes (docs/ssh.md): one row per token, stored as its SHA-256 only, so every control-plane
-- replica (and the SSH gateway of each) validates and revokes the same tokens. Revoking deletes the row; rows go
-- with their sandbox's row (destroyed sandboxes are deleted with their organization).
create table ssh_access (
    id              varchar(36)  primary key,
    organization_id varchar(36)  not null references organization(id) on delete cascade,
    sandbox_id      varchar(36)  not null references sandbox(id) on delete cascade,
    token_hash      varchar(64)  not null,
    expires_at      timestamp(6) with time zone not null,
    created_at      timestamp(6) with time zone not null,
    updated_at      timestamp(6) with time zone not null
);
create unique index ssh_access_token_hash on ssh_access (token_hash);
create index ssh_access_sandbox on ssh_access (sandbox_id);
