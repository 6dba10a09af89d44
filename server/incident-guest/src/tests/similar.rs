//! Similar past incidents end to end, on the real SQL of either backend (FTS5 on SQLite,
//! tsvector on PostgreSQL): ranking, visibility, the start's posts, the command and the route.

use serde_json::{Value, json};

use crate::mattermost::Mattermost;
use crate::store::db::Database;
use crate::store::repo::Repo;
use crate::tests::fake_mattermost::TEAM;
use crate::tests::scenarios::World;

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

fn channel(v: &Value) -> String {
    v["channel_id"].as_str().expect("channel").to_owned()
}

fn start(w: &World, user: &str, body: Value) -> Value {
    let mut body = body;
    body["team_id"] = TEAM.into();
    let (status, v) = w.http(Some(user), "POST", "/api/v0/incidents", body);
    assert_eq!(status, 201, "{v}");
    v
}

fn similar(w: &World, user: &str, incident: &Value) -> (u16, Vec<String>) {
    let (status, v) = w.http(Some(user), "GET", &format!("/api/v0/incidents/{}/similar", id(incident)), Value::Null);
    let refs = v["items"].as_array().map(|a| a.iter().map(|i| i["reference"].as_str().unwrap_or("").to_owned()).collect());
    (status, refs.unwrap_or_default())
}

/// Three past incidents, one of them clearly about the database failing over, with a note.
fn history(w: &World) -> (Value, Value, Value) {
    let failover = start(w, "u-alice", json!({"name": "Checkout errors", "summary": "Payments API returns 502 after deploy"}));
    let ch = channel(&failover);
    assert!(w.cmd("u-alice", &ch, "/incident timeline add Postgres primary failed over; replica lag spiked").contains("Added"));
    let db = start(w, "u-alice", json!({"name": "Login slow", "summary": "Sessions table locked"}));
    assert!(w.cmd("u-alice", &channel(&db), "/incident timeline add Postgres failover took 40 minutes").contains("Added"));
    let other = start(w, "u-bob", json!({"name": "Office printer jammed", "summary": "Paper tray"}));
    (failover, db, other)
}

#[test]
fn the_most_similar_past_incident_comes_first_and_itself_is_left_out() {
    let w = World::new();
    let (failover, db, other) = history(&w);
    let (status, action) = w.http(
        Some("u-alice"),
        "POST",
        &format!("/api/v0/incidents/{}/actions", id(&failover)),
        json!({"text": "Add an alert on replica lag"}),
    );
    assert_eq!(status, 201, "{action}");
    assert!(w.cmd("u-alice", &channel(&failover), "/incident end").contains("Ended"));
    let new = start(&w, "u-alice", json!({"name": "Payments 502 again", "summary": "Checkout errors after the deploy"}));
    let (status, v) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{}/similar", id(&new)), Value::Null);
    assert_eq!(status, 200, "{v}");
    let items = v["items"].as_array().expect("items");
    assert_eq!(items[0]["reference"], failover["reference"], "{v}");
    assert!(items.iter().all(|i| i["id"] != new["id"] && i["id"] != other["id"]), "itself and unrelated ones are left out: {v}");
    assert_eq!((items[0]["open_actions"].clone(), items[0]["actions"].clone()), (json!(1), json!(1)), "{v}");
    assert_eq!(items[0]["state"], "ended");
    assert!(items[0]["time_to_resolve_ms"].is_i64(), "{v}");
    // The timeline's words count: a question about the failover finds both that mention it.
    let q = start(&w, "u-alice", json!({"name": "Postgres failover", "summary": ""}));
    let (_, refs) = similar(&w, "u-alice", &q);
    assert_eq!(refs.len(), 2, "{refs:?}");
    assert!(refs.contains(&db["reference"].as_str().expect("ref").to_owned()));
    // The start posted the suggestions in the new incident's channel, with the outcome.
    let posts = w.mm.posts_in(&channel(&new)).join("\n");
    assert!(posts.contains("Past incidents like") && posts.contains(failover["reference"].as_str().expect("ref")), "{posts}");
    assert!(posts.contains("1 of its follow-up actions is still open"), "{posts}");
}

