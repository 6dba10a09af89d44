//! Hardening scenarios, natively (real SQL, fake Mattermost): guest accounts, playbook
//! announcement channels, the "Not an incident" button, and the limit on every text field.

use mattermost_plugin_sdk::model::{Channel, Post};
use serde_json::{Value, json};

use crate::mattermost::Mattermost;
use crate::tests::fake_mattermost::TEAM;
use crate::tests::scenarios::World;

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
    let (status, v) = w.http(
        Some("u-gina"),
        "POST",
        &format!("/api/v0/incidents/{}/notes", id(&public)),
        json!({"text": "seen from the guest side"}),
    );
    assert_eq!(status, 201, "{v}");

    // A message of a public channel the guest is not in cannot be copied onto the timeline.
    let town_post =
        w.mm.create_post(&Post {
            channel_id: "town".into(),
            user_id: "u-alice".into(),
            message: "town talk".into(),
            ..Default::default()
        })
        .expect("post");
    let (status, _) =
        w.http(Some("u-gina"), "POST", &format!("/api/v0/incidents/{}/timeline", id(&public)), json!({"post_id": town_post.id}));
    assert_eq!(status, 404);
}

#[test]
fn playbook_announcement_channels_must_be_readable_channels_of_the_team() {
    let w = World::new();
    let hidden = Channel {
        id: "hidden".into(),
        team_id: TEAM.into(),
        name: "leadership".into(),
        channel_type: "P".into(),
        ..Default::default()
    };
    let elsewhere = Channel {
        id: "elsewhere".into(),
        team_id: "team2".into(),
        name: "other".into(),
        channel_type: "O".into(),
        ..Default::default()
    };
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

    w.mm.add_channel_member("town", "u-bob").expect("member");
    let (status, created) = w.http(Some("u-bob"), "POST", "/api/v0/playbooks", playbook(json!(["town"])));
    assert_eq!(status, 201, "a channel of the team bob reads and posts in is fine: {created}");
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
    let root =
        w.mm.create_post(&Post {
            channel_id: "town".into(),
            user_id: "u-bob".into(),
            message: "is it down?".into(),
            ..Default::default()
        })
        .expect("post");
    let (status, v) = w.http(Some("u-carol"), "POST", "/api/v0/actions/ignore", json!({"context": {"thread_id": root.id}}));
    assert_eq!(status, 200);
    assert_eq!(v["ephemeral_text"], "That message is gone.", "carol is on no team");
    let key = format!("ignore-thread:{}", root.id);
    assert_eq!(crate::store::repo::Repo::new(&w.db).meta(&key).expect("meta"), None, "nothing was stored");
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
    assert_eq!(
        w.http(Some("u-root"), "GET", &format!("/api/v0/incidents/{incident_id}"), Value::Null).1,
        before,
        "{url} changed the incident"
    );
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
    let post =
        w.mm.create_post(&Post { channel_id: "town".into(), user_id: "u-bob".into(), message: "m".into(), ..Default::default() })
            .expect("post");
    w.mm.add_channel_member("town", "u-alice").expect("member");
    refused(&w, &i, "POST", &format!("{base}/timeline"), json!({"post_id": post.id, "note": x(4001)}), "note", "4000");
    refused(&w, &i, "POST", &format!("{base}/actions"), json!({"text": x(201)}), "action", "200");
    refused(&w, &i, "PUT", &format!("{base}/report"), json!({"markdown": x(60_001)}), "markdown", "60000");
    refused(&w, &i, "GET", &format!("/api/v0/incidents?team_id={TEAM}&q={}", x(201)), Value::Null, "q", "200");
    refused(&w, &i, "POST", "/api/v0/playbooks", json!({"team_id": TEAM, "title": x(101)}), "title", "100");
    refused(
        &w,
        &i,
        "POST",
        "/api/v0/playbooks",
        json!({"team_id": TEAM, "title": "ok", "member_ids": [x(65)]}),
        "member_ids[0]",
        "64",
    );
    // Buttons and forms answer 200 and show the reason where Mattermost shows it.
    let (status, v) =
        w.http(Some("u-alice"), "POST", "/api/v0/actions/claim", json!({"context": {"incident_id": i, "role": x(101)}}));
    assert_eq!(
        (status, v["ephemeral_text"].as_str().map(|t| t.starts_with("`context.role` is too long"))),
        (200, Some(true)),
        "{v}"
    );
    let (status, v) =
        w.http(Some("u-alice"), "POST", "/api/v0/dialogs/update", json!({"state": i, "submission": {"message": x(60_001)}}));
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

/// A world where bob is a member of two more public channels: `announcements`, read-only for
/// members through channel moderation, and `ops`, where he may post.
fn with_announcement_channels() -> World {
    let w = World::new();
    for name in ["announcements", "ops", "random"] {
        let c =
            Channel { id: name.into(), team_id: TEAM.into(), name: name.into(), channel_type: "O".into(), ..Default::default() };
        w.mm.channels.borrow_mut().insert(name.into(), c);
    }
    for channel in ["announcements", "ops", "town"] {
        w.mm.add_channel_member(channel, "u-bob").expect("member");
    }
    w.mm.read_only_channels.borrow_mut().insert("announcements".into());
    w
}

#[test]
fn a_member_cannot_make_the_bot_post_into_a_read_only_channel_or_repeat_its_posts() {
    let w = with_announcement_channels();
    let playbook = |channels: Value| json!({"team_id": TEAM, "title": "Announcing", "announcement_channel_ids": channels});
    // Read-only for bob, or a public channel he has not joined: he may not post there, so
    // neither may the bot for him.
    for channel in ["announcements", "random"] {
        let (status, v) = w.http(Some("u-bob"), "POST", "/api/v0/playbooks", playbook(json!(["ops", channel])));
        assert_eq!(status, 400, "{channel}: {v}");
        let error = v["error"].as_str().expect("error");
        assert!(error.contains("announcement_channel_ids") && error.contains("you cannot post in"), "{error}");
    }
    // More than ten channels: refused, before anything is looked up.
    let many: Vec<String> = (0..11).map(|i| format!("ch{i}")).collect();
    let (status, v) = w.http(Some("u-bob"), "POST", "/api/v0/playbooks", playbook(json!(many)));
    assert_eq!(status, 400, "{v}");
    assert!(v["error"].as_str().expect("error").contains("names 11 channels; the limit is 10"), "{v}");
    let (_, list) = w.http(Some("u-bob"), "GET", &format!("/api/v0/playbooks?team_id={TEAM}"), Value::Null);
    assert!(list["items"].as_array().expect("items").iter().all(|p| p["title"] != "Announcing"), "nothing was created");

    // The same channel 300 times is kept once, so each announcement is one post there.
    let (status, created) = w.http(Some("u-bob"), "POST", "/api/v0/playbooks", playbook(json!(vec!["ops"; 300])));
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["announcement_channel_ids"], json!(["ops"]));
    let (status, inc) = w.http(
        Some("u-bob"),
        "POST",
        "/api/v0/incidents",
        json!({"team_id": TEAM, "name": "Queue stuck", "playbook_id": id(&created)}),
    );
    assert_eq!(status, 201, "{inc}");
    let (status, v) =
        w.http(Some("u-bob"), "POST", &format!("/api/v0/incidents/{}/updates", id(&inc)), json!({"message": "Investigating"}));
    assert_eq!(status, 201, "{v}");
    let updates_in_ops = w.mm.posts_in("ops").iter().filter(|p| p.contains("Investigating")).count();
    assert_eq!(updates_in_ops, 1, "{:?}", w.mm.posts_in("ops"));

    // Editing cannot add the read-only channel either; an admin may.
    let mut edit = created.clone();
    edit["announcement_channel_ids"] = json!(["ops", "announcements"]);
    let (status, v) = w.http(Some("u-bob"), "PUT", &format!("/api/v0/playbooks/{}", id(&created)), edit.clone());
    assert_eq!(status, 400, "{v}");
    let (status, v) = w.http(Some("u-root"), "PUT", &format!("/api/v0/playbooks/{}", id(&created)), edit);
    assert_eq!(status, 200, "{v}");
}

