-- Why a sandbox is in error, as a type the reconciler acts on (the reason stays for people). Rows recorded
-- lost with their runner before this column existed are recognised once, by their reason; other older
-- errors keep no kind (their cause is not known as a type).
alter table sandbox add column error_kind varchar(32);
update sandbox set error_kind = 'runner_lost' where state = 'ERROR' and error_reason like 'runner lost%';
