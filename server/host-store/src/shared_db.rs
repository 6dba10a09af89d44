//! The plugin's data in Mattermost's own PostgreSQL database, so that every server of a cluster
//! (each running its own plugin process) sees the same incidents.
//!
//! The tables live in a schema of their own (named after the plugin), never next to
//! Mattermost's. Every query and batch is one transaction that starts with
//! `SET LOCAL search_path`, which ends with the transaction: the connection goes back to
//! Mattermost's pool exactly as it came. Batches run SERIALIZABLE, so two servers changing the
//! same incident behave as if one went first; PostgreSQL aborts the other, and the whole batch
//! is retried (nothing of it was committed). The `revision` preconditions then decide, as on
//! SQLite.
//!
//! Mattermost's driver hands out connections of its own pool and takes them back as they are,
//! even inside a transaction (it also does so for a plugin process that died). A connection
//! left like that would run Mattermost's next queries in our transaction, on our schema. So:
//! every connection is cleared with a `ROLLBACK` when we get it, and so is one we give back
//! after a commit or rollback that failed;
//! deactivation waits for the transactions under way ([`Store::shut_down`]); and each
//! transaction sets `idle_in_transaction_session_timeout`, so that if this process dies in the
//! middle of one, PostgreSQL ends that connection within seconds.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::dialect::{migration_to_postgres, statement_to_postgres};
use crate::{MAX_ROWS, Rows, Statement, Store, StoreError, StoreValue};

/// Why a database call failed, as far as the store needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlErrorKind {
    /// A constraint refused the change.
    Constraint,
    /// A serialization failure or deadlock: the transaction may simply be run again.
    Retry,
    /// The connection is broken; take another one.
    Connection,
    /// Anything else: wrong SQL, no permission, ...
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SqlError {
    pub kind: SqlErrorKind,
    pub message: String,
}

impl SqlError {
    /// Classifies a PostgreSQL error by its message (Mattermost's driver RPC carries only the
    /// text, e.g. `pq: could not serialize access due to concurrent update`).
    pub fn from_message(message: impl Into<String>) -> Self {
        let message = message.into();
        let lower = message.to_ascii_lowercase();
        let kind = if lower.contains("could not serialize access") || lower.contains("deadlock detected") {
            SqlErrorKind::Retry
        } else if lower.contains("violates") && lower.contains("constraint") {
            SqlErrorKind::Constraint
        } else if lower.contains("unexpected transaction status") || lower.contains("connection is already closed") {
            // lib/pq found the connection in a state it did not expect and marked it bad;
            // database/sql's words for a connection it has closed.
            SqlErrorKind::Connection
        } else {
            SqlErrorKind::Other
        };
        Self { kind, message }
    }

    /// Classifies by SQLSTATE when the driver sent one: class 23 is a constraint, 40001
    /// (serialization failure) and 40P01 (deadlock) mean run it again.
    pub fn from_sqlstate(code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let kind = match code {
            "40001" | "40P01" => SqlErrorKind::Retry,
            c if c.starts_with("23") => SqlErrorKind::Constraint,
            // Class 08: connection exceptions.
            c if c.starts_with("08") => SqlErrorKind::Connection,
            _ => return Self::from_message(format!("{message} (SQLSTATE {code})")),
        };
        Self { kind, message: format!("{message} (SQLSTATE {code})") }
    }

    pub fn connection(message: impl Into<String>) -> Self {
        Self { kind: SqlErrorKind::Connection, message: message.into() }
    }
}

/// One database connection, used by one transaction at a time. Implemented over Mattermost's
/// driver RPC in the plugin, and over a direct PostgreSQL client in tests.
pub trait SqlSession: Send {
    fn begin(&mut self, read_only: bool, serializable: bool) -> Result<(), SqlError>;
    /// Runs one statement; `params` may be empty, and then `sql` may hold several statements.
    fn execute(&mut self, sql: &str, params: &[StoreValue]) -> Result<u64, SqlError>;
    /// Runs a query; at most `max_rows` rows, and `true` if there were more.
    fn query(&mut self, sql: &str, params: &[StoreValue], max_rows: usize) -> Result<(Rows, bool), SqlError>;
    fn commit(&mut self) -> Result<(), SqlError>;
    fn rollback(&mut self) -> Result<(), SqlError>;
    /// Gives the connection back (to Mattermost's pool).
    fn close(self: Box<Self>);
}

pub trait SqlConnector: Send + Sync {
    fn connect(&self) -> Result<Box<dyn SqlSession>, SqlError>;
    /// Where the database is, without credentials.
    fn describe(&self) -> String;
}