#[test]
fn a_guest_or_member_cannot_publish_the_report_as_the_bot_and_the_commander_only_once_a_minute() {
    let w = with_guest();
    let inc = w.start("u-alice", "Queue stuck");
    let channel = inc["channel_id"].as_str().expect("channel").to_owned();
    for member in ["u-gina", "u-bob"] {
        w.mm.add_channel_member(&channel, member).expect("join");
    }
    let phishing = "## Mandatory password reset\nAll staff: [sign in here](https://evil.example/sso) today. x.@channel-x";
    let (status, v) = w.http(
        Some("u-gina"),
        "PUT",
        &format!("/api/v0/incidents/{}/report", id(&inc)),
        json!({"markdown": phishing, "revision": 0}),
    );
    assert_eq!(status, 200, "members of the channel edit the report: {v}");
    let posts = w.mm.posts.borrow().len();
    for user in ["u-gina", "u-bob"] {
        let (status, v) = w.http(Some(user), "POST", &format!("/api/v0/incidents/{}/report/publish", id(&inc)), Value::Null);
        assert_eq!(status, 403, "{user}: {v}");
        assert_eq!(v["error"], "Only the incident's commander, a team admin or a system admin may publish its report.");
    }
    assert!(w.cmd("u-bob", &channel, "/incident report").contains("Only the incident's commander"));
    assert_eq!(w.mm.posts.borrow().len(), posts, "nothing was posted");

    // The commander publishes; channel-wide mentions in it are defused.
    let (status, v) = w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{}/report/publish", id(&inc)), Value::Null);
    assert_eq!((status, v), (200, json!({"channels": 1})));
    let published = w.mm.posts_in(&channel).last().cloned().expect("published");
    assert!(published.contains("today. x.@\u{200B}channel-x"), "{published}");
    // Once a minute per incident, whoever asks.
    for user in ["u-alice", "u-root"] {
        let (status, v) = w.http(Some(user), "POST", &format!("/api/v0/incidents/{}/report/publish", id(&inc)), Value::Null);
        assert_eq!(status, 429, "{user}: {v}");
        assert!(v["error"].as_str().expect("error").contains("wait a minute"), "{v}");
    }
    assert_eq!(w.mm.posts_in(&channel).iter().filter(|p| p.contains("password reset")).count(), 1);
}

