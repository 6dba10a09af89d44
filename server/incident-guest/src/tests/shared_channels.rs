//! Shared channels (digest, announcement, stakeholder) get only what every reader of them may
//! see, natively (real SQL, fake Mattermost): private incidents as a line or nothing, other
//! teams' incidents nothing, per-team settings, and the check of those settings on save.

use mattermost_plugin_sdk::model::{Channel, User};
use serde_json::{Value, json};

use crate::mattermost::Mattermost;
use crate::tests::fake_mattermost::TEAM;
use crate::tests::scenarios::World;

const OTHER_TEAM: &str = "team2";
/// What a private incident of these tests must never show outside its channel.
const SECRETS: [&str; 4] = ["Payroll", "breach", "exfiltrated", "@alice"];

fn channel(id: &str, team_id: &str, name: &str, channel_type: &str) -> Channel {
    Channel { id: id.into(), team_id: team_id.into(), name: name.into(), channel_type: channel_type.into(), ..Default::default() }
}

/// Team 1 with its `~incidents` (announcements) and `~digest`, team 2 with dave and its own
/// `~announcements` and `~digest`.
fn two_teams() -> World {
    let mut w = World::new();
    for c in [
        channel("incidents", TEAM, "incidents", "O"),
        channel("digest", TEAM, "digest", "O"),
        channel("t2-announcements", OTHER_TEAM, "announcements", "O"),
        channel("t2-digest", OTHER_TEAM, "digest", "O"),
        channel("leadership", TEAM, "leadership", "P"),
    ] {
        w.mm.channels.borrow_mut().insert(c.id.clone(), c);
    }
    w.mm.users.push(User { id: "u-dave".into(), username: "dave".into(), ..Default::default() });
    w.mm.team_members.insert((OTHER_TEAM.into(), "u-dave".into()));
    w
}

fn per_team(w: &mut World, team_id: &str, announcement: &str, digest: &str) {
    let mut setting = match &w.mm.settings.team_channels {
        Value::String(text) => serde_json::from_str(text).expect("json"),
        _ => json!({}),
    };
    setting[team_id] = json!({"announcement_channel_id": announcement, "digest_channel_id": digest});
    w.mm.settings.team_channels = Value::String(setting.to_string());
}

fn start(w: &World, user: &str, team_id: &str, name: &str, private: bool) -> Value {
    let (status, v) = w.http(
        Some(user),
        "POST",
        "/api/v0/incidents",
        json!({"team_id": team_id, "name": name, "private": private, "severity": "P1"}),
    );
    assert_eq!(status, 201, "{v}");
    v
}

fn update(w: &World, user: &str, incident: &Value, message: &str, status: &str) {
    let url = format!("/api/v0/incidents/{}/updates", incident["id"].as_str().expect("id"));
    let (code, v) = w.http(Some(user), "POST", &url, json!({"message": message, "status": status}));
    assert_eq!(code, 201, "{v}");
}

fn assert_no_secret(posts: &[String]) {
    for post in posts {
        for secret in SECRETS {
            assert!(!post.contains(secret), "{secret:?} reached a shared channel: {post:?}");
        }
    }
}

#[test]
fn a_private_incident_reaches_the_digest_only_as_a_line() {
    let mut w = two_teams();
    per_team(&mut w, TEAM, "", "digest");
    let incident = start(&w, "u-alice", TEAM, "Payroll DB breach", true);
    update(&w, "u-alice", &incident, "attacker exfiltrated the payroll export", "Identified");
    let digest = w.mm.live_posts_in("digest");
    assert_eq!(
        digest,
        vec!["#### INC-0001 · private incident\nSeverity: P1 | Status: Identified\n".to_owned()],
        "one line, edited in place"
    );
    let url = format!("/api/v0/incidents/{}/status", incident["id"].as_str().expect("id"));
    let (code, v) = w.http(Some("u-alice"), "POST", &url, json!({"status": "Resolved"}));
    assert_eq!(code, 200, "{v}");
    let digest = w.mm.posts_in("digest");
    assert_eq!(digest, vec!["#### ~~INC-0001 · private incident~~ (resolved)\nSeverity: P1 | Status: Resolved\n".to_owned()]);
    // A public incident of the team is still shown in full.
    start(&w, "u-bob", TEAM, "Queue backlog", false);
    assert!(w.mm.posts_in("digest")[1].contains("Queue backlog") && w.mm.posts_in("digest")[1].contains("Commander: @bob"));
}

