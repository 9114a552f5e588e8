-- Signing in through an OpenID Connect provider (ProConnect).

-- A sign-in started and not yet come back: the SHA-256 of its `state`, with the `nonce` the
-- ID token must carry and the PKCE verifier; taken (deleted) by the one callback that uses it.
CREATE TABLE oidc_logins (
    state_hash    TEXT PRIMARY KEY,
    nonce         TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path     TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX oidc_logins_expiry ON oidc_logins(expires_at);

-- Who a provider's `sub` is here: one row per provider (its issuer) and subject. People are
-- matched by e-mail at their first sign-in, then by this row.
CREATE TABLE user_identities (
    issuer        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    last_login_at TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX user_identities_user ON user_identities(user_id);

-- The ID token of a session opened through the provider: the `id_token_hint` of the
-- provider's logout. Cleared when the session ends.
ALTER TABLE sessions ADD COLUMN id_token TEXT;
