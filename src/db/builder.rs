//! Dynamic SQL, through `sqlx::QueryBuilder` only.
//!
//! A query whose shape depends on the request (filters, a person's reach)
//! is written by a function generic over [`SqlBuilder`], implemented for the
//! `QueryBuilder` of each engine: the text is pushed as trusted fragments
//! (`&'static str` or our own constants), every value goes through
//! `push_bind` and becomes a placeholder. Such functions never see a
//! connection; the store runs them inside `on_conn!`:
//!
//! ```ignore
//! on_conn!(conn, |c| {
//!     let mut q = sqlx::QueryBuilder::new("");
//!     list_sql(&mut q, edition_id, &reach);
//!     q.build_query_as::<Row>().fetch_all(c).await
//! })
//! ```

use sqlx::{Postgres, QueryBuilder, Sqlite};

/// What our dynamic queries push: SQL text we wrote, and bound values.
pub trait SqlBuilder {
    /// Appends SQL text. Only our own fragments, never a value.
    fn push_sql(&mut self, fragment: &str) -> &mut Self;
    /// Appends a placeholder bound to an integer (or a typed id).
    fn bind_i64(&mut self, value: impl Into<i64>) -> &mut Self;
    /// Appends a placeholder bound to a text.
    fn bind_text(&mut self, value: String) -> &mut Self;
    /// Appends a placeholder bound to a date (a DATE column, or SQLite's
    /// `YYYY-MM-DD` text).
    fn bind_date(&mut self, value: chrono::NaiveDate) -> &mut Self;

    /// Appends `a, b, c`: one bound placeholder per value.
    fn bind_list<T: Copy + Into<i64>>(&mut self, values: &[T]) -> &mut Self {
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.push_sql(", ");
            }
            self.bind_i64(*value);
        }
        self
    }
}

macro_rules! impl_builder {
    ($($db:ty),*) => {$(
        impl SqlBuilder for QueryBuilder<'_, $db> {
            fn push_sql(&mut self, fragment: &str) -> &mut Self {
                self.push(fragment)
            }
            fn bind_i64(&mut self, value: impl Into<i64>) -> &mut Self {
                self.push_bind(value.into())
            }
            fn bind_text(&mut self, value: String) -> &mut Self {
                self.push_bind(value)
            }
            fn bind_date(&mut self, value: chrono::NaiveDate) -> &mut Self {
                self.push_bind(value)
            }
        }
    )*};
}

impl_builder!(Sqlite, Postgres);

/// Collects the SQL text only, with `?` for each value: for unit tests of
/// the query shapes.
#[derive(Debug, Default)]
pub struct SqlText {
    pub text: String,
    pub binds: usize,
}

impl SqlBuilder for SqlText {
    fn push_sql(&mut self, fragment: &str) -> &mut Self {
        self.text.push_str(fragment);
        self
    }
    fn bind_i64(&mut self, _: impl Into<i64>) -> &mut Self {
        self.binds += 1;
        self.text.push('?');
        self
    }
    fn bind_text(&mut self, _: String) -> &mut Self {
        self.binds += 1;
        self.text.push('?');
        self
    }
    fn bind_date(&mut self, _: chrono::NaiveDate) -> &mut Self {
        self.binds += 1;
        self.text.push('?');
        self
    }
}