#[test]
fn split_word_mentions_in_updates_names_and_notes_reach_channels_defused() {
    let w = with_announcement_channels();
    let (status, pb) = w.http(
        Some("u-bob"),
        "POST",
        "/api/v0/playbooks",
        json!({"team_id": TEAM, "title": "Announcing", "announcement_channel_ids": ["ops"]}),
    );
    assert_eq!(status, 201, "{pb}");
    let (status, inc) = w.http(
        Some("u-bob"),
        "POST",
        "/api/v0/incidents",
        json!({"team_id": TEAM, "name": "db-@all-hands outage", "summary": "ops:@here.now", "playbook_id": id(&pb)}),
    );
    assert_eq!(status, 201, "{inc}");
    let channel = inc["channel_id"].as_str().expect("channel").to_owned();
    let (status, v) = w.http(
        Some("u-bob"),
        "POST",
        &format!("/api/v0/incidents/{}/updates", id(&inc)),
        json!({"message": "DB down, x.@channel-x please join", "impact": "(@ALL)"}),
    );
    assert_eq!(status, 201, "{v}");
    let (status, v) =
        w.http(Some("u-bob"), "POST", &format!("/api/v0/incidents/{}/notes", id(&inc)), json!({"text": "ping _@here_"}));
    assert_eq!(status, 201, "{v}");
    let update = w.mm.posts_in("ops").into_iter().find(|p| p.contains("Status update")).expect("update in ops");
    for defused in ["x.@\u{200B}channel-x", "(@\u{200B}ALL)", "db-@\u{200B}all-hands"] {
        assert!(update.contains(defused), "{defused:?} in {update}");
    }
    let in_channel = w.mm.posts_in(&channel).join("\n");
    for defused in ["db-@\u{200B}all-hands outage", "ops:@\u{200B}here.now", "x.@\u{200B}channel-x", "ping _@\u{200B}here_"] {
        assert!(in_channel.contains(defused), "{defused:?} in {in_channel}");
    }
}

