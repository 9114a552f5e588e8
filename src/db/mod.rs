//! One storage layer, two engines.
//!
//! [`Db`] wraps a typed pool: SQLite (the embedded default) or PostgreSQL
//! (national deployments), chosen from the `DATABASE_URL` scheme. Every store
//! function takes a [`Conn`]: a connection of either engine, lent by the pool
//! ([`Db::acquire`]) or by an open transaction ([`Db::begin`]), so the same
//! function runs inside or outside a transaction. Queries are written once
//! where the dialects agree (`$1` placeholders, `RETURNING`, `ON CONFLICT`)
//! and run through [`on_conn!`], which expands the same body once per engine;
//! what differs lives in [`dialect`], one small type per engine, and nowhere
//! else. Each engine has its own migrations folder, with the same names.

pub mod builder;
pub mod dialect;
pub mod types;

use std::{str::FromStr, time::Duration};

use sqlx::{
    PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction,
    pool::PoolConnection,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

pub use dialect::Dialect;

/// A failed database step, with where it was asked for: the store function's
/// module and line for a query (so that a logged 500 names the query that
/// failed), or the step (`acquire`, `begin`, `commit`).
#[derive(Debug, thiserror::Error)]
#[error("database: {location}")]
pub struct DbError {
    pub location: &'static str,
    #[source]
    pub source: sqlx::Error,
}

impl DbError {
    /// Tags `source` with where it happened (used by [`on_conn!`]).
    pub fn at(location: &'static str, source: sqlx::Error) -> DbError {
        DbError { location, source }
    }

    /// Whether this is a unique-constraint violation.
    pub fn is_unique_violation(&self) -> bool {
        matches!(&self.source, sqlx::Error::Database(e) if e.is_unique_violation())
    }
}

impl From<sqlx::Error> for DbError {
    fn from(source: sqlx::Error) -> DbError {
        DbError {
            location: "connection",
            source,
        }
    }
}

fn acquire(e: sqlx::Error) -> DbError {
    DbError::at("acquire a connection", e)
}

fn begin(e: sqlx::Error) -> DbError {
    DbError::at("begin a transaction", e)
}

/// The result of every store function.
pub type DbResult<T> = Result<T, DbError>;

/// The database, whichever engine runs it.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Which engine a [`Db`] runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A write transaction on either engine. On SQLite it began `IMMEDIATE`: it
/// holds the write lock from its first statement, so a transaction that reads
/// before it writes cannot fail with `SQLITE_BUSY` when another writer
/// commits in between (it waits its turn, up to the busy timeout, instead).
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A connection lent by the pool, outside any transaction; returned to the
/// pool when dropped.
pub enum PoolConn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// The one connection type every store function takes: a connection of
/// either engine, borrowed from the pool ([`PoolConn::conn`]) or from an open
/// transaction ([`Tx::conn`]). Run a body on it with [`on_conn!`].
pub enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

impl Conn<'_> {
    /// A shorter borrow of the same connection, for passing it on.
    pub fn reborrow(&mut self) -> Conn<'_> {
        match self {
            Conn::Sqlite(c) => Conn::Sqlite(c),
            Conn::Postgres(c) => Conn::Postgres(c),
        }
    }

    /// The SQL that differs between the engines.
    pub fn dialect(&self) -> &'static dyn Dialect {
        match self {
            Conn::Sqlite(_) => &dialect::Sqlite,
            Conn::Postgres(_) => &dialect::Postgres,
        }
    }
}

/// Runs `$body` with `$c` bound to the connection (`&mut SqliteConnection`
/// or `&mut PgConnection`): the body is written once and compiled once per
/// engine. `$conn` is a [`Conn`] or a `&mut Conn`, and stays usable after.
/// Inside the body, pass `&mut *$c` to each query when there are several.
#[macro_export]
macro_rules! on_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn.reborrow() {
            $crate::db::Conn::Sqlite($c) => ($body).map_err(|e: sqlx::Error| {
                $crate::db::DbError::at(concat!(module_path!(), ":", line!()), e)
            }),
            $crate::db::Conn::Postgres($c) => ($body).map_err(|e: sqlx::Error| {
                $crate::db::DbError::at(concat!(module_path!(), ":", line!()), e)
            }),
        }
    };
}

