-- Pupils' video testimonies and contest entries from the declaration form (issue 9) (SQLite).

-- The PeerTube hosts whose videos the académie allows, one a line; NULL: the « tubes » of
-- apps.education.fr (domain::video::EDUCATION_TUBES).
ALTER TABLE academies ADD COLUMN video_hosts TEXT;

-- A link to a video on an allowed PeerTube instance, attached to an action, a totem entry or a
-- poster entry; private until approved, like a photo. Nothing is fetched from the host.
CREATE TABLE videos (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    edition_id  INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    school_id   INTEGER REFERENCES schools(id),
    uploader_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    owner_kind  TEXT NOT NULL,
    owner_id    INTEGER NOT NULL,
    host        TEXT NOT NULL,
    video_ref   TEXT NOT NULL,
    title       TEXT NOT NULL,
    consent     TEXT,
    state       TEXT NOT NULL DEFAULT 'pending',
    decided_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    decided_at  TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX videos_owner ON videos(owner_kind, owner_id);
CREATE INDEX videos_edition_state ON videos(edition_id, state);

-- The answer to « Participez-vous au concours d'affiches ? » in the declaration form, when the
-- edition's contest is entered from the form: NULL not answered, 0 no, n yes in category n.
ALTER TABLE actions ADD COLUMN poster_category INTEGER;

-- The entry an action created when it was submitted with « oui » (one per action).
ALTER TABLE poster_entries ADD COLUMN action_id INTEGER REFERENCES actions(id) ON DELETE SET NULL;
CREATE UNIQUE INDEX poster_entries_action ON poster_entries(action_id);
