-- Forms that hold: one answer per form sent, and options with a stable identity (SQLite).

-- Each creating or state-changing form carries a random token; the first request that
-- claims it does the work, in the same transaction, and records where it led. A second
-- request with the same token (a double click, a resent page) is answered with that
-- address and changes nothing. Rows older than a day are removed as new ones arrive.
CREATE TABLE form_submissions (
    token      TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    location   TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX form_submissions_created ON form_submissions(created_at);

-- The options of a choice question, each with its own id: renaming an option keeps the
-- answers that chose it.
CREATE TABLE question_options (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    question_id INTEGER NOT NULL REFERENCES edition_questions(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    label       TEXT NOT NULL
);
CREATE INDEX question_options_question ON question_options(question_id, position);

-- The options an action chose (choice questions); other answers stay in action_answers.
CREATE TABLE action_choices (
    action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    option_id INTEGER NOT NULL REFERENCES question_options(id) ON DELETE CASCADE,
    PRIMARY KEY (action_id, option_id)
);
CREATE INDEX action_choices_option ON action_choices(option_id);

-- The options were lines of edition_questions.options.
INSERT INTO question_options (question_id, position, label)
WITH RECURSIVE split(question_id, position, label, rest) AS (
    SELECT id, 0, '', options || char(10) FROM edition_questions
     WHERE kind IN ('single_choice', 'multiple_choice')
    UNION ALL
    SELECT question_id, position + 1,
           trim(substr(rest, 1, instr(rest, char(10)) - 1)),
           substr(rest, instr(rest, char(10)) + 1)
      FROM split WHERE rest <> ''
)
SELECT question_id, position, label FROM split
 WHERE position > 0 AND label <> '' ORDER BY question_id, position;

-- The answers were the chosen labels, one per line.
INSERT INTO action_choices (action_id, option_id)
WITH RECURSIVE split(action_id, question_id, label, rest) AS (
    SELECT a.action_id, a.question_id, NULL, a.value || char(10)
      FROM action_answers a JOIN edition_questions q ON q.id = a.question_id
     WHERE q.kind IN ('single_choice', 'multiple_choice')
    UNION ALL
    SELECT action_id, question_id,
           trim(substr(rest, 1, instr(rest, char(10)) - 1)),
           substr(rest, instr(rest, char(10)) + 1)
      FROM split WHERE rest <> ''
)
SELECT s.action_id, MIN(o.id) FROM split s
  JOIN question_options o ON o.question_id = s.question_id AND o.label = s.label
 WHERE s.label IS NOT NULL
 GROUP BY s.action_id, s.question_id, s.label;

DELETE FROM action_answers WHERE question_id IN
    (SELECT id FROM edition_questions WHERE kind IN ('single_choice', 'multiple_choice'));
ALTER TABLE edition_questions DROP COLUMN options;