/// Connection settings beyond the URL.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    /// SQLite `synchronous`: `NORMAL` or `FULL` (see ARCHITECTURE.md).
    pub sqlite_synchronous: String,
    /// PostgreSQL schema to use (tests run each in a fresh one).
    pub pg_schema: Option<String>,
    pub max_connections: u32,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            sqlite_synchronous: "NORMAL".into(),
            pg_schema: None,
            max_connections: 16,
        }
    }
}

impl Db {
    /// Connects to the database the URL names, creating a SQLite file (and its
    /// folder) if needed.
    pub async fn connect(url: &str, options: &ConnectOptions) -> anyhow::Result<Db> {
        if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let mut connect = PgConnectOptions::from_str(url)?;
            if let Some(schema) = &options.pg_schema {
                connect = connect.options([("search_path", schema.as_str())]);
            }
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(connect)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            let connect = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(if options.sqlite_synchronous == "FULL" {
                    SqliteSynchronous::Full
                } else {
                    SqliteSynchronous::Normal
                })
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                // 16 MB of page cache per connection (SQLite's default is 2 MB):
                // the dashboards' indexes over an académie (tens of thousands of
                // actions and schools) stay in memory instead of being read again
                // from the file at each request. At most 2 × cores connections.
                .pragma("cache_size", "-16000");
            if let Some(parent) = connect.get_filename().parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent)?;
            }
            // An embedded database has no connection to go stale: skip the
            // ping sqlx sends before lending a connection (a round trip to
            // SQLite's worker thread on every query).
            // Each SQLite connection is a thread of its own, woken for every
            // query and row: more of them than twice the cores only adds
            // context switches (one writer at a time anyway, WAL readers
            // never wait for it). Measured with scripts/bench-pages. At least 4,
            // and no path may hold a pooled connection while it takes another
            // (it would wait for itself once the pool is busy): the whole test
            // suite passes with `PERSEVERANCE_TEST_POOL=1`, and tests/pool.rs
            // runs the main journeys on a pool of one connection.
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u32;
            let pool = SqlitePoolOptions::new()
                .test_before_acquire(false)
                .max_connections(options.max_connections.min((2 * cores).max(4)))
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(connect)
                .await?;
            Ok(Db::Sqlite(pool))
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite(_) => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    /// Applies the engine's pending migrations.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Db::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        match self {
            Db::Sqlite(pool) => sqlx::query("SELECT 1").execute(pool).await.is_ok(),
            Db::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await.is_ok(),
        }
    }

    /// Borrows a connection from the pool (for reads, or a single write that
    /// needs no transaction).
    pub async fn acquire(&self) -> DbResult<PoolConn> {
        Ok(match self {
            Db::Sqlite(pool) => PoolConn::Sqlite(pool.acquire().await.map_err(acquire)?),
            Db::Postgres(pool) => PoolConn::Postgres(pool.acquire().await.map_err(acquire)?),
        })
    }

    /// Starts a write transaction (`BEGIN IMMEDIATE` on SQLite, see [`Tx`];
    /// the statement comes from the engine's [`Dialect`]).
    pub async fn begin(&self) -> DbResult<Tx> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(
                pool.begin_with(dialect::Sqlite.begin_write())
                    .await
                    .map_err(begin)?,
            ),
            Db::Postgres(pool) => Tx::Postgres(
                pool.begin_with(dialect::Postgres.begin_write())
                    .await
                    .map_err(begin)?,
            ),
        })
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(pool) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

impl PoolConn {
    /// The connection, as store functions take it.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            PoolConn::Sqlite(c) => Conn::Sqlite(c),
            PoolConn::Postgres(c) => Conn::Postgres(c),
        }
    }
}

impl Tx {
    /// The transaction's connection, as store functions take it.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(tx) => Conn::Sqlite(tx),
            Tx::Postgres(tx) => Conn::Postgres(tx),
        }
    }

    pub async fn commit(self) -> DbResult<()> {
        let done = match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        };
        done.map_err(|e| DbError::at("commit", e))
    }
}

/// Whether the error is a unique-constraint violation.
pub fn is_unique_violation(err: &DbError) -> bool {
    err.is_unique_violation()
}
