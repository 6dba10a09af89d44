//! How the shared-database store treats the connections it borrows from Mattermost's pool,
//! against a real PostgreSQL (`make test-rust`). Mattermost's driver takes a connection back in
//! whatever state it is in, so the store must never give one back inside a transaction, must
//! cope with being handed one, and must let deactivation wait for its work.
#![cfg(feature = "pg-tests")]
// A test may unwrap: the panic is its failure report (clippy.toml).
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use host_store::pg_client::PgClientConnector;
use host_store::{Rows, SharedDbStore, SqlConnector, SqlError, SqlSession, Statement, Store, StoreError, StoreValue};

fn pg_url() -> String {
    std::env::var("INCIDENT_TEST_PG").unwrap_or_else(|_| {
        panic!("INCIDENT_TEST_PG is not set: run these tests with `make test-rust` (build/with-postgres.sh starts a PostgreSQL)")
    })
}

const TABLE: &str = "CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT NOT NULL CHECK (text != ''));";

fn note(text: &str) -> Statement {
    Statement {
        sql: "INSERT INTO notes (text) VALUES (?)".into(),
        params: vec![StoreValue::Text(text.into())],
        expect_changes: None,
    }
}

fn single(rows: Rows) -> StoreValue {
    rows.rows.into_iter().next().and_then(|r| r.into_iter().next()).expect("one value")
}

/// What each connection looked like when the store gave it back.
type Returned = Arc<Mutex<Vec<Result<String, String>>>>;

/// A pool stand-in: hands out connections the way `poison` leaves them, makes the first
/// `failing_rollbacks` rollbacks fail without reaching the database (a lost reply), and on
/// close records the connection's `idle_in_transaction_session_timeout`, which is `0` outside
/// any transaction and the store's own value inside one of its transactions.
struct Pool {
    inner: PgClientConnector,
    poison: Option<&'static str>,
    failing_rollbacks: Arc<Mutex<u32>>,
    returned: Returned,
}

impl SqlConnector for Pool {
    fn connect(&self) -> Result<Box<dyn SqlSession>, SqlError> {
        let mut session = self.inner.connect()?;
        if let Some(sql) = self.poison {
            session.begin(false, false)?;
            // An error here leaves the transaction aborted, which is the point.
            let _ = session.execute(sql, &[]);
        }
        Ok(Box::new(Watched {
            session: Some(session),
            failing_rollbacks: self.failing_rollbacks.clone(),
            returned: self.returned.clone(),
        }))
    }

    fn describe(&self) -> String {
        "a watched pool".into()
    }
}

struct Watched {
    session: Option<Box<dyn SqlSession>>,
    failing_rollbacks: Arc<Mutex<u32>>,
    returned: Returned,
}

impl Watched {
    fn inner(&mut self) -> &mut dyn SqlSession {
        self.session.as_deref_mut().expect("open session")
    }
}

impl SqlSession for Watched {
    fn begin(&mut self, read_only: bool, serializable: bool) -> Result<(), SqlError> {
        self.inner().begin(read_only, serializable)
    }
    fn execute(&mut self, sql: &str, params: &[StoreValue]) -> Result<u64, SqlError> {
        self.inner().execute(sql, params)
    }
    fn query(&mut self, sql: &str, params: &[StoreValue], max_rows: usize) -> Result<(Rows, bool), SqlError> {
        self.inner().query(sql, params, max_rows)
    }
    fn commit(&mut self) -> Result<(), SqlError> {
        self.inner().commit()
    }
    fn rollback(&mut self) -> Result<(), SqlError> {
        let mut failing = self.failing_rollbacks.lock().unwrap();
        if *failing > 0 {
            *failing -= 1;
            return Err(SqlError::connection("the rollback's reply was lost"));
        }
        drop(failing);
        self.inner().rollback()
    }
    fn close(mut self: Box<Self>) {
        let mut session = self.session.take().expect("open session");
        let state = session
            .query("SELECT current_setting('idle_in_transaction_session_timeout')", &[], 1)
            .map(|(rows, _)| format!("{:?}", single(rows)))
            .map_err(|e| e.message);
        self.returned.lock().unwrap().push(state);
        session.close();
    }
}

/// A store over a [`Pool`]; set the returned counter to make that many rollbacks fail.
fn watched_with_rollbacks(name: &str, poison: Option<&'static str>) -> (SharedDbStore, Returned, Arc<Mutex<u32>>) {
    let returned: Returned = Arc::default();
    let failing_rollbacks = Arc::new(Mutex::new(0));
    let pool = Pool {
        inner: PgClientConnector::new(pg_url()),
        poison,
        failing_rollbacks: failing_rollbacks.clone(),
        returned: returned.clone(),
    };
    (SharedDbStore::new(Box::new(pool), &format!("hs-conn-{name}")), returned, failing_rollbacks)
}