#[test]
fn two_editors_of_the_report_do_not_overwrite_each_other() {
    let w = World::new();
    let inc = w.start("u-alice", "Queue stuck");
    w.mm.add_channel_member(inc["channel_id"].as_str().expect("channel"), "u-bob").expect("join");
    let url = format!("/api/v0/incidents/{}/report", id(&inc));
    let (status, opened) = w.http(Some("u-alice"), "GET", &url, Value::Null);
    assert_eq!((status, opened["revision"].clone()), (200, json!(0)), "{opened}");
    // Alice and Bob both opened revision 0; Alice saves first.
    let (status, saved) = w.http(Some("u-alice"), "PUT", &url, json!({"markdown": "# Alice's report", "revision": 0}));
    assert_eq!(
        (status, saved["revision"].clone(), saved["markdown"].clone()),
        (200, json!(1), json!("# Alice's report")),
        "{saved}"
    );
    let (status, v) = w.http(Some("u-bob"), "PUT", &url, json!({"markdown": "# Bob's report", "revision": 0}));
    assert_eq!(status, 409, "{v}");
    assert!(v["error"].as_str().expect("error").starts_with("Someone saved the report since you opened it"), "{v}");
    assert_eq!(w.http(Some("u-bob"), "GET", &url, Value::Null).1["markdown"], "# Alice's report", "Alice's text is kept");
    // From the current revision Bob's save goes through; a save that names no revision would
    // overwrite blindly, so it is refused and changes nothing.
    let (status, v) = w.http(Some("u-bob"), "PUT", &url, json!({"markdown": "# Both", "revision": 1}));
    assert_eq!((status, v["revision"].clone()), (200, json!(2)), "{v}");
    let (status, v) = w.http(Some("u-alice"), "PUT", &url, json!({"markdown": "# Blind"}));
    assert_eq!(status, 400, "{v}");
    assert!(v["error"].as_str().expect("error").contains("`revision`"), "{v}");
    assert_eq!(w.http(Some("u-bob"), "GET", &url, Value::Null).1["markdown"], "# Both", "nothing changed");
    let (status, v) = w.http(Some("u-alice"), "PUT", &url, json!({"markdown": "", "revision": 2}));
    assert_eq!((status, v["revision"].clone()), (200, json!(3)), "{v}");
    assert!(v["markdown"].as_str().expect("markdown").contains("incident report"), "empty goes back to the generated one: {v}");
    let (status, v) = w.http(Some("u-alice"), "PUT", &url, json!({"markdown": "x", "revision": "latest"}));
    assert_eq!(status, 400, "{v}");
}

#[test]
fn keyword_offers_are_no_way_to_spam_or_phish_the_team() {
    let w = World::new();
    let playbook = |title: &str, keywords: Value| json!({"team_id": TEAM, "title": title, "keywords": keywords});
    let (status, v) = w.http(Some("u-alice"), "POST", "/api/v0/playbooks", playbook("Everywhere", json!(["is", "the"])));
    assert_eq!(status, 400, "{v}");
    assert!(v["error"].as_str().expect("error").contains("too common"), "{v}");
    let (status, _) = w.http(
        Some("u-alice"),
        "POST",
        "/api/v0/playbooks",
        playbook("[Re-authenticate now](https://evil.example)", json!(["outage"])),
    );
    assert_eq!(status, 201);
    // A playbook stored before keywords needed four letters keeps "is", which offers nothing.
    let mut old = incident_core::Playbook {
        id: "old".into(),
        team_id: TEAM.into(),
        title: "Old".into(),
        keywords: vec!["is".into()],
        ..Default::default()
    };
    old.created_at = 1;
    crate::store::repo::Repo::new(&w.db).insert_playbook(&old).expect("insert");

    let say = |channel: &str, message: &str| {
        let p =
            w.mm.create_post(&Post {
                channel_id: channel.into(),
                user_id: "u-bob".into(),
                message: message.into(),
                ..Default::default()
            })
            .expect("post");
        crate::service::with_service(&w.mm, &w.db, |s| s.offer_from_keywords(&p)).expect("hook")
    };
    assert!(!say("town", "this is fine"), "short stored keywords are ignored");
    assert!(say("town", "outage in EU"));
    let offer = w.mm.ephemerals.borrow().last().cloned().expect("offer").1.message;
    assert_eq!(
        offer,
        "This sounds like an incident (`outage`). Start one with the `[Re-authenticate now](https://evil.example)` playbook?"
    );
    // One offer per person and channel per ten minutes.
    assert!(!say("town", "another outage"));
    w.mm.channels.borrow_mut().insert(
        "ops".into(),
        Channel { id: "ops".into(), team_id: TEAM.into(), name: "ops".into(), channel_type: "O".into(), ..Default::default() },
    );
    assert!(say("ops", "outage here too"));
    assert_eq!(w.mm.ephemerals.borrow().len(), 2);
}

