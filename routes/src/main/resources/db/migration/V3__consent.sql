-- The consent registry. One row per FHIR Consent, holding its current version: the terms a sharing decision reads, and
-- the resource as stored (id and meta.versionId set). Subject identifier values are personal data: never log them.
create table consent (
    id             uuid        primary key,
    version        integer     not null check (version >= 1),
    subject_system text        not null,
    subject_value  text        not null,
    status         text        not null check (status in ('GIVEN', 'WITHDRAWN', 'REFUSED')),
    partner_ids    text[]      not null,
    agency_kinds   text[]      not null,
    -- empty means any purpose
    purposes       text[]      not null,
    -- null means from the beginning
    period_start   timestamptz,
    -- exclusive (the first instant no longer covered); null means open-ended
    period_end     timestamptz,
    resource       text        not null,
    recorded_by    text        not null,
    recorded_at    timestamptz not null
);

create index consent_subject_idx on consent (subject_system, subject_value);

-- Every version of every consent, so that the Consent/<id>/_history/<version> a decision records always resolves.
create table consent_history (
    id             uuid        not null references consent (id),
    version        integer     not null,
    subject_system text        not null,
    subject_value  text        not null,
    status         text        not null check (status in ('GIVEN', 'WITHDRAWN', 'REFUSED')),
    partner_ids    text[]      not null,
    agency_kinds   text[]      not null,
    purposes       text[]      not null,
    period_start   timestamptz,
    period_end     timestamptz,
    resource       text        not null,
    recorded_by    text        not null,
    recorded_at    timestamptz not null,
    primary key (id, version)
);

create function consent_history_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'consent_history is append-only';
end
$$;

create trigger consent_history_no_update_or_delete before update or delete on consent_history
    for each row execute function consent_history_append_only();

create trigger consent_history_no_truncate before truncate on consent_history
    for each statement execute function consent_history_append_only();
