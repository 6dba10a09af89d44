//! Edits after the start (issue 13), end to end natively: name and summary by REST and
//! command, section titles, command runs, reminders by REST, `/incident info`'s checklist, and
//! who hears of changes (public incidents: the team; private ones: their channel).

use serde_json::{Value, json};

use crate::mattermost::{EventAudience, Mattermost};
use crate::tests::fake_mattermost::TEAM;
use crate::tests::scenarios::World;

fn get(w: &World, id: &str) -> Value {
    let (status, v) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!(status, 200, "{v}");
    v
}

fn last_kind(v: &Value) -> Value {
    v["timeline"].as_array().and_then(|t| t.last()).map(|e| e["kind"].clone()).unwrap_or(Value::Null)
}

fn timeline_len(v: &Value) -> usize {
    v["timeline"].as_array().map(Vec::len).unwrap_or(0)
}

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_owned()
}

#[test]
fn rename_and_summary_by_rest() {
    let w = World::new();
    let inc = w.start("u-alice", "Database down");
    let (id, ch) = (text(&inc, "id"), text(&inc, "channel_id"));
    let url = format!("/api/v0/incidents/{id}");
    let posts = w.mm.posts_in(&ch).len();

    let (status, v) = w.http(Some("u-alice"), "PATCH", &url, json!({"name": "  Ping @channel   now "}));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["name"], "Ping @channel now");
    assert_eq!(v["reference"], "INC-0001", "the same JSON as GET");
    assert_eq!(last_kind(&v), json!({"type": "renamed", "from": "Database down", "to": "Ping @channel now"}));
    let said = w.mm.posts_in(&ch);
    assert_eq!(said.len(), posts + 1, "one bot line");
    assert_eq!(said[posts], "@alice renamed the incident to Ping @\u{200B}channel now (was Database down)");
    // The start named the channel after the incident; it follows (its URL name stays).
    let channel = w.mm.channel(&ch).expect("channel");
    assert_eq!(channel.display_name, "INC-0001 Ping @channel now");
    assert_eq!(channel.purpose, "Incident INC-0001: Ping @channel now");
    assert_eq!(channel.name, "inc-0001-database-down");
    assert_eq!(get(&w, &id)["name"], "Ping @channel now", "saved");

    let (status, v) = w.http(Some("u-alice"), "PATCH", &url, json!({"summary": "Replica lag\nthen @all failover"}));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["summary"], "Replica lag\nthen @all failover");
    assert_eq!(last_kind(&v), json!({"type": "summary_changed", "from": "", "to": "Replica lag\nthen @all failover"}));
    assert_eq!(w.mm.posts_in(&ch).last().map(String::as_str), Some("@alice changed the summary: Replica lag …"));

    // Both at once: two events, two lines; a field already as asked is left alone.
    let before = timeline_len(&v);
    let (status, v) = w.http(Some("u-alice"), "PATCH", &url, json!({"name": "DB down", "summary": "Short"}));
    assert_eq!(status, 200, "{v}");
    assert_eq!(timeline_len(&v), before + 2);
    let (status, v) = w.http(Some("u-alice"), "PATCH", &url, json!({"name": "DB down", "summary": ""}));
    assert_eq!(status, 200, "{v}");
    assert_eq!(timeline_len(&v), before + 3);
    assert_eq!(last_kind(&v)["type"], "summary_changed");
    assert_eq!(w.mm.posts_in(&ch).last().map(String::as_str), Some("@alice cleared the summary"));

    // Refusals: a clear message naming the field, and nothing changes.
    let settled = get(&w, &id);
    let (posts, events) = (w.mm.posts.borrow().len(), w.mm.events.borrow().len());
    let refused = [
        (json!({}), 400, "Nothing to change"),
        (json!({"name": "   "}), 400, "Invalid incident name: it is empty."),
        (json!({"name": "x".repeat(101)}), 400, "Invalid incident name: it has 101 characters; the limit is 100."),
        (json!({"summary": "y".repeat(4001)}), 400, "Invalid summary: it has 4001 characters; the limit is 4000."),
        (json!({"name": "Fine name", "summary": "bell\u{7}"}), 400, "Invalid summary"),
        (json!({"name": 5}), 400, "`name` is text."),
        (json!(["name"]), 400, "JSON object"),
        (json!({"name": "DB down", "summary": ""}), 409, "Nothing to change"),
    ];
    for (body, want, says) in refused {
        let (status, v) = w.http(Some("u-alice"), "PATCH", &url, body.clone());
        assert_eq!(status, want, "{body}: {v}");
        assert!(text(&v, "error").contains(says), "{body}: {v}");
    }
    let (status, _) = w.http(Some("u-bob"), "PATCH", &url, json!({"name": "Bob's"}));
    assert_eq!(status, 403, "a team member outside the channel may look, not change");
    let (status, _) = w.http(Some("u-carol"), "PATCH", &url, json!({"name": "Carol's"}));
    assert_eq!(status, 404, "not on the team");
    assert_eq!(get(&w, &id), settled);
    assert_eq!((w.mm.posts.borrow().len(), w.mm.events.borrow().len()), (posts, events));
    assert_eq!(w.mm.channel(&ch).map(|c| c.display_name), Some("INC-0001 DB down".to_owned()));

    // A purpose someone rewrote is theirs; the display name still follows. Ended: 409.
    w.mm.channels.borrow_mut().get_mut(&ch).expect("channel").purpose = "Our own words".into();
    let (status, _) = w.http(Some("u-root"), "PATCH", &url, json!({"name": "Database down, again"}));
    assert_eq!(status, 200, "admins may change any incident");
    let channel = w.mm.channel(&ch).expect("channel");
    assert_eq!((channel.display_name.as_str(), channel.purpose.as_str()), ("INC-0001 Database down, again", "Our own words"));
    w.http(Some("u-alice"), "POST", &format!("{url}/end"), Value::Null);
    let (status, v) = w.http(Some("u-alice"), "PATCH", &url, json!({"name": "Later"}));
    assert_eq!((status, text(&v, "error").contains("ended")), (409, true), "{v}");
}