fn watched(name: &str, poison: Option<&'static str>) -> (SharedDbStore, Returned) {
    let (store, returned, _) = watched_with_rollbacks(name, poison);
    (store, returned)
}

fn assert_all_returned_clean(returned: &Returned) {
    let returned = returned.lock().unwrap();
    assert!(!returned.is_empty(), "no connection was given back");
    for state in returned.iter() {
        assert_eq!(state.as_deref(), Ok("Text(\"0\")"), "a connection went back inside a transaction: {returned:?}");
    }
}

#[test]
fn connections_left_inside_a_transaction_by_someone_else_are_cleared_before_use() {
    for (name, poison) in [("aborted", "SELECT 1/0"), ("open", "SET LOCAL search_path TO nowhere")] {
        let (store, returned) = watched(name, Some(poison));
        assert_eq!(store.migrate(&[TABLE.to_string()]).unwrap(), 1, "{name}");
        store.execute(&[note("kept")]).unwrap();
        assert_eq!(single(store.query("SELECT text FROM notes", &[]).unwrap()), StoreValue::Text("kept".into()), "{name}");
        assert!(store.shut_down(Duration::from_secs(1)));
        assert_all_returned_clean(&returned);
    }
}

#[test]
fn a_connection_whose_rollback_failed_goes_back_outside_any_transaction() {
    let (store, returned, failing_rollbacks) = watched_with_rollbacks("lost-rollback", None);
    store.migrate(&[TABLE.to_string()]).unwrap();
    assert!(returned.lock().unwrap().is_empty(), "the connection stays in the store's idle pool");
    // A constraint failure is rolled back; that rollback "fails", and so does the one the store
    // tries before giving the connection up: only a plain ROLLBACK is left to clear it.
    *failing_rollbacks.lock().unwrap() = 2;
    let err = store.execute(&[note("")]).unwrap_err();
    assert!(matches!(err, StoreError::Constraint(_)), "{err:?}");
    assert_eq!(returned.lock().unwrap().len(), 1, "the connection of unknown state was given back at once");
    assert_all_returned_clean(&returned);
    store.execute(&[note("after")]).unwrap();
    assert!(store.shut_down(Duration::from_secs(1)));
    assert_all_returned_clean(&returned);
}

#[test]
fn every_transaction_has_the_idle_in_transaction_limit() {
    let (store, _) = watched("limit", None);
    store.migrate(&[TABLE.to_string()]).unwrap();
    let value = single(store.query("SELECT current_setting('idle_in_transaction_session_timeout')", &[]).unwrap());
    assert_eq!(value, StoreValue::Text("10s".into()), "a dead plugin's transaction would hold its connection forever");
}

/// Starts `SELECT … pg_sleep(seconds)` through `store` on another thread and returns once
/// PostgreSQL shows it running (a fixed pause would not be enough on a busy machine).
fn slow_query(store: &Arc<SharedDbStore>, marker: &str, seconds: f64) -> std::thread::JoinHandle<Result<Rows, StoreError>> {
    let sql = format!("SELECT 1 /* {marker} */ FROM pg_sleep({seconds})");
    let slow = {
        let store = store.clone();
        let sql = sql.clone();
        std::thread::spawn(move || store.query(&sql, &[]))
    };
    let observer = SharedDbStore::new(Box::new(PgClientConnector::new(pg_url())), "hs-conn-observer");
    let running = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND query LIKE '%{marker}%'"
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while single(observer.query(&running, &[]).unwrap()) != StoreValue::Integer(1) {
        assert!(Instant::now() < deadline, "the slow query never showed up in pg_stat_activity");
        std::thread::sleep(Duration::from_millis(10));
    }
    slow
}

#[test]
fn shutting_down_waits_for_work_under_way_then_refuses_more() {
    let (store, returned) = watched("drain", None);
    store.migrate(&[TABLE.to_string()]).unwrap();
    let store = Arc::new(store);
    let slow = slow_query(&store, "drain-test", 1.5);
    let started = Instant::now();
    assert!(store.shut_down(Duration::from_secs(10)), "the slow query finished within the wait");
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "shut_down returned before the query ended: {:?}",
        started.elapsed()
    );
    assert_eq!(slow.join().unwrap().unwrap().rows, vec![vec![StoreValue::Integer(1)]], "work under way completes");
    let err = store.execute(&[note("late")]).unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(ref m) if m.contains("stopping")), "{err:?}");
    assert_all_returned_clean(&returned);
}

#[test]
fn shutting_down_says_when_work_outlasted_the_wait() {
    let (store, _) = watched("outlasted", None);
    store.migrate(&[TABLE.to_string()]).unwrap();
    let store = Arc::new(store);
    let slow = slow_query(&store, "outlasted-test", 1.0);
    assert!(!store.shut_down(Duration::from_millis(50)));
    assert!(slow.join().unwrap().is_ok());
}
