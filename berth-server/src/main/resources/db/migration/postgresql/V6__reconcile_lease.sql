-- One reconcile per sandbox across control-plane replicas: a lease claimed with a conditional update.
alter table sandbox add column reconcile_owner varchar(64);
alter table sandbox add column reconcile_until timestamp(6) with time zone;
