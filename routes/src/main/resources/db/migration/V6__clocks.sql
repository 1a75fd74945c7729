-- One deadline clock per record whose event has a clock rule (config/clocks.yaml). Started in the record's intake
-- transaction; stopped in the transaction that marks its last outstanding copy DELIVERED; warned and breached by the
-- clock scanner, once each (conditional updates, rows claimed with skip locked so several gateway nodes can scan).
create table record_clock (
    tracking_id       uuid        primary key references intake_record (tracking_id),
    event             text        not null,
    rule_id           text        not null,
    -- 'message': the time in the message (placement start, detention, return); 'received': arrival at the gateway
    start_source      text        not null check (start_source in ('message', 'received')),
    started_at        timestamptz not null,
    deadline          timestamptz not null,
    warn_at           timestamptz not null,
    state             text        not null check (state in ('RUNNING', 'WARNING', 'BREACHED', 'STOPPED')),
    created_at        timestamptz not null,
    warned_at         timestamptz,
    breached_at       timestamptz,
    stopped_at        timestamptz,
    -- the duty partner told of a breach, if the rule names one; alert_due until its clock-breach-alert is stored
    notify            text,
    alert_due         boolean     not null default false,
    alert_tracking_id uuid
);

create index record_clock_open_idx on record_clock (warn_at) where state in ('RUNNING', 'WARNING');
create index record_clock_breach_idx on record_clock (deadline) where state in ('RUNNING', 'WARNING');
create index record_clock_alert_idx on record_clock (breached_at) where alert_due;
create index record_clock_state_idx on record_clock (state, deadline);

grant select, insert, update on record_clock to carebridge_app;
