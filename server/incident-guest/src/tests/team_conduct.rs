//! Severities, statuses and roles per team (issue 17): team and system admins replace the
//! server-wide lists for their team; every use for an incident of the team follows them; a
//! name an incident already holds stays readable and changeable after its list changes.

use mattermost_plugin_sdk::model::User;
use serde_json::{Value, json};

use crate::tests::fake_mattermost::TEAM;
use crate::tests::scenarios::World;

fn url() -> String {
    format!("/api/v0/conduct?team_id={TEAM}")
}

fn names(v: &Value, list: &str) -> Vec<String> {
    v[list].as_array().map(|l| l.iter().filter_map(|x| x["name"].as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

fn with_team_admin() -> World {
    let mut w = World::new();
    w.mm.users.push(User { id: "u-ted".into(), username: "ted".into(), ..User::default() });
    w.mm.team_members.insert((TEAM.into(), "u-ted".into()));
    w.mm.team_admins.insert((TEAM.into(), "u-ted".into()));
    w
}

fn own_lists() -> Value {
    json!({"severities": "SEV1: all hands\nSEV2: degraded", "statuses": "Open: new\nFixing\nClosed: over", "roles": "Scribe: keeps notes"})
}

#[test]
fn team_and_system_admins_set_the_lists_members_read_them() {
    let w = with_team_admin();
    let (status, v) = w.http(Some("u-alice"), "GET", &url(), Value::Null);
    assert_eq!((status, v["source"].as_str(), v["may_edit"].as_bool()), (200, Some("server"), Some(false)), "{v}");
    assert_eq!(names(&v, "severities"), ["P1", "P2", "P3", "P4"]);
    assert_eq!(w.http(Some("u-ted"), "GET", &url(), Value::Null).1["may_edit"], true);
    let (status, _) = w.http(Some("u-carol"), "GET", &url(), Value::Null);
    assert_eq!(status, 403, "carol is on no team");
    let (status, v) = w.http(Some("u-alice"), "PUT", &url(), own_lists());
    assert_eq!(status, 403, "{v}");
    let (status, v) = w.http(Some("u-ted"), "PUT", "/api/v0/conduct", own_lists());
    assert_eq!(status, 400, "{v}");

    // Bad text: the parser's words, and nothing changes.
    let (status, v) = w.http(Some("u-ted"), "PUT", &url(), json!({"severities": "SEV1\nsev1"}));
    assert_eq!((status, v["error"].as_str()), (400, Some("severities, line 2: \"sev1\" is listed twice.")), "{v}");
    let (status, v) = w.http(Some("u-root"), "PUT", &url(), json!({"statuses": "Only"}));
    assert_eq!(status, 400, "{v}");
    assert!(v["error"].as_str().is_some_and(|e| e.starts_with("statuses: list at least two")), "{v}");
    let (status, v) = w.http(Some("u-ted"), "PUT", &url(), json!({"severity": "SEV1"}));
    assert_eq!(status, 400, "a misspelt list is refused, not ignored: {v}");
    assert_eq!(w.http(Some("u-alice"), "GET", &url(), Value::Null).1["source"], "server");

    // A team admin sets severities only: statuses and roles stay the server's.
    let (status, v) = w.http(Some("u-ted"), "PUT", &url(), json!({"severities": "SEV1: all hands\nSEV2"}));
    assert_eq!((status, v["source"].as_str(), v["may_edit"].as_bool()), (200, Some("team"), Some(true)), "{v}");
    let (_, v) = w.http(Some("u-alice"), "GET", &url(), Value::Null);
    assert_eq!(names(&v, "severities"), ["SEV1", "SEV2"]);
    assert_eq!(names(&v, "statuses"), ["Investigating", "Identified", "Monitoring", "Resolved"]);
    assert_eq!((v["team"]["severities"].as_str(), v["team"]["roles"].as_str()), (Some("SEV1: all hands\nSEV2"), Some("")));
    // Without a team: the server-wide lists, as before; another team keeps them too.
    let (status, v) = w.http(Some("u-alice"), "GET", "/api/v0/conduct", Value::Null);
    assert_eq!((status, names(&v, "severities").len(), v["source"].as_str()), (200, 4, Some("server")));
    let (_, v) = w.http(Some("u-root"), "GET", "/api/v0/conduct?team_id=team2", Value::Null);
    assert_eq!(names(&v, "severities"), ["P1", "P2", "P3", "P4"]);

    // A system admin returns the team to the server's lists with an empty body.
    let (status, v) = w.http(Some("u-root"), "PUT", &url(), Value::Null);
    assert_eq!((status, v["source"].as_str()), (200, Some("server")), "{v}");
    let (_, v) = w.http(Some("u-alice"), "GET", &url(), Value::Null);
    assert_eq!((names(&v, "severities").len(), v["source"].as_str()), (4, Some("server")));
    let (status, v) = w.http(Some("u-ted"), "PUT", &url(), json!({"severities": "", "statuses": "", "roles": ""}));
    assert_eq!((status, v["source"].as_str()), (200, Some("server")), "{v}");
}

#[test]
fn an_incident_runs_on_its_team_lists() {
    let w = World::new();
    let (status, v) = w.http(Some("u-root"), "PUT", &url(), own_lists());
    assert_eq!(status, 200, "{v}");
    let inc = w.start("u-alice", "Team lists");
    let (id, ch) = (inc["id"].as_str().expect("id").to_owned(), inc["channel_id"].as_str().expect("ch").to_owned());
    assert_eq!((inc["severity"].as_str(), inc["status"].as_str()), (Some("SEV2"), Some("Open")));
    let intro = w.mm.posts.borrow().iter().find(|p| p.channel_id == ch).cloned().expect("intro");
    assert_eq!(intro.props.0["attachments"][0]["actions"][0]["name"], "Claim Scribe");

    let text = w.cmd("u-alice", &ch, "/incident severity");
    assert!(text.contains("**SEV1**: all hands") && !text.contains("P1"), "{text}");
    let text = w.cmd("u-alice", &ch, "/incident severity P1");
    assert!(text.contains("SEV1, SEV2"), "{text}");
    let (status, v) = w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/severity"), json!({"severity": "sev1"}));
    assert_eq!((status, v["severity"].as_str()), (200, Some("SEV1")), "{v}");
    let (status, v) =
        w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/roles"), json!({"role": "Scribe", "user_id": "u-bob"}));
    assert_eq!(status, 200, "{v}");
    let (status, _) = w.http(
        Some("u-alice"),
        "POST",
        &format!("/api/v0/incidents/{id}/roles"),
        json!({"role": "Comms lead", "user_id": "u-bob"}),
    );
    assert_eq!(status, 400, "the server's roles are not this team's");
    let (_, list) = w.http(Some("u-alice"), "GET", &format!("/api/v0/autocomplete/statuses?team_id={TEAM}"), Value::Null);
    assert_eq!(list[2]["Item"], "Closed");
    // The last status resolves; reopening starts again at the first.
    assert!(w.cmd("u-alice", &ch, "/incident end").starts_with("Ended INC-0001"));
    let (_, v) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!((v["state"].as_str(), v["status"].as_str()), (Some("ended"), Some("Closed")));
    let (_, v) = w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/reopen"), Value::Null);
    assert_eq!(v["status"], "Open", "{v}");

    // The role nudge names the team's role.
    let created = inc["created_at"].as_i64().expect("created");
    let (status, _) =
        w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/roles"), json!({"role": "Scribe", "user_id": null}));
    assert_eq!(status, 200);
    let repo = crate::store::repo::Repo::new(&w.db);
    let mut ids = crate::ids_and_clock::RandomIds;
    let mut s = crate::service::Service { mm: &w.mm, repo, ids: &mut ids, now: created + 16 * 60_000, bot_id: "u-bot".into() };
    assert!(s.send_due_reminders().expect("reminders") >= 1);
    assert!(w.mm.posts_in(&ch).iter().any(|p| p.contains("Nobody is the **Scribe**")), "{:?}", w.mm.posts_in(&ch));
}

#[test]
fn names_an_incident_holds_stay_after_its_team_lists_change() {
    let w = World::new();
    let inc = w.start("u-alice", "Before the change");
    let (id, ch) = (inc["id"].as_str().expect("id").to_owned(), inc["channel_id"].as_str().expect("ch").to_owned());
    w.cmd("u-alice", &ch, "/incident severity P2");
    w.cmd("u-alice", &ch, "/incident status Identified");
    let (status, _) = w.http(Some("u-root"), "PUT", &url(), own_lists());
    assert_eq!(status, 200);

    let (status, v) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!((status, v["severity"].as_str(), v["status"].as_str()), (200, Some("P2"), Some("Identified")));
    assert!(w.cmd("u-alice", &ch, "/incident info").contains("P2"));
    let (_, list) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents?team_id={TEAM}&severity=P2"), Value::Null);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");
    let (status, v) =
        w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/updates"), json!({"message": "still looking"}));
    assert_eq!(status, 201, "{v}");
    let (status, v) = w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/status"), json!({"status": "Fixing"}));
    assert_eq!((status, v["status"].as_str()), (200, Some("Fixing")), "{v}");
    let (status, v) = w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/severity"), json!({"severity": "SEV1"}));
    assert_eq!((status, v["severity"].as_str()), (200, Some("SEV1")), "{v}");
    let (_, report) = w.http(Some("u-alice"), "GET", &format!("/api/v0/reports?team_id={TEAM}"), Value::Null);
    assert!(report.to_string().contains("SEV1"), "{report}");
}
