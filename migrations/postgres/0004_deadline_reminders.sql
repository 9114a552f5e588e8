-- Reminders belong to a deadline value (issue 7, item 4) (PostgreSQL).
--
-- A deadline is the edition's (for every school, extensions for all included) or a school's own
-- extension. Each reminder (J-14, J-7, J-2…) is recorded with the deadline it announced, so a
-- new deadline gets its own reminders, each sent once; and the deadline last announced to each
-- scope is kept, so that when it changes the schools concerned are told the new date.
-- `school_id` is NULL for the edition's deadline, the school for its own extension.

CREATE TABLE deadline_reminders (
    edition_id  BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    school_id   BIGINT REFERENCES schools(id),
    deadline    TIMESTAMPTZ NOT NULL,
    days_before BIGINT NOT NULL,
    sent_at     TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX deadline_reminders_once
    ON deadline_reminders(edition_id, COALESCE(school_id, 0), deadline, days_before);

CREATE TABLE announced_deadlines (
    edition_id   BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    school_id    BIGINT REFERENCES schools(id),
    deadline     TIMESTAMPTZ NOT NULL,
    announced_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX announced_deadlines_scope
    ON announced_deadlines(edition_id, COALESCE(school_id, 0));

-- The reminders already sent were for the edition's deadline as it stands.
INSERT INTO deadline_reminders (edition_id, school_id, deadline, days_before, sent_at)
SELECT r.edition_id, NULL, e.declaration_deadline, r.days_before, r.sent_at
FROM edition_reminders r JOIN editions e ON e.id = r.edition_id;

INSERT INTO announced_deadlines (edition_id, school_id, deadline, announced_at)
SELECT e.id, NULL, e.declaration_deadline, MIN(r.sent_at)
FROM edition_reminders r JOIN editions e ON e.id = r.edition_id
GROUP BY e.id, e.declaration_deadline;

DROP TABLE edition_reminders;
