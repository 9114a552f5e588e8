-- Publication (issue 8): what the public side shows, and the French search index (SQLite).

-- A coordinator may take a validated action off the public side; the reason is kept in the
-- audit trail (`action_events`, a validated → validated line), and here for the page.
ALTER TABLE actions ADD COLUMN unpublished BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE actions ADD COLUMN unpublished_reason TEXT NOT NULL DEFAULT '';
-- The owner's agreement to show their name on the public side (unticked: never shown).
ALTER TABLE actions ADD COLUMN owner_public BOOLEAN NOT NULL DEFAULT 0;
-- The reuse catalogue: a coordinator features a sheet (shown first) or hides it.
ALTER TABLE actions ADD COLUMN catalogue_rank INTEGER NOT NULL DEFAULT 0;

-- The search vocabulary: one row per stem (`term`, as `search::analyse` writes it).
CREATE TABLE search_terms (
    id   INTEGER PRIMARY KEY,
    term TEXT NOT NULL UNIQUE
);

-- The surface words (folded, not stemmed) seen in indexed texts, with their stem: typing errors
-- are matched against these (`search::fuzzy`), found through their first and last three letters.
CREATE TABLE search_words (
    word    TEXT PRIMARY KEY,
    term_id INTEGER NOT NULL REFERENCES search_terms(id),
    head    TEXT NOT NULL,
    tail    TEXT NOT NULL,
    len     INTEGER NOT NULL
);
CREATE INDEX search_words_head ON search_words(head, len);
CREATE INDEX search_words_tail ON search_words(tail, len);

-- Which action holds which stem, with an integer weight (fields weighted, see `search`).
CREATE TABLE search_postings (
    term_id   INTEGER NOT NULL REFERENCES search_terms(id),
    action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    weight    INTEGER NOT NULL,
    PRIMARY KEY (term_id, action_id)
);
CREATE INDEX search_postings_action ON search_postings(action_id);

-- Which analyser built the index (rebuilt at start-up when it changes).
CREATE TABLE search_meta (
    id       INTEGER PRIMARY KEY,
    analyser INTEGER NOT NULL
);

-- The render cache's generation: bumped by every publication change, so every instance
-- drops the pages it rendered before.
CREATE TABLE publication_generation (
    id         INTEGER PRIMARY KEY,
    generation INTEGER NOT NULL
);
INSERT INTO publication_generation (id, generation) VALUES (1, 0);

CREATE INDEX actions_public ON actions(edition_id, state, unpublished, starts_on);
