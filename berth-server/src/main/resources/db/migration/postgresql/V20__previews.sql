-- Preview URLs (docs/previews.md). A sandbox's preview token (the x-daytona-preview-token of a private
-- sandbox), made on first use; and signed preview links, each for one port until it expires or is expired
-- (only the SHA-256 of a link's token is kept: the table alone opens nothing).
alter table sandbox add column preview_token varchar(64);
create table signed_preview_link (
    token_hash varchar(64) primary key,
    sandbox_id varchar(64) not null,
    port integer not null,
    expires_at timestamp(6) with time zone not null,
    expired_at timestamp(6) with time zone,
    created_at timestamp(6) with time zone not null
);
create index signed_preview_link_sandbox on signed_preview_link (sandbox_id);
create index signed_preview_link_expires on signed_preview_link (expires_at);