#[test]
fn nothing_similar_posts_nothing() {
    let w = World::new();
    let (_, _, _) = history(&w);
    let new = start(&w, "u-alice", json!({"name": "Zebra xylophone", "summary": "quux"}));
    assert!(w.mm.posts_in(&channel(&new)).iter().all(|p| !p.contains("Past incidents like")));
    assert!(w.mm.ephemerals.borrow().iter().all(|(_, p)| !p.message.contains("Past incidents like")));
    let said = w.cmd("u-alice", &channel(&new), "/incident similar");
    assert!(said.contains("No past incident"), "{said}");
}

#[test]
fn private_incidents_are_offered_only_to_who_may_see_them_and_never_in_the_channel() {
    let w = World::new();
    let secret =
        start(&w, "u-alice", json!({"name": "Leaked signing key", "summary": "Signing key in a public repo", "private": true}));
    let public = start(&w, "u-bob", json!({"name": "Signing service down", "summary": "Signing key rotation failed"}));
    // Alice (in the private channel) starts one like both: the public one is posted in the
    // channel, the private one only to her.
    let new = start(&w, "u-alice", json!({"name": "Signing key problem", "summary": "Signing key rotation"}));
    let posts = w.mm.posts_in(&channel(&new)).join("\n");
    assert!(posts.contains(public["reference"].as_str().expect("ref")), "{posts}");
    assert!(
        !posts.contains(secret["reference"].as_str().expect("ref")),
        "a private incident is never posted in the channel: {posts}"
    );
    let to_alice: Vec<String> =
        w.mm.ephemerals
            .borrow()
            .iter()
            .filter(|(u, p)| u == "u-alice" && p.message.contains("shown only to you"))
            .map(|(_, p)| p.message.clone())
            .collect();
    assert_eq!(to_alice.len(), 1, "{to_alice:?}");
    assert!(to_alice[0].contains(secret["reference"].as_str().expect("ref")), "{to_alice:?}");
    // Bob is not in the private channel: the route and the command do not name it to him.
    let mine = start(&w, "u-bob", json!({"name": "Signing key again", "summary": "Signing key rotation"}));
    let (status, refs) = similar(&w, "u-bob", &mine);
    assert_eq!(status, 200);
    assert!(refs.contains(&public["reference"].as_str().expect("ref").to_owned()), "{refs:?}");
    assert!(!refs.contains(&secret["reference"].as_str().expect("ref").to_owned()), "{refs:?}");
    let said = w.cmd("u-bob", &channel(&mine), "/incident similar");
    assert!(!said.contains(secret["reference"].as_str().expect("ref")), "{said}");
    assert!(!said.contains("Leaked"), "{said}");
    // The system admin sees it.
    let (_, refs) = similar(&w, "u-root", &mine);
    assert!(refs.contains(&secret["reference"].as_str().expect("ref").to_owned()), "{refs:?}");
    // Carol (not in the team) may not ask about an incident she cannot see.
    let (status, _) = similar(&w, "u-carol", &mine);
    assert_eq!(status, 404);
}

#[test]
fn deleted_incidents_are_not_offered_and_edits_are_indexed() {
    let w = World::new();
    let old = start(&w, "u-alice", json!({"name": "Kafka consumer lag", "summary": "Orders delayed"}));
    let gone = start(&w, "u-alice", json!({"name": "Kafka broker disk full", "summary": "Orders delayed"}));
    let (status, v) = w.http(Some("u-root"), "DELETE", &format!("/api/v0/incidents/{}", id(&gone)), Value::Null);
    assert_eq!(status, 200, "{v}");
    let new = start(&w, "u-alice", json!({"name": "Kafka lag", "summary": "Orders delayed again"}));
    let (_, refs) = similar(&w, "u-alice", &new);
    assert_eq!(refs, vec![old["reference"].as_str().expect("ref").to_owned()]);
    // A rename is searched from the same save on.
    let said = w.cmd("u-alice", &channel(&old), "/incident rename Zookeeper session expiry");
    assert!(said.to_lowercase().contains("renamed") || said.contains("Zookeeper"), "{said}");
    let z = start(&w, "u-alice", json!({"name": "Zookeeper expiry", "summary": ""}));
    let (_, refs) = similar(&w, "u-alice", &z);
    assert_eq!(refs, vec![old["reference"].as_str().expect("ref").to_owned()]);
}

