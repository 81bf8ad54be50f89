-- Snapshots from images, Dockerfiles and sandboxes (issue 11).
-- source_image: the image reference the user named; dockerfile/context_hashes: a Dockerfile build;
-- build_hash: the digest of a build's Dockerfile and contexts (identical builds reuse one snapshot);
-- source_sandbox_id/parent_id: a snapshot committed from a sandbox, and the snapshot it is a delta over;
-- claimed_by/claimed_until: the control-plane replica building or pulling it (a lease, so one replica does).
alter table snapshot add column source_image varchar(512);
alter table snapshot add column entrypoint_json varchar(8000);
alter table snapshot add column dockerfile varchar(1000000);
alter table snapshot add column context_hashes varchar(8000);
alter table snapshot add column build_hash varchar(64);
alter table snapshot add column region_id varchar(64);
alter table snapshot add column source_sandbox_id varchar(36);
alter table snapshot add column parent_id varchar(36);
alter table snapshot add column claimed_by varchar(64);
alter table snapshot add column claimed_until timestamp(6) with time zone;
create index snapshot_build_hash on snapshot (scope, build_hash);

-- The build log of a snapshot, in chunks, so every replica can follow it.
create table snapshot_build_log (
    snapshot_id varchar(36)  not null,
    seq         integer      not null,
    chunk       varchar(8000) not null,
    primary key (snapshot_id, seq)
);

-- Where each snapshot's image is held: one row per runner that pulled it, is pulling it or failed to.
create table snapshot_runner (
    snapshot_id  varchar(36)  not null,
    runner_id    varchar(64)  not null,
    state        varchar(16)  not null,
    failures     integer      default 0 not null,
    error_reason varchar(4000),
    updated_at   timestamp(6) with time zone not null,
    primary key (snapshot_id, runner_id)
);

-- A sandbox created from a Dockerfile waits in pending_build for this snapshot.
alter table sandbox add column build_snapshot_id varchar(36);
