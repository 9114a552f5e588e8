-- The review of an edition's actions: the district review list and the coverage dashboard (SQLite).

-- A district's review list starts from its schools and reads, for each school, the edition's
-- actions with their state and date from this index alone, without reading the table's rows;
-- the dashboard's « has this school declared anything beyond a draft » probes it too.
CREATE INDEX actions_edition_school_state ON actions(edition_id, school_id, state, starts_on);

-- The académie dashboard counts its open schools by district from this index alone.
CREATE INDEX schools_academy_district ON schools(academy_id, district_id, is_open);
