//! The database as the incident logic needs it: a consumer-defined interface, implemented by
//! the SDK's host-backed `Store` in the plugin and by a native SQLite in tests.

use mattermost_plugin_sdk::Store;
use mattermost_plugin_sdk::store::{Backend, Rows, Statement, StoreError, Value};

pub trait Database {
    /// SQLite or PostgreSQL: full-text search (store/similar.rs) is written for each.
    fn backend(&self) -> Backend;
    fn query(&self, sql: &str, params: &[Value]) -> Result<Rows, StoreError>;
    fn execute(&self, statements: Vec<Statement>) -> Result<Vec<u64>, StoreError>;
    fn migrate(&self, migrations: &[&str]) -> Result<u32, StoreError>;
}

impl Database for Store {
    fn backend(&self) -> Backend {
        Store::backend(self)
    }

    fn query(&self, sql: &str, params: &[Value]) -> Result<Rows, StoreError> {
        Store::query(self, sql, params)
    }

    fn execute(&self, statements: Vec<Statement>) -> Result<Vec<u64>, StoreError> {
        Store::execute(self, statements)
    }

    fn migrate(&self, migrations: &[&str]) -> Result<u32, StoreError> {
        Store::migrate(self, migrations)
    }
}

/// The host's own stores, natively, so the tests run the production SQL on either backend:
/// SQLite in memory by default, or with `INCIDENT_TEST_BACKEND=postgres` a fresh schema of the
/// PostgreSQL that `INCIDENT_TEST_PG` names (`make test-rust` runs the tests both ways).
#[cfg(test)]
pub mod native {
    use super::*;
    use host_store::pg_client::PgClientConnector;
    use host_store::{SharedDbStore, SqliteStore, Store as HostStore, StoreValue};
    use std::sync::atomic::{AtomicU32, Ordering};

    pub struct NativeDb(Box<dyn HostStore>);

    impl NativeDb {
        pub fn new() -> Self {
            match std::env::var("INCIDENT_TEST_BACKEND").as_deref() {
                Ok("postgres") => NativeDb(Box::new(Self::postgres())),
                Ok("sqlite") | Err(_) => NativeDb(Box::new(SqliteStore::open_in_memory().expect("in-memory sqlite"))),
                Ok(other) => panic!("INCIDENT_TEST_BACKEND={other:?}: use sqlite or postgres"),
            }
        }

        fn postgres() -> SharedDbStore {
            static NEXT: AtomicU32 = AtomicU32::new(0);
            let url = std::env::var("INCIDENT_TEST_PG")
                .expect("INCIDENT_TEST_BACKEND=postgres needs INCIDENT_TEST_PG (build/with-postgres.sh sets it)");
            let schema = format!("guest_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
            SharedDbStore::new(Box::new(PgClientConnector::new(url)), &schema)
        }
    }

    fn to_host(v: &Value) -> StoreValue {
        match v {
            Value::Null => StoreValue::Null,
            Value::Integer(i) => StoreValue::Integer(*i),
            Value::Real(f) => StoreValue::Real(*f),
            Value::Text(s) => StoreValue::Text(s.clone()),
            Value::Blob(b) => StoreValue::Blob(b.clone()),
        }
    }

    fn from_host(v: StoreValue) -> Value {
        match v {
            StoreValue::Null => Value::Null,
            StoreValue::Integer(i) => Value::Integer(i),
            StoreValue::Real(f) => Value::Real(f),
            StoreValue::Text(s) => Value::Text(s),
            StoreValue::Blob(b) => Value::Blob(b),
        }
    }

    fn err(e: host_store::StoreError) -> StoreError {
        match e {
            host_store::StoreError::Constraint(m) => StoreError::Constraint(m),
            host_store::StoreError::Conflict(m) => StoreError::Conflict(m),
            host_store::StoreError::Invalid(m) => StoreError::Invalid(m),
            host_store::StoreError::Unavailable(m) => StoreError::Unavailable(m),
        }
    }

    impl Database for NativeDb {
        fn backend(&self) -> Backend {
            match self.0.backend() {
                host_store::Backend::Sqlite => Backend::Sqlite,
                host_store::Backend::Postgres => Backend::Postgres,
            }
        }

        fn query(&self, sql: &str, params: &[Value]) -> Result<Rows, StoreError> {
            let params: Vec<StoreValue> = params.iter().map(to_host).collect();
            let rows = self.0.query(sql, &params).map_err(err)?;
            Ok(Rows {
                columns: rows.columns,
                rows: rows.rows.into_iter().map(|r| r.into_iter().map(from_host).collect()).collect(),
            })
        }

        fn execute(&self, statements: Vec<Statement>) -> Result<Vec<u64>, StoreError> {
            let statements: Vec<host_store::Statement> = statements
                .iter()
                .map(|s| host_store::Statement {
                    sql: s.sql().to_owned(),
                    params: s.params().iter().map(to_host).collect(),
                    expect_changes: s.expected_changes(),
                })
                .collect();
            self.0.execute(&statements).map_err(err)
        }

        fn migrate(&self, migrations: &[&str]) -> Result<u32, StoreError> {
            let owned: Vec<String> = migrations.iter().map(|m| (*m).to_owned()).collect();
            self.0.migrate(&owned).map_err(err)
        }
    }
}
