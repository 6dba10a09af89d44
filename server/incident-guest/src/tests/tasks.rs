//! Checklist items with several assignees, due times and evidence; "my tasks" (issue 17),
//! by command and REST, natively.

use serde_json::{Value, json};

use crate::tests::fake_mattermost::TEAM;
use crate::tests::scenarios::World;

/// An incident from the default playbook, started by alice; its channel, id and first item's id.
fn started(w: &World, name: &str, private: bool) -> (String, String, String) {
    let (_, playbooks) = w.http(Some("u-alice"), "GET", &format!("/api/v0/playbooks?team_id={TEAM}"), Value::Null);
    let playbook = playbooks["items"][0]["id"].as_str().expect("default playbook").to_owned();
    let (status, inc) = w.http(
        Some("u-alice"),
        "POST",
        "/api/v0/incidents",
        json!({"team_id": TEAM, "name": name, "playbook_id": playbook, "private": private}),
    );
    assert_eq!(status, 201, "{inc}");
    let item = inc["checklists"][0]["items"][0]["id"].as_str().expect("an item").to_owned();
    (inc["channel_id"].as_str().expect("channel").to_owned(), inc["id"].as_str().expect("id").to_owned(), item)
}

fn item(w: &World, id: &str, n: usize) -> Value {
    let (_, inc) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    let items: Vec<Value> = inc["checklists"]
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| s["items"].as_array().cloned().unwrap_or_default())
        .collect();
    items[n - 1].clone()
}

#[test]
fn several_people_are_assigned_and_taken_off_by_command() {
    let w = World::new();
    let (ch, id, _) = started(&w, "API errors", false);
    let reply = w.cmd("u-alice", &ch, "/incident assign 1 @alice @bob");
    assert_eq!(reply, "Assigned to @alice, @bob.");
    assert_eq!(item(&w, &id, 1)["assignee_ids"], json!(["u-alice", "u-bob"]));
    assert!(w.cmd("u-alice", &ch, "/incident info").contains("@alice, @bob"));
    // carol is on no team: refused, nothing changes.
    assert!(w.cmd("u-alice", &ch, "/incident assign 1 @carol").contains("active members of the team"));
    assert!(w.cmd("u-alice", &ch, "/incident assign 1 @nobody").contains("There is no user"));
    assert_eq!(w.cmd("u-alice", &ch, "/incident unassign 1 @alice"), "Took @alice off the item.");
    assert_eq!(item(&w, &id, 1)["assignee_ids"], json!(["u-bob"]));
    assert!(w.cmd("u-alice", &ch, "/incident unassign 1 @alice").contains("nobody named is assigned"));
    assert!(w.cmd("u-alice", &ch, "/incident unassign 1").contains("Whom?"));
    let posts = w.mm.posts_in(&ch).join("\n");
    assert!(posts.contains("took @alice off"), "{posts}");
}

#[test]
fn due_times_by_command_absolute_relative_and_cleared() {
    let w = World::new();
    let (ch, id, _) = started(&w, "Slow pages", false);
    assert_eq!(w.cmd("u-alice", &ch, "/incident due 2 2030-01-02 03:04"), "The item is due 2030-01-02 03:04 UTC.");
    assert_eq!(item(&w, &id, 2)["due_at"], json!(1_893_553_440_000_i64));
    assert!(w.cmd("u-alice", &ch, "/incident due 2 in 30m").starts_with("The item is due "));
    let due = item(&w, &id, 2)["due_at"].as_i64().expect("due");
    let now = crate::ids_and_clock::now_ms();
    assert!((now + 29 * 60_000..=now + 31 * 60_000).contains(&due), "{due} vs {now}");
    assert!(w.cmd("u-alice", &ch, "/incident due 2 tomorrow").contains("is not a due time"));
    assert!(w.cmd("u-alice", &ch, "/incident due 2").contains("When?"));
    assert!(w.cmd("u-alice", &ch, "/incident due 2 1999-01-01 00:00").contains("between 2000-01-01"));
    assert_eq!(w.cmd("u-alice", &ch, "/incident due 2 none"), "The item has no due time now.");
    assert_eq!(item(&w, &id, 2)["due_at"], Value::Null);
}

#[test]
fn an_overdue_item_is_marked_in_info() {
    let w = World::new();
    let (ch, id, first) = started(&w, "Overdue", false);
    // Due a minute ago (the bounds allow any time since 2000).
    let past = crate::ids_and_clock::now_ms() - 60_000;
    let (status, v) = w.http(Some("u-alice"), "PATCH", &format!("/api/v0/incidents/{id}/items/{first}"), json!({"due_at": past}));
    assert_eq!(status, 200, "{v}");
    assert!(w.cmd("u-alice", &ch, "/incident info").contains("**overdue**"));
}

