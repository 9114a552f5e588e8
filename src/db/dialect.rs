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

    /// An expression giving the text bucket (see [`Bucket`]) of `column`, a
    /// DATE column (or a UTC timestamp, bucketed by its UTC date). `column`
    /// is a trusted column name, never user input.
    fn date_bucket(&self, column: &str, bucket: Bucket) -> String;

    /// A case-insensitive `LIKE` of `column` against a bound pattern `$n`
    /// built by [`like_pattern`]; `\` escapes `%` and `_`.
    fn ilike(&self, column: &str, placeholder: &str) -> String;
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
    fn begin_write(&self) -> &'static str {
        "BEGIN IMMEDIATE"
    }

    fn claim_job(&self) -> &'static str {
        claim_job_sql!("")
    }

    fn date_bucket(&self, column: &str, bucket: Bucket) -> String {
        match bucket {
            Bucket::Day => format!("strftime('%Y-%m-%d', {column})"),
            // SQLite's %W is not the ISO week; %V and %G arrived in 3.46.
            Bucket::Week => format!("strftime('%G-W%V', {column})"),
            Bucket::Month => format!("strftime('%Y-%m', {column})"),
        }
    }

    fn ilike(&self, column: &str, placeholder: &str) -> String {
        // SQLite's LIKE already ignores ASCII case; folded columns hold the rest.
        format!("{column} LIKE {placeholder} ESCAPE '\\'")
    }
}

impl Dialect for Postgres {
    fn begin_write(&self) -> &'static str {
        "BEGIN"
    }

    fn claim_job(&self) -> &'static str {
        claim_job_sql!(" FOR UPDATE SKIP LOCKED")
    }

    fn date_bucket(&self, column: &str, bucket: Bucket) -> String {
        match bucket {
            Bucket::Day => format!("to_char({column}, 'YYYY-MM-DD')"),
            Bucket::Week => format!("to_char({column}, 'IYYY-\"W\"IW')"),
            Bucket::Month => format!("to_char({column}, 'YYYY-MM')"),
        }
    }

    fn ilike(&self, column: &str, placeholder: &str) -> String {
        format!("{column} ILIKE {placeholder} ESCAPE '\\'")
    }
}

/// A `LIKE` pattern that finds `text` anywhere, with `%`, `_` and `\` taken
/// literally and NUL bytes dropped (use with [`Dialect::ilike`]).
pub fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for ch in text.chars() {
        match ch {
            '%' | '_' | '\\' => {
                pattern.push('\\');
                pattern.push(ch);
            }
            '\0' => {}
            _ => pattern.push(ch),
        }
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_takes_wildcards_literally() {
        assert_eq!(like_pattern("50%_a\\b\0"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn only_postgres_skips_locked_rows() {
        assert!(Postgres.claim_job().contains("FOR UPDATE SKIP LOCKED"));
        assert!(!Sqlite.claim_job().contains("FOR UPDATE"));
        assert_eq!(Sqlite.begin_write(), "BEGIN IMMEDIATE");
    }
}
