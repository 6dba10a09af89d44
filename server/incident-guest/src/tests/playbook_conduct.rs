//! Per-playbook conduct (issue 17): the welcome message for people who join the incident
//! channel, the status update template in the form, and the announcement channels the starter
//! may untick.

use serde_json::{Value, json};

use crate::mattermost::Mattermost;
use crate::service::with_service;
use crate::tests::fake_mattermost::TEAM;
use crate::tests::scenarios::World;

fn open_channel(w: &World, id: &str, name: &str, members: &[&str]) {
    w.mm.channels.borrow_mut().insert(
        id.into(),
        mattermost_plugin_sdk::model::Channel {
            id: id.into(),
            team_id: TEAM.into(),
            name: name.into(),
            channel_type: "O".into(),
            ..Default::default()
        },
    );
    for m in members {
        w.mm.add_channel_member(id, m).expect("member");
    }
}

fn playbook(w: &World, body: Value) -> String {
    let (status, pb) = w.http(Some("u-alice"), "POST", "/api/v0/playbooks", body);
    assert_eq!(status, 201, "{pb}");
    pb["id"].as_str().expect("id").to_owned()
}

#[test]
fn whoever_joins_gets_the_welcome_message_only_they_see() {
    let w = World::new();
    let pb = playbook(
        &w,
        json!({"team_id": TEAM, "title": "Outage", "welcome_message": "Read the runbook, then ask @channel nothing.", "checklists": []}),
    );
    let (status, inc) =
        w.http(Some("u-alice"), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": "Login down", "playbook_id": pb}));
    assert_eq!(status, 201, "{inc}");
    assert_eq!(inc["welcome_message"], "Read the runbook, then ask @channel nothing.");
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    let join = |user: &str, channel: &str| with_service(&w.mm, &w.db, |s| s.welcome(channel, user)).expect("welcome");
    assert!(join("u-bob", &ch));
    let (to, post) = w.mm.ephemerals.borrow().last().cloned().expect("ephemeral");
    assert_eq!((to.as_str(), post.channel_id.as_str(), post.user_id.as_str()), ("u-bob", ch.as_str(), "u-bot"));
    assert!(
        post.message.starts_with("#### Welcome to INC-0001 · Login down\nRead the runbook, then ask @\u{200b}channel"),
        "{}",
        post.message
    );
    assert!(!join("u-bot", &ch), "not the bot");
    assert!(!join("u-bob", "town"), "not another channel");
    // A later edit of the playbook does not change a running incident's welcome.
    let (status, _) = w.http(
        Some("u-alice"),
        "PUT",
        &format!("/api/v0/playbooks/{pb}"),
        json!({"team_id": TEAM, "title": "Outage", "welcome_message": "", "checklists": []}),
    );
    assert_eq!(status, 200);
    assert!(join("u-root", &ch));
    w.cmd("u-alice", &ch, "/incident end");
    assert!(!join("u-root", &ch), "not once it is over");
    let plain = w.start("u-alice", "No playbook");
    assert!(!join("u-bob", plain["channel_id"].as_str().expect("channel")));
}

#[test]
fn the_update_form_starts_from_the_template() {
    let w = World::new();
    let pb =
        playbook(&w, json!({"team_id": TEAM, "title": "Outage", "update_template": "Impact:\nCause:\nNext:", "checklists": []}));
    let (_, inc) =
        w.http(Some("u-alice"), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": "Slow", "playbook_id": pb}));
    assert_eq!(inc["update_template"], "Impact:\nCause:\nNext:");
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    let at = crate::command::Invocation { user_id: "u-alice", team_id: TEAM, channel_id: &ch, trigger_id: "trigger" };
    let _ = with_service(&w.mm, &w.db, |s| crate::command::execute(s, &at, "/incident update"));
    let dialogs = w.mm.dialogs.borrow();
    let form = dialogs.last().expect("the form opened");
    let message = form.dialog.elements.iter().find(|e| e.name == "message").expect("message field");
    assert_eq!(message.default, "Impact:\nCause:\nNext:");
}

#[test]
fn the_starter_unticks_announcement_channels_and_cannot_add_any() {
    let w = World::new();
    open_channel(&w, "ann1", "status-a", &["u-alice", "u-bob"]);
    open_channel(&w, "ann2", "status-b", &["u-alice", "u-bob"]);
    open_channel(&w, "ann3", "status-c", &["u-alice", "u-bob"]);
    let pb =
        playbook(&w, json!({"team_id": TEAM, "title": "Outage", "announcement_channel_ids": ["ann1", "ann2"], "checklists": []}));
    let start = |body: Value| w.http(Some("u-bob"), "POST", "/api/v0/incidents", body);
    let (status, v) = start(json!({"team_id": TEAM, "name": "Adds", "playbook_id": pb, "announcement_channel_ids": ["ann3"]}));
    assert_eq!(status, 400, "{v}");
    assert!(v["error"].as_str().is_some_and(|e| e.contains("ann3 is not one of the playbook's")), "{v}");
    let (status, v) = start(json!({"team_id": TEAM, "name": "No playbook", "announcement_channel_ids": ["ann1"]}));
    assert_eq!(status, 400, "{v}");
    let channels_before = w.mm.channel_count();

    let (status, inc) =
        start(json!({"team_id": TEAM, "name": "Kept one", "playbook_id": pb, "announcement_channel_ids": ["ann2"]}));
    assert_eq!(status, 201, "{inc}");
    assert_eq!(w.mm.channel_count(), channels_before + 1, "the refused starts made no channel");
    assert_eq!(inc["reference"], "INC-0001", "and took no number");
    assert_eq!(inc["announcement_channel_ids"], json!(["ann2"]));
    assert!(w.mm.posts_in("ann1").is_empty(), "unticked");
    assert_eq!(w.mm.posts_in("ann2").len(), 1);
    // Its updates go where its start went.
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    w.cmd("u-bob", &ch, "/incident update Rolling back");
    assert!(w.mm.posts_in("ann1").is_empty());
    assert_eq!(w.mm.posts_in("ann2").len(), 2);
    // Without a choice, all of the playbook's.
    let (_, all) = start(json!({"team_id": TEAM, "name": "All", "playbook_id": pb}));
    assert_eq!(all.get("announcement_channel_ids"), None);
    assert_eq!((w.mm.posts_in("ann1").len(), w.mm.posts_in("ann2").len()), (1, 3));
    // None ticked: no announcement at all.
    let (status, _) = start(json!({"team_id": TEAM, "name": "Quiet", "playbook_id": pb, "announcement_channel_ids": []}));
    assert_eq!(status, 201);
    assert_eq!((w.mm.posts_in("ann1").len(), w.mm.posts_in("ann2").len()), (1, 3));
}

#[test]
fn a_playbook_brings_its_people_and_groups_into_the_channel() {
    let mut w = World::new();
    w.mm.groups.insert("sre".into(), vec!["u-root".into(), "u-carol".into()]);
    let w = w;
    let (status, v) = w.http(
        Some("u-alice"),
        "POST",
        "/api/v0/playbooks",
        json!({"team_id": TEAM, "title": "Outage", "invited_user_ids": ["u-carol"], "checklists": []}),
    );
    assert_eq!(status, 400, "carol is on no team: {v}");
    assert!(v["error"].as_str().is_some_and(|e| e.contains("`invited_user_ids`: u-carol is not an active member")), "{v}");
    let pb = playbook(
        &w,
        json!({"team_id": TEAM, "title": "Outage", "invited_user_ids": ["u-bob"], "invited_groups": ["@SRE", "gone"], "checklists": []}),
    );
    let (status, inc) =
        w.http(Some("u-alice"), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": "Disk", "playbook_id": pb}));
    assert_eq!(status, 201, "{inc}");
    let ch = inc["channel_id"].as_str().expect("channel");
    assert!(w.mm.is_channel_member(ch, "u-bob"), "invited");
    assert!(w.mm.is_channel_member(ch, "u-root"), "the @sre group's member on the team");
    assert!(!w.mm.is_channel_member(ch, "u-carol"), "not on the team");
    let (_, stored) = w.http(Some("u-alice"), "GET", &format!("/api/v0/playbooks/{pb}"), Value::Null);
    assert_eq!(stored["invited_groups"], json!(["sre", "gone"]));
}

#[test]
fn the_retrospective_outline_ends_the_report_and_its_commander_is_reminded_until_it_is_written() {
    let mut w = World::new();
    w.mm.settings.update_reminders = "none".into();
    w.mm.settings.role_nudge_minutes = "0".into();
    let w = w;
    let pb = playbook(
        &w,
        json!({"team_id": TEAM, "title": "Outage", "retrospective_template": "### Root cause\n\n### What to improve", "checklists": []}),
    );
    let (_, inc) =
        w.http(Some("u-alice"), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": "Queue stuck", "playbook_id": pb}));
    let id = inc["id"].as_str().expect("id").to_owned();
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    let plain = w.start("u-alice", "No playbook");
    w.cmd("u-alice", plain["channel_id"].as_str().expect("channel"), "/incident end");
    w.cmd("u-alice", &ch, "/incident end");
    let ended = crate::ids_and_clock::now_ms();
    let (_, report) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}/report"), Value::Null);
    let markdown = report["markdown"].as_str().expect("markdown");
    assert!(markdown.contains("\n## Retrospective\n\n### Root cause\n\n### What to improve\n"), "{markdown}");

    let remind_at = |now: i64| {
        let repo = crate::store::repo::Repo::new(&w.db);
        let mut ids = crate::ids_and_clock::RandomIds;
        let mut s = crate::service::Service { mm: &w.mm, repo, ids: &mut ids, now, bot_id: "u-bot".into() };
        s.send_due_reminders().expect("reminders")
    };
    let day = 86_400_000;
    assert_eq!(remind_at(ended + day / 2), 0, "a day to write it first");
    assert_eq!(remind_at(ended + day + 60_000), 1, "only the incident whose playbook asked for one");
    assert_eq!(remind_at(ended + day + 120_000), 0, "once a day");
    let dms = w.mm.dms.borrow().clone();
    let (to, message) = dms.last().expect("a direct message");
    assert_eq!(to, "u-alice");
    assert!(
        message.starts_with("INC-0001 **Queue stuck** ended a day ago and its retrospective is not written yet."),
        "{message}"
    );
    assert_eq!(remind_at(ended + 2 * day + 60_000), 1, "the next day");
    // Written: no more reminders.
    let (status, v) = w.http(
        Some("u-alice"),
        "PUT",
        &format!("/api/v0/incidents/{id}/report"),
        json!({"markdown": "## Retrospective\n\n### Root cause\nA stuck consumer.", "revision": report["revision"]}),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(remind_at(ended + 3 * day + 60_000), 0);
}

#[test]
fn the_channel_is_filed_in_the_playbooks_sidebar_category_for_the_people_the_start_adds() {
    let mut w = World::new();
    w.mm.groups.insert("sre".into(), vec!["u-root".into(), "u-carol".into()]);
    w.mm.sidebar_failures.insert("u-root".into());
    let w = w;
    let sidebar = |user: &str| w.mm.sidebar_categories.borrow().get(&(user.to_owned(), TEAM.to_owned())).cloned();
    // Bob already has the category (named in lower case) with another channel, and a second one.
    w.mm.sidebar_categories.borrow_mut().insert(
        ("u-bob".into(), TEAM.into()),
        vec![("Ops".into(), vec!["ops".into()]), ("incidents".into(), vec!["old".into()])],
    );
    let (status, v) = w.http(
        Some("u-alice"),
        "POST",
        "/api/v0/playbooks",
        json!({"team_id": TEAM, "title": "Outage", "sidebar_category": "Incidents and outages here", "checklists": []}),
    );
    assert_eq!(status, 400, "{v}");
    assert!(
        v["error"].as_str().is_some_and(|e| e.contains("the sidebar category: it has 26 characters; the limit is 22.")),
        "{v}"
    );
    let pb = playbook(
        &w,
        json!({"team_id": TEAM, "title": "Outage", "sidebar_category": " Incidents ", "invited_user_ids": ["u-bob"],
            "invited_groups": ["sre"], "checklists": []}),
    );
    let (_, stored) = w.http(Some("u-alice"), "GET", &format!("/api/v0/playbooks/{pb}"), Value::Null);
    assert_eq!(stored["sidebar_category"], "Incidents");

    let (status, inc) =
        w.http(Some("u-alice"), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": "Disk", "playbook_id": pb}));
    assert_eq!(status, 201, "root's sidebar failing does not fail the start: {inc}");
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    assert_eq!(sidebar("u-alice"), Some(vec![("Incidents".to_owned(), vec![ch.clone()])]), "made for the starter");
    assert_eq!(
        sidebar("u-bob"),
        Some(vec![("Ops".to_owned(), vec!["ops".to_owned()]), ("incidents".to_owned(), vec![ch.clone(), "old".to_owned()])]),
        "bob's own category, the new channel first"
    );
    assert_eq!(sidebar("u-carol"), None, "not added: not on the team");
    assert_eq!(sidebar("u-bot"), None, "not the bot's");
    let warnings = w.mm.warnings.borrow().clone();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].1.starts_with("INC-0001 for user u-root: cannot read the sidebar"), "{warnings:?}");

    // Without a category, sidebars are left alone.
    let plain = playbook(&w, json!({"team_id": TEAM, "title": "Plain", "invited_user_ids": ["u-bob"], "checklists": []}));
    let (status, _) =
        w.http(Some("u-alice"), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": "Quiet", "playbook_id": plain}));
    assert_eq!(status, 201);
    assert_eq!(sidebar("u-alice"), Some(vec![("Incidents".to_owned(), vec![ch])]));
}
