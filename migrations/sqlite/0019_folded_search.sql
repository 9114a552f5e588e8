-- Accent- and case-insensitive search (« eleves » finds « ÉLÈVES », « coeur » finds « Cœur »):
-- a folded copy of the searched text, kept by the database itself, so that every writer (forms,
-- imports, the demo, the benchmarks) keeps it right. The folding is the one of `text::fold`
-- (src/text.rs): lower case, French diacritics stripped, œ → oe, æ → ae; the typed text is
-- folded the same way in Rust and compared with LIKE. SQLite's own lower() folds ASCII only,
-- hence each accented letter replaced first, in two statements: SQLite before 3.45 (the
-- sqlite3 tool of Debian 12) refuses an expression nested deeper than about 27 calls.

-- the review list's text filter (title, summary, description)
ALTER TABLE actions ADD COLUMN search_folded TEXT NOT NULL DEFAULT '';
UPDATE actions SET search_folded = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(title || ' ' || summary || ' ' || description, 'à', 'a'), 'â', 'a'), 'ä', 'a'), 'á', 'a'), 'À', 'a'), 'Â', 'a'), 'Ä', 'a'), 'Á', 'a'), 'é', 'e'), 'è', 'e'), 'ê', 'e'), 'ë', 'e'), 'É', 'e'), 'È', 'e'), 'Ê', 'e'), 'Ë', 'e'), 'î', 'i'), 'ï', 'i'), 'í', 'i'), 'Î', 'i');
UPDATE actions SET search_folded = lower(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_folded, 'Ï', 'i'), 'ô', 'o'), 'ö', 'o'), 'ó', 'o'), 'Ô', 'o'), 'Ö', 'o'), 'ù', 'u'), 'û', 'u'), 'ü', 'u'), 'ú', 'u'), 'Ù', 'u'), 'Û', 'u'), 'Ü', 'u'), 'ç', 'c'), 'Ç', 'c'), 'ÿ', 'y'), 'Ÿ', 'y'), 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'));
CREATE TRIGGER actions_search_folded_on_insert AFTER INSERT ON actions
BEGIN
    UPDATE actions SET search_folded = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.title || ' ' || NEW.summary || ' ' || NEW.description, 'à', 'a'), 'â', 'a'), 'ä', 'a'), 'á', 'a'), 'À', 'a'), 'Â', 'a'), 'Ä', 'a'), 'Á', 'a'), 'é', 'e'), 'è', 'e'), 'ê', 'e'), 'ë', 'e'), 'É', 'e'), 'È', 'e'), 'Ê', 'e'), 'Ë', 'e'), 'î', 'i'), 'ï', 'i'), 'í', 'i'), 'Î', 'i')
    WHERE rowid = NEW.rowid;
    UPDATE actions SET search_folded = lower(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_folded, 'Ï', 'i'), 'ô', 'o'), 'ö', 'o'), 'ó', 'o'), 'Ô', 'o'), 'Ö', 'o'), 'ù', 'u'), 'û', 'u'), 'ü', 'u'), 'ú', 'u'), 'Ù', 'u'), 'Û', 'u'), 'Ü', 'u'), 'ç', 'c'), 'Ç', 'c'), 'ÿ', 'y'), 'Ÿ', 'y'), 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'))
    WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER actions_search_folded_on_edit AFTER UPDATE OF title, summary, description ON actions
BEGIN
    UPDATE actions SET search_folded = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.title || ' ' || NEW.summary || ' ' || NEW.description, 'à', 'a'), 'â', 'a'), 'ä', 'a'), 'á', 'a'), 'À', 'a'), 'Â', 'a'), 'Ä', 'a'), 'Á', 'a'), 'é', 'e'), 'è', 'e'), 'ê', 'e'), 'ë', 'e'), 'É', 'e'), 'È', 'e'), 'Ê', 'e'), 'Ë', 'e'), 'î', 'i'), 'ï', 'i'), 'í', 'i'), 'Î', 'i')
    WHERE rowid = NEW.rowid;
    UPDATE actions SET search_folded = lower(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_folded, 'Ï', 'i'), 'ô', 'o'), 'ö', 'o'), 'ó', 'o'), 'Ô', 'o'), 'Ö', 'o'), 'ù', 'u'), 'û', 'u'), 'ü', 'u'), 'ú', 'u'), 'Ù', 'u'), 'Û', 'u'), 'Ü', 'u'), 'ç', 'c'), 'Ç', 'c'), 'ÿ', 'y'), 'Ÿ', 'y'), 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'))
    WHERE rowid = NEW.rowid;