#[test]
fn a_private_incidents_start_and_updates_reach_announcement_channels_only_as_lines() {
    let mut w = two_teams();
    per_team(&mut w, TEAM, "incidents", "");
    // The playbook announces in ~town too: a shared channel like the team's own. Its editor
    // must be able to post in both to name them.
    for shared in ["town", "incidents"] {
        w.mm.channel_members.borrow_mut().insert((shared.into(), "u-alice".into()));
    }
    let (status, pb) = w.http(
        Some("u-alice"),
        "POST",
        "/api/v0/playbooks",
        json!({"team_id": TEAM, "title": "Breach", "announcement_channel_ids": ["town", "incidents", "town"]}),
    );
    assert_eq!(status, 201, "{pb}");
    let (status, incident) = w.http(
        Some("u-alice"),
        "POST",
        "/api/v0/incidents",
        json!({"team_id": TEAM, "name": "Payroll DB breach", "private": true, "severity": "P1", "playbook_id": pb["id"]}),
    );
    assert_eq!(status, 201, "{incident}");
    update(&w, "u-alice", &incident, "attacker exfiltrated the payroll export", "Identified");
    let (status, v) = w.http(
        Some("u-alice"),
        "POST",
        &format!("/api/v0/incidents/{}/report/publish", incident["id"].as_str().expect("id")),
        Value::Null,
    );
    assert_eq!(status, 200, "{v}");
    for shared in ["incidents", "town"] {
        let posts = w.mm.posts_in(shared);
        assert_eq!(
            posts,
            vec![
                "A private incident was declared, severity P1 (INC-0001).".to_owned(),
                "INC-0001 (private) posted a status update: Identified".to_owned(),
            ],
            "each channel once, the report not at all: {shared}"
        );
    }
    let own = w.mm.posts_in(incident["channel_id"].as_str().expect("channel"));
    assert!(own.iter().any(|p| p.contains("exfiltrated")), "the incident channel still gets the whole update");
}

#[test]
fn private_incidents_stay_out_of_shared_channels_when_the_admin_says_none() {
    let mut w = two_teams();
    per_team(&mut w, TEAM, "incidents", "digest");
    w.mm.settings.private_incidents_in_shared_channels = "none".into();
    w.mm.settings.stakeholders = "P1: ~leadership".into();
    let incident = start(&w, "u-alice", TEAM, "Payroll DB breach", true);
    update(&w, "u-alice", &incident, "attacker exfiltrated the payroll export", "Identified");
    for shared in ["incidents", "digest", "leadership"] {
        assert_eq!(w.mm.posts_in(shared), Vec::<String>::new(), "{shared}");
    }
    // A setting the plugin cannot read keeps them out too.
    w.mm.settings.private_incidents_in_shared_channels = "full".into();
    start(&w, "u-alice", TEAM, "Payroll DB breach again", true);
    assert_eq!(w.mm.posts_in("incidents"), Vec::<String>::new());
}

