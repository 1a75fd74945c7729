-- Every decision for every candidate recipient, permit or deny, with what explains it.
create table decision (
    decision_id       uuid primary key,
    tracking_id       uuid        not null references intake_record (tracking_id),
    recipient         text        not null,
    outcome           text        not null check (outcome in ('PERMIT', 'DENY', 'PERMIT_BY_OVERRIDE')),
    reason            text        not null,
    explanation       text        not null,
    agreement_id      text        not null,
    agreement_version integer     not null,
    rule_id           text        not null,
    lawful_basis      text        not null,
    consent_ref       text,
    profile           text,
    decided_at        timestamptz not null
);
create index decision_tracking_idx on decision (tracking_id);

-- Each recipient's copy is minimised to its profile, so the copy is stored with its delivery.
alter table delivery add column decision_id uuid references decision (decision_id);
alter table delivery add column profile text;
alter table delivery add column payload bytea;

-- Shares made on a safeguarding override wait here for information-governance review.
create table override_review (
    override_id   uuid primary key,
    decision_id   uuid        not null references decision (decision_id),
    tracking_id   uuid        not null references intake_record (tracking_id),
    recipient     text        not null,
    asserted_by   text        not null,
    asserted_role text        not null,
    reason        text        not null,
    status        text        not null default 'PENDING' check (status in ('PENDING', 'AGREED', 'NOT_AGREED')),
    created_at    timestamptz not null,
    reviewed_by   text,
    reviewed_at   timestamptz,
    review_note   text
);
create index override_review_pending_idx on override_review (created_at) where status = 'PENDING';
