-- One row per cluster namespace: the node holding it leads until expires_at (the database's clock, so nodes' clocks
-- may differ). The holder renews well before then; another node takes it only once it has expired.
create table cluster_lease (
    namespace  text        primary key,
    holder     text        not null,
    expires_at timestamptz not null
);