#[test]
fn another_teams_incident_never_reaches_a_teams_announcement_channel() {
    let mut w = two_teams();
    // The old server-wide settings name team 2's channels; team 1's incidents must not go there.
    w.mm.settings.announcement_channel = "t2-announcements".into();
    w.mm.settings.digest_channel = "t2-digest".into();
    let public = start(&w, "u-alice", TEAM, "Payroll DB breach", false);
    update(&w, "u-alice", &public, "attacker exfiltrated the payroll export", "Identified");
    start(&w, "u-alice", TEAM, "Payroll DB breach, private", true);
    for shared in ["t2-announcements", "t2-digest"] {
        assert_eq!(w.mm.posts_in(shared), Vec::<String>::new(), "{shared}");
    }
    // Per-team channels set for team 1 to team 2's channels (a hand-edited config) are ignored too.
    per_team(&mut w, TEAM, "t2-announcements", "t2-digest");
    start(&w, "u-alice", TEAM, "Payroll DB breach, third", false);
    assert_eq!(w.mm.posts_in("t2-announcements"), Vec::<String>::new());
    assert_eq!(w.mm.posts_in("t2-digest"), Vec::<String>::new());
    // Team 2's own incident does reach them, in full: the old settings still work for their team.
    start(&w, "u-dave", OTHER_TEAM, "Printer on fire", false);
    assert_eq!(w.mm.posts_in("t2-announcements").len(), 1);
    assert!(w.mm.posts_in("t2-announcements")[0].contains("Printer on fire"));
    assert_eq!(w.mm.posts_in("t2-digest").len(), 1);
}

#[test]
fn each_team_announces_in_its_own_channels_chosen_per_team() {
    let mut w = two_teams();
    w.mm.settings.announcement_channel = "town".into();
    per_team(&mut w, TEAM, "incidents", "digest");
    per_team(&mut w, OTHER_TEAM, "t2-announcements", "t2-digest");
    start(&w, "u-alice", TEAM, "Queue backlog", false);
    start(&w, "u-dave", OTHER_TEAM, "Printer on fire", false);
    assert_eq!(w.mm.posts_in("town"), Vec::<String>::new(), "the per-team setting replaces the old one");
    assert_eq!(
        w.mm.posts_in("incidents"),
        vec!["INC-0001 **Queue backlog** started: ~inc-0001-queue-backlog (commander @alice)".to_owned()]
    );
    assert!(w.mm.posts_in("digest")[0].contains("Queue backlog"));
    assert!(w.mm.posts_in("t2-announcements")[0].contains("Printer on fire"));
    assert!(w.mm.posts_in("t2-digest")[0].contains("Printer on fire"));
    assert_eq!(w.mm.posts_in("t2-announcements").len() + w.mm.posts_in("t2-digest").len(), 2);
}

#[test]
fn an_incident_made_private_after_it_started_leaves_only_the_line_in_the_digest() {
    let mut w = two_teams();
    per_team(&mut w, TEAM, "incidents", "digest");
    let incident = start(&w, "u-alice", TEAM, "Payroll DB breach", false);
    assert!(w.mm.posts_in("digest")[0].contains("Payroll DB breach"));
    let channel_id = incident["channel_id"].as_str().expect("channel").to_owned();
    w.mm.channels.borrow_mut().get_mut(&channel_id).expect("channel").channel_type = "P".into();
    update(&w, "u-alice", &incident, "attacker exfiltrated the payroll export", "Identified");
    let digest = w.mm.live_posts_in("digest");
    assert_eq!(digest, vec!["#### INC-0001 · private incident\nSeverity: P1 | Status: Identified\n".to_owned()]);
    assert_no_secret(&w.mm.posts_in("incidents")[1..]);
    // With "none", the post goes away at the next change.
    w.mm.settings.private_incidents_in_shared_channels = "none".into();
    update(&w, "u-alice", &incident, "contained", "Identified");
    assert_eq!(w.mm.live_posts_in("digest"), Vec::<String>::new());
}

