-- What people did through the console or the admin API: who, when, what (in machine words) and the reason they gave.
-- The ledger entry for each action names the action id, never the free-text reason, which stays here.
create table console_action (
    action_id  uuid primary key,
    kind       text        not null check (kind in ('REDELIVER', 'SUSPEND', 'RESUME')),
    actor      text        not null,
    actor_role text        not null,
    summary    text        not null,
    reason     text        not null,
    created_at timestamptz not null
);
create index console_action_time_idx on console_action (created_at);

-- A partner suspended by an administrator: its copies wait on its queue and intake from it is refused until resumed.
create table partner_suspension (
    partner_id   text primary key,
    suspended_at timestamptz not null,
    suspended_by text        not null,
    action_id    uuid        not null references console_action (action_id)
);

create index delivery_dead_letter_idx on delivery (updated_at) where state = 'DEAD_LETTERED';
