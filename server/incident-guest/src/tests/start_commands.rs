//! Conditional checklist items and items whose command runs at the start (issue 17), natively.

use serde_json::{Value, json};

use crate::tests::fake_mattermost::TEAM;
use crate::tests::scenarios::World;

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_owned()
}

/// A playbook with a start command, a P1-only item, a failing start command and one of ours;
/// an incident started from it by alice (at the initial severity, P4).
fn started(w: &World) -> (Value, String) {
    let playbook = json!({"team_id": TEAM, "title": "Deploys", "checklists": [{"title": "First", "items": [
        {"title": "Open the deploy log", "command": "/deploy log", "run_at_start": true},
        {"title": "Call the CTO", "condition": {"severities": ["P1", "p1", " "]}},
        {"title": "Page the vendor", "command": "/fail vendor", "run_at_start": true},
        {"title": "Start another", "command": "/incident start again", "run_at_start": true},
        {"title": "Wake the board", "command": "/deploy board", "run_at_start": true, "condition": {"severities": ["P1"]}},
        {"title": "Watch the graphs"}]}]});
    let (status, pb) = w.http(Some("u-alice"), "POST", "/api/v0/playbooks", playbook);
    assert_eq!(status, 201, "{pb}");
    assert_eq!(pb["checklists"][0]["items"][1]["condition"], json!({"severities": ["P1"]}), "normalised");
    let (status, inc) = w.http(
        Some("u-alice"),
        "POST",
        "/api/v0/incidents",
        json!({"team_id": TEAM, "name": "Bad deploy", "playbook_id": pb["id"]}),
    );
    assert_eq!(status, 201, "{inc}");
    let ch = text(&inc, "channel_id");
    let (_, inc) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{}", text(&inc, "id")), Value::Null);
    (inc, ch)
}

#[test]
fn start_commands_run_once_as_the_starter_in_the_incident_channel() {
    let w = World::new();
    let (inc, ch) = started(&w);
    // Ours and the P1-only one do not run; the failing one was tried.
    let ran: Vec<(String, String, String)> = w.mm.slash_commands.borrow().clone();
    assert_eq!(
        ran,
        [
            ("u-alice".to_owned(), ch.clone(), "/deploy log".to_owned()),
            ("u-alice".to_owned(), ch.clone(), "/fail vendor".to_owned())
        ]
    );
    let items = &inc["checklists"][0]["items"];
    assert_eq!(items[0]["last_run_by"], "u-alice", "{}", items[0]);
    assert_eq!(items[0]["state"], "open", "running is not checking");
    assert_eq!(items[2]["last_run_at"], Value::Null, "a failure records no run");
    let told: Vec<String> =
        w.mm.ephemerals.borrow().iter().filter(|(to, _)| to == "u-alice").map(|(_, p)| p.message.clone()).collect();
    let told = told.join("\n");
    assert!(
        told.contains("Item 3's start command `/fail vendor` did not run: Command with a trigger of 'fail' not found."),
        "{told}"
    );
    assert!(
        told.contains("Item 4's start command `/incident start again` did not run: /incident commands do not run at the start"),
        "{told}"
    );
    assert!(w.mm.posts_in(&ch).join("\n").contains("/deploy log"), "the run is told in the channel");
}

#[test]
fn an_item_for_another_severity_is_left_out_until_the_severity_is_raised() {
    let w = World::new();
    let (inc, ch) = started(&w);
    let id = text(&inc, "id");
    let items = &inc["checklists"][0]["items"];
    assert_eq!(items[1]["applies"], false, "{}", items[1]);
    assert_eq!(items[0].get("applies"), None);
    let info = w.cmd("u-alice", &ch, "/incident info");
    assert!(!info.contains("Call the CTO") && info.contains("3. Page the vendor"), "{info}");
    assert!(info.contains("2 items of the playbook do not apply to this incident now."), "{info}");
    let refused = w.cmd("u-alice", &ch, "/incident check 2");
    assert!(refused.contains("applies only when the severity is P1."), "{refused}");
    let item = text(&items[1], "id");
    let (status, v) = w.http(Some("u-alice"), "PATCH", &format!("/api/v0/incidents/{id}/items/{item}"), json!({"state": "done"}));
    assert_eq!(status, 409, "{v}");
    assert!(text(&v, "error").ends_with("applies only when the severity is P1."), "{v}");

    w.cmd("u-alice", &ch, "/incident severity P1");
    let (_, inc) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!(inc["checklists"][0]["items"][1].get("applies"), None);
    let checked = w.cmd("u-alice", &ch, "/incident check 2");
    assert!(!checked.contains("applies only"), "now it applies: {checked}");
    let (_, inc) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!(inc["checklists"][0]["items"][1]["state"], "done");
    // Raising the severity runs no start command: those run at the start only.
    assert_eq!(w.mm.slash_commands.borrow().len(), 2);
}

#[test]
fn an_item_for_a_field_value_comes_in_when_the_field_is_set() {
    let w = World::new();
    let playbook = json!({"team_id": TEAM, "title": "Outages", "fields": [{"name": "Region", "kind": "select", "options": ["EU", "US"]}],
        "checklists": [{"title": "First", "items": [{"title": "Tell the EU regulator", "condition": {"field": "region", "values": ["EU"]}}]}]});
    let (status, pb) = w.http(Some("u-alice"), "POST", "/api/v0/playbooks", playbook);
    assert_eq!(status, 201, "{pb}");
    assert_eq!(pb["checklists"][0]["items"][0]["condition"], json!({"field": "Region", "values": ["EU"]}), "spelled as defined");
    let bad = json!({"team_id": TEAM, "title": "Bad", "checklists": [{"title": "First", "items": [{"title": "x", "condition": {"field": "Planet"}}]}]});
    let (status, v) = w.http(Some("u-alice"), "POST", "/api/v0/playbooks", bad);
    assert_eq!(status, 400, "{v}");
    assert!(text(&v, "error").contains("the playbook has no field \"Planet\""), "{v}");

    let (_, inc) = w.http(
        Some("u-alice"),
        "POST",
        "/api/v0/incidents",
        json!({"team_id": TEAM, "name": "Card payments", "playbook_id": pb["id"]}),
    );
    let (id, ch) = (text(&inc, "id"), text(&inc, "channel_id"));
    assert_eq!(inc["checklists"][0]["items"][0]["applies"], false);
    assert!(w.cmd("u-alice", &ch, "/incident check 1").contains("applies only when Region is EU."));
    let (status, v) =
        w.http(Some("u-alice"), "PATCH", &format!("/api/v0/incidents/{id}/fields"), json!({"fields": {"Region": "EU"}}));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["checklists"][0]["items"][0].get("applies"), None, "{v}");
}
