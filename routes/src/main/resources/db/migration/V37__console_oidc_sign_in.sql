-- Console sign-ins through the identity provider that are under way: the authorization request, by its state, bound to
-- the browser that started it (a hash of a cookie), so the provider's redirect back may reach any node. Ten minutes at most.
create table console_oidc_sign_in (
    state        text primary key,
    browser_hash text        not null,
    request      bytea       not null,
    created_at   timestamptz not null
);
create index console_oidc_sign_in_time_idx on console_oidc_sign_in (created_at);
-- carebridge_app exists since V4.
grant select, insert, delete on console_oidc_sign_in to carebridge_app;
