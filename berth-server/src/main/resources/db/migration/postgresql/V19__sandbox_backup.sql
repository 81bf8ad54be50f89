-- A running sandbox's last backup (docs/lifecycle.md, "Backups and recover"): its image in the registry
-- (berth-archive/<sandbox id>:b<millis>, the sandbox's own repository) and when it was taken.
alter table sandbox add column backup_image varchar(512);
alter table sandbox add column backup_at timestamp(6) with time zone;