/// How often a transaction PostgreSQL aborted for a conflict is run again.
const RETRIES: u32 = 12;
/// Idle connections kept for the next transaction.
const IDLE_CONNECTIONS: usize = 4;
/// How long PostgreSQL lets one of our transactions sit between two statements before it ends
/// the connection. Ours never wait on anything but the next driver call (the guest cannot hold
/// a transaction open across calls), so only a dead or hung plugin process reaches this.
const IDLE_IN_TRANSACTION: &str = "10s";
/// Fresh connections tried before giving up on one that cannot even be cleared.
const CONNECT_ATTEMPTS: u32 = 3;

pub struct SharedDbStore {
    connector: Box<dyn SqlConnector>,
    schema: String,
    idle: Mutex<Vec<Box<dyn SqlSession>>>,
    gate: Mutex<Gate>,
    drained: Condvar,
}

/// Transactions under way, and whether new ones are still let in.
#[derive(Default)]
struct Gate {
    in_flight: usize,
    stopping: bool,
}

/// One transaction under way; leaving lets a waiting [`Store::shut_down`] go on.
struct InFlight<'a>(&'a SharedDbStore);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut gate = self.0.gate.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        gate.in_flight = gate.in_flight.saturating_sub(1);
        if gate.in_flight == 0 {
            self.0.drained.notify_all();
        }
    }
}

/// Failures inside a transaction: retry the database's, stop at the store's own.
enum TxError {
    Sql(SqlError),
    Store(StoreError),
}

impl From<SqlError> for TxError {
    fn from(e: SqlError) -> Self {
        TxError::Sql(e)
    }
}

impl SharedDbStore {
    /// `namespace` names the schema (the plugin id); anything but `[a-z0-9_]` becomes `_`.
    pub fn new(connector: Box<dyn SqlConnector>, namespace: &str) -> Self {
        let schema: String =
            namespace.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
        Self { connector, schema, idle: Mutex::new(Vec::new()), gate: Mutex::new(Gate::default()), drained: Condvar::new() }
    }

    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// Counts a transaction in, unless the store is shutting down.
    fn enter(&self) -> Result<InFlight<'_>, StoreError> {
        let mut gate = self.gate.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if gate.stopping {
            return Err(StoreError::Unavailable("the plugin is stopping; try again once it has started".into()));
        }
        gate.in_flight += 1;
        Ok(InFlight(self))
    }

    fn session(&self) -> Result<Box<dyn SqlSession>, SqlError> {
        let pooled = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop();
        if let Some(s) = pooled {
            return Ok(s);
        }
        let mut last = None;
        for _ in 0..CONNECT_ATTEMPTS {
            let mut fresh = self.connector.connect()?;
            // The pool may hand out a connection someone left inside a transaction (an aborted
            // one refuses every statement). Outside one, ROLLBACK only draws a warning.
            match fresh.execute("ROLLBACK", &[]) {
                Ok(_) => return Ok(fresh),
                Err(e) => {
                    fresh.close();
                    last = Some(e);
                }
            }
        }
        Err(last.unwrap_or_else(|| SqlError::connection("no connection")))
    }

    /// Gives a connection of unknown state back to Mattermost, outside any transaction.
    fn retire(session: Box<dyn SqlSession>) {
        let mut session = session;
        // A transaction we still hold is ended through the driver (which then forgets it);
        // one whose commit or rollback failed midway is ended by a plain ROLLBACK.
        let _ = session.rollback();
        let _ = session.execute("ROLLBACK", &[]);
        session.close();
    }

    /// Keeps a session known to be outside any transaction (its commit or rollback succeeded)
    /// for the next one, or gives it straight back: it needs no clearing.
    fn give_back(&self, session: Box<dyn SqlSession>) {
        let mut idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if idle.len() < IDLE_CONNECTIONS {
            idle.push(session);
        } else {
            drop(idle);
            session.close();
        }
    }

    /// Runs `work` in a transaction on the plugin's schema, again if PostgreSQL aborted it for
    /// a conflict or the connection broke before the commit.
    fn transaction<T>(
        &self,
        read_only: bool,
        mut work: impl FnMut(&mut dyn SqlSession) -> Result<T, TxError>,
    ) -> Result<T, StoreError> {
        let _in_flight = self.enter()?;
        let mut last = String::new();
        for attempt in 0..RETRIES {
            if attempt > 0 {
                // Spread the contenders out: up to 2, 4, 8 … 64 ms, at a point that differs per
                // process and moment, so two servers do not collide again in step.
                let cap = 1u64 << attempt.min(6);
                let spread =
                    u64::from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos()));
                std::thread::sleep(Duration::from_millis(1 + spread % cap));
            }
            let mut session = self.session().map_err(|e| unavailable(&self.connector.describe(), &e))?;
            let outcome = self.attempt(session.as_mut(), read_only, &mut work);
            match outcome {
                Ok(value) => {
                    self.give_back(session);
                    return Ok(value);
                }
                Err(Attempt::Failed(e, clean)) => {
                    if clean {
                        self.give_back(session);
                    } else {
                        Self::retire(session);
                    }
                    match e {
                        TxError::Store(e) => return Err(e),
                        TxError::Sql(e) if matches!(e.kind, SqlErrorKind::Retry | SqlErrorKind::Connection) => {
                            last = e.message;
                        }
                        TxError::Sql(e) => return Err(store_error(&self.connector.describe(), e)),
                    }
                }
                Err(Attempt::CommitUnknown(e)) => {
                    Self::retire(session);
                    // The commit may or may not have happened: say so rather than run it twice.
                    return Err(StoreError::Unavailable(format!(
                        "the database connection broke while committing; the change may not be saved: {e}"
                    )));
                }
            }
        }
        Err(StoreError::Unavailable(format!(
            "the database refused the change {RETRIES} times (conflicting changes or a lost connection); the last time: {last}"
        )))
    }

    fn attempt<T>(
        &self,
        session: &mut dyn SqlSession,
        read_only: bool,
        work: &mut impl FnMut(&mut dyn SqlSession) -> Result<T, TxError>,
    ) -> Result<T, Attempt> {
        session.begin(read_only, !read_only).map_err(|e| Attempt::Failed(e.into(), false))?;
        let body = session.execute(&session_settings(&self.schema), &[]).map_err(TxError::from).and_then(|_| work(session));
        match body {
            Ok(value) => match session.commit() {
                Ok(()) => Ok(value),
                Err(e) if e.kind == SqlErrorKind::Connection => Err(Attempt::CommitUnknown(e)),
                // PostgreSQL reports serialization failures of SERIALIZABLE at commit too;
                // then nothing was committed.
                Err(e) => Err(Attempt::Failed(e.into(), true)),
            },
            Err(e) => {
                let clean = session.rollback().is_ok();
                Err(Attempt::Failed(e, clean))
            }
        }
    }
}

