-- Issue 5 follow-ups: subject identifiers kept encrypted; the Merkle frontier stored with each checkpoint.
-- Subject identifiers, encrypted: one row per subject key (the HMAC the ledger entries carry). AES-256-GCM with a random
-- 12-byte nonce; the ciphertext includes the tag and is bound to its subject key (associated data). Kept outside the hash
-- chain, so the ledger holds no identifier even encrypted, and decrypted values are checked against the chained key.
create table audit_subject_value (
    subject_key text        primary key,
    key_id      text        not null,
    nonce       bytea       not null,
    ciphertext  bytea       not null,
    created_at  timestamptz not null default now()
);

revoke all on audit_subject_value from public;
-- update: re-encryption under a new key; delete: erasure. Neither changes the ledger.
grant select, insert, update, delete on audit_subject_value to carebridge_app;

-- The Merkle frontier (ledger/README.md) at each checkpoint, so that the next checkpoint reads only the entries since.
-- Not trusted blindly: the writer uses it only if it reproduces its checkpoint's signed root.
create table audit_checkpoint_frontier (
    tree_size bigint primary key references audit_checkpoint (tree_size),
    frontier  text   not null
);
create trigger audit_checkpoint_frontier_append_only before update or delete on audit_checkpoint_frontier
    for each row execute function refuse_ledger_change();
revoke all on audit_checkpoint_frontier from public;
grant select, insert on audit_checkpoint_frontier to carebridge_app;
