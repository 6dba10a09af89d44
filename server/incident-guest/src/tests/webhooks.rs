//! Outgoing webhooks against a slow receiver and a failing database (security review findings
//! 6 and 13): a change is answered when it commits, its events commit with it, and only the
//! timer sends them, within its budget, signed.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use mattermost_plugin_sdk::store::{Rows, Statement, StoreError, Value as DbValue};
use serde_json::{Value, json};

use crate::mattermost::Mattermost;
use crate::service::Service;
use crate::service::webhooks::{DeliveryBudget, signature};
use crate::store::db::Database;
use crate::store::repo::Repo;
use crate::tests::scenarios::World;

const HOOK_A: &str = "https://hooks.example.com/a";
const HOOK_B: &str = "https://hooks.example.com/b";
const SECRET_A: &str = "whsec-aaaaaaaaaaaaaaaa";

fn two_webhooks() -> String {
    format!("{HOOK_A} {SECRET_A}\n{HOOK_B} whsec-bbbbbbbbbbbbbbbb")
}

fn deliver_at(w: &World, now: i64) -> usize {
    w.deliver_webhooks_at(now)
}

fn deliver_with<D: Database>(w: &World, db: &D, now: i64, budget: DeliveryBudget) -> usize {
    let mut ids = crate::ids_and_clock::RandomIds;
    let s = Service { mm: &w.mm, repo: Repo::new(db), ids: &mut ids, now, bot_id: "u-bot".into() };
    s.deliver_webhooks(budget).expect("deliver")
}

/// (event, url, state, attempts, last_error) of every delivery, oldest first.
fn deliveries(w: &World) -> Vec<(String, String, String, i64, String)> {
    let rows =
        w.db.query("SELECT event, url, state, attempts, last_error FROM webhook_deliveries ORDER BY id", &[])
            .expect("deliveries");
    (0..rows.len())
        .map(|i| {
            let text = |c: &str| rows.text(i, c).expect("text");
            (text("event"), text("url"), text("state"), rows.integer(i, "attempts").expect("attempts"), text("last_error"))
        })
        .collect()
}

/// A receiver that takes 15 s (it sleeps, or packets to it are dropped) must not hold the
/// request: the update is answered at once, saved once, and its events wait in the queue. The
/// timer then tries them within its budget, never starting an attempt its timeout does not fit
/// in, and delivers them, signed, once the receiver answers.
#[test]
fn a_slow_webhook_receiver_never_fails_or_duplicates_a_change() {
    let mut w = World::new();
    w.mm.settings.webhooks = two_webhooks();
    w.mm.webhook_delay.set(Duration::from_secs(15));
    let inc = w.start("u-alice", "Slow receiver");
    let id = inc["id"].as_str().expect("id").to_owned();

    let asked = Instant::now();
    let (status, v) =
        w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/updates"), json!({"message": "Rolled back"}));
    assert_eq!(status, 201, "{v}");
    assert!(asked.elapsed() < Duration::from_secs(1), "the update waited {:?} for the receiver", asked.elapsed());
    assert_eq!(v["updates"].as_array().map(Vec::len), Some(1), "saved once: {v}");
    assert!(w.mm.webhook_calls.borrow().is_empty(), "no delivery inside the request");
    let queued: Vec<(String, String)> = deliveries(&w).into_iter().map(|d| (d.0, d.2)).collect();
    let pending = |e: &str| (e.to_owned(), "pending".to_owned());
    assert_eq!(
        queued,
        [pending("incident_started"), pending("incident_started"), pending("update_posted"), pending("update_posted")]
    );

    // The timer, with a 500 ms budget and 200 ms per attempt: two attempts fit, not three.
    let run = Instant::now();
    let budget = DeliveryBudget { until: run + Duration::from_millis(500), per_request: Duration::from_millis(200) };
    assert_eq!(deliver_with(&w, &w.db, crate::ids_and_clock::now_ms(), budget), 0);
    assert!(run.elapsed() < Duration::from_millis(700), "the run took {:?}", run.elapsed());
    assert_eq!(w.mm.webhook_calls.borrow().len(), 2);
    let tried = deliveries(&w);
    assert_eq!((tried[0].2.as_str(), tried[0].3, tried[0].4.as_str()), ("pending", 1, "timed out after 200 ms"));
    assert_eq!((tried[2].2.as_str(), tried[2].3), ("pending", 0), "left for the next run");

    // The receiver is back: every event arrives once, signed over its exact body.
    w.mm.webhook_delay.set(Duration::ZERO);
    assert_eq!(deliver_at(&w, crate::ids_and_clock::now_ms() + 1_000), 4);
    assert!(deliveries(&w).iter().all(|d| d.2 == "delivered"), "{:?}", deliveries(&w));
    let (headers, body) = w.mm.webhook_requests.borrow().last().cloned().expect("a request");
    let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).expect(name);
    let timestamp: i64 = header("X-Incident-Response-Timestamp").parse().expect("timestamp");
    assert!((crate::ids_and_clock::now_ms() / 1000 - timestamp).abs() < 60);
    let url = w.mm.webhook_calls.borrow().last().map(|c| c.0.clone()).expect("url");
    let secret = if url == HOOK_A { SECRET_A } else { "whsec-bbbbbbbbbbbbbbbb" };
    assert_eq!(header("X-Incident-Response-Signature"), signature(secret, timestamp, &body));
    assert!(!headers.iter().any(|(_, v)| v.contains("whsec-")), "the secret itself is never sent");
    let (_, v) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!(v["updates"].as_array().map(Vec::len), Some(1), "still one update: {v}");
}

