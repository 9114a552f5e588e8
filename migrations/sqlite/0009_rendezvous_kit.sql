-- The « rendez-vous de la persévérance » and the resource kit (issue 10) (SQLite).
--
-- A meeting is one online session of an edition: when (UTC; entered and shown in
-- Europe/Paris), how long, topic, speakers, the visio link (shown to registered people only,
-- from `link_opens_minutes` before the start), capacity, and the materials sent after it.
-- `reminder_sent_at` and `follow_up_sent_at` are claimed once by the periodic task (any
-- instance). A registration is `registered` or `waiting`; its id gives the arrival order
-- (never reused), a cancellation deletes it, and the first waiting one takes the place freed.

CREATE TABLE meetings (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    edition_id         INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    starts_at          TEXT NOT NULL,
    duration_minutes   INTEGER NOT NULL,
    topic              TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    speakers           TEXT NOT NULL DEFAULT '',
    visio_url          TEXT NOT NULL DEFAULT '',
    link_opens_minutes INTEGER NOT NULL DEFAULT 30,
    capacity           INTEGER NOT NULL,
    materials          TEXT NOT NULL DEFAULT '',
    reminder_sent_at   TEXT,
    follow_up_sent_at  TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX meetings_edition ON meetings(edition_id, starts_at);

CREATE TABLE meeting_registrations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id    INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    status        TEXT NOT NULL CHECK (status IN ('registered', 'waiting')),
    registered_at TEXT NOT NULL,
    attended      BOOLEAN,
    UNIQUE (meeting_id, user_id)
);
CREATE INDEX meeting_registrations_queue ON meeting_registrations(meeting_id, status, id);
CREATE INDEX meeting_registrations_user ON meeting_registrations(user_id);

-- The secret of each person's iCalendar feed (`/agenda/{token}.ics`): only its hash is kept.
CREATE TABLE calendar_feeds (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

-- The resource kit (mallette) of an edition: communication kit files, method sheets (Markdown
-- written in the app, or an uploaded PDF) and reuse sheets (made from a validated action of a
-- past edition). Ordered within their kind by `position`, grouped by `group_name`, dated,
-- public or for signed-in staff. Each change is a new version; every version keeps its own
-- address, and counts its downloads. Files live in the file store (`files/`) under `file_key`.
CREATE TABLE resources (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    edition_id       INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('kit', 'method', 'reuse')),
    group_name       TEXT NOT NULL DEFAULT '',
    position         INTEGER NOT NULL,
    title            TEXT NOT NULL,
    summary          TEXT NOT NULL DEFAULT '',
    audience         TEXT NOT NULL CHECK (audience IN ('public', 'staff')),
    dated_on         TEXT NOT NULL,
    source_action_id INTEGER REFERENCES actions(id) ON DELETE SET NULL,
    cloned_from      INTEGER REFERENCES resources(id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX resources_edition ON resources(edition_id, kind, position);

CREATE TABLE resource_versions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    resource_id INTEGER NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    file_key    TEXT,
    file_kind   TEXT,
    file_name   TEXT,
    file_size   INTEGER,
    created_by  INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL,
    downloads   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (resource_id, version)
);

-- The school's checklist for the week: steps edited per edition by the académie (carried over
-- by cloning), in three phases; each school ticks its steps (when, who). A step with an
-- `auto_check` ticks itself when the service sees it done (`action_declared`: the school has an
-- action beyond the draft); the other checks join with the bilans and galleries.
CREATE TABLE checklist_steps (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    edition_id INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    phase      TEXT NOT NULL CHECK (phase IN ('before', 'during', 'after')),
    position   INTEGER NOT NULL,
    label      TEXT NOT NULL,
    auto_check TEXT NOT NULL DEFAULT '' CHECK (auto_check IN ('', 'action_declared'))
);
CREATE INDEX checklist_steps_edition ON checklist_steps(edition_id, phase, position);

CREATE TABLE checklist_ticks (
    step_id    INTEGER NOT NULL REFERENCES checklist_steps(id) ON DELETE CASCADE,
    school_id  INTEGER NOT NULL REFERENCES schools(id),
    ticked_at  TEXT NOT NULL,
    ticked_by  INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (step_id, school_id)
);
CREATE INDEX checklist_ticks_school ON checklist_ticks(school_id);
