-- One non-identifying row per police contact or police outcome a record reports, written in the record's own
-- transaction. No name, identifier, birth date or free text: only the month, the kind of event and the strata the
-- monthly monitoring report counts by. tracking_id links back to the record for retention and correction.
create table monitoring_fact (
    fact_id           bigserial   primary key,
    tracking_id       uuid        not null references intake_record (tracking_id),
    month             date        not null check (extract(day from month) = 1),
    measure           text        not null,
    area              text        not null,
    placing_authority text        not null,
    childrens_home    text        not null,
    age_band          text        not null,
    sex               text        not null,
    ethnic_group      text        not null,
    recorded_at       timestamptz not null
);

create index monitoring_fact_month_idx on monitoring_fact (month);
create index monitoring_fact_tracking_idx on monitoring_fact (tracking_id);

-- carebridge_app exists since V4.
grant select, insert, delete on monitoring_fact to carebridge_app;
grant usage on sequence monitoring_fact_fact_id_seq to carebridge_app;
