-- Agreement drafts written in the console: an admin uploads or edits one, a different person with ig-officer approves
-- it; approved texts join config/agreements/ in the agreement set, and each comes into force on its start date.
create table agreement_draft (
    draft_id        uuid primary key,
    agreement_id    text        not null,
    version         integer     not null,
    file_name       text        not null,
    document        text        not null,
    state           text        not null check (state in ('DRAFT', 'APPROVED', 'WITHDRAWN')),
    -- everyone who wrote the text: none of them may approve it
    authors         text[]      not null,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    approved_by     text,
    approved_at     timestamptz,
    valid_from      date,
    -- when the ledger was told the approved text is in force (on or after valid_from)
    in_force_noted  timestamptz,
    check (state <> 'APPROVED' or (approved_by is not null and not (approved_by = any (authors))))
);
create index agreement_draft_state_idx on agreement_draft (state, agreement_id);
-- carebridge_app exists since V4.
grant select, insert, update on agreement_draft to carebridge_app;
