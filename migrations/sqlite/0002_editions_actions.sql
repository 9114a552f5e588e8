-- Editions, their declaration forms, actions and their review workflow (SQLite).

CREATE TABLE editions (
    id                   INTEGER PRIMARY KEY,
    academy_id           INTEGER NOT NULL REFERENCES academies(id),
    year                 INTEGER NOT NULL,
    number               INTEGER NOT NULL,
    theme                TEXT NOT NULL,
    week_start           TEXT NOT NULL,
    week_end             TEXT NOT NULL,
    declaration_deadline TEXT NOT NULL,
    bilan_deadline       TEXT NOT NULL,
    circular             TEXT NOT NULL DEFAULT '',
    contact_email        TEXT NOT NULL,
    state                TEXT NOT NULL DEFAULT 'draft',
    reminder_days        TEXT NOT NULL DEFAULT '14 7 2',
    cloned_from          INTEGER REFERENCES editions(id),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (academy_id, year)
);

CREATE TABLE edition_questions (
    id         INTEGER PRIMARY KEY,
    edition_id INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    label      TEXT NOT NULL,
    help       TEXT NOT NULL DEFAULT '',
    required   BOOLEAN NOT NULL DEFAULT 1,
    options    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX edition_questions_edition ON edition_questions(edition_id, position);

CREATE TABLE deadline_extensions (
    id         INTEGER PRIMARY KEY,
    edition_id INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    school_id  INTEGER REFERENCES schools(id),
    until      TEXT NOT NULL,
    granted_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX deadline_extensions_edition ON deadline_extensions(edition_id, school_id);

CREATE TABLE edition_reminders (
    edition_id  INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    days_before INTEGER NOT NULL,
    sent_at     TEXT NOT NULL,
    PRIMARY KEY (edition_id, days_before)
);

CREATE TABLE actions (
    id                    INTEGER PRIMARY KEY,
    edition_id            INTEGER NOT NULL REFERENCES editions(id),
    school_id             INTEGER REFERENCES schools(id),
    district_id           INTEGER REFERENCES districts(id),
    owner_user_id         INTEGER NOT NULL REFERENCES users(id),
    state                 TEXT NOT NULL DEFAULT 'draft',
    version               INTEGER NOT NULL DEFAULT 1,
    title                 TEXT NOT NULL DEFAULT '',
    summary               TEXT NOT NULL DEFAULT '',
    description           TEXT NOT NULL DEFAULT '',
    owner_name            TEXT NOT NULL DEFAULT '',
    owner_role            TEXT NOT NULL DEFAULT '',
    people_involved       TEXT NOT NULL DEFAULT '',
    audiences             TEXT NOT NULL DEFAULT '',
    levels                TEXT NOT NULL DEFAULT '',
    scheme                TEXT NOT NULL DEFAULT '',
    before_week           BOOLEAN NOT NULL DEFAULT 0,
    starts_on             TEXT,
    start_time            TEXT NOT NULL DEFAULT '',
    end_time              TEXT NOT NULL DEFAULT '',
    place                 TEXT NOT NULL DEFAULT '',
    partners              TEXT NOT NULL DEFAULT '',
    expected_participants INTEGER,
    showcase_kinds        TEXT NOT NULL DEFAULT '',
    showcase_other        TEXT NOT NULL DEFAULT '',
    featured_in_programme BOOLEAN NOT NULL DEFAULT 0,
    proposed_for_showcase BOOLEAN NOT NULL DEFAULT 0,
    duplicated_from       INTEGER REFERENCES actions(id),
    submitted_at          TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX actions_edition_school ON actions(edition_id, school_id);
CREATE INDEX actions_edition_district ON actions(edition_id, district_id);
CREATE INDEX actions_edition_state_date ON actions(edition_id, state, starts_on);
CREATE INDEX actions_owner ON actions(owner_user_id);

CREATE TABLE action_answers (
    action_id   INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES edition_questions(id) ON DELETE CASCADE,
    value       TEXT NOT NULL,
    PRIMARY KEY (action_id, question_id)
);

CREATE TABLE action_events (
    id         INTEGER PRIMARY KEY,
    action_id  INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users(id),
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL
);
CREATE INDEX action_events_action ON action_events(action_id, id);
