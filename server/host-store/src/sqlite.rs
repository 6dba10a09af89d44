//! The plugin's own SQLite file: the default backend, for a single Mattermost server.
//!
//! One connection behind a mutex: this process is the database's only user, and its
//! statements take microseconds.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, ErrorCode, OpenFlags, limits::Limit, params_from_iter};

use crate::fault;
use crate::{MAX_ROWS, Rows, Statement, Store, StoreError, StoreValue};

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::ConstraintViolation) => StoreError::Constraint(e.to_string()),
            Some(
                ErrorCode::DatabaseBusy
                | ErrorCode::DatabaseLocked
                | ErrorCode::CannotOpen
                | ErrorCode::ReadOnly
                | ErrorCode::DiskFull
                | ErrorCode::SystemIoFailure
                | ErrorCode::DatabaseCorrupt
                | ErrorCode::NotADatabase,
            ) => StoreError::Unavailable(e.to_string()),
            _ => StoreError::Invalid(e.to_string()),
        }
    }
}

/// Prepared statements kept per connection (rusqlite's LRU cache).
const STATEMENT_CACHE: usize = 128;

pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// The file, so that a failure to read or write it names it; `None` in memory.
    path: Option<PathBuf>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file, its folder included.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| fault::folder_failed(dir, &e))?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| fault::explain(e, path))?;
        let conn = Self::configure(conn, true).map_err(|e| fault::explain(e, path))?;
        // SQLite quietly falls back to reading only when the file is not writable; refusing
        // here makes activation fail with the reason instead of the first user's change.
        if conn.is_readonly(rusqlite::MAIN_DB).map_err(|e| fault::explain(e, path))? {
            return Err(fault::read_only(path));
        }
        Ok(Self { conn: Mutex::new(conn), path: Some(path.to_owned()) })
    }

    pub fn open_in_memory() -> Result<Self, StoreError> {
        Ok(Self { conn: Mutex::new(Self::configure(Connection::open_in_memory()?, false)?), path: None })
    }

    fn configure(conn: Connection, wal: bool) -> rusqlite::Result<Connection> {
        if wal {
            // WAL: readers never block the writer. FULL sync: a transaction the guest was told
            // is committed survives a power cut too, not only a process crash (NORMAL would
            // risk the last ones); incident writes are few, so the fsync is cheap here.
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
        }
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        // The guest gets one database: no ATTACH of other files.
        conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)?;
        // Parsing a statement costs about as much as running a small one, and the guest sends
        // the same few dozen statements again and again: keep them prepared.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // SQLite's page cache, named rather than left to the default: 2 MiB holds the hot pages
        // (the list's indexes, the active incidents) of a database of 10,000 incidents; the
        // operating system's file cache holds the rest.
        conn.pragma_update(None, "cache_size", -2048)?;
        Ok(conn)
    }

    /// A SQLite error as the guest sees it, with the file named when the file is the problem.
    fn fail(&self, e: rusqlite::Error) -> StoreError {
        match &self.path {
            Some(path) => fault::explain(e, path),
            None => StoreError::from(e),
        }
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a transaction open (rusqlite rolls back
        // on drop), so a poisoned lock is still a usable connection.
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs one read-only statement.
    pub fn query(&self, sql: &str, params: &[StoreValue]) -> Result<Rows, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(sql).map_err(|e| self.fail(e))?;
        if !stmt.readonly() {
            return Err(StoreError::Invalid("query takes read-only statements; use execute to write".into()));
        }
        let columns: Vec<String> = stmt.column_names().map(str::to_owned).collect();
        let width = columns.len();
        let mut out = Rows { columns, rows: Vec::new() };
        let mut rows = stmt.query(params_from_iter(params.iter().map(to_sql))).map_err(|e| self.fail(e))?;
        while let Some(row) = rows.next().map_err(|e| self.fail(e))? {
            if out.rows.len() == MAX_ROWS {
                return Err(StoreError::Invalid(format!("more than {MAX_ROWS} rows; add a LIMIT")));
            }
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                values.push(from_sql(row.get::<_, SqlValue>(i).map_err(|e| self.fail(e))?));
            }
            out.rows.push(values);
        }
        Ok(out)
    }

    /// Runs the statements in one transaction; returns each one's changed-row count.
    pub fn execute(&self, statements: &[Statement]) -> Result<Vec<u64>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(|e| self.fail(e))?;
        let mut counts = Vec::with_capacity(statements.len());
        for (i, s) in statements.iter().enumerate() {
            let mut stmt = tx.prepare_cached(&s.sql).map_err(|e| self.fail(e))?;
            let changed = stmt.execute(params_from_iter(s.params.iter().map(to_sql))).map_err(|e| self.fail(e))? as u64;
            if let Some(expected) = s.expect_changes
                && changed != expected
            {
                // Dropping `tx` rolls everything back.
                return Err(StoreError::Conflict(format!("statement {} changed {changed} rows, expected {expected}", i + 1)));
            }
            counts.push(changed);
        }
        // A failed commit (a full disk) drops `tx`, which rolls back: nothing half-written.
        tx.commit().map_err(|e| self.fail(e))?;
        Ok(counts)
    }

    /// Brings the schema to `migrations.len()`: migration `n` (0-based) moves the schema from
    /// version `n` to `n + 1`, each in its own transaction with the version (SQLite's
    /// `user_version`) updated in that same transaction. Applied migrations are never re-run;
    /// a database newer than the migrations list is refused (a downgrade).
    pub fn migrate(&self, migrations: &[String]) -> Result<u32, StoreError> {
        let mut conn = self.conn();
        let current: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|e| self.fail(e))?;
        let target = u32::try_from(migrations.len()).map_err(|_| StoreError::Invalid("too many migrations".into()))?;
        if current > target {
            return Err(StoreError::Invalid(format!(
                "the database is at schema version {current}, newer than this plugin's {target}; \
                 install the newer plugin version again"
            )));
        }
        for (n, sql) in migrations.iter().enumerate().skip(current as usize) {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(|e| self.fail(e))?;
            // A full or read-only disk keeps its own message; anything else is the migration's fault.
            tx.execute_batch(sql).map_err(|e| match self.fail(e) {
                StoreError::Unavailable(m) => StoreError::Unavailable(m),
                StoreError::Constraint(m) | StoreError::Conflict(m) | StoreError::Invalid(m) => {
                    StoreError::Invalid(format!("migration {} failed: {m}", n + 1))
                }
            })?;
            tx.pragma_update(None, "user_version", (n + 1) as u32).map_err(|e| self.fail(e))?;
            tx.commit().map_err(|e| self.fail(e))?;
        }
        Ok(target)
    }
}

