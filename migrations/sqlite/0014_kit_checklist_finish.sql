-- Finishing the kit and the checklist (issue 10) (SQLite).

-- A version's file is known by its content (SHA-256, hex): sending the same file again to a
-- resource stores nothing new.
ALTER TABLE resource_versions ADD COLUMN content_hash TEXT;
CREATE INDEX resource_versions_hash ON resource_versions(resource_id, content_hash);

-- A resource the académie removed: its rows and files are gone, its old addresses answer
-- « 410 Gone » with the title and the date, to those who could read it.
CREATE TABLE resources_removed (
    resource_id INTEGER PRIMARY KEY,
    edition_id  INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    audience    TEXT NOT NULL,
    removed_at  TEXT NOT NULL
);

-- Two more steps the service sees done: a bilan sent, photos approved. SQLite cannot change a
-- CHECK in place: the two tables are rebuilt (the ticks point at the new steps table before the
-- old one goes, so dropping it deletes nothing).
CREATE TABLE checklist_steps_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    edition_id INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    phase      TEXT NOT NULL CHECK (phase IN ('before', 'during', 'after')),
    position   INTEGER NOT NULL,
    label      TEXT NOT NULL,
    auto_check TEXT NOT NULL DEFAULT ''
        CHECK (auto_check IN ('', 'action_declared', 'bilan_sent', 'photos_approved'))
);
INSERT INTO checklist_steps_new (id, edition_id, phase, position, label, auto_check)
    SELECT id, edition_id, phase, position, label, auto_check FROM checklist_steps;

CREATE TABLE checklist_ticks_new (
    step_id    INTEGER NOT NULL REFERENCES checklist_steps_new(id) ON DELETE CASCADE,
    school_id  INTEGER NOT NULL REFERENCES schools(id),
    ticked_at  TEXT NOT NULL,
    ticked_by  INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (step_id, school_id)
);
INSERT INTO checklist_ticks_new (step_id, school_id, ticked_at, ticked_by)
    SELECT step_id, school_id, ticked_at, ticked_by FROM checklist_ticks;

DROP TABLE checklist_ticks;
DROP TABLE checklist_steps;
ALTER TABLE checklist_steps_new RENAME TO checklist_steps;
ALTER TABLE checklist_ticks_new RENAME TO checklist_ticks;
CREATE INDEX checklist_steps_edition ON checklist_steps(edition_id, phase, position);
CREATE INDEX checklist_ticks_school ON checklist_ticks(school_id);