enum Attempt {
    /// The transaction did not commit; `true` if the session is still usable.
    Failed(TxError, bool),
    CommitUnknown(SqlError),
}

fn unavailable(place: &str, e: &SqlError) -> StoreError {
    StoreError::Unavailable(format!("cannot reach {place}: {e}"))
}

fn store_error(place: &str, e: SqlError) -> StoreError {
    match e.kind {
        SqlErrorKind::Constraint => StoreError::Constraint(e.message),
        SqlErrorKind::Connection => unavailable(place, &e),
        SqlErrorKind::Retry | SqlErrorKind::Other => StoreError::Invalid(e.message),
    }
}

impl Store for SharedDbStore {
    fn query(&self, sql: &str, params: &[StoreValue]) -> Result<Rows, StoreError> {
        let sql = statement_to_postgres(sql);
        self.transaction(true, |s| {
            let (rows, more) = s.query(&sql, params, MAX_ROWS)?;
            if more {
                return Err(TxError::Store(StoreError::Invalid(format!("more than {MAX_ROWS} rows; add a LIMIT"))));
            }
            Ok(rows)
        })
    }

    fn execute(&self, statements: &[Statement]) -> Result<Vec<u64>, StoreError> {
        let translated: Vec<String> = statements.iter().map(|s| statement_to_postgres(&s.sql)).collect();
        self.transaction(false, |s| {
            let mut counts = Vec::with_capacity(statements.len());
            for (i, (statement, sql)) in statements.iter().zip(&translated).enumerate() {
                let changed = s.execute(sql, &statement.params)?;
                if let Some(expected) = statement.expect_changes
                    && changed != expected
                {
                    return Err(TxError::Store(StoreError::Conflict(format!(
                        "statement {} changed {changed} rows, expected {expected}",
                        i + 1
                    ))));
                }
                counts.push(changed);
            }
            Ok(counts)
        })
    }

