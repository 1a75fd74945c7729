-- Failed sign-ins of local users, per user name and per source address, shared by every node and kept over a restart:
-- the delay before the next attempt is checked, and the lockout. Rows are forgotten once quiet (no lockout, no failure
-- for the lockout period). Only existing user names get rows of their own; made-up ones count against the address.
create table ig_sign_in_attempt (
    kind          text        not null check (kind in ('user', 'address')),
    name          text        not null,
    failures      integer     not null,
    last_failure  timestamptz not null,
    not_before    timestamptz not null,
    locked_until  timestamptz,
    primary key (kind, name)
);
create index ig_sign_in_attempt_locked_idx on ig_sign_in_attempt (locked_until) where locked_until is not null;
-- carebridge_app exists since V4.
grant select, insert, update, delete on ig_sign_in_attempt to carebridge_app;
