-- The per-partner backlog (waiting, retrying, dead-lettered, oldest waiting) read by the metrics gauges and the
-- console: only the copies not yet delivered, so its cost follows the backlog, not the table.
create index delivery_backlog_idx on delivery (recipient, state, created_at) where state in ('QUEUED', 'FAILED', 'DEAD_LETTERED');
