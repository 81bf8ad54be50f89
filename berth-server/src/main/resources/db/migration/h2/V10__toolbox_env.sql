-- The environment changes of the toolbox's POST /env (sandbox.updateEnv): kept on the row, so every
-- control-plane replica applies them; cleared when the sandbox leaves the running states.
alter table sandbox add column toolbox_env_json varchar(1000000);
