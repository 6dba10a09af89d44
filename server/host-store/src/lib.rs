//! The plugin's database, kept by the host.
//!
//! The guest owns the SQL (its schema, its migrations, its queries) and reaches the database
//! only through the narrow `store` interface: read-only queries, all-or-nothing statement
//! batches, and versioned migrations. The host owns the connection, its settings and the
//! limits. Two backends implement [`Store`]:
//!
//! - [`SqliteStore`]: the plugin's own SQLite file (the default; one Mattermost server).
//! - [`SharedDbStore`]: Mattermost's own PostgreSQL, shared by every server of a cluster,
//!   reached through a [`SqlConnector`] (in the plugin: Mattermost's database driver RPC). The
//!   guest's SQL is written in the subset both understand; [`dialect`] translates the little
//!   that differs.

pub mod dialect;
mod fault;
#[cfg(feature = "pg-client")]
pub mod pg_client;
mod shared_db;
mod sqlite;

pub use shared_db::{SharedDbStore, SqlConnector, SqlError, SqlErrorKind, SqlSession};
pub use sqlite::SqliteStore;

/// A value bound to or read from a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreValue {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// One statement of a batch. `expect_changes` turns a row count into a precondition: if the
/// statement changes a different number of rows, the whole batch is rolled back with
/// [`StoreError::Conflict`] (optimistic concurrency: `UPDATE … WHERE id = ? AND revision = ?`).
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sql: String,
    pub params: Vec<StoreValue>,
    pub expect_changes: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<StoreValue>>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    /// A UNIQUE, FOREIGN KEY, CHECK or NOT NULL constraint refused the change.
    #[error("constraint: {0}")]
    Constraint(String),
    /// An `expect_changes` precondition failed: the data changed underneath.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The SQL is wrong, or not allowed here (a write in a query).
    #[error("invalid statement: {0}")]
    Invalid(String),
    /// The database could not be opened, read or written.
    #[error("database unavailable: {0}")]
    Unavailable(String),
}

/// The database engine behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Most rows one query may return; a guest asking for more should page.
pub const MAX_ROWS: usize = 10_000;

/// What the guest's `store` interface needs of a backend.
pub trait Store: Send + Sync {
    /// Runs one read-only statement.
    fn query(&self, sql: &str, params: &[StoreValue]) -> Result<Rows, StoreError>;
    /// Runs the statements in one transaction; returns each one's changed-row count.
    fn execute(&self, statements: &[Statement]) -> Result<Vec<u64>, StoreError>;
    /// Brings the schema to `migrations.len()`; see [`SqliteStore::migrate`].
    fn migrate(&self, migrations: &[String]) -> Result<u32, StoreError>;
    /// Where the data is, for the log and error messages.
    fn describe(&self) -> String;
    /// Which database engine runs the SQL: the guest writes what the two do differently
    /// (full-text search) once per backend.
    fn backend(&self) -> Backend;
    /// The plugin is being deactivated: refuse new work, wait up to `wait` for what is under
    /// way, let go of connections. `false` if work was still running when the wait ran out.
    fn shut_down(&self, _wait: std::time::Duration) -> bool {
        true
    }
}