#[test]
fn rename_and_summary_by_command() {
    let w = World::new();
    let inc = w.start("u-alice", "Database down");
    let (id, ch) = (text(&inc, "id"), text(&inc, "channel_id"));

    let said = w.cmd("u-alice", &ch, "/incident rename \"Primary\" @here   down");
    assert_eq!(said, "Renamed INC-0001 to **\"Primary\" @\u{200B}here down**.", "replies defuse like posts");
    let v = get(&w, &id);
    assert_eq!(v["name"], "\"Primary\" @here down", "quotes kept as typed");
    assert_eq!(
        w.mm.posts_in(&ch).last().map(String::as_str),
        Some("@alice renamed the incident to \"Primary\" @\u{200B}here down (was Database down)")
    );

    assert!(w.cmd("u-alice", &ch, "/incident summary").contains("has no summary yet"));
    assert_eq!(w.cmd("u-alice", &ch, "/incident summary Line one\nsee INC-0009"), "Updated the summary of INC-0001.");
    assert_eq!(get(&w, &id)["summary"], "Line one\nsee INC-0009", "line breaks kept; a later reference is text");
    assert!(w.cmd("u-bob", &ch, "/incident summary").contains("Line one"), "anyone who may see it may read it");

    // Elsewhere, name the incident first.
    assert_eq!(w.cmd("u-alice", "town", "/incident rename INC-0001 Back to basics"), "Renamed INC-0001 to **Back to basics**.");
    assert!(w.cmd("u-alice", "town", "/incident rename Back to basics").contains("not an incident channel"));
    assert!(w.cmd("u-alice", &ch, "/incident rename").contains("Give the new name"));
    assert!(w.cmd("u-alice", &ch, "/incident rename Back to basics").contains("Nothing to change"));
    assert!(w.cmd("u-alice", &ch, &format!("/incident rename {}", "n".repeat(101))).contains("limit is 100"));
    assert!(w.cmd("u-bob", "town", "/incident rename INC-0001 Bob's").contains("Join ~"));
    // A word whose fourth byte is inside a character is text, not a reference (no panic).
    assert!(w.cmd("u-alice", &ch, "/incident end aéé").contains("Ended"));
    assert_eq!(get(&w, &id)["name"], "Back to basics");
}

