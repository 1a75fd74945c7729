-- A record accepted at intake. The payload is the body exactly as the partner sent it.
create table intake_record (
    tracking_id   uuid primary key,
    sender        text        not null,
    message_id    text        not null,
    event         text        not null,
    received_at   timestamptz not null,
    payload       bytea       not null,
    constraint intake_record_message_unique unique (sender, message_id)
);

-- One row per recipient copy: its agreement, and where it is on its way.
create table delivery (
    delivery_id       uuid primary key,
    tracking_id       uuid        not null references intake_record (tracking_id),
    recipient         text        not null,
    agreement_id      text        not null,
    agreement_version integer     not null,
    rule_id           text        not null,
    state             text        not null check (state in ('QUEUED', 'FAILED', 'DELIVERED', 'DEAD_LETTERED')),
    attempts          integer     not null default 0,
    last_error        text,
    dispatched        boolean     not null default false,
    created_at        timestamptz not null,
    updated_at        timestamptz not null,
    delivered_at      timestamptz
);

create index delivery_tracking_idx on delivery (tracking_id);
create index delivery_undispatched_idx on delivery (created_at) where not dispatched and state in ('QUEUED', 'FAILED');
