-- Issue 6, « Speed »: the coverage dashboard counts an edition's actions by
-- district, state, audience and showcase kind. This index holds every column
-- that count reads (the department too, for a department's reach), so the
-- count never reads the actions' own rows, whose descriptions are long; the
-- school, for the indicators' count of participating schools (src/dashboards).
CREATE INDEX actions_dashboard_counts
    ON actions (edition_id, place_district_id, state, audiences, showcase_kinds, place_department_id, school_id);