#[test]
fn checking_with_evidence_by_command_and_rest() {
    let w = World::new();
    let (ch, id, _) = started(&w, "Evidence", false);
    assert_eq!(
        w.cmd("u-alice", &ch, "/incident check 1 https://grafana.example/d/1 looks fine"),
        "Item is now done, with its evidence."
    );
    assert_eq!(item(&w, &id, 1)["evidence"], "https://grafana.example/d/1 looks fine");
    assert!(w.cmd("u-alice", &ch, "/incident check 1 again").contains("already"));

    let second = item(&w, &id, 2)["id"].as_str().expect("id").to_owned();
    let url = format!("/api/v0/incidents/{id}/items/{second}");
    let (status, v) = w.http(Some("u-alice"), "PATCH", &url, json!({"evidence": "no state"}));
    assert_eq!(status, 400, "{v}");
    let (status, v) = w.http(Some("u-alice"), "PATCH", &url, json!({"state": "done", "evidence": "PR #42"}));
    assert_eq!(status, 200, "{v}");
    assert_eq!(item(&w, &id, 2)["evidence"], "PR #42");
    let (status, _) = w.http(Some("u-alice"), "PATCH", &url, json!({"state": "done", "evidence": " "}));
    assert_eq!(status, 409, "already done");
}

#[test]
fn rest_replaces_the_assignees_and_sets_the_due_time() {
    let w = World::new();
    let (_, id, first) = started(&w, "REST", false);
    let url = format!("/api/v0/incidents/{id}/items/{first}");
    let (status, v) =
        w.http(Some("u-alice"), "PATCH", &url, json!({"assignee_ids": ["u-alice", "u-bob"], "due_at": 1_893_553_440_000_i64}));
    assert_eq!(status, 200, "{v}");
    assert_eq!(item(&w, &id, 1)["assignee_ids"], json!(["u-alice", "u-bob"]));
    assert_eq!(item(&w, &id, 1)["due_at"], json!(1_893_553_440_000_i64));
    let (status, _) = w.http(Some("u-alice"), "PATCH", &url, json!({"assignee_ids": ["u-bob"]}));
    assert_eq!(status, 200);
    assert_eq!(item(&w, &id, 1)["assignee_ids"], json!(["u-bob"]));
    let before = item(&w, &id, 1);
    for bad in [
        json!({"assignee_ids": ["u-bob", "u-carol"]}),
        json!({"assignee_ids": "u-bob"}),
        json!({"assignee_ids": [1]}),
        json!({"assignee_id": "u-bob", "assignee_ids": ["u-bob"]}),
        json!({"due_at": "tomorrow"}),
        json!({"due_at": 0}),
    ] {
        let (status, v) = w.http(Some("u-alice"), "PATCH", &url, bad.clone());
        assert_eq!(status, 400, "{bad}: {v}");
    }
    assert_eq!(item(&w, &id, 1), before, "a refused change changed the item");
    let (status, _) = w.http(Some("u-alice"), "PATCH", &url, json!({"assignee_ids": [], "due_at": null}));
    assert_eq!(status, 200);
    assert_eq!((item(&w, &id, 1)["assignee_ids"].clone(), item(&w, &id, 1)["due_at"].clone()), (json!([]), Value::Null));
}

