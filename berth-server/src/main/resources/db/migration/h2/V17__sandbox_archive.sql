-- The registry image an archived sandbox's files are kept in (berth-archive/<sandbox id>:<tag>), a delta over its
-- snapshot's image; set when an archive starts, kept while the restored container runs from it, removed with the
-- sandbox. See docs/lifecycle.md.
alter table sandbox add column archive_image varchar(255);
