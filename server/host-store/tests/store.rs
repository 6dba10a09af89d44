//! The store as the guest uses it, without any wasm.

use host_store::{SqliteStore, Statement, StoreError, StoreValue as V};

fn stmt(sql: &str, params: Vec<V>) -> Statement {
    Statement { sql: sql.into(), params, expect_changes: None }
}

fn schema() -> Vec<String> {
    vec![
        "CREATE TABLE playbooks (id TEXT PRIMARY KEY, title TEXT NOT NULL);".into(),
        "CREATE TABLE incidents (id TEXT PRIMARY KEY, playbook_id TEXT REFERENCES playbooks(id),
             revision INTEGER NOT NULL DEFAULT 1, name TEXT NOT NULL);"
            .into(),
    ]
}

#[test]
fn migrations_apply_once_and_in_order() {
    let dir = std::env::temp_dir().join(format!("host-store-test-{}", std::process::id()));
    let path = dir.join("db").join("incident.db");
    let store = SqliteStore::open(&path).expect("open");
    assert_eq!(store.migrate(&schema()[..1]).expect("v1"), 1);
    assert_eq!(store.migrate(&schema()).expect("v2"), 2);
    assert_eq!(store.migrate(&schema()).expect("again"), 2, "re-running is a no-op");
    assert!(path.with_extension("db-wal").exists(), "write-ahead log in use");
    drop(store);
    // Reopened from disk: the version and the tables are there.
    let store = SqliteStore::open(&path).expect("reopen");
    assert!(store.query("SELECT id FROM incidents", &[]).expect("table exists").rows.is_empty());
    assert!(matches!(store.migrate(&schema()[..1]), Err(StoreError::Invalid(m)) if m.contains("newer")));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_failing_migration_changes_nothing() {
    let store = SqliteStore::open_in_memory().expect("open");
    let bad = vec![schema()[0].clone(), "CREATE TABLE x (a); THIS IS NOT SQL;".into()];
    assert!(matches!(store.migrate(&bad), Err(StoreError::Invalid(_))));
    assert_eq!(store.migrate(&schema()[..1]).expect("still at v1"), 1);
    let tables = store.query("SELECT name FROM sqlite_master WHERE name = 'x'", &[]).expect("query");
    assert!(tables.rows.is_empty(), "the failed migration's first statement was rolled back");
}

#[test]
fn batches_are_all_or_nothing() {
    let store = SqliteStore::open_in_memory().expect("open");
    store.migrate(&schema()).expect("schema");
    let ok = store
        .execute(&[
            stmt("INSERT INTO playbooks VALUES (?, ?)", vec![V::Text("p1".into()), V::Text("Service".into())]),
            stmt(
                "INSERT INTO incidents (id, playbook_id, name) VALUES (?, ?, ?)",
                vec![V::Text("i1".into()), V::Text("p1".into()), V::Text("DB down 🔥".into())],
            ),
        ])
        .expect("batch");
    assert_eq!(ok, vec![1, 1]);
    // Second statement violates the foreign key: the first is rolled back too.
    let err = store
        .execute(&[
            stmt("INSERT INTO playbooks VALUES ('p2', 'Security')", vec![]),
            stmt("INSERT INTO incidents (id, playbook_id, name) VALUES ('i2', 'nope', 'x')", vec![]),
        ])
        .expect_err("foreign key");
    assert!(matches!(err, StoreError::Constraint(_)), "{err}");
    let rows = store.query("SELECT count(*) FROM playbooks", &[]).expect("count");
    assert_eq!(rows.rows[0][0], V::Integer(1));
}

#[test]
fn expect_changes_detects_a_lost_update() {
    let store = SqliteStore::open_in_memory().expect("open");
    store.migrate(&schema()).expect("schema");
    store.execute(&[stmt("INSERT INTO incidents (id, name) VALUES ('i1', 'a')", vec![])]).expect("insert");
    let update = |name: &str, revision: i64| Statement {
        sql: "UPDATE incidents SET name = ?, revision = revision + 1 WHERE id = 'i1' AND revision = ?".into(),
        params: vec![V::Text(name.into()), V::Integer(revision)],
        expect_changes: Some(1),
    };
    store.execute(&[update("b", 1)]).expect("first writer wins");
    let err = store.execute(&[update("c", 1)]).expect_err("second writer read revision 1 too");
    assert!(matches!(err, StoreError::Conflict(_)));
    let rows = store.query("SELECT name, revision FROM incidents", &[]).expect("read");
    assert_eq!(rows.rows[0], vec![V::Text("b".into()), V::Integer(2)]);
}

#[test]
fn query_refuses_writes_and_reports_columns() {
    let store = SqliteStore::open_in_memory().expect("open");
    store.migrate(&schema()).expect("schema");
    assert!(matches!(store.query("DELETE FROM incidents", &[]), Err(StoreError::Invalid(_))));
    assert!(matches!(store.query("SELEC nonsense", &[]), Err(StoreError::Invalid(_))));
    let rows = store.query("SELECT 1 AS one, 'x' AS two, NULL AS three, 2.5 AS four, x'00ff' AS five", &[]).expect("query");
    assert_eq!(rows.columns, vec!["one", "two", "three", "four", "five"]);
    assert_eq!(rows.rows[0], vec![V::Integer(1), V::Text("x".into()), V::Null, V::Real(2.5), V::Blob(vec![0, 255])]);
}

#[test]
fn attach_is_not_allowed() {
    let store = SqliteStore::open_in_memory().expect("open");
    let err = store.execute(&[stmt("ATTACH DATABASE '/tmp/other.db' AS other", vec![])]).expect_err("attach");
    assert!(matches!(err, StoreError::Invalid(_) | StoreError::Unavailable(_)), "{err}");
}

#[test]
fn a_folder_that_cannot_be_made_is_named_with_the_fix() {
    // A regular file where the database's folder should be: creating the folder fails for any
    // user, root included. (Read-only and full disks need a mount: tests/conformance does those.)
    let blocker = std::env::temp_dir().join(format!("host-store-blocker-{}", std::process::id()));
    std::fs::write(&blocker, b"not a folder").expect("write");
    let db = blocker.join("plugins").join("incident-response.db");
    let err = SqliteStore::open(&db).err().expect("open must fail");
    let _ = std::fs::remove_file(&blocker);
    let message = match err {
        StoreError::Unavailable(m) => m,
        other => panic!("want Unavailable, got {other}"),
    };
    assert!(message.contains(&blocker.join("plugins").display().to_string()), "{message}");
    assert!(message.contains("restart the plugin"), "{message}");
}

#[test]
fn shutting_down_leaves_the_file_whole_while_still_open() {
    use host_store::Store as _;
    let dir = std::env::temp_dir().join(format!("host-store-shutdown-{}", std::process::id()));
    let path = dir.join("incident.db");
    let store = SqliteStore::open(&path).expect("open");
    store.migrate(&schema()).expect("migrate");
    store
        .execute(&[stmt(
            "INSERT INTO playbooks (id, title) VALUES (?1, ?2)",
            vec![V::Text("p1".into()), V::Text("Outage".into())],
        )])
        .expect("insert");
    let wal = path.with_extension("db-wal");
    assert!(std::fs::metadata(&wal).expect("wal").len() > 0, "the write is in the write-ahead log");
    assert!(store.shut_down(std::time::Duration::from_secs(1)), "nothing kept the checkpoint from finishing");
    assert_eq!(std::fs::metadata(&wal).expect("wal").len(), 0, "merged into the file and emptied");
    // As if the process were killed now: a copy of the file alone has the row.
    let copy = dir.join("copy.db");
    std::fs::copy(&path, &copy).expect("copy");
    let reopened = SqliteStore::open(&copy).expect("open copy");
    assert_eq!(reopened.query("SELECT title FROM playbooks", &[]).expect("query").rows.len(), 1);
    // Still usable until dropped.
    assert_eq!(store.query("SELECT id FROM playbooks", &[]).expect("query").rows.len(), 1);
    drop((store, reopened));
    let _ = std::fs::remove_dir_all(dir);
}
