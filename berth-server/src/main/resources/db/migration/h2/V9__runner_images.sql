-- The images a runner's engine holds (repository:tag, one per line), from its registration and heartbeats:
-- placement sends a sandbox only to a runner holding its snapshot's image. Null until the runner reports.
alter table runner add column images text;
