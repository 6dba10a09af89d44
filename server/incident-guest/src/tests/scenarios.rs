//! The logic end to end, natively: commands and REST against the real SQL (in-memory SQLite)
//! and a fake Mattermost.

use incident_core::IncidentState;
use mattermost_plugin_sdk::HttpRequest;
use serde_json::{Value, json};

use crate::api;
use crate::command::{self, Invocation, Outcome};
use crate::mattermost::Mattermost;
use crate::service::with_service;
use crate::store::db::native::NativeDb;
use crate::store::repo::Repo;
use crate::tests::fake_mattermost::{FakeMattermost, TEAM};

pub(crate) struct World {
    pub(crate) mm: FakeMattermost,
    pub(crate) db: NativeDb,
}

impl World {
    /// A message posted in `channel` now (a thread reply when `root` is set), captured as the
    /// MessageHasBeenPosted hook delivers it.
    pub(crate) fn post_captured(
        &self,
        channel: &str,
        user: &str,
        message: &str,
        root: &str,
    ) -> mattermost_plugin_sdk::model::Post {
        let p = self
            .mm
            .create_post(&mattermost_plugin_sdk::model::Post {
                channel_id: channel.into(),
                user_id: user.into(),
                message: message.into(),
                root_id: root.into(),
                create_at: crate::ids_and_clock::now_ms(),
                ..Default::default()
            })
            .expect("post");
        assert!(with_service(&self.mm, &self.db, |s| s.capture_post(&p)).expect("capture"));
        p
    }

    /// One timer run of webhook deliveries at `now`, with the timer's own budget.
    pub(crate) fn deliver_webhooks_at(&self, now: i64) -> usize {
        let mut ids = crate::ids_and_clock::RandomIds;
        let s = crate::service::Service {
            mm: &self.mm,
            repo: crate::store::repo::Repo::new(&self.db),
            ids: &mut ids,
            now,
            bot_id: "u-bot".into(),
        };
        s.deliver_webhooks(crate::service::webhooks::DeliveryBudget::for_timer_run(std::time::Instant::now())).expect("deliver")
    }

    pub(crate) fn new() -> Self {
        let db = NativeDb::new();
        Repo::new(&db).migrate().expect("migrate");
        Repo::new(&db).set_meta("bot_user_id", "u-bot").expect("bot");
        World { mm: FakeMattermost::new(), db }
    }

    pub(crate) fn cmd(&self, user: &str, channel: &str, text: &str) -> String {
        let at = Invocation { user_id: user, team_id: TEAM, channel_id: channel, trigger_id: "" };
        match with_service(&self.mm, &self.db, |s| command::execute(s, &at, text)) {
            Outcome::Reply(r) => r.text,
            Outcome::OpenStartDialog => "<dialog>".into(),
        }
    }

    pub(crate) fn http(&self, user: Option<&str>, method: &str, url: &str, body: Value) -> (u16, Value) {
        let request = HttpRequest {
            method: method.into(),
            url: url.into(),
            headers: Vec::new(),
            body: if body.is_null() { Vec::new() } else { body.to_string().into_bytes() },
            user_id: user.map(str::to_owned),
        };
        let r = api::route(&self.mm, &self.db, &request);
        (r.status, serde_json::from_slice(&r.body).unwrap_or(Value::Null))
    }

