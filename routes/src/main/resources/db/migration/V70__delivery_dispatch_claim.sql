-- The node whose dispatcher is handing a copy to the broker, and since when (the database's clock). Only one node's
-- claim wins; the sweep takes a copy only while it is unclaimed or its claim is older than sweep-after.
alter table delivery add column claimed_by text;
alter table delivery add column claimed_at timestamptz;
