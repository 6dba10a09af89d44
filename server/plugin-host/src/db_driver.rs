//! The shared-database store's connections, over Mattermost's plugin database driver: each
//! session is one connection of the server's own pool, used from a guest thread.

use std::time::Duration;

use host_store::{Rows, SqlConnector, SqlError, SqlSession, StoreValue};
use mm_api::{DriverClient, DriverError, DriverValue};
use tokio::runtime::Handle;

/// Longest wait for one driver call; a database that slow is reported as unavailable.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

pub struct DriverConnector {
    driver: DriverClient,
    runtime: Handle,
}

impl DriverConnector {
    pub fn new(driver: DriverClient, runtime: Handle) -> Self {
        Self { driver, runtime }
    }
}

/// Runs one driver call to completion from a blocking thread.
fn call<T>(runtime: &Handle, f: impl Future<Output = Result<T, DriverError>>) -> Result<T, SqlError> {
    runtime.block_on(async {
        match tokio::time::timeout(CALL_TIMEOUT, f).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(DriverError::Database { message, .. })) => Err(SqlError::from_message(message)),
            Ok(Err(e)) => Err(SqlError::connection(e.to_string())),
            Err(_) => Err(SqlError::connection(format!("the database did not answer within {CALL_TIMEOUT:?}"))),
        }
    })
}

impl SqlConnector for DriverConnector {
    fn connect(&self) -> Result<Box<dyn SqlSession>, SqlError> {
        let conn = call(&self.runtime, self.driver.conn(true))?;
        Ok(Box::new(DriverSession { driver: self.driver.clone(), runtime: self.runtime.clone(), conn, tx: None }))
    }

    fn describe(&self) -> String {
        "Mattermost's database".into()
    }
}

struct DriverSession {
    driver: DriverClient,
    runtime: Handle,
    conn: String,
    tx: Option<String>,
}

fn to_driver(v: &StoreValue) -> DriverValue {
    match v {
        StoreValue::Null => DriverValue::Null,
        StoreValue::Integer(i) => DriverValue::Int(*i),
        StoreValue::Real(f) => DriverValue::Float(*f),
        StoreValue::Text(s) => DriverValue::Text(s.clone()),
        StoreValue::Blob(b) => DriverValue::Bytes(b.clone()),
    }
}

fn from_driver(v: DriverValue) -> StoreValue {
    match v {
        DriverValue::Null => StoreValue::Null,
        DriverValue::Int(i) => StoreValue::Integer(i),
        DriverValue::Float(f) => StoreValue::Real(f),
        // SQLite has no booleans; the guest reads 0 and 1 from it too.
        DriverValue::Bool(b) => StoreValue::Integer(i64::from(b)),
        DriverValue::Text(s) => StoreValue::Text(s),
        DriverValue::Bytes(b) => StoreValue::Blob(b),
    }
}

impl DriverSession {
    fn tx(&mut self) -> Result<String, SqlError> {
        self.tx.take().ok_or_else(|| SqlError::from_message("no transaction is open"))
    }
}

impl SqlSession for DriverSession {
    fn begin(&mut self, read_only: bool, serializable: bool) -> Result<(), SqlError> {
        self.tx = Some(call(&self.runtime, self.driver.begin(&self.conn, read_only, serializable))?);
        Ok(())
    }

    fn execute(&mut self, sql: &str, params: &[StoreValue]) -> Result<u64, SqlError> {
        let params: Vec<DriverValue> = params.iter().map(to_driver).collect();
        call(&self.runtime, self.driver.exec(&self.conn, sql, &params))
    }

    fn query(&mut self, sql: &str, params: &[StoreValue], max_rows: usize) -> Result<(Rows, bool), SqlError> {
        let params: Vec<DriverValue> = params.iter().map(to_driver).collect();
        let result = call(&self.runtime, self.driver.query(&self.conn, sql, &params, max_rows))?;
        let rows = result.rows.into_iter().map(|r| r.into_iter().map(from_driver).collect()).collect();
        Ok((Rows { columns: result.columns, rows }, result.truncated))
    }

    fn commit(&mut self) -> Result<(), SqlError> {
        let tx = self.tx()?;
        call(&self.runtime, self.driver.commit(&tx))
    }

    fn rollback(&mut self) -> Result<(), SqlError> {
        let tx = self.tx()?;
        call(&self.runtime, self.driver.rollback(&tx))
    }

    fn close(self: Box<Self>) {
        // Back to Mattermost's pool; if that fails the server closes it with the plugin.
        let _ = call(&self.runtime, self.driver.conn_close(&self.conn));
    }
}