END;

-- the school filters (name, commune, UAI)
ALTER TABLE schools ADD COLUMN search_folded TEXT NOT NULL DEFAULT '';
UPDATE schools SET search_folded = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(name || ' ' || commune || ' ' || uai, 'à', 'a'), 'â', 'a'), 'ä', 'a'), 'á', 'a'), 'À', 'a'), 'Â', 'a'), 'Ä', 'a'), 'Á', 'a'), 'é', 'e'), 'è', 'e'), 'ê', 'e'), 'ë', 'e'), 'É', 'e'), 'È', 'e'), 'Ê', 'e'), 'Ë', 'e'), 'î', 'i'), 'ï', 'i'), 'í', 'i'), 'Î', 'i');
UPDATE schools SET search_folded = lower(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_folded, 'Ï', 'i'), 'ô', 'o'), 'ö', 'o'), 'ó', 'o'), 'Ô', 'o'), 'Ö', 'o'), 'ù', 'u'), 'û', 'u'), 'ü', 'u'), 'ú', 'u'), 'Ù', 'u'), 'Û', 'u'), 'Ü', 'u'), 'ç', 'c'), 'Ç', 'c'), 'ÿ', 'y'), 'Ÿ', 'y'), 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'));
CREATE TRIGGER schools_search_folded_on_insert AFTER INSERT ON schools
BEGIN
    UPDATE schools SET search_folded = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.name || ' ' || NEW.commune || ' ' || NEW.uai, 'à', 'a'), 'â', 'a'), 'ä', 'a'), 'á', 'a'), 'À', 'a'), 'Â', 'a'), 'Ä', 'a'), 'Á', 'a'), 'é', 'e'), 'è', 'e'), 'ê', 'e'), 'ë', 'e'), 'É', 'e'), 'È', 'e'), 'Ê', 'e'), 'Ë', 'e'), 'î', 'i'), 'ï', 'i'), 'í', 'i'), 'Î', 'i')
    WHERE rowid = NEW.rowid;
    UPDATE schools SET search_folded = lower(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_folded, 'Ï', 'i'), 'ô', 'o'), 'ö', 'o'), 'ó', 'o'), 'Ô', 'o'), 'Ö', 'o'), 'ù', 'u'), 'û', 'u'), 'ü', 'u'), 'ú', 'u'), 'Ù', 'u'), 'Û', 'u'), 'Ü', 'u'), 'ç', 'c'), 'Ç', 'c'), 'ÿ', 'y'), 'Ÿ', 'y'), 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'))
    WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER schools_search_folded_on_edit AFTER UPDATE OF name, commune, uai ON schools
BEGIN
    UPDATE schools SET search_folded = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.name || ' ' || NEW.commune || ' ' || NEW.uai, 'à', 'a'), 'â', 'a'), 'ä', 'a'), 'á', 'a'), 'À', 'a'), 'Â', 'a'), 'Ä', 'a'), 'Á', 'a'), 'é', 'e'), 'è', 'e'), 'ê', 'e'), 'ë', 'e'), 'É', 'e'), 'È', 'e'), 'Ê', 'e'), 'Ë', 'e'), 'î', 'i'), 'ï', 'i'), 'í', 'i'), 'Î', 'i')
    WHERE rowid = NEW.rowid;
    UPDATE schools SET search_folded = lower(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_folded, 'Ï', 'i'), 'ô', 'o'), 'ö', 'o'), 'ó', 'o'), 'Ô', 'o'), 'Ö', 'o'), 'ù', 'u'), 'û', 'u'), 'ü', 'u'), 'ú', 'u'), 'Ù', 'u'), 'Û', 'u'), 'Ü', 'u'), 'ç', 'c'), 'Ç', 'c'), 'ÿ', 'y'), 'Ÿ', 'y'), 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'))
    WHERE rowid = NEW.rowid;
