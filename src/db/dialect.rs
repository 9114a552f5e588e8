//! What differs between the engines, in one place per engine.
//!
//! Store files never match on the engine: they ask the connection for its
//! [`Dialect`] (`conn.dialect()`) and splice the fragment it returns into SQL
//! whose values stay bound parameters. Everything else is written once.

/// A date bucket for roll-ups (dashboards by day, week or month).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bucket {
    /// `2027-04-12`
    Day,
    /// ISO year and week, `2027-W15`
    Week,
    /// `2027-04`
    Month,
}

/// The SQL fragments that differ between SQLite and PostgreSQL.
pub trait Dialect: Sync {
    /// The statement that opens a write transaction.
    fn begin_write(&self) -> &'static str;

    /// Claims the next due job: binds `$1` = lease end, `$2` = now (UTC);
    /// returns `id, kind, payload, attempts`. Concurrent workers never claim
    /// the same job.
    fn claim_job(&self) -> &'static str;

    /// The clause that locks the rows a `SELECT` read until the transaction
    /// ends (empty on SQLite, whose write transaction already excludes every
    /// other writer).
    fn for_update(&self) -> &'static str;

    /// An expression giving the text bucket (see [`Bucket`]) of `column`, a
    /// DATE column (or a UTC timestamp, bucketed by its UTC date). `column`
    /// is a trusted column name, never user input.
    fn date_bucket(&self, column: &str, bucket: Bucket) -> String;

    /// The name of the function `f(haystack, needle)` giving the 1-based
    /// position of `needle` in the text `haystack`, 0 when absent
    /// (`instr` on SQLite, `strpos` on PostgreSQL).
    fn position_fn(&self) -> &'static str;
    /// The aggregate that joins texts with a separator, `f(text, sep)`:
    /// `group_concat` on SQLite, `string_agg` on PostgreSQL. Used to bring
    /// many small values back in one row (each row crossing sqlx's
    /// channel costs more than its values).
    fn string_agg_fn(&self) -> &'static str;
}

/// SQLite: one writer at a time, taken at `BEGIN IMMEDIATE`.
pub struct Sqlite;

/// PostgreSQL: row locks, `FOR UPDATE SKIP LOCKED`.
pub struct Postgres;

/// The claim statement: the head is shared, the lock clause differs.
macro_rules! claim_job_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE jobs SET locked_until = $1, attempts = attempts + 1 WHERE id = (\n",
            "  SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= $2\n",
            "    AND (locked_until IS NULL OR locked_until < $2)\n",
            "  ORDER BY run_at, id LIMIT 1",
            $lock,
            ") RETURNING id, kind, payload, attempts"
        )
    };
}

impl Dialect for Sqlite {
    fn position_fn(&self) -> &'static str {
        "instr"
    }

    fn string_agg_fn(&self) -> &'static str {
        "group_concat"
    }

    fn begin_write(&self) -> &'static str {
        "BEGIN IMMEDIATE"
    }

    fn claim_job(&self) -> &'static str {
        claim_job_sql!("")
    }

    fn for_update(&self) -> &'static str {
        ""
    }

    fn date_bucket(&self, column: &str, bucket: Bucket) -> String {
        match bucket {
            Bucket::Day => format!("strftime('%Y-%m-%d', {column})"),
            // SQLite's %W is not the ISO week; %V and %G arrived in 3.46.
            Bucket::Week => format!("strftime('%G-W%V', {column})"),
            Bucket::Month => format!("strftime('%Y-%m', {column})"),
        }
    }
}

impl Dialect for Postgres {
    fn position_fn(&self) -> &'static str {
        "strpos"
    }

    fn string_agg_fn(&self) -> &'static str {
        "string_agg"
    }

    fn begin_write(&self) -> &'static str {
        "BEGIN"
    }

    fn claim_job(&self) -> &'static str {
        claim_job_sql!(" FOR UPDATE SKIP LOCKED")
    }

    fn for_update(&self) -> &'static str {
        " FOR UPDATE"
    }

    fn date_bucket(&self, column: &str, bucket: Bucket) -> String {
        match bucket {
            Bucket::Day => format!("to_char({column}, 'YYYY-MM-DD')"),
            Bucket::Week => format!("to_char({column}, 'IYYY-\"W\"IW')"),
            Bucket::Month => format!("to_char({column}, 'YYYY-MM')"),
        }
    }
}

/// A `LIKE` pattern that finds `text` anywhere in a `search_folded` column,
/// to compare as `x.search_folded LIKE $n ESCAPE '\'`.
///
/// The text is folded as the column is (migration 0019, [`crate::text::fold`]:
/// lower case, French diacritics stripped, « œ » → « oe »), so « eleves »,
/// « Élèves » and « ÉLÈVES » all find « élèves » on both engines. `%`, `_`
/// and `\` typed by the person are escaped (taken literally), NUL bytes are
/// dropped; a letter that folding leaves outside ASCII (« ñ ») becomes the
/// one-character wildcard `_`, since SQLite's `lower()` folds ASCII only.
///
/// Each run of spaces, hyphens and apostrophes (`'` and `’`) becomes one `_`
/// too (issue 8's trial): « Saint Denis » finds « Saint-Denis »,
/// « saint-denis » finds « Saint Denis », « l ecole » finds « l'école » and
/// « l’École », whatever the stored text used; no stored column changes.
pub fn like_pattern(text: &str) -> String {
    let text = crate::text::fold(text);
    let text = text.as_str();
    let mut pattern = String::from("%");
    let mut separated = false;
    for c in text.trim().chars() {
        if is_separator(c) {
            if !separated {
                pattern.push('_');
                separated = true;
            }
            continue;
        }
        separated = false;
        match c {
            '%' | '_' | '\\' => {
                pattern.push('\\');
                pattern.push(c);
            }
            '\0' => {}
            c if c.is_ascii() => pattern.push(c.to_ascii_lowercase()),
            _ => pattern.push('_'),
        }
    }
    pattern.push('%');
    pattern
}

/// What separates the words of a name the same way whoever types it: white
/// space, the hyphen (and its Unicode kin), the apostrophes.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '\u{2010}' | '\u{2011}' | '\'' | '\u{2019}' | '\u{2018}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_takes_wildcards_literally() {
        assert_eq!(like_pattern("50%_a\\b\0"), "%50\\%\\_a\\\\b%");
        assert_eq!(like_pattern(" École "), "%ecole%");
        assert_eq!(like_pattern("CŒUR Mañana"), "%coeur_ma_ana%");
    }

    #[test]
    fn like_pattern_joins_spaces_hyphens_and_apostrophes() {
        for typed in [
            "Saint Denis",
            "saint-denis",
            "SAINT - DENIS",
            "saint\u{2019}denis",
        ] {
            assert_eq!(like_pattern(typed), "%saint_denis%", "{typed}");
        }
        for typed in ["l ecole", "l'école", "L’École", "l' ecole"] {
            assert_eq!(like_pattern(typed), "%l_ecole%", "{typed}");
        }
        // A typed `_` or `%` stays literal beside a separator.
        assert_eq!(like_pattern("a_ -b%"), "%a\\__b\\%%");
    }

    #[test]
    fn only_postgres_skips_locked_rows() {
        assert!(Postgres.claim_job().contains("FOR UPDATE SKIP LOCKED"));
        assert!(!Sqlite.claim_job().contains("FOR UPDATE"));
        assert_eq!(Sqlite.begin_write(), "BEGIN IMMEDIATE");
    }
}
