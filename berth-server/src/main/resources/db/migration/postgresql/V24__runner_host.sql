-- The machine a runner runs on (a hash of /etc/machine-id and the boot id) and what that machine offers to the
-- sandboxes of all its runners together: placement checks the sum of the allocations of the runners of one machine
-- against it once. Null from a runner that predates it (protocol v3 and older): placed as if alone on its machine.
alter table runner add column host_id varchar(64);
alter table runner add column host_cpu integer;
alter table runner add column host_memory integer;
alter table runner add column host_disk integer;
