-- Lifecycle (docs/lifecycle.md): the auto-pause interval (minutes idle; 0 = off), the ttl deadline, when the
-- intervals were last changed (an interval counts from its change, never retroactively) and why the sandbox
-- was last moved by a policy or a user (shown as stateReason).
alter table sandbox add column auto_pause_interval integer default 0 not null;
alter table sandbox add column destroy_at timestamp(6) with time zone;
alter table sandbox add column policy_changed_at timestamp(6) with time zone;
alter table sandbox add column state_reason varchar(512);