/// The database as the tests see it, recording each batch's statements, and failing the
/// batches `fail` picks (as a lost connection or a full disk would) — atomically, as the store
/// does: a failed batch changes nothing.
struct Recording<'a> {
    db: &'a crate::store::db::native::NativeDb,
    batches: RefCell<Vec<Vec<String>>>,
    fail: fn(&[Statement]) -> bool,
}

impl Database for Recording<'_> {
    fn backend(&self) -> mattermost_plugin_sdk::store::Backend {
        self.db.backend()
    }

    fn query(&self, sql: &str, params: &[DbValue]) -> Result<Rows, StoreError> {
        self.db.query(sql, params)
    }

    fn execute(&self, statements: Vec<Statement>) -> Result<Vec<u64>, StoreError> {
        self.batches
            .borrow_mut()
            .push(statements.iter().map(|s| s.sql().split_whitespace().take(3).collect::<Vec<_>>().join(" ")).collect());
        if (self.fail)(&statements) {
            return Err(StoreError::Unavailable("the test dropped this batch".into()));
        }
        self.db.execute(statements)
    }

    fn migrate(&self, migrations: &[&str]) -> Result<u32, StoreError> {
        self.db.migrate(migrations)
    }
}

/// A change and its webhook events are one batch: a committed change always has its events
/// queued, and a change that did not commit has none.
#[test]
fn webhook_events_are_queued_in_the_same_transaction_as_the_change() {
    let mut w = World::new();
    w.mm.settings.webhooks = two_webhooks();
    let inc = w.start("u-alice", "Atomic");
    let (id, ch) = (inc["id"].as_str().expect("id").to_owned(), inc["channel_id"].as_str().expect("channel").to_owned());
    assert_eq!(deliveries(&w).len(), 2, "the start's events came with the start");

    let recording = Recording { db: &w.db, batches: RefCell::new(Vec::new()), fail: |_| false };
    crate::service::with_service(&w.mm, &recording, |s| s.change_severity("u-alice", &id, "P2")).expect("change");
    let batches = recording.batches.borrow();
    let save = batches.iter().find(|b| b.iter().any(|s| s == "UPDATE incidents SET")).expect("the save");
    assert_eq!(
        save,
        // The incident's words for similar incidents (store/similar.rs) are part of its save.
        &[
            "UPDATE incidents SET",
            "INSERT INTO incident_words",
            "INSERT INTO webhook_deliveries",
            "INSERT INTO webhook_deliveries"
        ],
        "{batches:?}"
    );
    assert_eq!(
        batches.iter().filter(|b| b.iter().any(|s| s.starts_with("INSERT INTO webhook_deliveries"))).count(),
        1,
        "{batches:?}"
    );
    drop(batches);

    // The save fails: neither the change nor its events are there, and nothing was sent.
    let failing = Recording {
        db: &w.db,
        batches: RefCell::new(Vec::new()),
        fail: |b| b.iter().any(|s| s.sql().starts_with("UPDATE incidents SET")),
    };
    let refused = crate::service::with_service(&w.mm, &failing, |s| s.change_severity("u-alice", &id, "P1"));
    assert!(refused.is_err());
    assert_eq!(deliveries(&w).len(), 4);
    let (_, v) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!(v["severity"], "P2");
    assert!(w.mm.webhook_calls.borrow().is_empty());
    let _ = ch;
}

/// An attempt whose outcome is never written (the run was stopped while the receiver had it)
/// counts: it is retried after the backoff, not at once, and the delivery is failed after the
/// last attempt instead of being sent on every run forever.
#[test]
fn an_interrupted_webhook_delivery_is_not_retried_forever() {
    let mut w = World::new();
    w.mm.settings.webhooks = format!("{HOOK_A} {SECRET_A}");
    let _ = w.start("u-alice", "Interrupted");
    // Every outcome is lost, as when the host stops the run right after the receiver answers.
    let loses_outcomes = Recording {
        db: &w.db,
        batches: RefCell::new(Vec::new()),
        fail: |b| b.iter().any(|s| s.sql().starts_with("UPDATE webhook_deliveries SET state = ?, last_status")),
    };
    let start = crate::ids_and_clock::now_ms();
    let budget = || DeliveryBudget::for_timer_run(Instant::now());
    deliver_with(&w, &loses_outcomes, start, budget());
    assert_eq!(deliveries(&w)[0].4, "the attempt was interrupted before its outcome was recorded");
    for minutes in [0, 1, 2, 7, 40, 80, 200, 400] {
        deliver_with(&w, &loses_outcomes, start + minutes * 60_000 + 1, budget());
    }
    assert_eq!(w.mm.webhook_calls.borrow().len(), 5, "five attempts in all");
    let d = &deliveries(&w)[0];
    assert_eq!((d.2.as_str(), d.3), ("failed", 5), "{d:?}");
}

/// The log of deliveries and the queue hold no signing secret, whatever happened.
#[test]
fn webhook_secrets_stay_out_of_the_queue_and_the_log() {
    let mut w = World::new();
    w.mm.settings.webhooks = two_webhooks();
    *w.mm.webhook_default.borrow_mut() = Some(Err(format!("refused by {HOOK_A}")));
    let _ = w.start("u-alice", "Secrets");
    deliver_at(&w, crate::ids_and_clock::now_ms());
    let dump = format!("{:?}", w.db.query("SELECT * FROM webhook_deliveries", &[]).expect("rows"));
    assert!(!dump.contains("whsec-"), "{dump}");
    let (_, log) = w.http(Some("u-root"), "GET", "/api/v0/webhooks/deliveries", Value::Null);
    assert!(!log.to_string().contains("whsec-"), "{log}");
    let _ = w.mm.settings();
}