    pub(crate) fn start(&self, user: &str, name: &str) -> Value {
        let (status, v) = self.http(Some(user), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": name}));
        assert_eq!(status, 201, "{v}");
        v
    }
}

#[test]
fn start_by_command_creates_channel_posts_intro_and_numbers_per_team() {
    let w = World::new();
    let text = w.cmd("u-alice", "town", "/incident start Database down");
    assert!(text.contains("INC-0001"), "{text}");
    let channel = w.mm.channels.borrow().values().find(|c| c.name == "inc-0001-database-down").cloned().expect("channel");
    assert!(w.mm.is_channel_member(&channel.id, "u-alice") && w.mm.is_channel_member(&channel.id, "u-bot"));
    let intro = w.mm.posts_in(&channel.id);
    assert_eq!(intro.len(), 1);
    assert!(intro[0].contains("alice"), "{}", intro[0]);
    assert_eq!(w.mm.events.borrow().len(), 1);
    assert!(w.cmd("u-bob", "town", "/incident start Second").contains("INC-0002"));
}

#[test]
fn checklist_work_in_the_incident_channel() {
    let w = World::new();
    let (_, playbooks) = w.http(Some("u-alice"), "GET", &format!("/api/v0/playbooks?team_id={TEAM}"), Value::Null);
    let playbook = playbooks["items"][0]["id"].as_str().expect("default playbook").to_owned();
    let (status, inc) = w.http(
        Some("u-alice"),
        "POST",
        "/api/v0/incidents",
        json!({"team_id": TEAM, "name": "API errors", "playbook_id": playbook}),
    );
    assert_eq!(status, 201, "{inc}");
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    let id = inc["id"].as_str().expect("id").to_owned();

    assert!(w.cmd("u-alice", &ch, "/incident check 1").contains("done"));
    assert!(w.cmd("u-alice", &ch, "/incident check 1").contains("open"));
    assert!(w.cmd("u-alice", &ch, "/incident checkadd \"Follow up\" Write the report").contains("Added"));
    assert!(w.cmd("u-alice", &ch, "/incident assign 2 @bob").contains("@bob"));
    assert!(w.cmd("u-alice", &ch, "/incident checkremove 3").contains("removed"));
    assert!(w.cmd("u-alice", &ch, "/incident commander @bob").contains("@bob is now the commander"));
    assert!(w.cmd("u-alice", &ch, "/incident info").contains("API errors"));
    assert!(w.cmd("u-bob", &ch, "/incident end").contains("Ended"));

    let (_, done) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!(done["state"], "ended");
    assert_eq!(done["commander_id"], "u-bob");
    let timeline = done["timeline"].as_array().expect("timeline");
    // Seven changes; ending is two events (the final status, then the end).
    assert_eq!(timeline.len(), 1 + 7 + 1, "{timeline:?}");
    assert!(timeline.iter().all(|e| e["actor_id"].is_string() && e["at"].as_i64().unwrap_or(0) > 0));
    // One channel post per event, after the intro.
    assert_eq!(w.mm.posts_in(&ch).len(), 1 + 7 + 1);
    // Ended: further changes are refused and change nothing.
    let before = done.clone();
    let refused = w.cmd("u-alice", &ch, "/incident check 1");
    assert!(refused.to_lowercase().contains("ended"), "{refused}");
    let (_, after) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!(before, after);
}

#[test]
fn rest_item_operations_and_errors() {
    let w = World::new();
    let inc = w.start("u-alice", "Queue backlog");
    let id = inc["id"].as_str().expect("id");
    let (status, v) = w.http(
        Some("u-alice"),
        "POST",
        &format!("/api/v0/incidents/{id}/items"),
        json!({"section": "Triage", "title": "Look at graphs"}),
    );
    assert_eq!(status, 201, "{v}");
    let item = v["item_id"].as_str().expect("item id").to_owned();
    let (status, v) = w.http(Some("u-alice"), "PATCH", &format!("/api/v0/incidents/{id}/items/{item}"), json!({"state": "done"}));
    assert_eq!(status, 200, "{v}");
    let done = &v["checklists"][0]["items"][0];
    assert_eq!(done["state"], "done");
    assert_eq!(done["completed_by"], "u-alice");
    assert!(done["completed_at"].is_i64());
    let (status, _) = w.http(Some("u-alice"), "PATCH", &format!("/api/v0/incidents/{id}/items/{item}"), json!({"state": "done"}));
    assert_eq!(status, 409, "same state again is a conflict");
    let (status, _) =
        w.http(Some("u-alice"), "PATCH", &format!("/api/v0/incidents/{id}/items/{item}"), json!({"state": "bogus"}));
    assert_eq!(status, 400);
    let (status, _) =
        w.http(Some("u-alice"), "PATCH", &format!("/api/v0/incidents/{id}/items/{item}"), json!({"assignee_id": "u-carol"}));
    assert_eq!(status, 400, "carol is not on the team");
    let (status, _) = w.http(Some("u-alice"), "DELETE", &format!("/api/v0/incidents/{id}/items/nope"), Value::Null);
    assert_eq!(status, 404);
    let (status, _) = w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/items"), json!("not an object"));
    assert_eq!(status, 400);
    let (status, _) = w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/end"), Value::Null);
    assert_eq!(status, 200);
    let (status, _) = w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/end"), Value::Null);
    assert_eq!(status, 409);
}

#[test]
fn permissions() {
    let w = World::new();
    let (status, _) = w.http(None, "GET", &format!("/api/v0/incidents?team_id={TEAM}"), Value::Null);
    assert_eq!(status, 401);
    let (status, _) = w.http(Some("u-carol"), "GET", &format!("/api/v0/incidents?team_id={TEAM}"), Value::Null);
    assert_eq!(status, 403);
    let (status, _) = w.http(Some("u-carol"), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": "x"}));
    assert_eq!(status, 403);

    let (status, private) =
        w.http(Some("u-alice"), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": "Secret", "private": true}));
    assert_eq!(status, 201);
    let id = private["id"].as_str().expect("id");
    let (status, _) = w.http(Some("u-bob"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!(status, 404, "private incidents are hidden from non-members");
    let (_, list) = w.http(Some("u-bob"), "GET", &format!("/api/v0/incidents?team_id={TEAM}"), Value::Null);
    assert_eq!(list["total"], 0);
    let (status, _) = w.http(Some("u-bob"), "POST", &format!("/api/v0/incidents/{id}/end"), Value::Null);
    assert_eq!(status, 404);
    let (status, _) = w.http(Some("u-root"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!(status, 200, "system admins see everything");

    let public = w.start("u-alice", "Public one");
    let pid = public["id"].as_str().expect("id");
    let (status, _) = w.http(Some("u-bob"), "GET", &format!("/api/v0/incidents/{pid}"), Value::Null);
    assert_eq!(status, 200, "public incidents are visible to the team");
    let (status, v) = w.http(Some("u-bob"), "POST", &format!("/api/v0/incidents/{pid}/end"), Value::Null);
    assert_eq!(status, 403, "but only channel members change them: {v}");
    let text = w.cmd("u-bob", "town", &format!("/incident end {}", public["reference"].as_str().expect("ref")));
    assert!(text.contains("Join"), "{text}");
}

#[test]
fn bad_input_changes_nothing() {
    let w = World::new();
    assert!(w.cmd("u-alice", "town", "/incident frobnicate").contains("Unknown command"));
    assert!(w.cmd("u-alice", "town", "/incident check").contains("Which item"));
    assert!(w.cmd("u-alice", "town", "/incident commander").contains("Who?"));
    assert!(w.cmd("u-alice", "town", "/incident info INC-9999").contains("no incident INC-9999"));
    assert!(w.cmd("u-alice", "town", "/incident info").contains("not an incident channel"));
    let channels = w.mm.channel_count();
    let long = "x".repeat(10_000);
    let text = w.cmd("u-alice", "town", &format!("/incident start {long}"));
    assert!(text.contains("100"), "{}", &text[..text.len().min(200)]);
    let (status, _) = w.http(Some("u-alice"), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": long}));
    assert_eq!(status, 400);
    assert_eq!(w.mm.channel_count(), channels, "no channel for a refused start");
    let (_, list) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents?team_id={TEAM}&state=all"), Value::Null);
    assert_eq!(list["total"], 0, "and no incident");
    // The next incident still gets number 1: the refused ones reserved nothing.
    let ok = w.start("u-alice", "🔥 قاعدة البيانات down");
    assert_eq!(ok["reference"], "INC-0001");
    let name = w.mm.channel(ok["channel_id"].as_str().expect("ch")).expect("channel").name;
    assert!(incident_core::naming::is_valid_channel_name(&name), "{name}");
}

#[test]
fn duplicate_channel_names_get_a_suffix() {
    let w = World::new();
    w.mm.create_channel(&mattermost_plugin_sdk::model::Channel {
        team_id: TEAM.into(),
        name: "inc-0001-outage".into(),
        ..Default::default()
    })
    .expect("pre-existing channel");
    let inc = w.start("u-alice", "Outage");
    let name = w.mm.channel(inc["channel_id"].as_str().expect("ch")).expect("channel").name;
    assert_eq!(name, "inc-0001-outage-2");
}

#[test]
fn listing_filters_and_pages() {
    let w = World::new();
    for name in ["One", "Two", "Three"] {
        w.start("u-alice", name);
    }
    let first = w.start("u-bob", "Four by bob");
    w.http(Some("u-bob"), "POST", &format!("/api/v0/incidents/{}/end", first["id"].as_str().expect("id")), Value::Null);
    let get = |q: &str| w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents?team_id={TEAM}&{q}"), Value::Null).1;
    assert_eq!(get("state=active")["total"], 3);
    assert_eq!(get("state=ended")["total"], 1);
    assert_eq!(get("state=all")["total"], 4);
    assert_eq!(get("commander_id=u-bob")["total"], 1);
    assert_eq!(get("q=tWo")["total"], 1);
    assert_eq!(get("q=INC-0002")["items"][0]["name"], "Two");
    let page = get("state=all&per_page=1&page=1");
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(page["total"], 4);
    let (status, _) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents?team_id={TEAM}&page=x"), Value::Null);
    assert_eq!(status, 400);
    assert!(w.cmd("u-alice", "town", "/incident list ended").contains("Four by bob"));
    let _ = IncidentState::Active;
}

/// Pages come from SQL with privacy applied before paging: bob (team member, in no incident
/// channel) pages through public incidents only, and the totals agree; `%` in the text filter
/// is a character, not a wildcard.
#[test]
fn pages_hide_private_incidents_before_counting() {
    let w = World::new();
    for n in 0..7 {
        let private = n % 3 == 0; // 0, 3, 6
        let (status, v) = w.http(
            Some("u-alice"),
            "POST",
            "/api/v0/incidents",
            json!({"team_id": TEAM, "name": format!("Outage {n} 100%"), "private": private}),
        );
        assert_eq!(status, 201, "{v}");
    }
    let list = |who: &str, q: &str| w.http(Some(who), "GET", &format!("/api/v0/incidents?team_id={TEAM}&{q}"), Value::Null).1;
    let names = |v: &Value| {
        v["items"]
            .as_array()
            .map(|a| a.iter().map(|i| i["name"].as_str().unwrap_or("").to_owned()).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert_eq!(list("u-alice", "per_page=50")["total"], 7, "alice is in every channel");
    assert_eq!(list("u-root", "per_page=50")["total"], 7, "admins see everything");
    let first = list("u-bob", "per_page=2&page=0");
    let second = list("u-bob", "per_page=2&page=1");
    assert_eq!(first["total"], 4);
    assert_eq!(names(&first), ["Outage 5 100%", "Outage 4 100%"]);
    assert_eq!(names(&second), ["Outage 2 100%", "Outage 1 100%"]);
    assert_eq!(list("u-bob", "q=100%25")["total"], 4);
    assert_eq!(list("u-bob", "q=5%25")["total"], 0, "a literal %, not a wildcard (as one, 5% would match Outage 5)");
}

/// Incidents stored before the list columns existed are listed (as private until checked)
/// and filled in by the timer, a batch at a time.
#[test]
fn incidents_stored_before_the_list_columns_are_filled_in() {
    use mattermost_plugin_sdk::store::Statement;
    let w = World::new();
    w.start("u-alice", "Legacy public");
    let (_, secret) =
        w.http(Some("u-alice"), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": "Legacy secret", "private": true}));
    assert!(secret["id"].is_string(), "{secret}");
    crate::store::db::Database::execute(
        &w.db,
        vec![Statement::new("UPDATE incidents SET search_text = NULL, private = NULL", vec![])],
    )
    .expect("forget");
    let total = |who: &str, q: &str| {
        w.http(Some(who), "GET", &format!("/api/v0/incidents?team_id={TEAM}&{q}"), Value::Null).1["total"].clone()
    };
    assert_eq!(total("u-bob", ""), 0, "unknown rows are checked like private ones");
    assert_eq!(total("u-alice", "q=legacy"), 2, "the name stands in for the search text");
    let filled = with_service(&w.mm, &w.db, |s| s.backfill_list_columns()).expect("backfill");
    assert_eq!(filled, 2);
    assert_eq!(with_service(&w.mm, &w.db, |s| s.backfill_list_columns()).expect("again"), 0);
    assert_eq!(total("u-bob", ""), 1, "the public one is public again");
    assert_eq!(total("u-alice", "q=inc-0002"), 1, "the reference is searchable again");
}

#[test]
fn playbooks_crud_and_import_export() {
    let w = World::new();
    let (_, list) = w.http(Some("u-alice"), "GET", &format!("/api/v0/playbooks?team_id={TEAM}"), Value::Null);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2), "two defaults");
    let (status, created) = w.http(Some("u-alice"), "POST", "/api/v0/playbooks", json!({
        "team_id": TEAM, "title": "Payments", "description": "d", "checklists": [{"title": "Go", "items": [{"title": "Call bank"}]}],
        "channel_name_template": "pay-{number}", "private_channel": true
    }));
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["editor_ids"], json!(["u-alice"]), "the creator may edit it");
    let id = created["id"].as_str().expect("id");
    let (status, _) = w.http(Some("u-bob"), "PUT", &format!("/api/v0/playbooks/{id}"), created.clone());
    assert_eq!(status, 403, "bob is no editor");
    let mut renamed = created.clone();
    renamed["title"] = "Payments v2".into();
    let (status, v) = w.http(Some("u-alice"), "PUT", &format!("/api/v0/playbooks/{id}"), renamed);
    assert_eq!((status, v["title"].as_str()), (200, Some("Payments v2")));
    let request = HttpRequest {
        method: "GET".into(),
        url: format!("/api/v0/playbooks/{id}/export"),
        user_id: Some("u-alice".into()),
        ..HttpRequest::default()
    };
    let exported = api::route(&w.mm, &w.db, &request).body;
    let import = HttpRequest {
        method: "POST".into(),
        url: format!("/api/v0/playbooks/import?team_id={TEAM}"),
        body: exported,
        user_id: Some("u-alice".into()),
        ..HttpRequest::default()
    };
    let import_by_bob = HttpRequest { user_id: Some("u-bob".into()), ..import.clone() };
    let imported = api::route(&w.mm, &w.db, &import_by_bob);
    assert_eq!(imported.status, 201);
    let copy: Value = serde_json::from_slice(&imported.body).expect("json");
    assert_eq!(copy["editor_ids"], json!(["u-bob"]), "who imports may edit the copy");
    // Deleting archives (issue 17): gone from the list and from starts, kept, and restorable.
    let (status, _) = w.http(Some("u-alice"), "DELETE", &format!("/api/v0/playbooks/{id}"), Value::Null);
    assert_eq!(status, 204);
    let (status, archived) = w.http(Some("u-alice"), "GET", &format!("/api/v0/playbooks/{id}"), Value::Null);
    assert_eq!(status, 200);
    assert!(archived["archived_at"].is_i64(), "{archived}");
    let (_, list) = w.http(Some("u-alice"), "GET", &format!("/api/v0/playbooks?team_id={TEAM}"), Value::Null);
    assert!(!list.to_string().contains(id), "archived playbooks are not listed");
    let (_, list) = w.http(Some("u-alice"), "GET", &format!("/api/v0/playbooks?team_id={TEAM}&archived=true"), Value::Null);
    assert_eq!(list["items"][0]["id"], json!(id));
    let (status, v) =
        w.http(Some("u-alice"), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": "x", "playbook_id": id}));
    assert_eq!(status, 400, "{v}");
    assert!(v["error"].as_str().unwrap_or("").contains("is archived"), "{v}");
    let (status, _) = w.http(Some("u-alice"), "DELETE", &format!("/api/v0/playbooks/{id}"), Value::Null);
    assert_eq!(status, 409, "already archived");
    let (status, restored) = w.http(Some("u-alice"), "POST", &format!("/api/v0/playbooks/{id}/restore"), Value::Null);
    assert_eq!(status, 200, "{restored}");
    assert!(restored.get("archived_at").is_none(), "{restored}");
    let (status, _) = w.http(Some("u-alice"), "POST", &format!("/api/v0/playbooks/{id}/restore"), Value::Null);
    assert_eq!(status, 409, "not archived");
    assert!(w.cmd("u-alice", "town", "/incident playbooks").contains("Payments v2"));
}

#[test]
fn messages_are_added_to_the_timeline_by_rest_once_and_only_by_readers() {
    let w = World::new();
    let inc = w.start("u-alice", "Queue backlog");
    let id = inc["id"].as_str().expect("id").to_owned();
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    // bob writes in town square; a private channel nobody but carol reads holds another post.
    let town_post =
        w.mm.create_post(&mattermost_plugin_sdk::model::Post {
            channel_id: "town".into(),
            user_id: "u-bob".into(),
            message: "Consumers are stuck since 10:02".into(),
            create_at: 42,
            ..Default::default()
        })
        .expect("post");
    w.mm.channels.borrow_mut().insert(
        "secret".into(),
        mattermost_plugin_sdk::model::Channel {
            id: "secret".into(),
            team_id: TEAM.into(),
            name: "secret".into(),
            channel_type: "P".into(),
            ..Default::default()
        },
    );
    let secret_post =
        w.mm.create_post(&mattermost_plugin_sdk::model::Post {
            channel_id: "secret".into(),
            user_id: "u-carol".into(),
            message: "hidden".into(),
            ..Default::default()
        })
        .expect("post");
    let url = format!("/api/v0/incidents/{id}/timeline");
    let posts_before = w.mm.posts_in(&ch).len();

    let (status, v) = w.http(Some("u-alice"), "POST", &url, json!({"post_id": town_post.id, "note": "first symptom"}));
    assert_eq!(status, 200, "{v}");
    let last = v["timeline"].as_array().and_then(|t| t.last()).cloned().expect("event");
    assert_eq!(last["actor_id"], "u-alice");
    assert_eq!(
        last["kind"],
        json!({"type": "post_added", "post_id": town_post.id, "author_id": "u-bob", "posted_at": 42,
        "excerpt": "Consumers are stuck since 10:02", "note": "first symptom", "category": "note"})
    );
    let said = w.mm.posts_in(&ch);
    assert_eq!(said.len(), posts_before + 1);
    assert!(said[said.len() - 1].contains("added a message by @bob to the timeline: first symptom"), "{said:?}");

    // Refusals change nothing: twice, unreadable, unknown, missing, wrong type, outsiders.
    let events = |w: &World| {
        w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null).1["timeline"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(0)
    };
    let count = events(&w);
    for (user, body, want) in [
        ("u-alice", json!({"post_id": town_post.id}), 409),
        ("u-alice", json!({"post_id": secret_post.id}), 404),
        ("u-alice", json!({"post_id": "nope"}), 404),
        ("u-alice", json!({"note": "x"}), 400),
        ("u-alice", json!({"post_id": 5}), 400),
        ("u-alice", json!({"post_id": town_post.id.clone() + "x", "note": "x"}), 404),
        ("u-carol", json!({"post_id": town_post.id}), 404),
    ] {
        let (status, v) = w.http(Some(user), "POST", &url, body.clone());
        assert_eq!(status, want, "{user} {body}: {v}");
        assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{v}");
    }
    assert_eq!(events(&w), count);
    assert_eq!(w.mm.posts_in(&ch).len(), posts_before + 1);

    // After the end, the timeline can still be completed.
    assert_eq!(w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/end"), Value::Null).0, 200);
    let late =
        w.mm.create_post(&mattermost_plugin_sdk::model::Post {
            channel_id: ch.clone(),
            user_id: "u-alice".into(),
            message: "Root cause: a stuck lock".into(),
            ..Default::default()
        })
        .expect("post");
    let (status, v) = w.http(Some("u-alice"), "POST", &url, json!({"post_id": late.id}));
    assert_eq!(status, 200, "{v}");
}

#[test]
fn severity_status_roles_and_updates_by_command_and_rest() {
    let w = World::new();
    let inc = w.start("u-alice", "Checkout errors");
    let id = inc["id"].as_str().expect("id").to_owned();
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    assert_eq!((inc["severity"].as_str(), inc["status"].as_str()), (Some("P4"), Some("Investigating")));
    let header = || w.mm.channels.borrow().get(&ch).map(|c| c.header.clone()).unwrap_or_default();
    assert_eq!(header(), "Severity: P4 | Status: Investigating");

    // By command, in the channel.
    assert!(w.cmd("u-alice", &ch, "/incident severity").contains("**P1**: Critical."));
    assert_eq!(w.cmd("u-alice", &ch, "/incident severity p2"), "INC-0001 is now Severity: P2 | Status: Investigating.");
    assert_eq!(header(), "Severity: P2 | Status: Investigating");
    assert!(w.mm.posts_in(&ch).iter().any(|p| p == "@alice changed the severity from P4 to P2"));
    assert_eq!(w.cmd("u-alice", &ch, "/incident severity sev9"), "There is no severity \"sev9\"; choose one of P1, P2, P3, P4.");
    assert_eq!(w.cmd("u-alice", &ch, "/incident status identified"), "INC-0001 is now Severity: P2 | Status: Identified.");
    assert_eq!(w.cmd("u-alice", &ch, "/incident role comms lead @bob"), "@bob is now the Comms lead of INC-0001.");
    assert!(w.mm.is_channel_member(&ch, "u-bob"), "the role holder joins the channel");
    let dms = w.mm.dms.borrow().clone();
    assert_eq!(dms.len(), 1);
    assert_eq!(dms[0].0, "u-bob");
    assert!(dms[0].1.starts_with("You are now the **Comms lead** of INC-0001 **Checkout errors**"), "{}", dms[0].1);
    assert_eq!(w.cmd("u-bob", &ch, "/incident claim technical lead"), "@bob is now the Technical lead of INC-0001.");
    assert_eq!(w.cmd("u-alice", &ch, "/incident role Comms lead none"), "Nobody is the Comms lead of INC-0001 now.");
    assert_eq!(w.cmd("u-alice", &ch, "/incident role Comms lead @nobody_here"), "There is no user @nobody_here.");
    assert_eq!(w.cmd("u-alice", &ch, "/incident update Rolled back the deploy; see INC-0007 too"), "Update posted for INC-0001.");
    let update_post = w.mm.posts_in(&ch).into_iter().rev().find(|p| p.starts_with("#### Status update")).expect("update posted");
    assert!(update_post.contains("**Status:** Identified · **Severity:** P2 · by @alice"), "{update_post}");
    assert!(update_post.contains("Rolled back the deploy; see INC-0007 too"), "{update_post}");

    // By REST: a structured update that resolves, then reopening.
    let url = |what: &str| format!("/api/v0/incidents/{id}/{what}");
    let (status, v) = w.http(
        Some("u-alice"),
        "POST",
        &url("updates"),
        json!({"status": "monitoring", "impact": "none now", "message": "Watching", "next_update_at": 9_999_999_999_999_i64}),
    );
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["updates"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["status"], "Monitoring");
    let (status, v) = w.http(Some("u-alice"), "POST", &url("status"), json!({"status": "Resolved"}));
    assert_eq!((status, v["state"].as_str()), (200, Some("ended")), "{v}");
    assert_eq!(header(), "Severity: P2 | Status: Resolved");
    let (status, v) = w.http(Some("u-alice"), "POST", &url("severity"), json!({"severity": "P1"}));
    assert_eq!(status, 409, "ended incidents keep their severity: {v}");
    let (status, v) = w.http(Some("u-alice"), "POST", &url("reopen"), Value::Null);
    assert_eq!((status, v["state"].as_str(), v["status"].as_str()), (200, Some("active"), Some("Investigating")), "{v}");
    let (status, _) = w.http(Some("u-alice"), "POST", &url("reopen"), Value::Null);
    assert_eq!(status, 409);
    let (status, v) = w.http(Some("u-alice"), "POST", &url("roles"), json!({"role": "Technical lead", "user_id": "u-carol"}));
    assert_eq!(status, 400, "carol is not on the team: {v}");
    let (status, v) = w.http(Some("u-alice"), "GET", "/api/v0/conduct", Value::Null);
    assert_eq!((status, v["statuses"][3]["name"].as_str()), (200, Some("Resolved")));
    let (_, list) = w.http(Some("u-alice"), "GET", "/api/v0/autocomplete/severities", Value::Null);
    assert_eq!(list[0]["Item"], "P1");

    // `/incident end` resolves.
    assert!(w.cmd("u-alice", &ch, "/incident end").starts_with("Ended INC-0001"));
    let (_, v) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!((v["state"].as_str(), v["status"].as_str()), (Some("ended"), Some("Resolved")));
}

#[test]
fn a_bad_conduct_setting_is_reported_and_blocks_nothing_else() {
    let mut w = World::new();
    w.mm.settings.statuses = "Only one".into();
    let text = w.cmd("u-alice", "town", "/incident start Bad settings");
    assert!(text.contains("the plugin's settings are invalid (statuses: list at least two"), "{text}");
    assert_eq!(w.mm.channel_count(), 1, "nothing was created");
    assert!(w.cmd("u-alice", "town", "/incident playbooks").contains("Service incident"));
}

#[test]
fn the_digest_channel_has_one_post_per_incident_edited_in_place() {
    let mut w = World::new();
    w.mm.channels.borrow_mut().insert(
        "digest".into(),
        mattermost_plugin_sdk::model::Channel {
            id: "digest".into(),
            team_id: TEAM.into(),
            name: "incidents".into(),
            channel_type: "O".into(),
            ..Default::default()
        },
    );
    w.mm.settings.digest_channel = "digest".into();
    let inc = w.start("u-alice", "Queue backlog");
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    assert_eq!(w.mm.posts_in("digest").len(), 1);
    assert!(
        w.mm.posts_in("digest")[0].contains("Severity: P4 | Status: Investigating | Commander: @alice"),
        "{:?}",
        w.mm.posts_in("digest")
    );
    w.cmd("u-alice", &ch, "/incident severity P1");
    w.cmd("u-alice", &ch, "/incident update Consumers restarted");
    w.cmd("u-alice", &ch, "/incident commander @bob");
    let digest = w.mm.posts_in("digest");
    assert_eq!(digest.len(), 1, "edited in place, not reposted: {digest:?}");
    assert!(digest[0].contains("Severity: P1 | Status: Investigating | Commander: @bob"), "{}", digest[0]);
    assert!(digest[0].contains("**Latest update**") && digest[0].contains("Consumers restarted"), "{}", digest[0]);
    w.cmd("u-alice", &ch, "/incident end");
    let digest = w.mm.posts_in("digest");
    assert_eq!(digest.len(), 1);
    assert!(digest[0].starts_with("#### ~~INC-0001 · Queue backlog~~ (resolved)"), "{}", digest[0]);
    // A second incident gets its own post.
    w.start("u-bob", "Disk full");
    assert_eq!(w.mm.posts_in("digest").len(), 2);
}

#[test]
fn reminders_are_posted_once_when_due_and_can_be_snoozed_or_stopped() {
    let mut w = World::new();
    w.mm.settings.role_nudge_minutes = "0".into(); // update reminders only
    let w = w;
    let inc = w.start("u-alice", "Payments down");
    let id = inc["id"].as_str().expect("id").to_owned();
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    let created = inc["created_at"].as_i64().expect("created");
    w.cmd("u-alice", &ch, "/incident severity P1");
    let remind_at = |now: i64| {
        let repo = Repo::new(&w.db);
        let mut ids = crate::ids_and_clock::RandomIds;
        let mut s = crate::service::Service { mm: &w.mm, repo, ids: &mut ids, now, bot_id: "u-bot".into() };
        s.send_due_reminders().expect("reminders")
    };
    let reminders = || {
        w.mm.posts
            .borrow()
            .iter()
            .filter(|p| p.channel_id == ch && p.message.contains("Time for a status update"))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(remind_at(created + 29 * 60_000), 0);
    assert_eq!(remind_at(created + 31 * 60_000), 1);
    assert_eq!(remind_at(created + 32 * 60_000), 0, "posted once, however often the timer runs");
    let posted = reminders();
    assert_eq!(posted.len(), 1);
    assert!(posted[0].message.starts_with("@alice Time for a status update on INC-0001"), "{}", posted[0].message);
    let buttons = &posted[0].props.0["attachments"][0]["actions"];
    assert_eq!(buttons[0]["integration"]["url"], "/plugins/incident-response/api/v0/actions/reminders");
    assert_eq!(buttons[0]["integration"]["context"], json!({"incident_id": id, "action": "snooze"}));

    // The snooze button, as Mattermost calls it for the user who clicked.
    let (status, v) =
        w.http(Some("u-alice"), "POST", "/api/v0/actions/reminders", json!({"context": {"incident_id": id, "action": "snooze"}}));
    assert_eq!(status, 200);
    assert!(v["ephemeral_text"].as_str().is_some_and(|t| t.contains("snoozed for 30 minutes")), "{v}");
    let (status, v) =
        w.http(Some("u-carol"), "POST", "/api/v0/actions/reminders", json!({"context": {"incident_id": id, "action": "off"}}));
    assert_eq!((status, v["ephemeral_text"].as_str()), (200, Some("No such incident.")), "outsiders cannot stop them");

    // An update resets the clock; `off` stops reminders; the end silences them for good.
    w.cmd("u-alice", &ch, "/incident update Card payments recovering");
    assert_eq!(
        w.cmd("u-alice", &ch, "/incident reminders off"),
        "Update reminders for INC-0001 are off; `/incident reminders on` brings them back."
    );
    let far = ids_now() + 3 * 3_600_000;
    assert_eq!(remind_at(far), 0);
    assert_eq!(w.cmd("u-alice", &ch, "/incident reminders on"), "Update reminders for INC-0001 are on.");
    // Back on: the next reminder and then, unanswered, its escalation (tests/reminders.rs).
    assert_eq!(remind_at(far), 2);
    assert_eq!(w.cmd("u-alice", &ch, "/incident reminders later"), "Reminders: `snooze`, `off` or `on`, not `later`.");
    w.cmd("u-alice", &ch, "/incident end");
    assert_eq!(remind_at(far + 3_600_000), 0);
}

fn ids_now() -> i64 {
    crate::ids_and_clock::now_ms()
}

#[test]
fn followers_get_status_updates_by_direct_message() {
    let w = World::new();
    let inc = w.start("u-alice", "Search is slow");
    let id = inc["id"].as_str().expect("id").to_owned();
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    assert_eq!(
        w.cmd("u-bob", "town", "/incident follow INC-0001"),
        "You follow INC-0001 now: its status updates come to you by direct message."
    );
    assert_eq!(w.cmd("u-bob", "town", "/incident follow INC-0001"), "You already follow INC-0001.");
    let (status, v) = w.http(Some("u-alice"), "PUT", &format!("/api/v0/incidents/{id}/followers/me"), Value::Null);
    assert_eq!(status, 200, "{v}");
    let (status, _) = w.http(Some("u-carol"), "PUT", &format!("/api/v0/incidents/{id}/followers/me"), Value::Null);
    assert_eq!(status, 404, "outsiders cannot follow");
    let (_, v) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}/followers"), Value::Null);
    let mut followers: Vec<String> = serde_json::from_value(v["user_ids"].clone()).expect("ids");
    followers.sort();
    assert_eq!(followers, ["u-alice", "u-bob"]);

    w.cmd("u-alice", &ch, "/incident update Reindexing");
    let dms = w.mm.dms.borrow().clone();
    assert_eq!(dms.len(), 1, "bob hears it; alice wrote it: {dms:?}");
    assert_eq!(dms[0].0, "u-bob");
    assert!(
        dms[0].1.starts_with("#### Status update · INC-0001 Search is slow") && dms[0].1.contains("Reindexing"),
        "{}",
        dms[0].1
    );
    assert_eq!(w.cmd("u-bob", "town", "/incident unfollow INC-0001"), "You no longer follow INC-0001.");
    w.cmd("u-alice", &ch, "/incident update Done reindexing");
    assert_eq!(w.mm.dms.borrow().len(), 1);
}

#[test]
fn roles_can_be_claimed_from_the_intro_post_and_empty_ones_are_nudged() {
    let w = World::new();
    let inc = w.start("u-alice", "Login loop");
    let id = inc["id"].as_str().expect("id").to_owned();
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    let created = inc["created_at"].as_i64().expect("created");
    let intro = w.mm.posts.borrow().iter().find(|p| p.channel_id == ch).cloned().expect("intro");
    let buttons = &intro.props.0["attachments"][0]["actions"];
    assert_eq!(buttons[0]["name"], "Claim Comms lead");
    assert_eq!(buttons[1]["integration"]["context"], json!({"incident_id": id, "role": "Technical lead"}));

    // bob, who has joined the channel, clicks "Claim Comms lead"; Mattermost calls the
    // button's URL for him. Outsiders are told to join first.
    let (_, outside) =
        w.http(Some("u-bob"), "POST", "/api/v0/actions/claim", json!({"context": {"incident_id": id, "role": "Comms lead"}}));
    assert_eq!(outside["ephemeral_text"], "Join ~inc-0001-login-loop to change INC-0001.");
    w.mm.add_channel_member(&ch, "u-bob").expect("join");
    let (status, v) =
        w.http(Some("u-bob"), "POST", "/api/v0/actions/claim", json!({"context": {"incident_id": id, "role": "Comms lead"}}));
    assert_eq!((status, v["ephemeral_text"].as_str()), (200, Some("You are now the Comms lead of INC-0001.")));
    let (_, again) =
        w.http(Some("u-bob"), "POST", "/api/v0/actions/claim", json!({"context": {"incident_id": id, "role": "Comms lead"}}));
    assert_eq!(again["ephemeral_text"], "Nothing to change: that user is already the Comms lead.");

    // 15 minutes in, the Technical lead is still empty: one nudge, with a claim button.
    let repo = Repo::new(&w.db);
    let mut ids = crate::ids_and_clock::RandomIds;
    let mut s = crate::service::Service { mm: &w.mm, repo, ids: &mut ids, now: created + 16 * 60_000, bot_id: "u-bot".into() };
    assert_eq!(s.send_due_reminders().expect("reminders"), 1);
    assert_eq!(s.send_due_reminders().expect("reminders"), 0, "once");
    let nudge =
        w.mm.posts
            .borrow()
            .iter()
            .rev()
            .find(|p| p.message.contains("Nobody is the **Technical lead**"))
            .cloned()
            .expect("nudge");
    assert_eq!(nudge.props.0["attachments"][0]["actions"][0]["name"], "Claim Technical lead");
}

#[test]
fn stakeholders_of_a_severity_hear_of_it_on_start_and_when_raised() {
    let mut w = World::new();
    w.mm.channels.borrow_mut().insert(
        "lead".into(),
        mattermost_plugin_sdk::model::Channel {
            id: "lead".into(),
            team_id: TEAM.into(),
            name: "leadership".into(),
            channel_type: "O".into(),
            ..Default::default()
        },
    );
    w.mm.settings.stakeholders = "P1: ~leadership ~no-such-channel @bob @nobody @sre\nP4: ~leadership".into();
    w.mm.groups.insert("sre".into(), vec!["u-root".into(), "u-carol".into()]);
    let inc = w.start("u-alice", "Data leak");
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    assert_eq!(w.mm.posts_in("lead"), ["INC-0001 **Data leak** is P4: ~inc-0001-data-leak (commander @alice)"]);
    assert!(!w.mm.is_channel_member(&ch, "u-bob"));
    w.cmd("u-alice", &ch, "/incident severity P1");
    assert_eq!(w.mm.posts_in("lead").len(), 2);
    assert!(w.mm.is_channel_member(&ch, "u-bob"), "P1 brings bob in");
    assert!(w.mm.is_channel_member(&ch, "u-root"), "and the @sre group's members");
    assert!(!w.mm.is_channel_member(&ch, "u-carol"), "who are on the team");
    w.cmd("u-alice", &ch, "/incident severity P2");
    assert_eq!(w.mm.posts_in("lead").len(), 2, "P2 has no stakeholders");

    w.mm.settings.stakeholders = "P1 ~leadership".into();
    let text = w.cmd("u-alice", "town", "/incident start Another");
    assert!(text.contains("stakeholders, line 1: write `Severity: ~channel @user ...`."), "{text}");
}

#[test]
fn keywords_and_the_declare_emoji_offer_to_start_an_incident() {
    let w = World::new();
    // A playbook with keywords (the defaults have none).
    let (status, pb) = w.http(
        Some("u-alice"),
        "POST",
        "/api/v0/playbooks",
        json!({
            "team_id": TEAM, "title": "Outage", "keywords": ["Outage", "site down"], "checklists": []
        }),
    );
    assert_eq!(status, 201, "{pb}");
    let pb_id = pb["id"].as_str().expect("id").to_owned();
    let post = |user: &str, message: &str, root: &str| {
        let p =
            w.mm.create_post(&mattermost_plugin_sdk::model::Post {
                channel_id: "town".into(),
                user_id: user.into(),
                message: message.into(),
                root_id: root.into(),
                ..Default::default()
            })
            .expect("post");
        let offered = with_service(&w.mm, &w.db, |s| s.offer_from_keywords(&p)).expect("hook");
        (p, offered)
    };
    let (_, offered) = post("u-bob", "lunch at noon?", "");
    assert!(!offered);
    let (root, offered) = post("u-bob", "Is the SITE DOWN for everyone?", "");
    assert!(offered);
    let (to, offer) = w.mm.ephemerals.borrow().last().cloned().expect("offer");
    assert_eq!(to, "u-bob");
    assert_eq!(offer.message, "This sounds like an incident (`site down`). Start one with the `Outage` playbook?");
    assert_eq!(offer.root_id, root.id, "in the thread");
    let actions = offer.props.0["attachments"][0]["actions"].clone();
    assert_eq!(actions[0]["integration"]["context"], json!({"post_id": root.id, "playbook_id": pb_id}));

    // "Start incident": the form opens with the message, its author and link, and the playbook.
    w.mm.add_channel_member("town", "u-bob").expect("member");
    let (status, v) = w.http(
        Some("u-bob"),
        "POST",
        "/api/v0/actions/declare",
        json!({"trigger_id": "trig1", "context": {"post_id": root.id, "playbook_id": pb_id}}),
    );
    assert_eq!((status, v), (200, json!({})));
    let dialog = w.mm.dialogs.borrow().last().cloned().expect("dialog");
    assert_eq!(dialog.trigger_id, "trig1");
    let summary = dialog.dialog.elements.iter().find(|e| e.name == "summary").expect("summary");
    assert_eq!(
        summary.default,
        format!("Is the SITE DOWN for everyone?\n\n(From a message by @bob: https://chat.example.com/ops/pl/{})", root.id)
    );
    assert_eq!(dialog.dialog.elements.iter().find(|e| e.name == "playbook").map(|e| e.default.clone()), Some(pb_id.clone()));

    // "Not an incident": no more offers in that thread; other threads still get them.
    let (_, v) = w.http(Some("u-bob"), "POST", "/api/v0/actions/ignore", json!({"context": {"thread_id": root.id}}));
    assert_eq!(v["ephemeral_text"], "Got it: no more incident suggestions in this thread.");
    assert!(!post("u-alice", "still an outage here", &root.id).1);
    assert!(post("u-alice", "outage in EU too", "").1);
    // Never in incident channels, never for the bot.
    let inc = w.start("u-alice", "Real outage");
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    let in_incident =
        w.mm.create_post(&mattermost_plugin_sdk::model::Post {
            channel_id: ch,
            user_id: "u-alice".into(),
            message: "outage".into(),
            ..Default::default()
        })
        .expect("post");
    assert!(!with_service(&w.mm, &w.db, |s| s.offer_from_keywords(&in_incident)).expect("hook"));

    // The declare emoji on any message offers the same, to whoever reacted.
    let before = w.mm.ephemerals.borrow().len();
    let reaction = |emoji: &str| mattermost_plugin_sdk::model::Reaction {
        user_id: "u-alice".into(),
        post_id: root.id.clone(),
        emoji_name: emoji.into(),
        channel_id: "town".into(),
        ..Default::default()
    };
    assert!(!with_service(&w.mm, &w.db, |s| s.offer_from_reaction(&reaction("thumbsup"))).expect("hook"));
    assert!(with_service(&w.mm, &w.db, |s| s.offer_from_reaction(&reaction("rotating_light"))).expect("hook"));
    let ephemerals = w.mm.ephemerals.borrow();
    assert_eq!(ephemerals.len(), before + 1);
    assert_eq!(
        (ephemerals[before].0.as_str(), ephemerals[before].1.message.as_str()),
        ("u-alice", "Start an incident from this message?")
    );
}

#[test]
fn webhooks_are_queued_delivered_retried_and_logged() {
    let mut w = World::new();
    w.mm.settings.webhooks =
        "https://hooks.example.com/a whsec-aaaaaaaaaaaaaaaa\n# a comment\nhttps://hooks.example.com/b whsec-bbbbbbbbbbbbbbbb"
            .into();
    // b refuses the start, then answers 503 once.
    w.mm.webhook_answers
        .borrow_mut()
        .insert("https://hooks.example.com/b".into(), [Err("connection refused".to_string()), Ok(503)].into());
    let w = w;
    let inc = w.start("u-alice", "Webhook test");
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    assert_eq!(w.mm.webhook_calls.borrow().len(), 0, "queued, not sent inside the request");
    let now = crate::ids_and_clock::now_ms();
    assert_eq!(w.deliver_webhooks_at(now), 1);
    {
        let calls = w.mm.webhook_calls.borrow();
        assert_eq!(calls.len(), 2, "one start event to each URL");
        assert_eq!(calls[0].0, "https://hooks.example.com/a");
        assert_eq!(calls[0].1["event"], "incident_started");
        assert_eq!(calls[0].1["incident"]["reference"], "INC-0001");
    }
    // The severity change is sent to both; b's start retry is due at once and goes along (503).
    w.cmd("u-alice", &ch, "/incident severity P2");
    assert_eq!(w.mm.webhook_calls.borrow().len(), 2);
    w.deliver_webhooks_at(crate::ids_and_clock::now_ms());
    assert_eq!(w.mm.webhook_calls.borrow().len(), 5);
    w.cmd("u-alice", &ch, "/incident checkadd Triage Look"); // not a webhook event
    w.deliver_webhooks_at(crate::ids_and_clock::now_ms());
    assert_eq!(w.mm.webhook_calls.borrow().len(), 5);

    let log = |w: &World| w.http(Some("u-root"), "GET", "/api/v0/webhooks/deliveries", Value::Null).1;
    let rows = |v: &Value| -> Vec<(String, String, String, i64)> {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|d| {
                (
                    d["event"].as_str().unwrap_or_default().to_owned(),
                    d["url"].as_str().unwrap_or_default().trim_start_matches("https://hooks.example.com/").to_owned(),
                    d["state"].as_str().unwrap_or_default().to_owned(),
                    d["attempts"].as_i64().unwrap_or(0),
                )
            })
            .collect()
    };
    let first = log(&w);
    let s = |a: &str, b: &str, c: &str, n: i64| (a.to_string(), b.to_string(), c.to_string(), n);
    assert_eq!(
        rows(&first),
        [
            s("severity_changed", "b", "delivered", 1),
            s("severity_changed", "a", "delivered", 1),
            s("incident_started", "b", "pending", 2),
            s("incident_started", "a", "delivered", 1),
        ]
    );
    assert_eq!(first["items"][2]["last_status"], 503);
    assert_eq!(first["items"][2]["last_error"], "the receiver answered 503");
    assert!(!first.to_string().contains("whsec-"), "no secret in the log: {first}");
    let (status, _) = w.http(Some("u-alice"), "GET", "/api/v0/webhooks/deliveries", Value::Null);
    assert_eq!(status, 403, "the log is for system admins");

    // The timer retries what is due; after the last attempt a delivery is failed, not lost.
    let run_at = |now: i64| w.deliver_webhooks_at(now);
    assert_eq!(run_at(now + 1_000), 0, "not due yet: a minute after the second try");
    assert_eq!(run_at(now + 61_000), 1);
    *w.mm.webhook_default.borrow_mut() = Some(Ok(500));
    w.cmd("u-alice", &ch, "/incident status Identified");
    for minutes in [1, 7, 13, 60, 120] {
        run_at(crate::ids_and_clock::now_ms() + minutes * 60_000);
    }
    let failed: Vec<(String, String, String, i64)> = rows(&log(&w)).into_iter().filter(|r| r.2 == "failed").collect();
    assert_eq!(
        failed,
        [s("status_changed", "b", "failed", 5), s("status_changed", "a", "failed", 5)],
        "four retries after the first try, then failed"
    );
}

#[test]
fn the_update_form_opens_from_the_command_and_posts_its_submission() {
    let w = World::new();
    let inc = w.start("u-alice", "Form update");
    let id = inc["id"].as_str().expect("id").to_owned();
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    let at = Invocation { user_id: "u-alice", team_id: TEAM, channel_id: &ch, trigger_id: "trig9" };
    match with_service(&w.mm, &w.db, |s| command::execute(s, &at, "/incident update")) {
        Outcome::Reply(r) => assert_eq!(r.text, ""),
        Outcome::OpenStartDialog => panic!("the start form"),
    }
    let form = w.mm.dialogs.borrow().last().cloned().expect("form");
    assert_eq!((form.trigger_id.as_str(), form.dialog.state.as_str()), ("trig9", id.as_str()));
    let status = form.dialog.elements.iter().find(|e| e.name == "status").expect("status");
    assert_eq!(status.default, "Investigating");
    assert_eq!(status.options.len(), 4);

    let submit = |submission: Value| {
        w.http(Some("u-alice"), "POST", "/api/v0/dialogs/update", json!({"state": id, "submission": submission}))
    };
    assert_eq!(
        submit(json!({"status": "Identified", "message": "  "})).1,
        json!({"errors": {"message": "Invalid status update: write what has happened and what is next."}})
    );
    assert_eq!(
        submit(json!({"status": "Nope", "message": "x"})).1["errors"]["status"],
        "There is no status \"Nope\"; choose one of Investigating, Identified, Monitoring, Resolved."
    );
    assert_eq!(
        submit(json!({"status": "Identified", "impact": "EU users", "message": "Cause found", "next": "15"})),
        (200, json!({}))
    );
    let (_, v) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    let update = &v["updates"][0];
    assert_eq!(
        (update["status"].as_str(), update["impact"].as_str(), update["message"].as_str()),
        (Some("Identified"), Some("EU users"), Some("Cause found"))
    );
    assert!(update["next_update_at"].as_i64().unwrap_or(0) > update["at"].as_i64().unwrap_or(0) + 14 * 60_000);
    // Without a trigger id (a REST caller), the command asks for the text instead.
    assert!(w.cmd("u-alice", &ch, "/incident update").starts_with("Write the update"));
}

#[test]
fn learning_capture_notes_impact_actions_report_and_transcript() {
    let w = World::new();
    let inc = w.start("u-alice", "Queue stuck");
    let id = inc["id"].as_str().expect("id").to_owned();
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    w.mm.add_channel_member(&ch, "u-bob").expect("join");

    // Capture: a message, a thread reply and an edit, as the hooks deliver them.
    let post = |user: &str, message: &str, root: &str| w.post_captured(&ch, user, message, root);
    let root = post("u-bob", "Consumers are stuck", "");
    post("u-alice", "Restarting them", &root.id);
    let mut edited = root.clone();
    edited.message = "Consumers are stuck since 10:02".into();
    edited.edit_at = crate::ids_and_clock::now_ms();
    assert!(with_service(&w.mm, &w.db, |s| s.capture_edit(&edited)).expect("edit"));
    let gone = post("u-bob", "wrong channel, sorry", "");
    let mut deleted = gone.clone();
    deleted.delete_at = crate::ids_and_clock::now_ms();
    assert!(with_service(&w.mm, &w.db, |s| s.capture_delete(&deleted)).expect("delete"));
    let elsewhere =
        w.mm.create_post(&mattermost_plugin_sdk::model::Post {
            channel_id: "town".into(),
            user_id: "u-bob".into(),
            message: "lunch".into(),
            ..Default::default()
        })
        .expect("post");
    assert!(!with_service(&w.mm, &w.db, |s| s.capture_post(&elsewhere)).expect("not an incident channel"));
    let (status, t) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}/transcript"), Value::Null);
    assert_eq!(status, 200);
    let messages = t["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 2);
    // Only the text Mattermost shows now: the pre-edit text is neither answered nor kept.
    assert_eq!(messages[0]["message"], "Consumers are stuck since 10:02");
    assert!(!t.to_string().contains("\"Consumers are stuck\""), "{t}");
    assert_eq!(messages[1]["root_id"], root.id.as_str());
    let md = api::route(
        &w.mm,
        &w.db,
        &HttpRequest {
            method: "GET".into(),
            url: format!("/api/v0/incidents/{id}/transcript?format=md"),
            user_id: Some("u-alice".into()),
            ..HttpRequest::default()
        },
    );
    let md = String::from_utf8(md.body).expect("utf8");
    assert!(md.contains(" UTC` @bob (edited): Consumers are stuck since 10:02") && md.contains("↳"), "{md}");

    // Notes, decision log, impact window by command.
    assert_eq!(
        w.cmd("u-alice", &ch, "/incident decision Restart the consumers"),
        "Added to the timeline of INC-0001 as a decision."
    );
    assert_eq!(
        w.cmd("u-alice", &ch, "/incident keyevent 20m ago Queue depth alarm"),
        "Added to the timeline of INC-0001 as a key event."
    );
    assert!(w.cmd("u-alice", &ch, "/incident impact start 25m ago").starts_with("Customer impact start recorded for INC-0001"));
    assert!(w.cmd("u-alice", &ch, "/incident impact end").starts_with("Customer impact end recorded"));
    assert_eq!(
        w.cmd("u-alice", &ch, "/incident impact later"),
        "`/incident impact start|end [15m ago]`: when customers started or stopped being affected."
    );
    assert!(w.cmd("u-alice", &ch, "/incident timeline add").contains("Invalid note"), "empty");

    // Follow-up actions by command and REST; listed across the team; outsiders see none.
    assert_eq!(
        w.cmd("u-alice", &ch, "/incident action Alert on queue depth @bob due 2030-01-15 detective"),
        "Follow-up action added to INC-0001: Alert on queue depth (detective)."
    );
    assert!(w.cmd("u-alice", &ch, "/incident action Fix it due someday").contains("is not a date"));
    let (status, a) = w.http(
        Some("u-bob"),
        "POST",
        &format!("/api/v0/incidents/{id}/actions"),
        json!({"text": "Document the restart", "kind": "corrective"}),
    );
    assert_eq!(status, 201, "{a}");
    let action_id = a["id"].as_str().expect("id").to_owned();
    let (status, done) = w.http(Some("u-bob"), "PATCH", &format!("/api/v0/actions/{action_id}"), json!({"state": "done"}));
    assert_eq!((status, done["state"].as_str()), (200, Some("done")), "{done}");
    let (_, open) = w.http(Some("u-alice"), "GET", &format!("/api/v0/actions?team_id={TEAM}"), Value::Null);
    assert_eq!(open["items"].as_array().map(Vec::len), Some(1), "one open action across the team: {open}");
    let (status, _) = w.http(Some("u-carol"), "GET", &format!("/api/v0/actions?team_id={TEAM}"), Value::Null);
    assert_eq!(status, 403);
    assert!(w.cmd("u-alice", &ch, "/incident actions").contains("Alert on queue depth (detective, open) · @bob"));

    // The report: generated from all of that; edited and published.
    w.cmd("u-alice", &ch, "/incident end");
    let ended = w.mm.posts_in(&ch).last().cloned().unwrap_or_default();
    assert!(ended.starts_with("@alice ended the incident\n\nINC-0001 is resolved. Its report is ready to review"), "{ended}");
    let (status, r) = w.http(Some("u-bob"), "GET", &format!("/api/v0/incidents/{id}/report"), Value::Null);
    assert_eq!(status, 200);
    let report = r["markdown"].as_str().expect("markdown").to_owned();
    for want in [
        "# INC-0001 · Queue stuck — incident report",
        "## Impact\n\nCustomers were affected from",
        "**Decision** Restart the consumers",
        "**Key event** Queue depth alarm",
        "| Alert on queue depth | detective | @bob | 2030-01-15 | open |",
        "## Metrics",
    ] {
        assert!(report.contains(want), "report lacks {want:?}:\n{report}");
    }
    assert!(r["metrics"]["time_to_mitigate_ms"].as_i64().unwrap_or(0) >= 25 * 60_000 - 5_000, "{}", r["metrics"]);
    let (status, _) = w.http(
        Some("u-alice"),
        "PUT",
        &format!("/api/v0/incidents/{id}/report"),
        json!({"markdown": "# Edited report", "revision": 0}),
    );
    assert_eq!(status, 200);
    let before = w.mm.posts_in(&ch).len();
    assert!(w.cmd("u-alice", &ch, "/incident report").starts_with("Published the report of INC-0001"));
    assert_eq!(w.mm.posts_in(&ch)[before..], ["# Edited report\n".to_string()]);
}

#[test]
fn the_reports_api_counts_what_the_reader_may_see() {
    let w = World::new();
    let a = w.start("u-alice", "First");
    w.start("u-bob", "Second");
    let ch = a["channel_id"].as_str().expect("channel").to_owned();
    w.cmd("u-alice", &ch, "/incident severity P1");
    w.cmd("u-alice", &ch, "/incident action Add alerting");
    w.cmd("u-alice", &ch, "/incident end");
    let (status, r) =
        w.http(Some("u-alice"), "GET", &format!("/api/v0/reports?team_id={TEAM}&period=week&periods=2"), Value::Null);
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["period"], "week");
    assert_eq!(r["buckets"].as_array().map(Vec::len), Some(2));
    assert_eq!(r["buckets"][1]["incidents"], 2);
    assert_eq!(r["by_severity"], json!({"P1": 1, "P4": 1}));
    assert_eq!((r["open_actions"].as_i64(), r["overdue_actions"].as_i64()), (Some(1), Some(0)));
    assert!(r["buckets"][1]["mean_time_to_resolve_ms"].is_number());
    for (query, want) in [("period=year", 400), ("periods=0", 400), ("", 200)] {
        let (status, v) = w.http(Some("u-alice"), "GET", &format!("/api/v0/reports?team_id={TEAM}&{query}"), Value::Null);
        assert_eq!(status, want, "{query}: {v}");
    }
    let (status, _) = w.http(Some("u-carol"), "GET", &format!("/api/v0/reports?team_id={TEAM}"), Value::Null);
    assert_eq!(status, 403);
}