#[test]
fn my_tasks_lists_my_open_items_overdue_first_and_only_where_i_may_look() {
    let w = World::new();
    let (ch1, id1, _) = started(&w, "First", false);
    let (ch2, _, _) = started(&w, "Second", false);
    let (ch3, _, _) = started(&w, "Secret", true);
    w.cmd("u-alice", &ch1, "/incident assign 2 @bob");
    w.cmd("u-alice", &ch1, "/incident assign 3 @bob @alice");
    w.cmd("u-alice", &ch2, "/incident assign 1 @bob");
    // Bob is not in the private incident's channel: his item there is not listed.
    w.cmd("u-alice", &ch3, "/incident assign 1 @alice");
    let past = crate::ids_and_clock::now_ms() - 60_000;
    let third = item(&w, &id1, 3)["id"].as_str().expect("id").to_owned();
    w.http(Some("u-alice"), "PATCH", &format!("/api/v0/incidents/{id1}/items/{third}"), json!({"due_at": past}));
    // A done item is not a task.
    w.cmd("u-alice", &ch1, "/incident check 2");

    let (status, v) = w.http(Some("u-bob"), "GET", &format!("/api/v0/tasks?team_id={TEAM}"), Value::Null);
    assert_eq!(status, 200, "{v}");
    let items = v["items"].as_array().expect("items");
    let seen: Vec<(String, u64, bool)> = items
        .iter()
        .map(|t| (t["reference"].as_str().unwrap_or("").to_owned(), t["number"].as_u64().unwrap_or(0), t["overdue"] == true))
        .collect();
    assert_eq!(seen, [("INC-0001".into(), 3, true), ("INC-0002".into(), 1, false)], "{v}");

    let text = w.cmd("u-bob", "town", "/incident tasks");
    assert!(
        text.contains("INC-0001 First: 3.") && text.contains("**overdue**") && text.contains("INC-0002 Second: 1."),
        "{text}"
    );
    assert!(!text.contains("Secret"), "{text}");
    assert!(w.cmd("u-root", "town", "/incident tasks").contains("no open checklist items"));
    let (status, _) = w.http(Some("u-carol"), "GET", &format!("/api/v0/tasks?team_id={TEAM}"), Value::Null);
    assert_eq!(status, 403, "not on the team");
    let (status, _) = w.http(Some("u-bob"), "GET", "/api/v0/tasks", Value::Null);
    assert_eq!(status, 400, "no team");
}

#[test]
fn the_timer_nudges_the_assignees_of_an_overdue_item_once_and_marks_the_digest() {
    let mut w = World::new();
    w.mm.settings.role_nudge_minutes = "0".into();
    w.mm.settings.stale_incident_days = "0".into();
    w.mm.settings.update_reminders = "none".into();
    w.mm.settings.digest_channel = "town".into();
    let w = w;
    let (ch, id, first) = started(&w, "Late item", false);
    w.cmd("u-alice", &ch, "/incident assign 1 @bob");
    let due = crate::ids_and_clock::now_ms() + 60_000;
    let (status, v) = w.http(Some("u-alice"), "PATCH", &format!("/api/v0/incidents/{id}/items/{first}"), json!({"due_at": due}));
    assert_eq!(status, 200, "{v}");
    let remind_at = |now: i64| {
        let repo = crate::store::repo::Repo::new(&w.db);
        let mut ids = crate::ids_and_clock::RandomIds;
        let mut s = crate::service::Service { mm: &w.mm, repo, ids: &mut ids, now, bot_id: "u-bot".into() };
        s.send_due_reminders().expect("reminders")
    };
    assert_eq!(remind_at(due), 0, "not overdue at its due time");
    assert_eq!(remind_at(due + 1), 1);
    assert_eq!(remind_at(due + 2), 0, "once per due time");
    let posts = w.mm.posts_in(&ch);
    let nudge = posts.last().expect("a nudge");
    assert!(nudge.starts_with("@bob Item 1 of INC-0001") && nudge.contains("is still open"), "{nudge}");
    let digest = w.mm.live_posts_in("town").join("\n");
    assert!(digest.contains("**1 overdue** checklist item"), "{digest}");
}

#[test]
fn pause_and_resume_by_command_and_rest() {
    let w = World::new();
    let (ch, id, _) = started(&w, "Vendor outage", false);
    assert!(w.cmd("u-alice", &ch, "/incident pause").contains("Why?"));
    assert_eq!(
        w.cmd("u-alice", &ch, "/incident pause waiting for the vendor"),
        "Paused INC-0001: no reminders until `/incident resume`."
    );
    assert!(w.cmd("u-alice", &ch, "/incident pause again").contains("already paused"));
    let (_, inc) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!(inc["paused"]["reason"], "waiting for the vendor");
    assert!(w.cmd("u-alice", &ch, "/incident info").contains("Paused since"));
    assert!(w.mm.channels.borrow()[&ch].header.ends_with("| Paused"), "{}", w.mm.channels.borrow()[&ch].header);
    assert_eq!(w.cmd("u-alice", &ch, "/incident resume"), "Resumed INC-0001.");
    assert!(w.cmd("u-alice", &ch, "/incident resume").contains("not paused"));
    // REST, and a guest-less outsider is refused.
    let (status, v) = w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/pause"), json!({"reason": "overnight"}));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["paused"]["reason"], "overnight");
    let (status, _) = w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/pause"), json!({}));
    assert_eq!(status, 400);
    let (status, _) = w.http(Some("u-bob"), "POST", &format!("/api/v0/incidents/{id}/resume"), Value::Null);
    assert_eq!(status, 403, "bob is not in the channel");
    let (status, v) = w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/resume"), Value::Null);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["paused"], Value::Null);
    assert!(v["paused_ms"].as_i64().is_some_and(|ms| ms >= 0));
    let posts = w.mm.posts_in(&ch).join("\n");
    assert!(
        posts.contains("paused the incident: waiting for the vendor") && posts.contains("resumed the incident after"),
        "{posts}"
    );
}

