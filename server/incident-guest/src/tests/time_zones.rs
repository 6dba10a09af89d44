//! Time as the reader reads it (issue 18): posts into channels write times in the team's zone
//! (its own, else the server's, which the host gives), replies to one person and the times
//! that person types use their own Mattermost zone.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::tests::fake_mattermost::TEAM;
use crate::tests::scenarios::World;

/// 2030-07-01 12:00:00 UTC.
const JULY_NOON_UTC: i64 = 1_909_137_600_000;

fn set_user_zone(w: &mut World, user: &str, zone: HashMap<String, String>) {
    let u = w.mm.users.iter_mut().find(|u| u.id == user).expect("a user");
    u.timezone = zone;
}

fn manual(zone: &str) -> HashMap<String, String> {
    HashMap::from([
        ("useAutomaticTimezone".into(), "false".into()),
        ("automaticTimezone".into(), "Asia/Tokyo".into()),
        ("manualTimezone".into(), zone.into()),
    ])
}

fn conduct_url() -> String {
    format!("/api/v0/conduct?team_id={TEAM}")
}

fn started(w: &World) -> (String, String) {
    let (_, playbooks) = w.http(Some("u-alice"), "GET", &format!("/api/v0/playbooks?team_id={TEAM}"), Value::Null);
    let playbook = playbooks["items"][0]["id"].as_str().expect("default playbook").to_owned();
    let (status, inc) =
        w.http(Some("u-alice"), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": "Zones", "playbook_id": playbook}));
    assert_eq!(status, 201, "{inc}");
    (inc["channel_id"].as_str().expect("channel").to_owned(), inc["id"].as_str().expect("id").to_owned())
}

fn first_item_due(w: &World, id: &str) -> Value {
    let (_, inc) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    inc["checklists"][0]["items"][0]["due_at"].clone()
}

#[test]
fn posts_use_the_servers_zone_until_the_team_chooses_its_own() {
    let mut w = World::new();
    w.mm.server_time_zone = "Europe/London".into();
    let (ch, id) = started(&w);
    let update = |w: &World, message: &str| {
        let (status, v) = w.http(
            Some("u-alice"),
            "POST",
            &format!("/api/v0/incidents/{id}/updates"),
            json!({"message": message, "next_update_at": JULY_NOON_UTC}),
        );
        assert_eq!(status, 201, "{v}");
    };
    update(&w, "First look.");
    let posts = w.mm.posts_in(&ch).join("\n");
    assert!(posts.contains("_Next update by 2030-07-01 13:00:00 BST._"), "{posts}");

    // Only admins choose; an unknown zone is refused with its reason and changes nothing.
    let (status, v) = w.http(Some("u-alice"), "PUT", &conduct_url(), json!({"time_zone": "Europe/Paris"}));
    assert_eq!(status, 403, "{v}");
    let (status, v) = w.http(Some("u-root"), "PUT", &conduct_url(), json!({"time_zone": "Europe/Pariss"}));
    assert_eq!(status, 400, "{v}");
    assert!(v["error"].as_str().is_some_and(|e| e.contains("`Europe/Pariss` is not a time zone")), "{v}");
    let (_, v) = w.http(Some("u-alice"), "GET", &conduct_url(), Value::Null);
    assert_eq!((v["time_zone"].as_str(), v["server_time_zone"].as_str()), (Some("Europe/London"), Some("Europe/London")), "{v}");

    let (status, v) = w.http(Some("u-root"), "PUT", &conduct_url(), json!({"time_zone": " America/New_York "}));
    assert_eq!(
        (status, v["time_zone"].as_str(), v["team"]["time_zone"].as_str()),
        (200, Some("America/New_York"), Some("America/New_York")),
        "{v}"
    );
    assert_eq!(v["source"], "team");
    update(&w, "Second look.");
    let posts = w.mm.posts_in(&ch).join("\n");
    assert!(posts.contains("_Next update by 2030-07-01 08:00:00 EDT._"), "{posts}");
    // The timeline in the report reads the same zone.
    let (_, report) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}/report"), Value::Null);
    let markdown = report["markdown"].as_str().unwrap_or_default();
    assert!(markdown.contains(" EST` ") || markdown.contains(" EDT` "), "{markdown}");

    // `server` by command takes the team back to the server's zone.
    assert!(w.cmd("u-alice", &ch, "/incident timezone server").contains("Only team and system admins"));
    let reply = w.cmd("u-root", &ch, "/incident timezone server");
    assert!(reply.contains("**Europe/London** (the server's"), "{reply}");
    let reply = w.cmd("u-root", &ch, "/incident timezone Mars/Base");
    assert!(reply.contains("`Mars/Base` is not a time zone"), "{reply}");
    assert!(w.cmd("u-alice", &ch, "/incident timezone").contains("**Europe/London** (the server's"));
    let reply = w.cmd("u-root", &ch, "/incident timezone Asia/Kolkata");
    assert!(reply.contains("**Asia/Kolkata** (the team's choice"), "{reply}");
}

