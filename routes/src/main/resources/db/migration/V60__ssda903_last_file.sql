-- new-episodes: since-last-file (issue 12): per children's services partner, the latest episode start (DECOM) of the
-- SSDA903 files processed so far. An episode starting after it is new. A partner and a date: no personal data.
create table ssda903_last_file (
    partner_id   text primary key,
    latest_decom date not null,
    updated_at   timestamptz not null default now()
);
grant select, insert, update on ssda903_last_file to carebridge_app;