#[test]
fn sections_are_renamed_by_number_or_id() {
    let w = World::new();
    let (_, playbooks) = w.http(Some("u-alice"), "GET", &format!("/api/v0/playbooks?team_id={TEAM}"), Value::Null);
    let playbook = text(&playbooks["items"][0], "id");
    let (status, inc) = w.http(
        Some("u-alice"),
        "POST",
        "/api/v0/incidents",
        json!({"team_id": TEAM, "name": "API errors", "playbook_id": playbook, "private": false}),
    );
    assert_eq!(status, 201, "{inc}");
    let (id, ch) = (text(&inc, "id"), text(&inc, "channel_id"));
    let first = text(&inc["checklists"][0], "title");
    let second = inc["checklists"][1].clone();

    let (status, v) =
        w.http(Some("u-alice"), "PATCH", &format!("/api/v0/incidents/{id}/sections/1"), json!({"title": "First @all"}));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["checklists"][0]["title"], "First @all");
    assert_eq!(
        last_kind(&v),
        json!({"type": "section_renamed", "section_id": inc["checklists"][0]["id"], "from": first, "to": "First @all"})
    );
    assert_eq!(
        w.mm.posts_in(&ch).last().cloned(),
        Some(format!("@alice renamed the checklist section {first} to First @\u{200B}all"))
    );
    let section_url = format!("/api/v0/incidents/{id}/sections/{}", text(&second, "id"));
    let (status, v) = w.http(Some("u-alice"), "PATCH", &section_url, json!({"title": "Second"}));
    assert_eq!((status, v["checklists"][1]["title"].clone()), (200, json!("Second")), "{v}");

    let settled = get(&w, &id);
    let refused = [
        (section_url.clone(), json!({"title": "first @ALL"}), 409),
        (section_url.clone(), json!({"title": ""}), 400),
        (section_url.clone(), json!({"title": "t".repeat(101)}), 400),
        (section_url.clone(), json!({"title": "12"}), 400),
        (section_url.clone(), json!({}), 400),
        (section_url.clone(), json!({"title": "Second"}), 409),
        (format!("/api/v0/incidents/{id}/sections/99"), json!({"title": "X"}), 404),
    ];
    for (url, body, want) in refused {
        let (status, v) = w.http(Some("u-alice"), "PATCH", &url, body.clone());
        assert_eq!(status, want, "{url} {body}: {v}");
        assert!(!text(&v, "error").is_empty());
    }
    let (status, _) = w.http(Some("u-bob"), "PATCH", &section_url, json!({"title": "Bob's"}));
    assert_eq!(status, 403);
    assert_eq!(get(&w, &id), settled);
}

#[test]
fn a_command_run_is_recorded() {
    let w = World::new();
    let playbook = json!({"team_id": TEAM, "title": "Deploys", "checklists": [{"title": "Roll back", "items": [
        {"title": "Roll back the deploy", "command": "/deploy rollback"}, {"title": "Watch the graphs"}]}]});
    let (status, pb) = w.http(Some("u-alice"), "POST", "/api/v0/playbooks", playbook);
    assert_eq!(status, 201, "{pb}");
    let (_, inc) = w.http(
        Some("u-alice"),
        "POST",
        "/api/v0/incidents",
        json!({"team_id": TEAM, "name": "Bad deploy", "playbook_id": pb["id"]}),
    );
    let (id, ch) = (text(&inc, "id"), text(&inc, "channel_id"));
    let (with, without) = (text(&inc["checklists"][0]["items"][0], "id"), text(&inc["checklists"][0]["items"][1], "id"));
    assert_eq!(inc["checklists"][0]["items"][0]["last_run_at"], Value::Null);

    let (status, v) = w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/items/{with}/run"), Value::Null);
    assert_eq!(status, 200, "{v}");
    let item = &v["checklists"][0]["items"][0];
    assert!(item["last_run_at"].as_i64().is_some_and(|t| t > 0), "{item}");
    assert_eq!(item["last_run_by"], "u-alice");
    assert_eq!(item["state"], "open", "running is not checking");
    assert_eq!(
        item["history"].as_array().and_then(|h| h.last()).map(|c| c["change"].clone()),
        Some(json!({"type": "command_run", "command": "/deploy rollback"}))
    );
    assert_eq!(
        last_kind(&v),
        json!({"type": "item_command_run", "item_id": with, "title": "Roll back the deploy", "command": "/deploy rollback"})
    );
    assert_eq!(w.mm.posts_in(&ch).last().map(String::as_str), Some("@alice ran /deploy rollback for 1. Roll back the deploy"));

    let settled = get(&w, &id);
    let (status, v) = w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/items/{without}/run"), Value::Null);
    assert_eq!((status, text(&v, "error")), (400, "That checklist item has no slash command to run.".to_owned()));
    let (status, _) = w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/items/nope/run"), Value::Null);
    assert_eq!(status, 404);
    let (status, _) = w.http(Some("u-bob"), "POST", &format!("/api/v0/incidents/{id}/items/{with}/run"), Value::Null);
    assert_eq!(status, 403, "the same permission as checking an item");
    assert_eq!(get(&w, &id), settled);
}

