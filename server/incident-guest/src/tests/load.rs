//! Responder load (issue 18): `GET /api/v0/reports/responders` and `/incident load`, natively,
//! with who may see what and people's own time zones.

use std::collections::HashMap;

use incident_core::working_hours::{out_of_hours_ms, parse_zone};

use crate::mattermost::Mattermost;
use serde_json::{Value, json};

use crate::tests::fake_mattermost::TEAM;
use crate::tests::scenarios::World;

fn started(w: &World, name: &str, private: bool) -> (String, String) {
    let (status, inc) =
        w.http(Some("u-alice"), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": name, "private": private}));
    assert_eq!(status, 201, "{inc}");
    (inc["channel_id"].as_str().expect("channel").to_owned(), inc["id"].as_str().expect("id").to_owned())
}

fn set_zone(w: &mut World, user: &str, settings: &[(&str, &str)]) {
    let u = w.mm.users.iter_mut().find(|u| u.id == user).expect("a user");
    u.timezone = settings.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<HashMap<_, _>>();
}

fn person<'v>(report: &'v Value, username: &str) -> &'v Value {
    report["people"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["username"] == username))
        .unwrap_or_else(|| panic!("{username} is not in {report}"))
}

/// alice leads a public incident in which bob is Comms lead and has item 2 (a checklist added
/// by hand), and a private one bob is not in.
fn world() -> (World, String, String) {
    let mut w = World::new();
    set_zone(
        &mut w,
        "u-alice",
        &[("useAutomaticTimezone", "false"), ("manualTimezone", "Europe/Paris"), ("automaticTimezone", "")],
    );
    set_zone(&mut w, "u-bob", &[("useAutomaticTimezone", "true"), ("automaticTimezone", ""), ("manualTimezone", "Asia/Tokyo")]);
    let (public_ch, public) = started(&w, "Public outage", false);
    let (private_ch, private) = started(&w, "Private secret breach", true);
    for title in ["Look at the graphs", "Tell customers"] {
        let (status, v) = w.http(
            Some("u-alice"),
            "POST",
            &format!("/api/v0/incidents/{public}/items"),
            json!({"section": "Tasks", "title": title}),
        );
        assert_eq!(status, 201, "{v}");
    }
    assert!(w.cmd("u-alice", &public_ch, "/incident assign 2 @bob").starts_with("Assigned"));
    let role = w.cmd("u-alice", &public_ch, "/incident role Comms lead @bob");
    assert!(role.contains("Comms lead"), "{role}");
    let (status, v) = w.http(
        Some("u-alice"),
        "POST",
        &format!("/api/v0/incidents/{private}/items"),
        json!({"section": "Tasks", "title": "Rotate keys"}),
    );
    assert_eq!(status, 201, "{v}");
    assert!(w.cmd("u-alice", &private_ch, "/incident assign 1 @alice").starts_with("Assigned"));
    (w, public, private_ch)
}

#[test]
fn the_team_report_shows_roles_items_weeks_and_zones_of_visible_incidents() {
    let (w, public, _) = world();
    let (status, report) = w.http(Some("u-bob"), "GET", &format!("/api/v0/reports/responders?team_id={TEAM}"), Value::Null);
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["team_id"], TEAM);
    assert_eq!(report["week_starts"].as_array().map(Vec::len), Some(8));
    assert!(report["working_hours"].as_str().is_some_and(|h| h.contains("09:00 to 18:00")), "{report}");
    // bob's Mattermost zone is automatic and empty: his weeks are UTC's, and the report says so.
    assert_eq!((report["zone"].as_str(), report["zone_known"].as_bool()), (Some("UTC"), Some(false)));
    let text = report.to_string();
    assert!(!text.contains("Private secret"), "bob may not see the private incident: {text}");
    assert_eq!(report["incidents"], 1, "{report}");

    let alice = person(&report, "alice");
    assert_eq!((alice["time_zone"].as_str(), alice["time_zone_known"].as_bool()), (Some("Europe/Paris"), Some(true)));
    let roles = alice["open_roles"].as_array().expect("roles");
    assert_eq!(roles.len(), 1, "only the public incident's command counts for bob: {alice}");
    assert_eq!((roles[0]["reference"].as_str(), roles[0]["is_commander"].as_bool()), (Some("INC-0001"), Some(true)));
    assert_eq!(alice["incidents_per_week"][7], 1);
    assert_eq!(alice["commanded_this_month"], 1);

    let bob = person(&report, "bob");
    // bob's automatic zone is empty (the manual one is not in use): UTC.
    assert_eq!((bob["time_zone"].as_str(), bob["time_zone_known"].as_bool()), (Some("UTC"), Some(false)));
    assert_eq!(bob["open_roles"][0]["role"], "Comms lead");
    assert_eq!(bob["open_items"][0]["number"], 2);
    assert_eq!(bob["open_items"][0]["title"], "Tell customers");
    assert_eq!(bob["open_items"][0]["incident_id"], public.as_str());
    assert_eq!(report["commanders_this_month"], json!([{"user_id": "u-alice", "username": "alice", "incidents": 1}]));
    // The plugin's bot is nobody's load.
    assert!(!text.contains("u-bot"), "{text}");

    // A system admin sees the private incident too.
    let (status, all) = w.http(Some("u-root"), "GET", &format!("/api/v0/reports/responders?team_id={TEAM}&weeks=2"), Value::Null);
    assert_eq!(status, 200, "{all}");
    assert_eq!(all["incidents"], 2);
    assert_eq!(all["week_starts"].as_array().map(Vec::len), Some(2));
    let alice = person(&all, "alice");
    assert_eq!(alice["open_roles"].as_array().map(Vec::len), Some(2));
    assert!(alice["open_items"].to_string().contains("Private secret breach"));
    assert_eq!(all["commanders_this_month"][0]["incidents"], 2);
}