impl Store for SqliteStore {
    fn query(&self, sql: &str, params: &[StoreValue]) -> Result<Rows, StoreError> {
        SqliteStore::query(self, sql, params)
    }

    fn execute(&self, statements: &[Statement]) -> Result<Vec<u64>, StoreError> {
        SqliteStore::execute(self, statements)
    }

    fn migrate(&self, migrations: &[String]) -> Result<u32, StoreError> {
        SqliteStore::migrate(self, migrations)
    }

    fn backend(&self) -> crate::Backend {
        crate::Backend::Sqlite
    }

    /// Merges the write-ahead log into the database file and empties it, once the statement
    /// under way (if any) has finished: Mattermost may kill the process soon after
    /// deactivation, and the file is then whole by itself (a copy or a backup of the data
    /// folder needs no `-wal` beside it). The connection stays usable; it closes on drop.
    fn shut_down(&self, _wait: std::time::Duration) -> bool {
        let conn = self.conn();
        match conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get::<_, i64>(0)) {
            // The first column is 1 when another connection kept the checkpoint from finishing.
            Ok(busy) => busy == 0,
            Err(_) => false,
        }
    }

    fn describe(&self) -> String {
        match &self.path {
            Some(p) => format!("SQLite file {}", p.display()),
            None => "SQLite in memory".into(),
        }
    }
}

fn to_sql(v: &StoreValue) -> SqlValue {
    match v {
        StoreValue::Null => SqlValue::Null,
        StoreValue::Integer(i) => SqlValue::Integer(*i),
        StoreValue::Real(f) => SqlValue::Real(*f),
        StoreValue::Text(s) => SqlValue::Text(s.clone()),
        StoreValue::Blob(b) => SqlValue::Blob(b.clone()),
    }
}

fn from_sql(v: SqlValue) -> StoreValue {
    match v {
        SqlValue::Null => StoreValue::Null,
        SqlValue::Integer(i) => StoreValue::Integer(i),
        SqlValue::Real(f) => StoreValue::Real(f),
        SqlValue::Text(s) => StoreValue::Text(s),
        SqlValue::Blob(b) => StoreValue::Blob(b),
    }
}
