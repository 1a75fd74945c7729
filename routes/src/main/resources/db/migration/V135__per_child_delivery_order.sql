-- Per-child delivery order (partners.yaml delivery-order: per-child). child_key is the copy's message group: a keyed
-- hash of the child's identifier, never the identifier, set only for partners that need order. accepted_seq is the
-- order records were accepted in, from one sequence for every node (nodes' clocks may differ). held marks a copy taken
-- off the broker because an earlier copy about the same child to the same partner was not yet delivered; it is handed
-- to the broker again when that one is delivered or dead-lettered.
create sequence delivery_accepted_seq;
alter table delivery add column child_key text;
alter table delivery add column accepted_seq bigint;
-- a default added apart from the column does not rewrite the rows already there (they have no child_key)
alter table delivery alter column accepted_seq set default nextval('delivery_accepted_seq');
alter table delivery add column held boolean not null default false;

-- Earlier copies about the same child to the same partner that are not yet delivered, dead-lettered or erased.
create index delivery_child_order_idx on delivery (recipient, child_key, accepted_seq)
    where child_key is not null and state in ('QUEUED', 'FAILED');

grant usage on sequence delivery_accepted_seq to carebridge_app;
