//! Host side of the `store` interface: the guest's SQL runs against the plugin's database
//! (its SQLite file, or its schema in Mattermost's database).

use host_store::{Rows, Statement, StoreError, StoreValue};

use super::mattermost::plugin::store as wit;
use crate::HostState;

fn value_in(v: wit::Value) -> StoreValue {
    match v {
        wit::Value::Null => StoreValue::Null,
        wit::Value::Integer(i) => StoreValue::Integer(i),
        wit::Value::Real(f) => StoreValue::Real(f),
        wit::Value::Text(s) => StoreValue::Text(s),
        wit::Value::Blob(b) => StoreValue::Blob(b),
    }
}

fn value_out(v: StoreValue) -> wit::Value {
    match v {
        StoreValue::Null => wit::Value::Null,
        StoreValue::Integer(i) => wit::Value::Integer(i),
        StoreValue::Real(f) => wit::Value::Real(f),
        StoreValue::Text(s) => wit::Value::Text(s),
        StoreValue::Blob(b) => wit::Value::Blob(b),
    }
}

fn error_out(e: StoreError) -> wit::StoreError {
    // A database that cannot be read or written (full disk, read-only file) is the admin's to
    // fix, and the guest may answer the user without logging: say it in the plugin log here,
    // where every store call passes.
    if let StoreError::Unavailable(m) = &e {
        eprintln!("[ERROR] database: {}", m.replace('\n', " "));
    }
    match e {
        StoreError::Constraint(m) => wit::StoreError::Constraint(m),
        StoreError::Conflict(m) => wit::StoreError::Conflict(m),
        StoreError::Invalid(m) => wit::StoreError::Invalid(m),
        StoreError::Unavailable(m) => wit::StoreError::Unavailable(m),
    }
}

fn rows_out(r: Rows) -> wit::Rows {
    wit::Rows { columns: r.columns, rows: r.rows.into_iter().map(|row| row.into_iter().map(value_out).collect()).collect() }
}

impl HostState {
    fn store(&self) -> Result<&dyn host_store::Store, wit::StoreError> {
        self.store.as_deref().ok_or_else(|| wit::StoreError::Unavailable("the database is opened at activation".into()))
    }
}

impl wit::Host for HostState {
    fn query(&mut self, sql: String, params: Vec<wit::Value>) -> Result<wit::Rows, wit::StoreError> {
        let params: Vec<StoreValue> = params.into_iter().map(value_in).collect();
        let began = std::time::Instant::now();
        let rows = self.store()?.query(&sql, &params);
        self.timing.sql(began.elapsed());
        rows.map(rows_out).map_err(error_out)
    }

    fn execute(&mut self, statements: Vec<wit::Statement>) -> Result<Vec<u64>, wit::StoreError> {
        let statements: Vec<Statement> = statements
            .into_iter()
            .map(|s| Statement {
                sql: s.sql,
                params: s.params.into_iter().map(value_in).collect(),
                expect_changes: s.expect_changes,
            })
            .collect();
        let began = std::time::Instant::now();
        let counts = self.store()?.execute(&statements);
        self.timing.sql(began.elapsed());
        counts.map_err(error_out)
    }

    fn migrate(&mut self, migrations: Vec<String>) -> Result<u32, wit::StoreError> {
        self.store()?.migrate(&migrations).map_err(error_out)
    }

    /// Before activation opened the database there is none; SQLite is the default answer
    /// then, and every store call that follows fails anyway.
    fn backend(&mut self) -> wit::BackendKind {
        match self.store.as_deref().map(host_store::Store::backend) {
            Some(host_store::Backend::Postgres) => wit::BackendKind::Postgres,
            Some(host_store::Backend::Sqlite) | None => wit::BackendKind::Sqlite,
        }
    }
}
