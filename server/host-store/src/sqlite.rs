//! The plugin's own SQLite file: the default backend, for a single Mattermost server.
//!
//! One connection behind a mutex: this process is the database's only user, and its
//! statements take microseconds.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, ErrorCode, OpenFlags, limits::Limit, params_from_iter};

use crate::{MAX_ROWS, Rows, Statement, Store, StoreError, StoreValue};

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::ConstraintViolation) => StoreError::Constraint(e.to_string()),
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked | ErrorCode::CannotOpen
                | ErrorCode::ReadOnly | ErrorCode::DiskFull | ErrorCode::SystemIoFailure
                | ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Unavailable(e.to_string()),
            _ => StoreError::Invalid(e.to_string()),
        }
    }
}

pub struct SqliteStore {
    conn: Mutex<Connection>,
    path: String,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file, its folder included.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Unavailable(format!("cannot create {}: {e}", dir.display())))?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
        Self::configure(conn, true, path.display().to_string())
    }

    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::configure(Connection::open_in_memory()?, false, ":memory:".into())
    }

    fn configure(conn: Connection, wal: bool, path: String) -> Result<Self, StoreError> {
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
        Ok(Self { conn: Mutex::new(conn), path })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a transaction open (rusqlite rolls back
        // on drop), so a poisoned lock is still a usable connection.
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs one read-only statement.
    pub fn query(&self, sql: &str, params: &[StoreValue]) -> Result<Rows, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(sql)?;
        if !stmt.readonly() {
            return Err(StoreError::Invalid("query takes read-only statements; use execute to write".into()));
        }
        let columns: Vec<String> = stmt.column_names().map(str::to_owned).collect();
        let width = columns.len();
        let mut out = Rows { columns, rows: Vec::new() };
        let mut rows = stmt.query(params_from_iter(params.iter().map(to_sql)))?;
        while let Some(row) = rows.next()? {
            if out.rows.len() == MAX_ROWS {
                return Err(StoreError::Invalid(format!("more than {MAX_ROWS} rows; add a LIMIT")));
            }
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                values.push(from_sql(row.get::<_, SqlValue>(i)?));
            }
            out.rows.push(values);
        }
        Ok(out)
    }

    /// Runs the statements in one transaction; returns each one's changed-row count.
    pub fn execute(&self, statements: &[Statement]) -> Result<Vec<u64>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut counts = Vec::with_capacity(statements.len());
        for (i, s) in statements.iter().enumerate() {
            let changed = tx.execute(&s.sql, params_from_iter(s.params.iter().map(to_sql)))? as u64;
            if let Some(expected) = s.expect_changes
                && changed != expected
            {
                // Dropping `tx` rolls everything back.
                return Err(StoreError::Conflict(format!(
                    "statement {} changed {changed} rows, expected {expected}",
                    i + 1
                )));
            }
            counts.push(changed);
        }
        tx.commit()?;
        Ok(counts)
    }

    /// Brings the schema to `migrations.len()`: migration `n` (0-based) moves the schema from
    /// version `n` to `n + 1`, each in its own transaction with the version (SQLite's
    /// `user_version`) updated in that same transaction. Applied migrations are never re-run;
    /// a database newer than the migrations list is refused (a downgrade).
    pub fn migrate(&self, migrations: &[String]) -> Result<u32, StoreError> {
        let mut conn = self.conn();
        let current: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let target = u32::try_from(migrations.len()).map_err(|_| StoreError::Invalid("too many migrations".into()))?;
        if current > target {
            return Err(StoreError::Invalid(format!(
                "the database is at schema version {current}, newer than this plugin's {target}; \
                 install the newer plugin version again"
            )));
        }
        for (n, sql) in migrations.iter().enumerate().skip(current as usize) {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)
                .map_err(|e| StoreError::Invalid(format!("migration {} failed: {e}", n + 1)))?;
            tx.pragma_update(None, "user_version", (n + 1) as u32)?;
            tx.commit()?;
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

    fn describe(&self) -> String {
        format!("SQLite file {}", self.path)
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
