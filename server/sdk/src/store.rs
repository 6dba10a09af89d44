//! The plugin's database, as the guest uses it: its own SQLite file, or its schema in
//! Mattermost's PostgreSQL (the `StorageBackend` setting). The guest owns its schema
//! (migrations), its queries and its transactions; the host owns the connection.

use crate::wit::mattermost::plugin::store as host;

pub use host::{BackendKind as Backend, Value};

/// Why a store call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreError {
    /// A UNIQUE, FOREIGN KEY, CHECK or NOT NULL constraint refused the change.
    Constraint(String),
    /// An [`Statement::expect_changes`] precondition failed: someone changed the data first.
    Conflict(String),
    /// Wrong or disallowed SQL, or a value of the wrong type.
    Invalid(String),
    /// The database cannot be used right now.
    Unavailable(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Constraint(m) => write!(f, "refused by a constraint: {m}"),
            StoreError::Conflict(m) => write!(f, "changed by someone else meanwhile: {m}"),
            StoreError::Invalid(m) => write!(f, "invalid database request: {m}"),
            StoreError::Unavailable(m) => write!(f, "database unavailable: {m}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<host::StoreError> for StoreError {
    fn from(e: host::StoreError) -> Self {
        match e {
            host::StoreError::Constraint(m) => StoreError::Constraint(m),
            host::StoreError::Conflict(m) => StoreError::Conflict(m),
            host::StoreError::Invalid(m) => StoreError::Invalid(m),
            host::StoreError::Unavailable(m) => StoreError::Unavailable(m),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::Text(s.clone())
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Integer(i)
    }
}

impl From<u32> for Value {
    fn from(i: u32) -> Self {
        Value::Integer(i64::from(i))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Integer(i64::from(b))
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// One statement of an atomic batch.
#[derive(Debug, Clone)]
pub struct Statement(host::Statement);

impl Statement {
    pub fn new(sql: &str, params: Vec<Value>) -> Self {
        Self(host::Statement { sql: sql.to_owned(), params, expect_changes: None })
    }

    /// The statement must change exactly `n` rows, or the whole batch is rolled back with
    /// [`StoreError::Conflict`].
    pub fn expect_changes(mut self, n: u64) -> Self {
        self.0.expect_changes = Some(n);
        self
    }

    pub fn sql(&self) -> &str {
        &self.0.sql
    }

    pub fn params(&self) -> &[Value] {
        &self.0.params
    }

    pub fn expected_changes(&self) -> Option<u64> {
        self.0.expect_changes
    }
}

/// Rows of a query, with typed access by column name.
#[derive(Debug, Clone)]
pub struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Rows {
    fn index(&self, column: &str) -> Result<usize, StoreError> {
        self.columns.iter().position(|c| c == column).ok_or_else(|| StoreError::Invalid(format!("no column {column}")))
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn text(&self, row: usize, column: &str) -> Result<String, StoreError> {
        match self.rows.get(row).and_then(|r| r.get(self.index(column).ok()?)) {
            Some(Value::Text(s)) => Ok(s.clone()),
            other => Err(StoreError::Invalid(format!("{column}: expected text, got {other:?}"))),
        }
    }

    pub fn opt_text(&self, row: usize, column: &str) -> Result<Option<String>, StoreError> {
        match self.rows.get(row).and_then(|r| r.get(self.index(column).ok()?)) {
            Some(Value::Null) => Ok(None),
            _ => self.text(row, column).map(Some),
        }
    }

    pub fn integer(&self, row: usize, column: &str) -> Result<i64, StoreError> {
        match self.rows.get(row).and_then(|r| r.get(self.index(column).ok()?)) {
            Some(Value::Integer(i)) => Ok(*i),
            other => Err(StoreError::Invalid(format!("{column}: expected an integer, got {other:?}"))),
        }
    }
}

/// The plugin's database.
#[derive(Debug, Clone, Copy, Default)]
pub struct Store;

impl Store {
    /// One read-only statement.
    pub fn query(&self, sql: &str, params: &[Value]) -> Result<Rows, StoreError> {
        let rows = host::query(sql, params)?;
        Ok(Rows { columns: rows.columns, rows: rows.rows })
    }

    /// The statements in one transaction: all of them or none.
    pub fn execute(&self, statements: Vec<Statement>) -> Result<Vec<u64>, StoreError> {
        let statements: Vec<host::Statement> = statements.into_iter().map(|s| s.0).collect();
        Ok(host::execute(&statements)?)
    }

    /// Which database the SQL runs on (full-text search is written per backend).
    pub fn backend(&self) -> Backend {
        host::backend()
    }

    /// Brings the schema to `migrations.len()`; migration `n` takes version `n` to `n + 1`.
    /// Never edit a released migration: append a new one.
    pub fn migrate(&self, migrations: &[&str]) -> Result<u32, StoreError> {
        let owned: Vec<String> = migrations.iter().map(|m| (*m).to_owned()).collect();
        Ok(host::migrate(&owned)?)
    }
}