#[test]
fn a_private_incident_reaches_stakeholder_channels_only_as_a_line() {
    let mut w = two_teams();
    w.mm.settings.stakeholders = "P1: ~leadership ~leadership ~town-square".into();
    start(&w, "u-alice", TEAM, "Payroll DB breach", true);
    for shared in ["leadership", "town"] {
        assert_eq!(w.mm.posts_in(shared), vec!["A private incident is P1 (INC-0001).".to_owned()], "{shared}, once");
    }
    start(&w, "u-alice", TEAM, "Queue @all backlog", false);
    let leadership = w.mm.posts_in("leadership");
    assert_eq!(leadership[1], "INC-0002 **Queue @\u{200B}all backlog** is P1: ~inc-0002-queue-all-backlog (commander @alice)");
}

#[test]
fn bad_shared_channel_settings_are_reported_on_save_and_ignored() {
    let mut w = two_teams();
    w.mm.channels.borrow_mut().insert("old".into(), Channel { delete_at: 1, ..channel("old", TEAM, "old-incidents", "O") });
    per_team(&mut w, TEAM, "t2-announcements", "old");
    per_team(&mut w, OTHER_TEAM, "nowhere", "t2-digest");
    w.mm.settings.private_incidents_in_shared_channels = "everything".into();
    let problems = crate::service::shared_channels::setting_problems(&w.mm);
    let expected = [
        "\"line\" or \"none\", not \"everything\"",
        "team team1's announcement channel t2-announcements (~announcements) belongs to another team (team2)",
        "team team1's digest channel old (~old-incidents) is archived",
        "team team2's announcement channel nowhere is not a channel this server knows",
    ];
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
    for (problem, part) in problems.iter().zip(expected) {
        assert!(problem.contains(part) && (problem.ends_with("ignored.") || problem.ends_with("fixed")), "{problem}");
    }
    // None of them is posted to; the valid entry still is.
    start(&w, "u-alice", TEAM, "Queue backlog", false);
    start(&w, "u-dave", OTHER_TEAM, "Printer on fire", false);
    assert_eq!(w.mm.posts_in("t2-announcements"), Vec::<String>::new());
    assert_eq!(w.mm.posts_in("old"), Vec::<String>::new());
    assert_eq!(w.mm.posts_in("t2-digest").len(), 1);

    w.mm.settings.team_channels = Value::String("{\"team1\": ".into());
    let problems = crate::service::shared_channels::setting_problems(&w.mm);
    assert!(problems.iter().any(|p| p.starts_with("TeamChannels is not valid JSON") && p.ends_with("ignored.")), "{problems:#?}");
    w.mm.settings.private_incidents_in_shared_channels = "line".into();
    w.mm.settings.team_channels = Value::Null;
    assert_eq!(crate::service::shared_channels::setting_problems(&w.mm), Vec::<String>::new());
}

#[test]
fn a_digest_post_left_in_the_old_channel_goes_once_it_may_not_show_the_incident() {
    let mut w = two_teams();
    // Before the fix the old server-wide digest, in team 2, got team 1's private incident in
    // full; a post the plugin had kept there is deleted at the incident's next change.
    w.mm.settings.digest_channel = "t2-digest".into();
    let incident = start(&w, "u-alice", TEAM, "Payroll DB breach", true);
    let leaked =
        w.mm.create_post(&mattermost_plugin_sdk::model::Post {
            channel_id: "t2-digest".into(),
            user_id: "u-bot".into(),
            message: "#### INC-0001 · Payroll DB breach".into(),
            ..Default::default()
        })
        .expect("post");
    crate::store::repo::Repo::new(&w.db)
        .set_meta(&format!("digest:{}:t2-digest", incident["id"].as_str().expect("id")), &leaked.id)
        .expect("meta");
    // The team now has its own digest channel; the old one is still set.
    per_team(&mut w, TEAM, "", "digest");
    update(&w, "u-alice", &incident, "contained", "Identified");
    assert_eq!(w.mm.live_posts_in("t2-digest"), Vec::<String>::new());
    assert_eq!(w.mm.live_posts_in("digest").len(), 1);
    assert_no_secret(&w.mm.live_posts_in("digest"));
}