END;

-- the dashboards' search in the bilans' free text
ALTER TABLE bilans ADD COLUMN search_folded TEXT NOT NULL DEFAULT '';
UPDATE bilans SET search_folded = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(feedback || ' ' || vigilance || ' ' || perspectives, 'à', 'a'), 'â', 'a'), 'ä', 'a'), 'á', 'a'), 'À', 'a'), 'Â', 'a'), 'Ä', 'a'), 'Á', 'a'), 'é', 'e'), 'è', 'e'), 'ê', 'e'), 'ë', 'e'), 'É', 'e'), 'È', 'e'), 'Ê', 'e'), 'Ë', 'e'), 'î', 'i'), 'ï', 'i'), 'í', 'i'), 'Î', 'i');
UPDATE bilans SET search_folded = lower(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_folded, 'Ï', 'i'), 'ô', 'o'), 'ö', 'o'), 'ó', 'o'), 'Ô', 'o'), 'Ö', 'o'), 'ù', 'u'), 'û', 'u'), 'ü', 'u'), 'ú', 'u'), 'Ù', 'u'), 'Û', 'u'), 'Ü', 'u'), 'ç', 'c'), 'Ç', 'c'), 'ÿ', 'y'), 'Ÿ', 'y'), 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'));
CREATE TRIGGER bilans_search_folded_on_insert AFTER INSERT ON bilans
BEGIN
    UPDATE bilans SET search_folded = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.feedback || ' ' || NEW.vigilance || ' ' || NEW.perspectives, 'à', 'a'), 'â', 'a'), 'ä', 'a'), 'á', 'a'), 'À', 'a'), 'Â', 'a'), 'Ä', 'a'), 'Á', 'a'), 'é', 'e'), 'è', 'e'), 'ê', 'e'), 'ë', 'e'), 'É', 'e'), 'È', 'e'), 'Ê', 'e'), 'Ë', 'e'), 'î', 'i'), 'ï', 'i'), 'í', 'i'), 'Î', 'i')
    WHERE rowid = NEW.rowid;
    UPDATE bilans SET search_folded = lower(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_folded, 'Ï', 'i'), 'ô', 'o'), 'ö', 'o'), 'ó', 'o'), 'Ô', 'o'), 'Ö', 'o'), 'ù', 'u'), 'û', 'u'), 'ü', 'u'), 'ú', 'u'), 'Ù', 'u'), 'Û', 'u'), 'Ü', 'u'), 'ç', 'c'), 'Ç', 'c'), 'ÿ', 'y'), 'Ÿ', 'y'), 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'))
    WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER bilans_search_folded_on_edit AFTER UPDATE OF feedback, vigilance, perspectives ON bilans
BEGIN
    UPDATE bilans SET search_folded = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.feedback || ' ' || NEW.vigilance || ' ' || NEW.perspectives, 'à', 'a'), 'â', 'a'), 'ä', 'a'), 'á', 'a'), 'À', 'a'), 'Â', 'a'), 'Ä', 'a'), 'Á', 'a'), 'é', 'e'), 'è', 'e'), 'ê', 'e'), 'ë', 'e'), 'É', 'e'), 'È', 'e'), 'Ê', 'e'), 'Ë', 'e'), 'î', 'i'), 'ï', 'i'), 'í', 'i'), 'Î', 'i')
    WHERE rowid = NEW.rowid;
    UPDATE bilans SET search_folded = lower(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_folded, 'Ï', 'i'), 'ô', 'o'), 'ö', 'o'), 'ó', 'o'), 'Ô', 'o'), 'Ö', 'o'), 'ù', 'u'), 'û', 'u'), 'ü', 'u'), 'ú', 'u'), 'Ù', 'u'), 'Û', 'u'), 'Ü', 'u'), 'ç', 'c'), 'Ç', 'c'), 'ÿ', 'y'), 'Ÿ', 'y'), 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'))
    WHERE rowid = NEW.rowid;
