-- Security (SQLite): grant ids never reused, sessions bound to their anti-forgery token,
-- rate limits shared by every instance, the security log, and forms kept when a session
-- ends while someone types.

-- role_grants ids are logged (grants, revocations): with AUTOINCREMENT, the id of a deleted
-- grant never comes back. SQLite cannot change a key in place: rebuild the table (and the
-- view that reads it).
DROP VIEW grant_placements;
CREATE TABLE role_grants_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    scope_kind TEXT NOT NULL,
    scope_id   INTEGER NOT NULL,
    granted_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    UNIQUE (user_id, role, scope_kind, scope_id)
);
INSERT INTO role_grants_new (id, user_id, role, scope_kind, scope_id, granted_by, created_at)
SELECT id, user_id, role, scope_kind, scope_id, granted_by, created_at FROM role_grants;
DROP TABLE role_grants;
ALTER TABLE role_grants_new RENAME TO role_grants;
CREATE INDEX role_grants_scope ON role_grants(scope_kind, scope_id);

CREATE VIEW grant_placements AS
SELECT g.id, g.user_id, g.role, g.scope_kind, g.scope_id,
       COALESCE(a.id, 0) AS academy_id,
       dp.id AS department_id,
       di.id AS district_id,
       sc.id AS school_id
FROM role_grants g
LEFT JOIN schools sc ON g.scope_kind = 'school' AND sc.id = g.scope_id
LEFT JOIN districts di ON di.id = CASE WHEN g.scope_kind = 'district' THEN g.scope_id ELSE sc.district_id END
LEFT JOIN departments dp ON dp.id = CASE WHEN g.scope_kind = 'department' THEN g.scope_id
                                         WHEN g.scope_kind = 'district' THEN di.department_id
                                         ELSE sc.department_id END
LEFT JOIN academies a ON a.id = CASE WHEN g.scope_kind = 'academy' THEN g.scope_id ELSE dp.academy_id END;

-- The SHA-256 of the session's anti-forgery token: tells whose form a posted token comes from,
-- even after the session ended (ended sessions are kept a few days, see auth::store).
ALTER TABLE sessions ADD COLUMN csrf_hash TEXT;
CREATE INDEX sessions_csrf ON sessions(csrf_hash);

-- Rate-limit counters: `bucket` names the limit and the SHA-256 of its key (an address, a
-- client, a person); `window_start` is the start (Unix seconds) of a slot of a tenth of the window.
CREATE TABLE rate_limits (
    bucket       TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL,
    expires_at   TEXT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limits_expiry ON rate_limits(expires_at);

-- Who did what, when, from where: sign-ins, sign-outs, refusals, grants, exports. No foreign
-- key: the log outlives the accounts it names. Never a token.
CREATE TABLE security_events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    kind    TEXT NOT NULL,
    user_id INTEGER,
    client  TEXT NOT NULL,
    method  TEXT NOT NULL,
    path    TEXT NOT NULL,
    detail  TEXT NOT NULL
);
CREATE INDEX security_events_at ON security_events(at);
CREATE INDEX security_events_user ON security_events(user_id, at);

-- A form posted when its author's session had ended or its token was stale: kept for its
-- author only, offered back after they sign in, forgotten once resent or expired.
CREATE TABLE kept_forms (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    path       TEXT NOT NULL,
    fields     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    UNIQUE (user_id, path)
);
CREATE INDEX kept_forms_expiry ON kept_forms(expires_at);
