-- Finishing the kit and the checklist (issue 10) (PostgreSQL).

-- A version's file is known by its content (SHA-256, hex): sending the same file again to a
-- resource stores nothing new.
ALTER TABLE resource_versions ADD COLUMN content_hash TEXT;
CREATE INDEX resource_versions_hash ON resource_versions(resource_id, content_hash);

-- A resource the académie removed: its rows and files are gone, its old addresses answer
-- « 410 Gone » with the title and the date, to those who could read it.
CREATE TABLE resources_removed (
    resource_id BIGINT PRIMARY KEY,
    edition_id  BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    audience    TEXT NOT NULL,
    removed_at  TIMESTAMPTZ NOT NULL
);

-- Two more steps the service sees done: a bilan sent, photos approved.
ALTER TABLE checklist_steps DROP CONSTRAINT checklist_steps_auto_check_check;
ALTER TABLE checklist_steps ADD CONSTRAINT checklist_steps_auto_check_check
    CHECK (auto_check IN ('', 'action_declared', 'bilan_sent', 'photos_approved'));
