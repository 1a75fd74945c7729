-- Payloads at rest. intake_record.payload and delivery.payload hold AES-256-GCM ciphertext under the record's data key;
-- the data key is kept here only wrapped under a key-encryption key (kek_id names it, so KEKs can rotate). Deleting a
-- row destroys the record's payloads: the ciphertext stays and can no longer be opened.
create table data_key (
    tracking_id uuid primary key references intake_record (tracking_id),
    kek_id      text        not null,
    wrapped_key bytea       not null,
    created_at  timestamptz not null
);
create index data_key_kek_idx on data_key (kek_id);

-- Retention: the longest retention of the agreements the record was shared under (or the default), from receipt.
alter table intake_record add column retain_until timestamptz;
alter table intake_record add column erased_at timestamptz;
create index intake_record_retention_idx on intake_record (retain_until) where erased_at is null;

-- A copy not delivered when its record was erased is never sent.
alter table delivery drop constraint delivery_state_check;
alter table delivery add constraint delivery_state_check
    check (state in ('QUEUED', 'FAILED', 'DELIVERED', 'DEAD_LETTERED', 'ERASED'));

-- Unlike the ledger, data keys must be deletable: that is how retention ends.
grant select, insert, update, delete on data_key to carebridge_app;

-- Ciphertext does not compress: spare PostgreSQL the attempt (and keep stored payloads byte-for-byte as sealed).
alter table intake_record alter column payload set storage external;
alter table delivery alter column payload set storage external;

-- Consents at rest: the subject's identifier value and the resource are sealed under a data key per consent (wrapped
-- here), and subject_value holds the identifier's keyed hash, which is what lookups match. Rows written before this
-- migration keep their clear columns (consent_history is append-only) and are still read.
create table consent_key (
    consent_id  uuid primary key,
    kek_id      text        not null,
    wrapped_key bytea       not null,
    created_at  timestamptz not null
);
create index consent_key_kek_idx on consent_key (kek_id);
alter table consent alter column resource drop not null;
alter table consent add column sealed_subject bytea;
alter table consent add column sealed_resource bytea;
alter table consent_history alter column resource drop not null;
alter table consent_history add column sealed_subject bytea;
alter table consent_history add column sealed_resource bytea;
grant select, insert, update, delete on consent_key to carebridge_app;
