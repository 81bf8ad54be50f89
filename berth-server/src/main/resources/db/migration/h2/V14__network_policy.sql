-- A sandbox's egress policy beside network_block_all (V1): the CIDRs it may reach (comma-separated, normalized;
-- null = no allow list) and the domain names (null = none). The runner enforces them; see docs/network.md.
alter table sandbox add column network_allow_list varchar(1024);
alter table sandbox add column domain_allow_list varchar(8448);
