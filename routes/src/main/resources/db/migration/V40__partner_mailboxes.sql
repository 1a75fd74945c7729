-- Mailboxes on the gateway (MESH-style) for partners that cannot accept inbound connections (endpoint.transport: mailbox).

-- IN_MAILBOX: sealed and deposited, not yet downloaded (the clock keeps running). EXPIRED: never downloaded within
-- carebridge.mailbox.expire-after and withdrawn; the sender's record status carries the non-delivery report.
alter table delivery drop constraint delivery_state_check;
alter table delivery add constraint delivery_state_check
    check (state in ('QUEUED', 'FAILED', 'IN_MAILBOX', 'DELIVERED', 'DEAD_LETTERED', 'ERASED', 'EXPIRED'));

-- One row per copy waiting in a partner's mailbox, until the partner acknowledges it or it expires. The body is the
-- copy exactly as it would have been posted (sealed to the partner), sealed once more under the record's data key, so
-- retention erasure (destroying that key) shreds it too.
create table mailbox_message (
    delivery_id   uuid        primary key references delivery (delivery_id),
    recipient     text        not null,
    tracking_id   uuid        not null references intake_record (tracking_id),
    message_id    text        not null,
    event         text        not null,
    content_type  text        not null,
    protection    text        not null,
    size_bytes    integer     not null,
    body          bytea       not null,
    -- false only for a record stored before payloads were sealed at rest (it has no data key)
    under_record_key boolean  not null default true,
    deposited_at  timestamptz not null,
    downloaded_at timestamptz,
    downloads     integer     not null default 0
);

create index mailbox_inbox_idx on mailbox_message (recipient, deposited_at, delivery_id);
create index mailbox_expiry_idx on mailbox_message (deposited_at);
alter table mailbox_message alter column body set storage external;

grant select, insert, update, delete on mailbox_message to carebridge_app;
