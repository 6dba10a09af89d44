//! Hardening scenarios, natively (real SQL, fake Mattermost): guest accounts, playbook
//! announcement channels, the "Not an incident" button, and the limit on every text field.

use mattermost_plugin_sdk::model::{Channel, Post};
use serde_json::{Value, json};

use crate::fake::TEAM;
use crate::platform::Mattermost;
use crate::scenarios::World;

/// A world with gina, a guest account invited to the team (and to no channel yet).
fn with_guest() -> World {
    let mut w = World::new();
    w.mm.users.push(mattermost_plugin_sdk::model::User { id: "u-gina".into(), username: "gina".into(), ..Default::default() });
    w.mm.team_members.insert((TEAM.into(), "u-gina".into()));
    w.mm.guests.insert("u-gina".into());
    w
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

#[test]
fn guests_see_and_change_only_incidents_of_their_channels_and_start_none() {
    let w = with_guest();
    let (status, v) = w.http(Some("u-gina"), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": "From a guest"}));
    assert_eq!(status, 403, "{v}");
    assert!(w.cmd("u-gina", "town", "/incident start From a guest").contains("Guest accounts cannot start incidents"));
    let (status, _) = w.http(Some("u-gina"), "GET", &format!("/api/v0/playbooks?team_id={TEAM}"), Value::Null);
    assert_eq!(status, 403, "playbooks are the team's, not a guest's");
    assert_eq!(w.mm.channel_count(), 1, "nothing was created");

    let public = w.start("u-alice", "Public outage");
    let (status, v) = w.http(Some("u-gina"), "GET", &format!("/api/v0/incidents/{}", id(&public)), Value::Null);
    assert_eq!(status, 404, "a public incident channel the guest is not in stays hidden: {v}");
    assert!(!v.to_string().contains("Public outage"));
    let (status, list) = w.http(Some("u-gina"), "GET", &format!("/api/v0/incidents?team_id={TEAM}"), Value::Null);
    assert_eq!((status, list["total"].clone()), (200, json!(0)), "{list}");
    let text = w.cmd("u-gina", "town", &format!("/incident info {}", public["reference"].as_str().expect("ref")));
    assert!(text.contains("no incident") && !text.contains("Public outage"), "{text}");

    // Added to the incident channel, the guest takes part like any member of it.
    w.mm.add_channel_member(public["channel_id"].as_str().expect("channel"), "u-gina").expect("join");
    let (status, list) = w.http(Some("u-gina"), "GET", &format!("/api/v0/incidents?team_id={TEAM}"), Value::Null);
    assert_eq!((status, list["total"].clone()), (200, json!(1)));
    let (status, v) = w.http(Some("u-gina"), "POST", &format!("/api/v0/incidents/{}/notes", id(&public)), json!({"text": "seen from the guest side"}));
    assert_eq!(status, 201, "{v}");

    // A message of a public channel the guest is not in cannot be copied onto the timeline.
    let town_post = w.mm.create_post(&Post { channel_id: "town".into(), user_id: "u-alice".into(), message: "town talk".into(), ..Default::default() }).expect("post");
    let (status, _) = w.http(Some("u-gina"), "POST", &format!("/api/v0/incidents/{}/timeline", id(&public)), json!({"post_id": town_post.id}));
    assert_eq!(status, 404);
}

#[test]
fn playbook_announcement_channels_must_be_readable_channels_of_the_team() {
    let w = World::new();
    let hidden = Channel { id: "hidden".into(), team_id: TEAM.into(), name: "leadership".into(), channel_type: "P".into(), ..Default::default() };
    let elsewhere = Channel { id: "elsewhere".into(), team_id: "team2".into(), name: "other".into(), channel_type: "O".into(), ..Default::default() };
    for c in [hidden, elsewhere] {
        w.mm.channels.borrow_mut().insert(c.id.clone(), c);
    }
    let playbook = |channels: Value| json!({"team_id": TEAM, "title": "Announcing", "announcement_channel_ids": channels});
    for channel in ["hidden", "elsewhere", "nonexistent"] {
        let (status, v) = w.http(Some("u-bob"), "POST", "/api/v0/playbooks", playbook(json!([channel])));
        assert_eq!(status, 400, "{channel}: {v}");
        assert!(v["error"].as_str().expect("error").contains("announcement_channel_ids"), "{v}");
    }
    let (_, list) = w.http(Some("u-bob"), "GET", &format!("/api/v0/playbooks?team_id={TEAM}"), Value::Null);
    assert!(list["items"].as_array().expect("items").iter().all(|p| p["title"] != "Announcing"), "nothing was created");

    let (status, created) = w.http(Some("u-bob"), "POST", "/api/v0/playbooks", playbook(json!(["town"])));
    assert_eq!(status, 201, "a public channel of the team is fine: {created}");
    // An admin may add the private channel; bob's later edits may keep it but not add others.
    w.mm.add_channel_member("hidden", "u-root").expect("member");
    let mut by_admin = created.clone();
    by_admin["announcement_channel_ids"] = json!(["town", "hidden"]);
    let (status, saved) = w.http(Some("u-root"), "PUT", &format!("/api/v0/playbooks/{}", id(&created)), by_admin);
    assert_eq!(status, 200, "{saved}");
    let mut by_bob = saved.clone();
    by_bob["title"] = json!("Announcing widely");
    let (status, v) = w.http(Some("u-bob"), "PUT", &format!("/api/v0/playbooks/{}", id(&created)), by_bob.clone());
    assert_eq!(status, 200, "{v}");
    by_bob["announcement_channel_ids"] = json!(["town", "hidden", "elsewhere"]);
    let (status, _) = w.http(Some("u-bob"), "PUT", &format!("/api/v0/playbooks/{}", id(&created)), by_bob);
    assert_eq!(status, 400);
}

#[test]
fn only_readers_of_a_thread_can_silence_its_offers() {
    let w = World::new();
    let root = w.mm.create_post(&Post { channel_id: "town".into(), user_id: "u-bob".into(), message: "is it down?".into(), ..Default::default() }).expect("post");
    let (status, v) = w.http(Some("u-carol"), "POST", "/api/v0/actions/ignore", json!({"context": {"thread_id": root.id}}));
    assert_eq!(status, 200);
    assert_eq!(v["ephemeral_text"], "That message is gone.", "carol is on no team");
    let key = format!("ignore-thread:{}", root.id);
    assert_eq!(crate::repo::Repo::new(&w.db).meta(&key).expect("meta"), None, "nothing was stored");
}

/// Asserts a refusal with status 400 naming the field and the limit, and that the incident is
/// as it was.
fn refused(w: &World, incident_id: &str, method: &str, url: &str, body: Value, field: &str, limit: &str) {
    let before = w.http(Some("u-root"), "GET", &format!("/api/v0/incidents/{incident_id}"), Value::Null).1;
    let posts = w.mm.posts.borrow().len();
    let (status, v) = w.http(Some("u-alice"), method, url, body);
    let error = v["error"].as_str().unwrap_or_default().to_owned();
    assert_eq!(status, 400, "{method} {url}: {v}");
    assert!(error.contains(field) && error.contains(limit), "{method} {url}: {error}");
    assert_eq!(w.http(Some("u-root"), "GET", &format!("/api/v0/incidents/{incident_id}"), Value::Null).1, before, "{url} changed the incident");
    assert_eq!(w.mm.posts.borrow().len(), posts, "{url} posted");
}

#[test]
fn every_text_field_has_a_limit_named_in_its_refusal() {
    let w = World::new();
    let inc = w.start("u-alice", "Limits");
    let i = id(&inc);
    let base = format!("/api/v0/incidents/{i}");
    let x = |n: usize| "x".repeat(n);
    refused(&w, &i, "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": x(101)}), "name", "100");
    refused(&w, &i, "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": "ok", "summary": x(4001)}), "summary", "4000");
    refused(&w, &i, "POST", "/api/v0/incidents", json!({"team_id": x(65), "name": "ok"}), "team_id", "64");
    refused(&w, &i, "POST", &format!("{base}/items"), json!({"section": "Tasks", "title": x(201)}), "title", "200");
    refused(&w, &i, "POST", &format!("{base}/updates"), json!({"message": x(4001)}), "message", "4000");
    refused(&w, &i, "POST", &format!("{base}/severity"), json!({"severity": x(101)}), "severity", "100");
    refused(&w, &i, "POST", &format!("{base}/notes"), json!({"text": x(4001)}), "note", "4000");
    let post = w.mm.create_post(&Post { channel_id: "town".into(), user_id: "u-bob".into(), message: "m".into(), ..Default::default() }).expect("post");
    w.mm.add_channel_member("town", "u-alice").expect("member");
    refused(&w, &i, "POST", &format!("{base}/timeline"), json!({"post_id": post.id, "note": x(4001)}), "note", "4000");
    refused(&w, &i, "POST", &format!("{base}/actions"), json!({"text": x(201)}), "action", "200");
    refused(&w, &i, "PUT", &format!("{base}/report"), json!({"markdown": x(60_001)}), "markdown", "60000");
    refused(&w, &i, "GET", &format!("/api/v0/incidents?team_id={TEAM}&q={}", x(201)), Value::Null, "q", "200");
    refused(&w, &i, "POST", "/api/v0/playbooks", json!({"team_id": TEAM, "title": x(101)}), "title", "100");
    refused(&w, &i, "POST", "/api/v0/playbooks", json!({"team_id": TEAM, "title": "ok", "member_ids": [x(65)]}), "member_ids[0]", "64");
    // Buttons and forms answer 200 and show the reason where Mattermost shows it.
    let (status, v) = w.http(Some("u-alice"), "POST", "/api/v0/actions/claim", json!({"context": {"incident_id": i, "role": x(101)}}));
    assert_eq!((status, v["ephemeral_text"].as_str().map(|t| t.starts_with("`context.role` is too long"))), (200, Some(true)), "{v}");
    let (status, v) = w.http(Some("u-alice"), "POST", "/api/v0/dialogs/update", json!({"state": i, "submission": {"message": x(60_001)}}));
    assert_eq!(status, 200);
    assert!(v["errors"]["message"].as_str().is_some_and(|m| m.contains("60000")), "{v}");

    // Slash commands: the same limits, in the ephemeral answer.
    let channel = inc["channel_id"].as_str().expect("channel").to_owned();
    let before = w.http(Some("u-root"), "GET", &base, Value::Null).1;
    for (command, limit) in [
        (format!("/incident update {}", x(4001)), "4000"),
        (format!("/incident checkadd Tasks {}", x(201)), "200"),
        (format!("/incident decision {}", x(4001)), "4000"),
        (format!("/incident action {}", x(201)), "200"),
        (format!("/incident update {}", x(5000)), "4000"),
        (format!("/incident update {}", x(17_000)), "16383"),
    ] {
        let text = w.cmd("u-alice", &channel, &command);
        assert!(text.contains(limit), "{}: {}", &command[..30], &text[..text.len().min(200)]);
    }
    assert_eq!(w.http(Some("u-root"), "GET", &base, Value::Null).1, before, "the commands changed nothing");
}
