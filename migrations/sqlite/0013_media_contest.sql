-- Media with consent and approval, and the totem gallery (issue 9) (SQLite).

-- How long rejected and withdrawn media are kept before they and their variants are deleted.
ALTER TABLE academies ADD COLUMN media_retention_days INTEGER NOT NULL DEFAULT 30;

-- The totem call of an edition: what each school is asked to send; empty: no totem this year.
ALTER TABLE editions ADD COLUMN totem_prompt TEXT NOT NULL DEFAULT '';

-- A school's totem entry: a text linking the year's values to perseverance, and its photos.
CREATE TABLE totem_entries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    edition_id INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    school_id  INTEGER NOT NULL REFERENCES schools(id),
    text       TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (edition_id, school_id)
);

-- Every photo or PDF poster a feature attaches (totem entry, poster entry, bilan): private until
-- approved. The keys name files of the file store: the clean master (re-encoded at upload, no
-- metadata), then the display size and the thumbnail made by the `media.process` job.
CREATE TABLE media (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    edition_id     INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    school_id      INTEGER REFERENCES schools(id),
    uploader_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    owner_kind     TEXT NOT NULL,
    owner_id       INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    byte_size      INTEGER NOT NULL,
    master_key     TEXT NOT NULL,
    display_key    TEXT,
    display_width  INTEGER,
    display_height INTEGER,
    thumb_key      TEXT,
    thumb_width    INTEGER,
    thumb_height   INTEGER,
    description    TEXT NOT NULL DEFAULT '',
    consent        TEXT,
    state          TEXT NOT NULL DEFAULT 'pending',
    decided_by     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    decided_at     TEXT,
    processed_at   TEXT,
    created_at     TEXT NOT NULL
);
CREATE INDEX media_edition_state ON media(edition_id, state);
CREATE INDEX media_owner ON media(owner_kind, owner_id);
CREATE INDEX media_decided ON media(state, decided_at);

-- The poster contest of an edition: rules, categories (one a line), scoring grid (one criterion a
-- line: « label ; weight ; max »), deadline (Paris date, included), and how schools enter.
CREATE TABLE contests (
    edition_id     INTEGER PRIMARY KEY REFERENCES editions(id) ON DELETE CASCADE,
    rules          TEXT NOT NULL DEFAULT '',
    categories     TEXT NOT NULL,
    grid           TEXT NOT NULL,
    deadline       TEXT NOT NULL,
    entry_mode     TEXT NOT NULL DEFAULT 'page',
    jury_closed_at TEXT,
    published_at   TEXT,
    created_at     TEXT NOT NULL
);

-- The jury: accounts named by the coordination, each for some categories (their numbers, spaced).
CREATE TABLE contest_jurors (
    edition_id INTEGER NOT NULL REFERENCES contests(edition_id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    categories TEXT NOT NULL,
    PRIMARY KEY (edition_id, user_id)
);

-- A school's entry (no pupil names); its poster is a medium (owner_kind 'poster').
CREATE TABLE poster_entries (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    edition_id  INTEGER NOT NULL REFERENCES contests(edition_id) ON DELETE CASCADE,
    school_id   INTEGER NOT NULL REFERENCES schools(id),
    category    INTEGER NOT NULL,
    group_name  TEXT NOT NULL,
    title       TEXT NOT NULL,
    statement   TEXT NOT NULL DEFAULT '',
    laureate    INTEGER,
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX poster_entries_edition ON poster_entries(edition_id, category);

-- One juror's scores of one entry, one per criterion of the grid (spaced integers).
CREATE TABLE poster_scores (
    entry_id   INTEGER NOT NULL REFERENCES poster_entries(id) ON DELETE CASCADE,
    juror_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    scores     TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (entry_id, juror_id)
);
