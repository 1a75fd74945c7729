-- Audit facts written in the same transaction as what they describe; the ledger writer chains them into audit_entry.
create table audit_outbox (
    id                bigserial primary key,
    entry_time        timestamptz not null,
    kind              text        not null,
    actor             text,
    actor_role        text,
    tracking_id       text,
    agreement_id      text,
    agreement_version integer,
    lawful_basis      text,
    recipient         text,
    outcome           text,
    reason            text,
    subject_keys      text[]      not null default '{}'
);

-- The tamper-evident ledger: append-only, hash-chained (see ledger/README.md for the canonical encoding).
create table audit_entry (
    seq               bigint primary key,
    entry_time        text        not null,
    kind              text        not null,
    actor             text,
    actor_role        text,
    tracking_id       text,
    agreement_id      text,
    agreement_version integer,
    lawful_basis      text,
    recipient         text,
    outcome           text,
    reason            text,
    subject_keys      text[]      not null,
    prev_hash         text        not null,
    leaf_hash         text        not null,
    entry_hash        text        not null unique
);
create index audit_entry_tracking_idx on audit_entry (tracking_id);
create index audit_entry_subject_idx on audit_entry using gin (subject_keys);
create index audit_entry_time_idx on audit_entry (entry_time);

-- Signed checkpoints over the Merkle tree of the ledger.
create table audit_checkpoint (
    tree_size  bigint primary key,
    document   text        not null,
    created_at timestamptz not null
);

create function refuse_ledger_change() returns trigger language plpgsql as $$
begin
    raise exception 'the audit ledger is append-only: % on % is refused', tg_op, tg_table_name;
end;
$$;

create trigger audit_entry_append_only before update or delete on audit_entry
    for each row execute function refuse_ledger_change();
create trigger audit_entry_no_truncate before truncate on audit_entry
    for each statement execute function refuse_ledger_change();
create trigger audit_checkpoint_append_only before update or delete on audit_checkpoint
    for each row execute function refuse_ledger_change();
create trigger audit_checkpoint_no_truncate before truncate on audit_checkpoint
    for each statement execute function refuse_ledger_change();

-- The role production runs as may only read and append the ledger (the embedded default connects as the owner, so
-- there the triggers are what refuse changes).
do $$
begin
    if not exists (select from pg_roles where rolname = 'carebridge_app') then
        create role carebridge_app;
    end if;
end;
$$;
revoke all on audit_entry, audit_checkpoint from public;
grant select, insert on audit_entry, audit_checkpoint to carebridge_app;
grant select, insert, delete on audit_outbox to carebridge_app;
grant usage on sequence audit_outbox_id_seq to carebridge_app;
