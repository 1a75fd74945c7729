-- A draft may be withdrawn (by an admin) or rejected (by an ig-officer, with a reason) instead of approved. Who closed
-- it, when, and the rejection reason stay here; the ledger names the step and who, never the free-text reason.
alter table agreement_draft drop constraint agreement_draft_state_check;
alter table agreement_draft add constraint agreement_draft_state_check
    check (state in ('DRAFT', 'APPROVED', 'WITHDRAWN', 'REJECTED'));
alter table agreement_draft add column closed_by text;
alter table agreement_draft add column closed_at timestamptz;
alter table agreement_draft add column close_reason text;
alter table agreement_draft add constraint agreement_draft_closed_check
    check (state not in ('WITHDRAWN', 'REJECTED') or (closed_by is not null and closed_at is not null));
alter table agreement_draft add constraint agreement_draft_rejected_reason_check
    check (state <> 'REJECTED' or (close_reason is not null and length(close_reason) > 0));