#[test]
fn a_typed_due_time_is_read_in_the_callers_zone_and_posted_in_the_teams() {
    let mut w = World::new();
    w.mm.server_time_zone = "America/New_York".into();
    set_user_zone(&mut w, "u-alice", manual("Europe/Paris"));
    let (ch, id) = started(&w);

    assert_eq!(w.cmd("u-alice", &ch, "/incident due 1 2030-12-01 14:00"), "The item is due 2030-12-01 14:00 CET.");
    // 14:00 in Paris in winter is 13:00 UTC.
    assert_eq!(first_item_due(&w, &id), json!(1_922_360_400_000_i64));
    // The channel reads it in the team's zone (the server's here).
    let posts = w.mm.posts_in(&ch).join("\n");
    assert!(posts.contains("due 2030-12-01 08:00 EST"), "{posts}");
    // root has no zone of its own: its info shows the team's.
    let info = w.cmd("u-root", &ch, "/incident info");
    assert!(info.contains("due 2030-12-01 08:00 EST"), "{info}");
    assert!(w.cmd("u-alice", &ch, "/incident info").contains("due 2030-12-01 14:00 CET"));

    // An explicit UTC wins; the automatic zone counts when chosen.
    assert_eq!(w.cmd("u-alice", &ch, "/incident due 1 2030-12-01 14:00 UTC"), "The item is due 2030-12-01 15:00 CET.");
    let mut automatic = manual("Europe/Paris");
    automatic.insert("useAutomaticTimezone".into(), "true".into());
    set_user_zone(&mut w, "u-alice", automatic);
    assert_eq!(w.cmd("u-alice", &ch, "/incident due 1 2030-12-01 14:00"), "The item is due 2030-12-01 14:00 JST.");

    // A time the clocks skip is refused, plainly, and nothing changes.
    set_user_zone(&mut w, "u-alice", manual("Europe/Paris"));
    let before = first_item_due(&w, &id);
    let reply = w.cmd("u-alice", &ch, "/incident due 1 2031-03-30 02:30");
    assert!(reply.contains("2031-03-30 02:30 does not exist in Europe/Paris"), "{reply}");
    assert_eq!(first_item_due(&w, &id), before);
    let reply = w.cmd("u-alice", &ch, "/incident due 1 2030-12-01 2pm");
    assert!(reply.contains("read in your time zone, Europe/Paris"), "{reply}");
    // A zone Mattermost holds that the plugin does not know: the team's is used.
    set_user_zone(&mut w, "u-alice", manual("Not/AZone"));
    assert_eq!(w.cmd("u-alice", &ch, "/incident due 1 2030-12-01 14:00"), "The item is due 2030-12-01 14:00 EST.");
    let reply = w.cmd("u-alice", &ch, "/incident timezone");
    assert!(reply.contains("You have no time zone in Mattermost"), "{reply}");
}

#[test]
fn an_unknown_server_zone_is_utc() {
    let mut w = World::new();
    w.mm.server_time_zone = "Somewhere/Else".into();
    let (ch, _) = started(&w);
    assert_eq!(w.cmd("u-alice", &ch, "/incident due 1 2030-12-01 14:00"), "The item is due 2030-12-01 14:00 UTC.");
}
