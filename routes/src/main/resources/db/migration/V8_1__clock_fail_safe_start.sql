-- 'fail-safe': a clock rule's condition could not be evaluated, so the strictest clock that could apply was started.
alter table record_clock drop constraint record_clock_start_source_check;
alter table record_clock add constraint record_clock_start_source_check
    check (start_source in ('message', 'received', 'fail-safe'));
