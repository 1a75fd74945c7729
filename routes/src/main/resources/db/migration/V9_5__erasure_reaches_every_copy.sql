-- Retention erasure reaches everything personal outside the sealed payloads (issue 10, item 8).

-- A safeguarding override's assertion (who, in what role, why) and the IG review note are sealed under the record's data
-- key, so destroying the key at the end of retention shreds them. Rows written before this migration keep their clear
-- columns until their record is erased, when the eraser clears them.
alter table override_review alter column asserted_by drop not null;
alter table override_review alter column asserted_role drop not null;
alter table override_review alter column reason drop not null;
alter table override_review add column sealed_assertion bytea;
alter table override_review add column sealed_note bytea;
grant select, insert, update on override_review to carebridge_app;

-- Monitoring facts outlive their record for the monthly counts, unlinked from it when it is erased.
alter table monitoring_fact alter column tracking_id drop not null;
grant update on monitoring_fact to carebridge_app;