#[test]
fn who_may_ask_and_bad_input() {
    let (w, _, _) = world();
    let url = |q: &str| format!("/api/v0/reports/responders?team_id={TEAM}{q}");
    assert_eq!(w.http(Some("u-carol"), "GET", &url(""), Value::Null).0, 403, "not on the team");
    assert_eq!(w.http(None, "GET", &url(""), Value::Null).0, 401);
    assert_eq!(w.http(Some("u-bob"), "GET", "/api/v0/reports/responders", Value::Null).0, 400, "no team");
    for bad in ["&weeks=0", "&weeks=27", "&weeks=two", "&weeks=-1"] {
        let (status, v) = w.http(Some("u-bob"), "GET", &url(bad), Value::Null);
        assert_eq!(status, 400, "{bad}: {v}");
        assert!(v["error"].as_str().is_some_and(|e| e.contains("`weeks` is 1 to 26")), "{v}");
    }
    assert_eq!(w.http(Some("u-bob"), "GET", &url("&weeks=26"), Value::Null).0, 200);
}

#[test]
fn a_guest_sees_only_the_incidents_of_its_channels() {
    let (mut w, _, private_ch) = world();
    w.mm.users.push(mattermost_plugin_sdk::model::User { id: "u-gina".into(), username: "gina".into(), ..Default::default() });
    w.mm.team_members.insert((TEAM.into(), "u-gina".into()));
    w.mm.guests.insert("u-gina".into());
    let url = format!("/api/v0/reports/responders?team_id={TEAM}");
    let (status, report) = w.http(Some("u-gina"), "GET", &url, Value::Null);
    assert_eq!(status, 200, "{report}");
    assert_eq!((report["incidents"].as_i64(), report["people"].as_array().map(Vec::len)), (Some(0), Some(0)), "{report}");
    w.mm.add_channel_member(&private_ch, "u-gina").expect("gina joins");
    let (_, report) = w.http(Some("u-gina"), "GET", &url, Value::Null);
    assert_eq!(report["incidents"], 1, "{report}");
    assert!(report.to_string().contains("Private secret breach") && !report.to_string().contains("Public outage"), "{report}");
}

#[test]
fn out_of_hours_time_is_counted_in_the_persons_own_zone() {
    let (w, _, _) = world();
    // Two days and five hours later, as the report would read then.
    let (_, inc) = w.http(Some("u-alice"), "GET", "/api/v0/incidents?team_id=team1&state=all", Value::Null);
    let created = inc["items"].as_array().and_then(|i| i.last()).and_then(|i| i["created_at"].as_i64()).expect("created_at");
    let later = created + (2 * 24 + 5) * 3_600_000;
    let repo = crate::store::repo::Repo::new(&w.db);
    let mut ids = crate::ids_and_clock::RandomIds;
    let s = crate::service::Service { mm: &w.mm, repo, ids: &mut ids, now: later, bot_id: "u-bot".into() };
    let report = s.responder_load("u-root", TEAM, 8, None).expect("report");
    let alice = report.people.iter().find(|p| p.user_id == "u-alice").expect("alice");
    let paris = parse_zone("Europe/Paris").expect("zone");
    // alice commands both incidents from their start: each counted in Paris's working hours.
    let starts: Vec<i64> = {
        let (_, list) = w.http(Some("u-root"), "GET", "/api/v0/incidents?team_id=team1&state=all", Value::Null);
        list["items"].as_array().expect("items").iter().filter_map(|i| i["created_at"].as_i64()).collect()
    };
    let expected: i64 = starts.iter().map(|from| out_of_hours_ms(paris, *from, later)).sum();
    assert_eq!(alice.out_of_hours_ms, expected);
    assert!(expected > 0, "53 hours always hold some evening or night");
}

#[test]
fn incident_load_shows_the_callers_own() {
    let (w, _, _) = world();
    let bob = w.cmd("u-bob", "town", "/incident load");
    assert!(bob.contains("Comms lead of INC-0001 Public outage"), "{bob}");
    assert!(bob.contains("Item 2. Tell customers in INC-0001"), "{bob}");
    assert!(bob.contains("Incidents worked: 1 this week, 0 last week."), "{bob}");
    assert!(bob.contains("Your Mattermost time zone is not set, so UTC was used."), "{bob}");
    assert!(!bob.contains("Private secret"), "{bob}");
    let alice = w.cmd("u-alice", "town", "/incident load");
    assert!(alice.contains("Commander of INC-0001") && alice.contains("Commander of INC-0002"), "{alice}");
    assert!(alice.contains("09:00 to 18:00 in Europe/Paris") && !alice.contains("not set"), "{alice}");
    let root = w.cmd("u-root", "town", "/incident load");
    assert!(root.contains("You hold no role and no open checklist item"), "{root}");
    assert!(root.contains("Incidents worked: 0 this week, 0 last week."), "{root}");
    assert!(w.cmd("u-carol", "town", "/incident load").contains("not a member of this team"));
    assert!(w.cmd("u-alice", "town", "/incident help").contains("/incident load"));
}
