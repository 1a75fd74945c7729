-- The partner registry. Each partner is kept as its partners.yaml entry (a YAML mapping, placeholders unresolved) and
-- read with the same loader as the file, so a setting another feature adds to that entry needs no column here.
-- Certificates uploaded through the console or the admin API are kept here as PEM text, never as files.
create sequence registered_partner_version;

create table registered_partner (
    partner_id     text primary key,
    document       text        not null,
    tls_pem        text,
    encryption_pem text,
    -- a retired partner stays, so its id is never given to another agency
    retired        boolean     not null default false,
    version        bigint      not null,
    updated_at     timestamptz not null,
    updated_by     text        not null
);

-- Every change to the registry: the entry before and after (no personal data: agency settings only).
create table registered_partner_change (
    change_id       uuid primary key,
    partner_id      text        not null,
    action_id       uuid        references console_action (action_id),
    before_document text,
    after_document  text,
    changed_at      timestamptz not null,
    changed_by      text        not null
);
create index registered_partner_change_partner_idx on registered_partner_change (partner_id, changed_at);

alter table console_action drop constraint console_action_kind_check;
alter table console_action add constraint console_action_kind_check
    check (kind in ('REDELIVER', 'SUSPEND', 'RESUME', 'PARTNER_CREATE', 'PARTNER_EDIT', 'PARTNER_CERTIFICATE', 'PARTNER_RETIRE',
                    'PARTNER_IMPORT'));

-- carebridge_app exists since V4.
grant select, insert, update on registered_partner to carebridge_app;
grant select, insert on registered_partner_change to carebridge_app;
grant usage on sequence registered_partner_version to carebridge_app;