END;

-- the same search in the questionnaire's text answers
ALTER TABLE bilan_answers ADD COLUMN search_folded TEXT NOT NULL DEFAULT '';
UPDATE bilan_answers SET search_folded = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(value, 'à', 'a'), 'â', 'a'), 'ä', 'a'), 'á', 'a'), 'À', 'a'), 'Â', 'a'), 'Ä', 'a'), 'Á', 'a'), 'é', 'e'), 'è', 'e'), 'ê', 'e'), 'ë', 'e'), 'É', 'e'), 'È', 'e'), 'Ê', 'e'), 'Ë', 'e'), 'î', 'i'), 'ï', 'i'), 'í', 'i'), 'Î', 'i');
UPDATE bilan_answers SET search_folded = lower(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_folded, 'Ï', 'i'), 'ô', 'o'), 'ö', 'o'), 'ó', 'o'), 'Ô', 'o'), 'Ö', 'o'), 'ù', 'u'), 'û', 'u'), 'ü', 'u'), 'ú', 'u'), 'Ù', 'u'), 'Û', 'u'), 'Ü', 'u'), 'ç', 'c'), 'Ç', 'c'), 'ÿ', 'y'), 'Ÿ', 'y'), 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'));
CREATE TRIGGER bilan_answers_search_folded_on_insert AFTER INSERT ON bilan_answers
BEGIN
    UPDATE bilan_answers SET search_folded = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.value, 'à', 'a'), 'â', 'a'), 'ä', 'a'), 'á', 'a'), 'À', 'a'), 'Â', 'a'), 'Ä', 'a'), 'Á', 'a'), 'é', 'e'), 'è', 'e'), 'ê', 'e'), 'ë', 'e'), 'É', 'e'), 'È', 'e'), 'Ê', 'e'), 'Ë', 'e'), 'î', 'i'), 'ï', 'i'), 'í', 'i'), 'Î', 'i')
    WHERE rowid = NEW.rowid;
    UPDATE bilan_answers SET search_folded = lower(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_folded, 'Ï', 'i'), 'ô', 'o'), 'ö', 'o'), 'ó', 'o'), 'Ô', 'o'), 'Ö', 'o'), 'ù', 'u'), 'û', 'u'), 'ü', 'u'), 'ú', 'u'), 'Ù', 'u'), 'Û', 'u'), 'Ü', 'u'), 'ç', 'c'), 'Ç', 'c'), 'ÿ', 'y'), 'Ÿ', 'y'), 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'))
    WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER bilan_answers_search_folded_on_edit AFTER UPDATE OF value ON bilan_answers
BEGIN
    UPDATE bilan_answers SET search_folded = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.value, 'à', 'a'), 'â', 'a'), 'ä', 'a'), 'á', 'a'), 'À', 'a'), 'Â', 'a'), 'Ä', 'a'), 'Á', 'a'), 'é', 'e'), 'è', 'e'), 'ê', 'e'), 'ë', 'e'), 'É', 'e'), 'È', 'e'), 'Ê', 'e'), 'Ë', 'e'), 'î', 'i'), 'ï', 'i'), 'í', 'i'), 'Î', 'i')
    WHERE rowid = NEW.rowid;
    UPDATE bilan_answers SET search_folded = lower(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_folded, 'Ï', 'i'), 'ô', 'o'), 'ö', 'o'), 'ó', 'o'), 'Ô', 'o'), 'Ö', 'o'), 'ù', 'u'), 'û', 'u'), 'ü', 'u'), 'ú', 'u'), 'Ù', 'u'), 'Û', 'u'), 'Ü', 'u'), 'ç', 'c'), 'Ç', 'c'), 'ÿ', 'y'), 'Ÿ', 'y'), 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'))
    WHERE rowid = NEW.rowid;
END;
