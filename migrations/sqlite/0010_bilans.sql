-- Bilans: what each validated action reports after the week (issue 11) (SQLite).

-- Reminders to the owners who have not submitted their bilan, N days before the bilan deadline.
ALTER TABLE editions ADD COLUMN bilan_reminder_days TEXT NOT NULL DEFAULT '14 3';

-- The edition's questionnaire: its own questions, a scale from 1 to 5 or a free text.
CREATE TABLE bilan_questions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    edition_id INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    label      TEXT NOT NULL,
    required   BOOLEAN NOT NULL DEFAULT 1
);
CREATE INDEX bilan_questions_edition ON bilan_questions(edition_id, position);

-- One bilan per action; `edition_id` is the action's, kept here so the dashboards count an
-- edition's bilans from this table's index alone. The figures are read from these rows at each
-- request: nothing precomputed can go stale.
CREATE TABLE bilans (
    action_id      INTEGER PRIMARY KEY REFERENCES actions(id) ON DELETE CASCADE,
    edition_id     INTEGER NOT NULL REFERENCES editions(id),
    state          TEXT NOT NULL DEFAULT 'draft',
    version        INTEGER NOT NULL DEFAULT 1,
    took_place     TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    pupils         INTEGER,
    parents        INTEGER,
    staff          INTEGER,
    partners       INTEGER,
    others         INTEGER,
    feedback       TEXT NOT NULL DEFAULT '',
    vigilance      TEXT NOT NULL DEFAULT '',
    perspectives   TEXT NOT NULL DEFAULT '',
    return_comment TEXT NOT NULL DEFAULT '',
    extended_until TEXT,
    submitted_at   TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX bilans_edition_state ON bilans(edition_id, state, took_place);

CREATE TABLE bilan_answers (
    action_id   INTEGER NOT NULL REFERENCES bilans(action_id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES bilan_questions(id) ON DELETE CASCADE,
    value       TEXT NOT NULL,
    PRIMARY KEY (action_id, question_id)
);
CREATE INDEX bilan_answers_question ON bilan_answers(question_id, value);

-- Each bilan reminder (J-14, J-3…) of an edition goes once.
CREATE TABLE bilan_reminders (
    edition_id  INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    days_before INTEGER NOT NULL,
    sent_at     TEXT NOT NULL,
    PRIMARY KEY (edition_id, days_before)
);