    /// Like SQLite's: migration `n` moves the schema from version `n` to `n + 1`. The version
    /// is a row in the plugin's schema. An advisory lock makes servers starting together take
    /// turns, so each migration runs once; all pending ones commit together.
    fn migrate(&self, migrations: &[String]) -> Result<u32, StoreError> {
        let target = i64::try_from(migrations.len()).map_err(|_| StoreError::Invalid("too many migrations".into()))?;
        let schema = self.schema.clone();
        let _in_flight = self.enter()?;
        // READ COMMITTED, not `transaction`'s SERIALIZABLE: the version must be read after the
        // lock is held, and a serializable snapshot taken at the lock statement would miss what
        // the server holding the lock before us committed.
        // A broken connection is worth another try: the version row, read under the lock,
        // says what is left to do even if a commit's fate was unknown.
        let mut attempts = 0;
        loop {
            attempts += 1;
            let mut session = self.session().map_err(|e| unavailable(&self.connector.describe(), &e))?;
            let result = migrate_in(session.as_mut(), &schema, migrations, target);
            match &result {
                Ok(_) => self.give_back(session),
                Err(_) => {
                    let clean = session.rollback().is_ok();
                    if clean { self.give_back(session) } else { Self::retire(session) }
                }
            }
            return match result {
                Ok(version) => Ok(version),
                Err(TxError::Store(e)) => Err(e),
                Err(TxError::Sql(e))
                    if attempts < CONNECT_ATTEMPTS && matches!(e.kind, SqlErrorKind::Connection | SqlErrorKind::Retry) =>
                {
                    continue;
                }
                Err(TxError::Sql(e)) => {
                    Err(StoreError::Invalid(format!("migrating the schema \"{schema}\" failed: {}", e.message)))
                }
            };
        }
    }

    fn backend(&self) -> crate::Backend {
        crate::Backend::Postgres
    }

    fn describe(&self) -> String {
        format!("schema \"{}\" of {}", self.schema, self.connector.describe())
    }

    /// Lets no new transaction in, waits up to `wait` for those under way, then gives every
    /// idle connection back. `false` if some were still running (the log should say so: a
    /// process killed now leaves them to `IDLE_IN_TRANSACTION`).
    fn shut_down(&self, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        let mut gate = self.gate.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        gate.stopping = true;
        while gate.in_flight > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            gate = self.drained.wait_timeout(gate, left).unwrap_or_else(std::sync::PoisonError::into_inner).0;
        }
        let drained = gate.in_flight == 0;
        drop(gate);
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        // Only sessions `give_back` kept are idle: none is inside a transaction.
        for session in idle {
            session.close();
        }
        drained
    }
}

/// What every transaction of ours sets first; `SET LOCAL` ends with the transaction.
fn session_settings(schema: &str) -> String {
    format!("SET LOCAL search_path TO \"{schema}\"; SET LOCAL idle_in_transaction_session_timeout = '{IDLE_IN_TRANSACTION}'")
}

fn migrate_in(session: &mut dyn SqlSession, schema: &str, migrations: &[String], target: i64) -> Result<u32, TxError> {
    session.begin(false, false)?;
    session.execute(&session_settings(schema), &[])?;
    session.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[StoreValue::Text(format!("{schema}.migrate"))])?;
    session.execute(
        &format!(
            "CREATE SCHEMA IF NOT EXISTS \"{schema}\";
             CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)"
        ),
        &[],
    )?;
    let (rows, _) = session.query("SELECT version FROM schema_version", &[], 2)?;
    let current = match rows.rows.first().and_then(|r| r.first()) {
        Some(StoreValue::Integer(v)) => *v,
        Some(other) => return Err(TxError::Store(StoreError::Invalid(format!("unreadable schema version {other:?}")))),
        None => {
            session.execute("INSERT INTO schema_version (version) VALUES (0)", &[])?;
            0
        }
    };
    if current > target {
        return Err(TxError::Store(StoreError::Invalid(format!(
            "the database is at schema version {current}, newer than this plugin's {target}; \
             install the newer plugin version again"
        ))));
    }
    for (n, sql) in migrations.iter().enumerate().skip(usize::try_from(current).unwrap_or(usize::MAX)) {
        session
            .execute(&migration_to_postgres(sql), &[])
            .map_err(|e| TxError::Store(StoreError::Invalid(format!("migration {} failed: {}", n + 1, e.message))))?;
    }
    session.execute("UPDATE schema_version SET version = $1", &[StoreValue::Integer(target)])?;
    session.commit()?;
    u32::try_from(target).map_err(|_| TxError::Store(StoreError::Invalid("too many migrations".into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlstates_decide_retry_constraint_and_connection() {
        assert_eq!(SqlError::from_sqlstate("40001", "pq: could not serialize").kind, SqlErrorKind::Retry);
        assert_eq!(SqlError::from_sqlstate("40P01", "pq: deadlock detected").kind, SqlErrorKind::Retry);
        assert_eq!(SqlError::from_sqlstate("23505", "pq: duplicate key").kind, SqlErrorKind::Constraint);
        assert_eq!(SqlError::from_sqlstate("08006", "pq: connection failure").kind, SqlErrorKind::Connection);
        let odd = SqlError::from_message("pq: unexpected transaction status in a failed transaction");
        assert_eq!(odd.kind, SqlErrorKind::Connection, "lib/pq marks such a connection bad: take another");
        let other = SqlError::from_sqlstate("42601", "pq: syntax error");
        assert_eq!(other.kind, SqlErrorKind::Other);
        assert!(other.message.contains("SQLSTATE 42601"), "{}", other.message);
    }
}
