//! A [`SqlConnector`] that talks to PostgreSQL directly, for tests: the repository and store
//! tests run the same [`crate::SharedDbStore`] code the plugin runs, against a real PostgreSQL,
//! only without Mattermost's driver RPC in between (that path is tested end to end).

use bytes::BytesMut;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, NoTls, SimpleQueryMessage};

use crate::{Rows, SqlConnector, SqlError, SqlSession, StoreValue};

pub struct PgClientConnector {
    url: String,
}

impl PgClientConnector {
    /// `url`: a libpq connection string, e.g. `host=/tmp/pg port=5432 user=postgres dbname=t`.
    pub fn new(url: impl Into<String>) -> Self {
        Self { url: url.into() }
    }
}

impl SqlConnector for PgClientConnector {
    fn connect(&self) -> Result<Box<dyn SqlSession>, SqlError> {
        let client = Client::connect(&self.url, NoTls).map_err(|e| SqlError::connection(e.to_string()))?;
        Ok(Box::new(PgSession { client }))
    }

    fn describe(&self) -> String {
        "PostgreSQL (direct test client)".into()
    }
}

struct PgSession {
    client: Client,
}

fn sql_error(e: postgres::Error) -> SqlError {
    if e.is_closed() {
        return SqlError::connection(e.to_string());
    }
    // Classified by SQLSTATE, as the driver RPC's errors are (mm-api reads lib/pq's code).
    match e.as_db_error() {
        Some(db) => SqlError::from_sqlstate(db.code().code(), format!("pq: {}", db.message())),
        None => SqlError::from_message(e.to_string()),
    }
}

/// A parameter sent the way lib/pq sends it (as text the server converts), so that what the
/// server accepts here it accepts from Mattermost's driver too: an integer may fill a text
/// parameter, and NULL any.
#[derive(Debug)]
struct Param<'a>(&'a StoreValue);

type BoxError = Box<dyn std::error::Error + Sync + Send>;

impl ToSql for Param<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        let mismatch = || -> BoxError { format!("cannot send {:?} as {ty}", self.0).into() };
        match (self.0, ty) {
            (StoreValue::Null, _) => Ok(IsNull::Yes),
            (StoreValue::Integer(i), &Type::INT8) => i.to_sql(ty, out),
            (StoreValue::Integer(i), &Type::INT4) => i32::try_from(*i)?.to_sql(ty, out),
            (StoreValue::Integer(i), &Type::INT2) => i16::try_from(*i)?.to_sql(ty, out),
            (StoreValue::Integer(i), &Type::FLOAT8) => (*i as f64).to_sql(ty, out),
            (StoreValue::Integer(i), &Type::BOOL) => (*i != 0).to_sql(ty, out),
            (StoreValue::Integer(i), _) => i.to_string().to_sql(ty, out),
            (StoreValue::Real(f), &Type::FLOAT8) => f.to_sql(ty, out),
            (StoreValue::Real(f), _) => f.to_string().to_sql(ty, out),
            (StoreValue::Text(s), &Type::INT8) => s.parse::<i64>().map_err(|_| mismatch())?.to_sql(ty, out),
            (StoreValue::Text(s), _) => s.to_sql(ty, out),
            (StoreValue::Blob(b), &Type::BYTEA) => b.to_sql(ty, out),
            (StoreValue::Blob(_), _) => Err(mismatch()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn params(values: &[StoreValue]) -> Vec<Param<'_>> {
    values.iter().map(Param).collect()
}

fn value(row: &postgres::Row, i: usize) -> Result<StoreValue, SqlError> {
    let ty = row.columns()[i].type_().clone();
    let conv = |e: postgres::Error| SqlError::from_message(e.to_string());
    Ok(match ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(i).map_err(conv)?.map_or(StoreValue::Null, StoreValue::Integer),
        Type::INT4 => row.try_get::<_, Option<i32>>(i).map_err(conv)?.map_or(StoreValue::Null, |v| StoreValue::Integer(v.into())),
        Type::INT2 => row.try_get::<_, Option<i16>>(i).map_err(conv)?.map_or(StoreValue::Null, |v| StoreValue::Integer(v.into())),
        Type::BOOL => {
            row.try_get::<_, Option<bool>>(i).map_err(conv)?.map_or(StoreValue::Null, |v| StoreValue::Integer(v.into()))
        }
        Type::FLOAT8 => row.try_get::<_, Option<f64>>(i).map_err(conv)?.map_or(StoreValue::Null, StoreValue::Real),
        Type::FLOAT4 => row.try_get::<_, Option<f32>>(i).map_err(conv)?.map_or(StoreValue::Null, |v| StoreValue::Real(v.into())),
        Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i).map_err(conv)?.map_or(StoreValue::Null, StoreValue::Blob),
        _ => row.try_get::<_, Option<String>>(i).map_err(conv)?.map_or(StoreValue::Null, StoreValue::Text),
    })
}

impl SqlSession for PgSession {
    fn begin(&mut self, read_only: bool, serializable: bool) -> Result<(), SqlError> {
        let mut sql = String::from("BEGIN");
        if serializable {
            sql.push_str(" ISOLATION LEVEL SERIALIZABLE");
        }
        if read_only {
            sql.push_str(" READ ONLY");
        }
        self.client.batch_execute(&sql).map_err(sql_error)
    }

    fn execute(&mut self, sql: &str, values: &[StoreValue]) -> Result<u64, SqlError> {
        if values.is_empty() {
            // Several statements may come at once (migrations), as lib/pq's simple protocol allows.
            let messages = self.client.simple_query(sql).map_err(sql_error)?;
            return Ok(messages
                .iter()
                .filter_map(|m| match m {
                    SimpleQueryMessage::CommandComplete(n) => Some(*n),
                    _ => None,
                })
                .last()
                .unwrap_or(0));
        }
        let values = params(values);
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        self.client.execute(sql, &refs).map_err(sql_error)
    }

    fn query(&mut self, sql: &str, values: &[StoreValue], max_rows: usize) -> Result<(Rows, bool), SqlError> {
        let values = params(values);
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        let statement = self.client.prepare(sql).map_err(sql_error)?;
        let columns = statement.columns().iter().map(|c| c.name().to_owned()).collect();
        let found = self.client.query(&statement, &refs).map_err(sql_error)?;
        let more = found.len() > max_rows;
        let mut rows = Vec::with_capacity(found.len().min(max_rows));
        for row in found.iter().take(max_rows) {
            rows.push((0..row.len()).map(|i| value(row, i)).collect::<Result<Vec<_>, _>>()?);
        }
        Ok((Rows { columns, rows }, more))
    }

    fn commit(&mut self) -> Result<(), SqlError> {
        self.client.batch_execute("COMMIT").map_err(sql_error)
    }

    fn rollback(&mut self) -> Result<(), SqlError> {
        self.client.batch_execute("ROLLBACK").map_err(sql_error)
    }

    fn close(self: Box<Self>) {
        let _ = self.client.close();
    }
}
