-- A not-agreed override is followed by a copy-withdrawal message to its recipient (the gateway's own record, decided
-- under config/agreements/copy-withdrawal.yaml); this names that record once it is stored, so a failed send is retried.
alter table override_review add column withdrawal_tracking_id uuid;
create index override_review_withdrawal_due_idx on override_review (reviewed_at)
    where status = 'NOT_AGREED' and withdrawal_tracking_id is null;
