-- Where each action lies, stored on the action (PostgreSQL).
--
-- The place of an action is its school's district and department or, for a district action
-- (no school), its district's (the same rule as the access policy's `Placement`). Reviewers,
-- dashboards and (next) the public agenda filter the edition's actions by place; reading the
-- place from the school at every request cost a join per school. The two columns below are
-- kept equal to that rule by the triggers of this file, in the same statement as the change
-- that moves them: an action created or re-placed, a school moved to another district or
-- department, a district moved to another department. Nothing in Rust writes them.
ALTER TABLE actions ADD COLUMN place_district_id BIGINT REFERENCES districts(id);
ALTER TABLE actions ADD COLUMN place_department_id BIGINT REFERENCES departments(id);

UPDATE actions SET
    place_district_id = COALESCE((SELECT s.district_id FROM schools s WHERE s.id = actions.school_id),
                                 actions.district_id),
    place_department_id = COALESCE((SELECT s.department_id FROM schools s WHERE s.id = actions.school_id),
                                   (SELECT d.department_id FROM districts d WHERE d.id = actions.district_id));

CREATE FUNCTION actions_place() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.place_district_id := COALESCE((SELECT s.district_id FROM schools s WHERE s.id = NEW.school_id),
                                      NEW.district_id);
    NEW.place_department_id := COALESCE((SELECT s.department_id FROM schools s WHERE s.id = NEW.school_id),
                                        (SELECT d.department_id FROM districts d WHERE d.id = NEW.district_id));
    RETURN NEW;
END $$;

CREATE TRIGGER actions_place_on_insert BEFORE INSERT ON actions
    FOR EACH ROW EXECUTE FUNCTION actions_place();
CREATE TRIGGER actions_place_on_move BEFORE UPDATE OF school_id, district_id ON actions
    FOR EACH ROW EXECUTE FUNCTION actions_place();

CREATE FUNCTION schools_place_of_actions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE actions SET
        place_district_id = COALESCE(NEW.district_id, actions.district_id),
        place_department_id = NEW.department_id
    WHERE school_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER schools_place_of_actions AFTER UPDATE OF district_id, department_id ON schools
    FOR EACH ROW
    WHEN (OLD.district_id IS DISTINCT FROM NEW.district_id OR OLD.department_id IS DISTINCT FROM NEW.department_id)
    EXECUTE FUNCTION schools_place_of_actions();

CREATE FUNCTION districts_place_of_actions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE actions SET place_department_id = NEW.department_id
    WHERE school_id IS NULL AND district_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER districts_place_of_actions AFTER UPDATE OF department_id ON districts
    FOR EACH ROW
    WHEN (OLD.department_id IS DISTINCT FROM NEW.department_id)
    EXECUTE FUNCTION districts_place_of_actions();

-- The review list of a district: the edition's actions beyond the draft, by place, in the
-- list's order (undated last, then by date, then by id), so that a page is read off the index.
CREATE INDEX actions_reviewed_by_district ON actions(edition_id, place_district_id, (starts_on IS NULL), starts_on, id)
    WHERE state <> 'draft';
CREATE INDEX actions_by_department ON actions(edition_id, place_department_id, state);
