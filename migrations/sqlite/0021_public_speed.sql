-- The search index, académie by académie (issue 8, speed): a search reads only the postings of
-- its académie, in one range of the key, instead of a common stem's postings over the whole
-- country. The postings are rebuilt at start-up (`search::ANALYSER_VERSION` 3).
DROP TABLE search_postings;
CREATE TABLE search_postings (
    academy_id INTEGER NOT NULL REFERENCES academies(id),
    term_id    INTEGER NOT NULL REFERENCES search_terms(id),
    action_id  INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    weight     INTEGER NOT NULL,
    PRIMARY KEY (academy_id, term_id, action_id)
) WITHOUT ROWID;
CREATE INDEX search_postings_action ON search_postings(action_id);
DELETE FROM search_meta;

-- The agenda, the map and the catalogue choose and count their actions on this index alone
-- (issue 8, speed): the edition, the published state, the date order, then every column
-- their filters read; the rows (long descriptions) are read only for the page shown.
DROP INDEX actions_public;
CREATE INDEX actions_agenda ON actions(edition_id, state, unpublished, starts_on, start_time,
    audiences, showcase_kinds, levels, scheme, place_district_id, place_department_id, school_id,
    catalogue_rank);