#[test]
fn reminders_by_rest() {
    let w = World::new();
    let inc = w.start("u-alice", "Slow pages");
    let id = text(&inc, "id");
    let url = format!("/api/v0/incidents/{id}/reminders");

    let (status, v) = w.http(Some("u-alice"), "POST", &url, json!({"action": "snooze"}));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["message"], "Update reminders for INC-0001 are snoozed for 30 minutes.");
    let until = v["incident"]["reminders_snoozed_until"].as_i64().expect("until");
    let started = inc["created_at"].as_i64().expect("created");
    assert!(until >= started + 30 * 60_000, "{until} {started}");
    assert_eq!(last_kind(&v["incident"])["type"], "reminders_snoozed");
    let (status, v) = w.http(Some("u-alice"), "POST", &url, json!({"action": "snooze", "minutes": 5}));
    assert_eq!((status, v["message"].clone()), (200, json!("Update reminders for INC-0001 are snoozed for 5 minutes.")));
    let (status, v) = w.http(Some("u-alice"), "POST", &url, json!({"action": "off"}));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["incident"]["reminders_off"], true);
    assert_eq!(last_kind(&v["incident"]), json!({"type": "reminders_set", "on": false}));

    let settled = get(&w, &id);
    for (body, want) in [
        (json!({"action": "off"}), 409),
        (json!({"action": "later"}), 400),
        (json!({}), 400),
        (json!({"action": "snooze", "minutes": 0}), 400),
        (json!({"action": "snooze", "minutes": 20000}), 400),
        (json!({"action": "snooze", "minutes": "ten"}), 400),
        (json!({"action": "on", "minutes": 5}), 400),
    ] {
        let (status, v) = w.http(Some("u-alice"), "POST", &url, body.clone());
        assert_eq!(status, want, "{body}: {v}");
    }
    let (status, _) = w.http(Some("u-bob"), "POST", &url, json!({"action": "on"}));
    assert_eq!(status, 403);
    assert_eq!(get(&w, &id), settled);
    let (status, v) = w.http(Some("u-alice"), "POST", &url, json!({"action": "on"}));
    assert_eq!((status, v["incident"]["reminders_off"].clone()), (200, json!(false)));
}

#[test]
fn info_lists_the_checklist_as_the_commands_number_it() {
    let w = World::new();
    let inc = w.start("u-alice", "Queue backlog");
    let ch = text(&inc, "channel_id");
    w.cmd("u-alice", &ch, "/incident checkadd Triage Look at graphs");
    w.cmd("u-alice", &ch, "/incident checkadd Triage Page @channel");
    w.cmd("u-alice", &ch, "/incident checkadd Fix Drain the queue");
    w.cmd("u-alice", &ch, "/incident check 1");
    w.cmd("u-alice", &ch, "/incident assign 3 @bob");
    let id = text(&inc, "id");
    let item2 = text(&get(&w, &id)["checklists"][0]["items"][1], "id");
    w.http(Some("u-alice"), "PATCH", &format!("/api/v0/incidents/{id}/items/{item2}"), json!({"state": "skipped"}));
    let info = w.cmd("u-alice", &ch, "/incident info");
    assert!(
        info.ends_with(
            "**Triage**\n☑ 1. Look at graphs\n⊘ 2. ~~Page @\u{200B}channel~~ (skipped)\n**Fix**\n☐ 3. Drain the queue · @bob\n"
        ),
        "{info}"
    );
    assert!(info.contains("Checklist: 1 of 3 done, 1 skipped"), "{info}");
}

#[test]
fn public_incidents_are_announced_to_the_team_private_ones_to_their_channel() {
    let w = World::new();
    let public = w.start("u-alice", "Public one");
    let (status, private) =
        w.http(Some("u-alice"), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": "Secret", "private": true}));
    assert_eq!(status, 201, "{private}");
    for inc in [&public, &private] {
        let id = text(inc, "id");
        w.http(Some("u-alice"), "PATCH", &format!("/api/v0/incidents/{id}"), json!({"summary": "Something secret"}));
    }
    let events = w.mm.events.borrow().clone();
    assert_eq!(events.len(), 4, "one at each start, one per change");
    for (event, payload, audience) in &events {
        assert_eq!(event, crate::service::EVENT_INCIDENT_UPDATED);
        let id = payload["incident_id"].as_str().expect("incident_id");
        assert_eq!(payload.as_object().map(|o| o.len()), Some(1), "nothing but the id: {payload}");
        if id == text(&public, "id") {
            assert_eq!(*audience, EventAudience::Team(TEAM.into()));
        } else {
            assert_eq!(id, text(&private, "id"));
            assert_eq!(*audience, EventAudience::Channel(text(&private, "channel_id")));
        }
    }
    // A channel made private later (in Mattermost) stops the team-wide events.
    let ch = text(&public, "channel_id");
    w.mm.channels.borrow_mut().get_mut(&ch).expect("channel").channel_type = "P".into();
    w.http(Some("u-alice"), "PATCH", &format!("/api/v0/incidents/{}", text(&public, "id")), json!({"summary": "Now private"}));
    assert_eq!(w.mm.events.borrow().last().map(|e| e.2.clone()), Some(EventAudience::Channel(ch)));
}