#[test]
fn names_cannot_hide_bidi_overrides_or_zero_width_characters() {
    let w = World::new();
    for name in ["Payroll \u{202E}gnp.exe", "ad\u{200B}min outage"] {
        let (status, v) = w.http(Some("u-alice"), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": name}));
        assert_eq!(status, 400, "{v}");
        assert!(v["error"].as_str().expect("error").contains("invisible formatting character"), "{v}");
    }
    let (status, v) =
        w.http(Some("u-alice"), "POST", "/api/v0/playbooks", json!({"team_id": TEAM, "title": "\u{2066}Security\u{2069}"}));
    assert_eq!(status, 400, "{v}");
    assert_eq!(w.mm.channel_count(), 1, "nothing was created");
}

#[test]
fn a_playbook_stored_with_duplicate_channels_before_the_fix_publishes_once_per_channel() {
    let w = with_announcement_channels();
    let inc = start_from_a_playbook_stored_before_the_limits(&w, vec!["ops".into(); 50]);
    let (status, v) = w.http(
        Some("u-alice"),
        "PUT",
        &format!("/api/v0/incidents/{}/report", id(&inc)),
        json!({"markdown": "# Once", "revision": 0}),
    );
    assert_eq!(status, 200, "{v}");
    let (status, v) = w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{}/report/publish", id(&inc)), Value::Null);
    assert_eq!((status, v), (200, json!({"channels": 2})));
    assert_eq!(w.mm.posts_in("ops").iter().filter(|p| p.contains("# Once")).count(), 1);
}

#[test]
fn a_playbook_stored_with_too_many_channels_before_the_limit_announces_in_at_most_ten() {
    let w = with_announcement_channels();
    let many: Vec<String> = (0..15).map(|n| format!("many-{n}")).collect();
    for name in &many {
        let c = Channel {
            id: name.clone(),
            team_id: TEAM.into(),
            name: name.clone(),
            channel_type: "O".into(),
            ..Default::default()
        };
        w.mm.channels.borrow_mut().insert(name.clone(), c);
    }
    let mut stored = many.clone();
    stored.extend(many.iter().cloned());
    start_from_a_playbook_stored_before_the_limits(&w, stored);
    let announced: Vec<&String> = many.iter().filter(|c| w.mm.posts_in(c).iter().any(|p| p.contains("Queue stuck"))).collect();
    assert_eq!(announced.len(), incident_core::playbook::MAX_ANNOUNCEMENT_CHANNELS, "{announced:?}");
    for c in &many {
        assert!(w.mm.posts_in(c).len() <= 1, "{c} got {:?}", w.mm.posts_in(c));
    }
}

#[test]
fn messages_read_only_the_playbooks_that_have_keywords() {
    let w = World::new();
    let repo = crate::store::repo::Repo::new(&w.db);
    let playbook = |id: &str, title: &str, keywords: &[&str]| incident_core::Playbook {
        id: id.into(),
        team_id: TEAM.into(),
        title: title.into(),
        keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        created_at: 1,
        ..Default::default()
    };
    repo.insert_playbook(&playbook("plain", "Plain", &[])).expect("insert");
    // A title that spells the marker is escaped inside its JSON string, so it does not count.
    repo.insert_playbook(&playbook("spoof", "\"keywords\":[\"x\"]", &[])).expect("insert");
    repo.insert_playbook(&playbook("keyed", "Keyed", &["database outage"])).expect("insert");
    let found: Vec<String> = repo.playbooks_with_keywords(TEAM).expect("query").into_iter().map(|p| p.id).collect();
    assert_eq!(found, vec!["keyed".to_owned()]);
}

/// A playbook written straight to the store, as a version before the announcement-channel
/// limits saved it (nothing normalised), and an incident "Queue stuck" started from it by alice.
fn start_from_a_playbook_stored_before_the_limits(w: &World, announcement_channel_ids: Vec<String>) -> Value {
    let old = incident_core::Playbook {
        id: "old".into(),
        team_id: TEAM.into(),
        title: "Old".into(),
        announcement_channel_ids,
        created_at: 1,
        ..Default::default()
    };
    crate::store::repo::Repo::new(&w.db).insert_playbook(&old).expect("insert");
    let (status, inc) = w.http(
        Some("u-alice"),
        "POST",
        "/api/v0/incidents",
        json!({"team_id": TEAM, "name": "Queue stuck", "playbook_id": "old"}),
    );
    assert_eq!(status, 201, "{inc}");
    inc
}
