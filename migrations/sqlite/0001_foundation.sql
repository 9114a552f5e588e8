-- The académie's map, accounts, sessions and the job queue (SQLite).
-- Timestamps are RFC 3339 text written by the application, in UTC.

CREATE TABLE academies (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    slug          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    email_domains TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);

CREATE TABLE departments (
    id         INTEGER PRIMARY KEY,
    academy_id INTEGER NOT NULL REFERENCES academies(id),
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL
);
CREATE INDEX departments_academy ON departments(academy_id);

CREATE TABLE districts (
    id            INTEGER PRIMARY KEY,
    department_id INTEGER NOT NULL REFERENCES departments(id),
    name          TEXT NOT NULL,
    UNIQUE (department_id, name)
);

CREATE TABLE schools (
    id            INTEGER PRIMARY KEY,
    uai           TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    sector        TEXT NOT NULL,
    commune       TEXT NOT NULL,
    postal_code   TEXT NOT NULL,
    academy_id    INTEGER NOT NULL REFERENCES academies(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    district_id   INTEGER REFERENCES districts(id),
    bassin_code   TEXT,
    bassin_name   TEXT,
    latitude      REAL,
    longitude     REAL,
    is_open       BOOLEAN NOT NULL DEFAULT 1,
    updated_at    TEXT NOT NULL
);
CREATE INDEX schools_academy ON schools(academy_id, name);
CREATE INDEX schools_department ON schools(department_id);
CREATE INDEX schools_district ON schools(district_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    last_login_at TEXT
);

CREATE TABLE role_grants (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    scope_kind TEXT NOT NULL,
    scope_id   INTEGER NOT NULL,
    granted_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    UNIQUE (user_id, role, scope_kind, scope_id)
);
CREATE INDEX role_grants_scope ON role_grants(scope_kind, scope_id);

CREATE TABLE login_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    run_at       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    locked_until TEXT,
    done_at      TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX jobs_pending ON jobs(run_at) WHERE done_at IS NULL;

-- Where each grant's scope lives, so that "who holds a role within my scope"
-- is one indexed query whatever the level.
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
