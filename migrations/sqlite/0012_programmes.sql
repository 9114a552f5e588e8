-- District programmes, their diffusion and the district's partners (issue 8) (SQLite).
--
-- A programme is composed once per edition and district: an introduction, a grouping (by day
-- or by school), the chosen validated actions in order (`programme_items`) and the district's
-- own events. Each publication freezes the whole content as JSON in `programme_versions`
-- (numbered from 1): the public page, the PDF, the iCalendar file and the diff of a
-- re-diffusion read a version, never the working copy. A diffusion is logged with its version,
-- who sent it, when, and one row per recipient whose status follows its mail job
-- (`pending` → `sent`, or `failed` with the last error; retried by the job, or by hand).
-- The DSDEN's address is the department's `contact_email`.

ALTER TABLE departments ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';

CREATE TABLE programmes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    edition_id   INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    district_id  INTEGER NOT NULL REFERENCES districts(id),
    introduction TEXT NOT NULL DEFAULT '',
    grouping     TEXT NOT NULL DEFAULT 'day' CHECK (grouping IN ('day', 'school')),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (edition_id, district_id)
);

CREATE TABLE programme_items (
    programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    action_id    INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    PRIMARY KEY (programme_id, action_id)
);

CREATE TABLE programme_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    day          TEXT NOT NULL,
    start_time   TEXT NOT NULL DEFAULT '',
    place        TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX programme_events_programme ON programme_events(programme_id, day);

CREATE TABLE programme_versions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    number       INTEGER NOT NULL,
    content      TEXT NOT NULL,
    published_by INTEGER NOT NULL REFERENCES users(id),
    published_at TEXT NOT NULL,
    UNIQUE (programme_id, number)
);

CREATE TABLE partners (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    district_id INTEGER NOT NULL REFERENCES districts(id),
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    kind        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX partners_district ON partners(district_id, name);

CREATE TABLE programme_diffusions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    version_id   INTEGER NOT NULL REFERENCES programme_versions(id),
    sent_by      INTEGER NOT NULL REFERENCES users(id),
    sent_at      TEXT NOT NULL,
    changes      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX programme_diffusions_programme ON programme_diffusions(programme_id, id);

CREATE TABLE diffusion_recipients (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    diffusion_id INTEGER NOT NULL REFERENCES programme_diffusions(id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    label        TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL
);
CREATE INDEX diffusion_recipients_diffusion ON diffusion_recipients(diffusion_id, id);