#[test]
fn admins_delete_an_incident_its_number_is_not_given_again_and_the_channel_stays() {
    let w = World::new();
    let (ch, id, first) = started(&w, "Test by mistake", false);
    w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/actions"), json!({"text": "a follow-up"}));
    w.http(Some("u-alice"), "PATCH", &format!("/api/v0/incidents/{id}/items/{first}"), json!({"assignee_ids": ["u-alice"]}));
    // Not an admin: refused, nothing changes.
    assert!(w.cmd("u-alice", &ch, "/incident delete INC-0001").contains("Only a team admin or a system admin"));
    let (status, _) = w.http(Some("u-alice"), "DELETE", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!(status, 403);
    assert!(w.cmd("u-root", &ch, "/incident delete").contains("Name the incident to delete"));
    let (status, _) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!(status, 200, "still there");

    assert_eq!(w.cmd("u-root", &ch, "/incident delete INC-0001"), "Deleted INC-0001 **Test by mistake**; its channel stays.");
    let (status, _) = w.http(Some("u-root"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!(status, 404);
    assert!(w.mm.channels.borrow().contains_key(&ch), "the channel stays");
    assert!(w.mm.posts_in(&ch).last().expect("a post").contains("was deleted by @root"));
    let (_, tasks) = w.http(Some("u-alice"), "GET", &format!("/api/v0/tasks?team_id={TEAM}"), Value::Null);
    assert_eq!(tasks["items"], json!([]));
    let (_, actions) = w.http(Some("u-alice"), "GET", &format!("/api/v0/actions?team_id={TEAM}"), Value::Null);
    assert!(!actions.to_string().contains("a follow-up"), "{actions}");
    // The next incident does not get INC-0001 again.
    let (_, _, _) = started(&w, "Real one", false);
    let (_, list) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents?team_id={TEAM}"), Value::Null);
    assert_eq!(list["items"][0]["reference"], "INC-0002");
    // REST by an admin.
    let (_, _, _) = started(&w, "Another mistake", false);
    let (_, list) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents?team_id={TEAM}"), Value::Null);
    let third = list["items"][0]["id"].as_str().expect("id").to_owned();
    let (_, got) = w.http(Some("u-root"), "GET", &format!("/api/v0/incidents/{third}"), Value::Null);
    assert_eq!(got["may_delete"], true);
    let (_, got) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{third}"), Value::Null);
    assert_eq!(got["may_delete"], false);
    let (status, _) = w.http(Some("u-root"), "DELETE", &format!("/api/v0/incidents/{third}?archive_channel=maybe"), Value::Null);
    assert_eq!(status, 400);
    let (status, v) = w.http(Some("u-root"), "DELETE", &format!("/api/v0/incidents/{third}"), Value::Null);
    assert_eq!((status, v["reference"].as_str(), &v["channel_archived"]), (200, Some("INC-0003"), &json!(false)));
}

#[test]
fn deleting_can_archive_the_channel_with_the_callers_own_permission() {
    let w = World::new();
    let (ch, id, _) = started(&w, "Drill", false);
    assert!(w.cmd("u-root", &ch, "/incident delete INC-0001 now").contains("`/incident delete INC-0042 archive`"));
    // Without the permission to archive the channel: refused, nothing deleted.
    w.mm.denied_channel_permissions.borrow_mut().insert(("u-root".into(), ch.clone(), "delete_public_channel".into()));
    let (status, v) = w.http(Some("u-root"), "DELETE", &format!("/api/v0/incidents/{id}?archive_channel=true"), Value::Null);
    assert_eq!(status, 403, "{v}");
    let (status, _) = w.http(Some("u-root"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!(status, 200, "still there");
    w.mm.denied_channel_permissions.borrow_mut().clear();
    assert_eq!(w.cmd("u-root", &ch, "/incident delete INC-0001 archive"), "Deleted INC-0001 **Drill**; its channel is archived.");
    assert!(w.mm.channels.borrow()[&ch].delete_at > 0, "archived");
    assert!(w.mm.posts_in(&ch).last().expect("a post").contains("This channel is archived"));
}
