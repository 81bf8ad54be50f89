-- The key that signs a sandbox's file URLs (docs/signed-urls.md): made on first use, replaced by a rotation.
-- Keys are sealed with the secrets key (SecretBox), bound to their sandbox; the previous key is kept only to tell
-- the holder of an old link that the key was rotated (it verifies nothing).
create table sandbox_signing_key (
    sandbox_id          varchar(36)  primary key references sandbox(id) on delete cascade,
    organization_id     varchar(36)  not null,
    sealed_key          varchar(512) not null,
    previous_sealed_key varchar(512),
    created_at          timestamp(6) with time zone not null,
    rotated_at          timestamp(6) with time zone
);
