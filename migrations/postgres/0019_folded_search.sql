-- Accent- and case-insensitive search (« eleves » finds « ÉLÈVES », « coeur » finds « Cœur »):
-- a folded copy of the searched text, kept by the database itself, so that every writer (forms,
-- imports, the demo, the benchmarks) keeps it right. The folding is the one of `text::fold`
-- (src/text.rs): lower case, French diacritics stripped, œ → oe, æ → ae; the typed text is
-- folded the same way in Rust and compared with LIKE. SQLite's own lower() folds ASCII only,
-- hence each accented letter replaced first, in two statements: SQLite before 3.45 (the
-- sqlite3 tool of Debian 12) refuses an expression nested deeper than about 27 calls.

-- the review list's text filter (title, summary, description)
ALTER TABLE actions ADD COLUMN search_folded TEXT NOT NULL GENERATED ALWAYS AS (lower(translate(replace(replace(replace(replace(title || ' ' || summary || ' ' || description, 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'), 'àâäáÀÂÄÁéèêëÉÈÊËîïíÎÏôöóÔÖùûüúÙÛÜçÇÿŸ', 'aaaaaaaaeeeeeeeeiiiiiooooouuuuuuuccyy'))) STORED;

-- the school filters (name, commune, UAI)
ALTER TABLE schools ADD COLUMN search_folded TEXT NOT NULL GENERATED ALWAYS AS (lower(translate(replace(replace(replace(replace(name || ' ' || commune || ' ' || uai, 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'), 'àâäáÀÂÄÁéèêëÉÈÊËîïíÎÏôöóÔÖùûüúÙÛÜçÇÿŸ', 'aaaaaaaaeeeeeeeeiiiiiooooouuuuuuuccyy'))) STORED;

-- the dashboards' search in the bilans' free text
ALTER TABLE bilans ADD COLUMN search_folded TEXT NOT NULL GENERATED ALWAYS AS (lower(translate(replace(replace(replace(replace(feedback || ' ' || vigilance || ' ' || perspectives, 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'), 'àâäáÀÂÄÁéèêëÉÈÊËîïíÎÏôöóÔÖùûüúÙÛÜçÇÿŸ', 'aaaaaaaaeeeeeeeeiiiiiooooouuuuuuuccyy'))) STORED;

-- the same search in the questionnaire's text answers
ALTER TABLE bilan_answers ADD COLUMN search_folded TEXT NOT NULL GENERATED ALWAYS AS (lower(translate(replace(replace(replace(replace(value, 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'), 'àâäáÀÂÄÁéèêëÉÈÊËîïíÎÏôöóÔÖùûüúÙÛÜçÇÿŸ', 'aaaaaaaaeeeeeeeeiiiiiooooouuuuuuuccyy'))) STORED;
