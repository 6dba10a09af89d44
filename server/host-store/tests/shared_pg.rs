//! The shared-database store against a real PostgreSQL (`make test-rust` starts one; see
//! build/with-postgres.sh). Each test works in a schema of its own.
#![cfg(feature = "pg-tests")]
// A test may unwrap: the panic is its failure report (clippy.toml).
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use host_store::pg_client::PgClientConnector;
use host_store::{SharedDbStore, Statement, Store, StoreError, StoreValue};

fn pg_url() -> String {
    std::env::var("INCIDENT_TEST_PG").unwrap_or_else(|_| {
        panic!("INCIDENT_TEST_PG is not set: run these tests with `make test-rust` (build/with-postgres.sh starts a PostgreSQL)")
    })
}

fn store(name: &str) -> SharedDbStore {
    SharedDbStore::new(Box::new(PgClientConnector::new(pg_url())), &format!("hs-test-{name}"))
}

const MIGRATIONS: [&str; 2] = [
    "CREATE TABLE counters (id TEXT PRIMARY KEY, n INTEGER NOT NULL, revision INTEGER NOT NULL DEFAULT 1);",
    "CREATE TABLE log (id INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT NOT NULL CHECK (text != ''), at INTEGER);",
];

fn migrations() -> Vec<String> {
    MIGRATIONS.iter().map(|s| s.to_string()).collect()
}

fn insert(sql: &str, params: Vec<StoreValue>) -> Statement {
    Statement { sql: sql.into(), params, expect_changes: None }
}

fn count(store: &SharedDbStore, id: &str) -> (i64, i64) {
    let rows = store.query("SELECT n, revision FROM counters WHERE id = ?", &[StoreValue::Text(id.into())]).unwrap();
    match rows.rows[0][..] {
        [StoreValue::Integer(n), StoreValue::Integer(r)] => (n, r),
        ref other => panic!("unexpected row {other:?}"),
    }
}

#[test]
fn migrations_run_once_in_the_plugins_own_schema() {
    let s = store("migrate");
    assert_eq!(s.migrate(&migrations()[..1]).unwrap(), 1);
    assert_eq!(s.migrate(&migrations()).unwrap(), 2);
    assert_eq!(s.migrate(&migrations()).unwrap(), 2, "applied migrations are not run again");
    // 64-bit integers: a millisecond timestamp fits.
    s.execute(&[insert(
        "INSERT INTO log (text, at) VALUES (?, ?)",
        vec!["x".into_text(), StoreValue::Integer(1_790_000_000_000)],
    )])
    .unwrap();
    let rows = s
        .query("SELECT table_schema FROM information_schema.tables WHERE table_name = 'counters' AND table_schema IN ('public', 'hs_test_migrate')", &[])
        .unwrap();
    assert_eq!(rows.rows, vec![vec![StoreValue::Text("hs_test_migrate".into())]], "nothing lands in public");
    let err = s.migrate(&migrations()[..1]).unwrap_err();
    assert!(matches!(err, StoreError::Invalid(m) if m.contains("newer than this plugin's 1")));
}

#[test]
fn servers_starting_together_migrate_once() {
    let url = pg_url();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                SharedDbStore::new(Box::new(PgClientConnector::new(url)), "hs-test-together").migrate(&migrations())
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap().unwrap(), 2);
    }
}

#[test]
fn a_failed_precondition_rolls_the_whole_batch_back() {
    let s = store("precondition");
    s.migrate(&migrations()).unwrap();
    s.execute(&[insert("INSERT INTO counters (id, n) VALUES (?, 0)", vec!["a".into_text()])]).unwrap();
    let err = s
        .execute(&[
            insert("INSERT INTO log (text) VALUES ('first')", vec![]),
            Statement {
                sql: "UPDATE counters SET n = n + 1 WHERE id = ? AND revision = ?".into(),
                params: vec!["a".into_text(), StoreValue::Integer(99)],
                expect_changes: Some(1),
            },
        ])
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert!(s.query("SELECT id FROM log", &[]).unwrap().rows.is_empty(), "the first statement was rolled back");
}

#[test]
fn constraints_and_writes_in_queries_are_refused() {
    let s = store("refusals");
    s.migrate(&migrations()).unwrap();
    let err = s.execute(&[insert("INSERT INTO log (text) VALUES (?)", vec!["".into_text()])]).unwrap_err();
    assert!(matches!(err, StoreError::Constraint(_)), "{err:?}");
    let err = s.query("INSERT INTO log (text) VALUES ('sneaky') RETURNING id", &[]).unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref m) if m.contains("read-only")), "{err:?}");
    assert!(s.query("SELECT id FROM log", &[]).unwrap().rows.is_empty());
}

/// Many writers, each reading a revision and writing only if it is unchanged (the guest's
/// optimistic scheme), on separate connections: every increment lands exactly once.
#[test]
fn concurrent_read_modify_write_loses_nothing() {
    let s = Arc::new(store("concurrent"));
    s.migrate(&migrations()).unwrap();
    s.execute(&[insert("INSERT INTO counters (id, n) VALUES ('c', 0)", vec![])]).unwrap();
    let writers = 8;
    let per_writer = 15;
    let threads: Vec<_> = (0..writers)
        .map(|w| {
            let s = s.clone();
            std::thread::spawn(move || {
                for i in 0..per_writer {
                    loop {
                        let (n, revision) = count(&s, "c");
                        let result = s.execute(&[
                            Statement {
                                sql: "UPDATE counters SET n = ?, revision = revision + 1 WHERE id = 'c' AND revision = ?".into(),
                                params: vec![StoreValue::Integer(n + 1), StoreValue::Integer(revision)],
                                expect_changes: Some(1),
                            },
                            insert("INSERT INTO log (text) VALUES (?)", vec![format!("{w}-{i}").into_text()]),
                        ]);
                        match result {
                            Ok(_) => break,
                            Err(StoreError::Conflict(_)) => continue,
                            Err(e) => panic!("writer {w}: {e}"),
                        }
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(count(&s, "c").0, writers * per_writer);
    let logged = s.query("SELECT count(*) AS n FROM log", &[]).unwrap();
    assert_eq!(logged.rows, vec![vec![StoreValue::Integer(writers * per_writer)]]);
}

trait IntoText {
    fn into_text(self) -> StoreValue;
}

impl IntoText for &str {
    fn into_text(self) -> StoreValue {
        StoreValue::Text(self.into())
    }
}

impl IntoText for String {
    fn into_text(self) -> StoreValue {
        StoreValue::Text(self)
    }
}
