-- Audit log: one row per mutating /api call and per toolbox call. The row is inserted with
-- outcome 'pending' before the handler runs and completed afterwards (see AuditTrail).
-- Never holds request bodies, query strings or headers other than the user agent.
create table audit_log (
    id              varchar(36)   primary key,
    organization_id varchar(36),
    actor           varchar(255)  not null,
    user_id         varchar(36),
    api_key_id      varchar(36),
    action          varchar(128)  not null,
    http_method     varchar(16)   not null,
    path_pattern    varchar(512)  not null,
    -- the matched path variables as a JSON object, e.g. {"idOrName":"my-box"}
    path_variables  varchar(1000000),
    target_type     varchar(64),
    target_id       varchar(255),
    outcome         varchar(16)   not null,
    status_code     integer,
    error_message   varchar(1000),
    client_ip       varchar(64),
    user_agent      varchar(512),
    request_id      varchar(64),
    created_at      timestamp(6) with time zone not null,
    completed_at    timestamp(6) with time zone
);
create index audit_log_org_created on audit_log(organization_id, created_at, id);
