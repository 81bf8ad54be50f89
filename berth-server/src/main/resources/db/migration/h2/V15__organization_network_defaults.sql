-- An organization's default egress policy for its new sandboxes (a create's own fields override it field by field);
-- see docs/network.md. The operator's denied networks bound it like any policy.
alter table organization add column default_network_block_all boolean default false not null;
alter table organization add column default_network_allow_list varchar(1024);
alter table organization add column default_domain_allow_list varchar(8448);
