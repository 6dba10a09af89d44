//! Typed client for Mattermost's plugin database driver (`plugin.Driver`).
//!
//! The server serves it on the broker stream it names in `OnActivate` (`DriverMuxId`), as the
//! net/rpc service `Plugin` (`server/public/plugin/db_rpc.go`). It hands out connections,
//! transactions and result sets of the server's own database pool by id; the plugin never sees
//! the database's address or password. Every method is one round trip.

use gobwire::{Gob, Interface, Type, Value, names};

use crate::error::ApiError;
use crate::wire::{Args2, Args3, GoError, Ret1, Ret2};

/// `io.EOF` as `plugin.ErrorString.Code` (`encodableError`): the end of a result set.
const CODE_EOF: i64 = 1;
/// `driver.ErrBadConn`: the connection is gone; take another one.
const CODE_BAD_CONN: i64 = 6;

/// A value bound to or read from a statement, as `database/sql/driver.Value` allows.
#[derive(Debug, Clone, PartialEq)]
pub enum DriverValue {
    Null,
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(String),
    Bytes(Vec<u8>),
}

/// Why a driver call failed.
#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    /// The database refused the statement: its SQLSTATE (when the driver sent one) and message.
    #[error("{method}: {message}")]
    Database { method: &'static str, code: Option<String>, message: String },
    /// The connection is no longer usable (`driver.ErrBadConn`).
    #[error("{method}: the database connection is gone")]
    BadConnection { method: &'static str },
    /// The RPC itself failed.
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// lib/pq's `*pq.Error`, which Mattermost passes through its driver RPC as it is (it registers
/// the type with gob): the SQLSTATE and the server's message.
#[derive(Gob, Default)]
#[gob(name = "Error")]
struct PqError {
    code: String,
    message: String,
    detail: String,
}

const PQ_ERROR_NAME: &str = "*pq.Error";

/// `database/sql/driver.NamedValue`.
#[derive(Gob, Default)]
#[gob(name = "NamedValue")]
struct NamedValue {
    name: String,
    ordinal: i64,
    value: Option<Interface>,
}

/// `database/sql/driver.TxOptions`.
#[derive(Gob, Default)]
#[gob(name = "TxOptions")]
struct TxOptions {
    isolation: i64,
    read_only: bool,
}

/// `plugin.ResultContainer`.
#[derive(Gob, Default)]
#[gob(name = "ResultContainer")]
struct ResultContainer {
    #[gob(name = "LastID")]
    #[allow(dead_code)] // on the wire; PostgreSQL has no last insert id
    last_id: i64,
    #[gob(name = "LastIDError")]
    #[allow(dead_code)] // always set on PostgreSQL, and meaningless here
    last_id_error: GoError,
    rows_affected: i64,
    rows_affected_error: GoError,
}

/// `sql.LevelSerializable`.
const LEVEL_SERIALIZABLE: i64 = 6;

/// A connected database driver. Cheap to clone; clones share the stream.
#[derive(Clone)]
pub struct DriverClient {
    rpc: go_netrpc::Client,
}

type Res<T> = Result<T, DriverError>;

impl DriverClient {
    pub fn new(rpc: go_netrpc::Client) -> Self {
        Self { rpc }
    }

    async fn call<A, R>(&self, method: &'static str, args: &A) -> Res<R>
    where
        A: gobwire::Encode,
        R: gobwire::Decode + Default + Send + 'static,
    {
        self.rpc
            .call(&format!("Plugin.{method}"), args)
            .await
            .map_err(|source| DriverError::Api(ApiError::Transport { method, source }))
    }

    /// A dedicated connection from the server's pool (the primary when `master`).
    pub async fn conn(&self, master: bool) -> Res<String> {
        let r: Ret2<String, GoError> = self.call("Conn", &master).await?;
        check("Conn", r.b).map(|()| r.a)
    }

    /// Gives the connection back to the server's pool.
    pub async fn conn_close(&self, conn: &str) -> Res<()> {
        let r: Ret1<GoError> = self.call("ConnClose", &conn).await?;
        check("ConnClose", r.a)
    }

    /// Begins a transaction on `conn`; statements on `conn` then run inside it.
    pub async fn begin(&self, conn: &str, read_only: bool, serializable: bool) -> Res<String> {
        let isolation = if serializable { LEVEL_SERIALIZABLE } else { 0 };
        let r: Ret2<String, GoError> = self.call("Tx", &Args2 { a: conn, b: TxOptions { isolation, read_only } }).await?;
        check("Tx", r.b).map(|()| r.a)
    }

    pub async fn commit(&self, tx: &str) -> Res<()> {
        let r: Ret1<GoError> = self.call("TxCommit", &tx).await?;
        check("TxCommit", r.a)
    }

    pub async fn rollback(&self, tx: &str) -> Res<()> {
        let r: Ret1<GoError> = self.call("TxRollback", &tx).await?;
        check("TxRollback", r.a)
    }

    /// Runs a statement; returns the number of rows it changed.
    pub async fn exec(&self, conn: &str, sql: &str, params: &[DriverValue]) -> Res<u64> {
        let r: Ret2<ResultContainer, GoError> = self.call("ConnExec", &Args3 { a: conn, b: sql, c: named(params) }).await?;
        check("ConnExec", r.b)?;
        check("ConnExec", r.a.rows_affected_error)?;
        Ok(u64::try_from(r.a.rows_affected).unwrap_or(0))
    }

    /// Runs a query; returns the column names and every row (the caller bounds the count with
    /// `max_rows`: one more row than that is an error, so a missing LIMIT cannot exhaust us).
    pub async fn query(&self, conn: &str, sql: &str, params: &[DriverValue], max_rows: usize) -> Res<QueryResult> {
        let r: Ret2<String, GoError> = self.call("ConnQuery", &Args3 { a: conn, b: sql, c: named(params) }).await?;
        check("ConnQuery", r.b)?;
        let rows_id = r.a;
        let outcome = self.read_rows(&rows_id, max_rows).await;
        let closed: Ret1<GoError> = self.call("RowsClose", &rows_id.as_str()).await?;
        let result = outcome?;
        check("RowsClose", closed.a)?;
        Ok(result)
    }

    async fn read_rows(&self, rows_id: &str, max_rows: usize) -> Res<QueryResult> {
        let columns: Ret1<Vec<String>> = self.call("RowsColumns", &rows_id).await?;
        let width = columns.a.len();
        let mut out = QueryResult { columns: columns.a, rows: Vec::new(), truncated: false };
        let mut type_names: Vec<Option<String>> = vec![None; width];
        loop {
            let dest: Vec<Option<Interface>> = vec![None; width];
            let r: Ret2<GoError, Vec<Option<Interface>>> = self.call("RowsNext", &Args2 { a: rows_id, b: dest }).await?;
            if let Some(code) = error_code(&r.a)
                && code == CODE_EOF
            {
                return Ok(out);
            }
            check("RowsNext", r.a)?;
            if out.rows.len() == max_rows {
                out.truncated = true;
                return Ok(out);
            }
            let mut row = Vec::with_capacity(width);
            for (i, v) in r.b.into_iter().chain(std::iter::repeat(None)).take(width).enumerate() {
                let value = match from_interface(v) {
                    Decoded::Value(v) => v,
                    // lib/pq hands back text it has no Go type for as bytes: ask the column's
                    // type once to tell `bytea` from `numeric` and friends.
                    Decoded::Bytes(bytes) => {
                        if type_names[i].is_none() {
                            type_names[i] = Some(self.column_type(rows_id, i).await?);
                        }
                        bytes_value(type_names[i].as_deref().unwrap_or(""), bytes)
                    }
                };
                row.push(value);
            }
            out.rows.push(row);
        }
    }

    async fn column_type(&self, rows_id: &str, index: usize) -> Res<String> {
        let index = i64::try_from(index).unwrap_or(i64::MAX);
        let r: String = self.call("RowsColumnTypeDatabaseTypeName", &Args2 { a: rows_id, b: index }).await?;
        Ok(r)
    }
}

/// What a query returned.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<DriverValue>>,
    /// More rows existed than were asked for.
    pub truncated: bool,
}

fn named(params: &[DriverValue]) -> Vec<NamedValue> {
    params
        .iter()
        .enumerate()
        .map(|(i, v)| NamedValue {
            name: String::new(),
            ordinal: i64::try_from(i + 1).unwrap_or(i64::MAX),
            value: to_interface(v),
        })
        .collect()
}

fn to_interface(v: &DriverValue) -> Option<Interface> {
    let (name, ty, value) = match v {
        DriverValue::Null => return None,
        DriverValue::Int(i) => (names::INT64, Type::Int, Value::Int(*i)),
        DriverValue::Float(f) => (names::FLOAT64, Type::Float, Value::Float(*f)),
        DriverValue::Bool(b) => (names::BOOL, Type::Bool, Value::Bool(*b)),
        DriverValue::Text(s) => (names::STRING, Type::String, Value::String(s.clone())),
        DriverValue::Bytes(b) => (names::BYTES, Type::Bytes, Value::Bytes(b.clone())),
    };
    Some(Interface { name: name.into(), ty, value })
}

enum Decoded {
    Value(DriverValue),
    Bytes(Vec<u8>),
}

fn from_interface(v: Option<Interface>) -> Decoded {
    let Some(v) = v else { return Decoded::Value(DriverValue::Null) };
    Decoded::Value(match v.value {
        Value::Int(i) => DriverValue::Int(i),
        Value::Uint(u) => DriverValue::Int(i64::try_from(u).unwrap_or(i64::MAX)),
        Value::Float(f) => DriverValue::Float(f),
        Value::Bool(b) => DriverValue::Bool(b),
        Value::String(s) => DriverValue::Text(s),
        Value::Bytes(b) => return Decoded::Bytes(b),
        // time.Time and other types our schema never produces: say so rather than guess.
        other => DriverValue::Text(format!("<unsupported {} value: {other:?}>", v.name)),
    })
}

/// Bytes from a column of `type_name` (PostgreSQL's name, upper case as lib/pq reports it).
fn bytes_value(type_name: &str, bytes: Vec<u8>) -> DriverValue {
    match type_name {
        "BYTEA" => DriverValue::Bytes(bytes),
        "NUMERIC" => {
            let text = String::from_utf8_lossy(&bytes);
            text.parse::<i64>()
                .map(DriverValue::Int)
                .or_else(|_| text.parse::<f64>().map(DriverValue::Float))
                .unwrap_or_else(|_| DriverValue::Text(text.into_owned()))
        }
        _ => match String::from_utf8(bytes) {
            Ok(s) => DriverValue::Text(s),
            Err(e) => DriverValue::Bytes(e.into_bytes()),
        },
    }
}

fn error_code(err: &GoError) -> Option<i64> {
    let e = err.as_ref()?;
    (e.name == mm_model::ErrorString::INTERFACE_NAME)
        .then(|| e.downcast::<mm_model::ErrorString>().ok().map(|s| s.code))
        .flatten()
}

fn check(method: &'static str, err: GoError) -> Res<()> {
    if err.is_none() {
        return Ok(());
    }
    if error_code(&err) == Some(CODE_BAD_CONN) {
        return Err(DriverError::BadConnection { method });
    }
    if let Some(e) = err.as_ref().filter(|e| e.name == PQ_ERROR_NAME) {
        return Err(match e.downcast::<PqError>() {
            Ok(pq) => {
                let mut message = format!("pq: {}", pq.message);
                if !pq.detail.is_empty() {
                    message = format!("{message} ({})", pq.detail);
                }
                DriverError::Database { method, code: Some(pq.code), message }
            }
            Err(e) => DriverError::Database { method, code: None, message: format!("unreadable database error: {e}") },
        });
    }
    match ApiError::from_go_error(method, err) {
        None => Ok(()),
        Some(ApiError::Remote { message, .. }) => Err(DriverError::Database { method, code: None, message }),
        Some(other) => Err(DriverError::Api(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_bytes_become_numbers_and_bytea_stays_bytes() {
        assert_eq!(bytes_value("NUMERIC", b"42".to_vec()), DriverValue::Int(42));
        assert_eq!(bytes_value("NUMERIC", b"2.5".to_vec()), DriverValue::Float(2.5));
        assert_eq!(bytes_value("BYTEA", vec![0, 255]), DriverValue::Bytes(vec![0, 255]));
        assert_eq!(bytes_value("UUID", b"abc".to_vec()), DriverValue::Text("abc".into()));
    }

    /// A `*pq.Error` as Mattermost's server sends it (gob, registered type), read back with its
    /// SQLSTATE: without it a serialization failure could not be told from a typo.
    #[test]
    fn postgres_errors_keep_their_sqlstate() {
        #[derive(Gob, Default)]
        #[gob(name = "Error")]
        struct FullPqError {
            severity: String,
            code: String,
            message: String,
            detail: String,
            constraint: String,
        }
        let sent = FullPqError {
            severity: "ERROR".into(),
            code: "40001".into(),
            message: "could not serialize access due to concurrent update".into(),
            detail: String::new(),
            constraint: String::new(),
        };
        let err = Some(Interface::new(PQ_ERROR_NAME, &sent).expect("encode"));
        match check("ConnExec", err) {
            Err(DriverError::Database { code, message, .. }) => {
                assert_eq!(code.as_deref(), Some("40001"));
                assert_eq!(message, "pq: could not serialize access due to concurrent update");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parameters_are_numbered_from_one_and_null_is_a_nil_interface() {
        let n = named(&[DriverValue::Text("a".into()), DriverValue::Null, DriverValue::Int(7)]);
        assert_eq!(n.iter().map(|v| v.ordinal).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert!(n[1].value.is_none());
        assert_eq!(n[2].value.as_ref().map(|i| i.name.as_str()), Some("int64"));
    }
}
