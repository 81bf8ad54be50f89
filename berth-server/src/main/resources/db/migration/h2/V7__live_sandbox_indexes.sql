-- Live-sandbox lookups (quota usage, placement allocations, reconciler passes) filter on
-- "state in (every state but destroyed)": these indexes answer them without reading the
-- destroyed rows, which only accumulate.
create index sandbox_org_state on sandbox(organization_id, state);
create index sandbox_runner_state on sandbox(runner_id, state);