#[test]
fn incidents_from_before_the_index_are_filled_in() {
    let w = World::new();
    let old = start(&w, "u-alice", json!({"name": "Redis eviction storm", "summary": "Cache misses"}));
    // As if stored before migration 8.
    Repo::new(&w.db)
        .db()
        .execute(vec![
            mattermost_plugin_sdk::store::Statement::new("DELETE FROM incident_words", vec![]),
            mattermost_plugin_sdk::store::Statement::new("DELETE FROM meta WHERE key LIKE 'search_words_filled:%'", vec![]),
        ])
        .expect("forget the words");
    let new = start(&w, "u-alice", json!({"name": "Redis evictions", "summary": "Cache misses again"}));
    let (_, refs) = similar(&w, "u-alice", &new);
    assert_eq!(refs, vec![old["reference"].as_str().expect("ref").to_owned()]);
}

#[test]
fn the_report_link_is_given_once_a_report_is_written() {
    let w = World::new();
    let old = start(&w, "u-alice", json!({"name": "DNS resolution failing", "summary": "Resolver timeouts"}));
    let url = format!("/api/v0/incidents/{}/report", id(&old));
    let (status, saved) = w.http(Some("u-alice"), "PUT", &url, json!({"markdown": "# What happened", "revision": 0}));
    assert_eq!(status, 200, "{saved}");
    let new = start(&w, "u-alice", json!({"name": "DNS failing", "summary": "Resolver timeouts again"}));
    let (_, v) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{}/similar", id(&new)), Value::Null);
    assert!(v["items"][0]["report_url"].as_str().is_some_and(|u| u.ends_with(&url)), "{v}");
}

#[test]
fn a_guest_is_offered_only_incidents_of_channels_it_was_added_to() {
    let mut w = World::new();
    w.mm.users.push(mattermost_plugin_sdk::model::User { id: "u-gina".into(), username: "gina".into(), ..Default::default() });
    w.mm.team_members.insert((TEAM.into(), "u-gina".into()));
    w.mm.guests.insert("u-gina".into());
    let seen = start(&w, "u-alice", json!({"name": "Billing export stuck", "summary": "Nightly export"}));
    let unseen = start(&w, "u-alice", json!({"name": "Billing export slow", "summary": "Nightly export"}));
    let asked = start(&w, "u-alice", json!({"name": "Billing export", "summary": "Nightly export"}));
    for inc in [&seen, &asked] {
        w.mm.add_channel_member(&channel(inc), "u-gina").expect("join");
    }
    let (status, refs) = similar(&w, "u-gina", &asked);
    assert_eq!(status, 200);
    assert_eq!(refs, vec![seen["reference"].as_str().expect("ref").to_owned()], "not {}", unseen["reference"]);
}

/// An existing channel may have readers who are not full team members (guests added to it):
/// a `--here` start names no past incident in it; the starter gets every suggestion alone.
#[test]
fn an_incident_in_an_existing_channel_gets_its_suggestions_only_to_the_starter() {
    let w = World::new();
    let (failover, _, _) = history(&w);
    crate::tests::here::channel(&w, "general", TEAM, "O", &["u-alice", "u-bob"]);
    let before = w.mm.posts_in("general").len();
    let here = start(&w, "u-bob", json!({"name": "Checkout errors again", "summary": "Payments 502", "channel_id": "general"}));
    assert_eq!(here["existing_channel"], json!(true), "{here}");
    let reference = failover["reference"].as_str().expect("ref");
    let posts = w.mm.posts_in("general");
    assert!(posts[before..].iter().all(|p| !p.contains(reference)), "no suggestion in the shared channel: {posts:?}");
    let to_bob: Vec<String> =
        w.mm.ephemerals.borrow().iter().filter(|(u, _)| u == "u-bob").map(|(_, p)| p.message.clone()).collect();
    assert!(to_bob.iter().any(|m| m.contains(reference) && m.contains("shown only to you")), "{to_bob:?}");
}
