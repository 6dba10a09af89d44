//! Update reminders that repeat and escalate (issue 17): the timer posts each step once, the
//! escalation reaches the commander, the stakeholders and the timeline, and `/incident
//! reminders` and `GET /api/v0/incidents/{id}/reminders` show the plan.

use serde_json::{Value, json};

use crate::tests::fake_mattermost::TEAM;
use crate::tests::scenarios::World;

const MIN: i64 = 60_000;

fn world() -> World {
    let mut w = World::new();
    w.mm.settings.role_nudge_minutes = "0".into();
    w.mm.settings.stale_incident_days = "0".into();
    w.mm.settings.update_reminders = "P1: 30, repeat 25, escalate after 2".into();
    w.mm.settings.stakeholders = "P1: ~leadership @bob".into();
    w.mm.channels.borrow_mut().insert(
        "lead".into(),
        mattermost_plugin_sdk::model::Channel {
            id: "lead".into(),
            team_id: TEAM.into(),
            name: "leadership".into(),
            channel_type: "O".into(),
            ..Default::default()
        },
    );
    w
}

fn remind_at(w: &World, now: i64) -> usize {
    let repo = crate::store::repo::Repo::new(&w.db);
    let mut ids = crate::ids_and_clock::RandomIds;
    let mut s = crate::service::Service { mm: &w.mm, repo, ids: &mut ids, now, bot_id: "u-bot".into() };
    s.send_due_reminders().expect("reminders")
}

/// The due time the P1 cycle starts from: raising the severity is no update, so it counts from
/// the start.
fn p1(w: &World, name: &str) -> (String, String, i64) {
    let inc = w.start("u-alice", name);
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    let id = inc["id"].as_str().expect("id").to_owned();
    w.cmd("u-alice", &ch, "/incident severity P1");
    (ch, id, inc["created_at"].as_i64().expect("created") + 30 * MIN)
}

#[test]
fn a_due_reminder_repeats_then_escalates_each_step_once() {
    let w = world();
    let (ch, id, due) = p1(&w, "Payments down");
    let reminders = || w.mm.posts_in(&ch).into_iter().filter(|m| m.contains("Time for a status update")).collect::<Vec<_>>();
    let lead_before = w.mm.posts_in("lead").len();

    assert_eq!(remind_at(&w, due - 1), 0);
    assert_eq!(remind_at(&w, due), 1);
    assert_eq!(remind_at(&w, due + MIN), 0, "once, however often the timer runs");
    assert_eq!(remind_at(&w, due + 25 * MIN), 1, "repeated 25 minutes later");
    assert_eq!(remind_at(&w, due + 26 * MIN), 0);
    let posted = reminders();
    assert_eq!(posted.len(), 2);
    assert!(posted[1].starts_with("@alice Time for a status update on INC-0001 (reminder 2)"), "{}", posted[1]);
    assert!(w.mm.dms.borrow().iter().all(|(_, m)| !m.contains("no status update")), "no escalation yet");

    // Two reminders went unanswered: the third reminder and the escalation.
    assert_eq!(remind_at(&w, due + 50 * MIN), 2);
    assert_eq!(remind_at(&w, due + 51 * MIN), 0, "each step once");
    let dms = w.mm.dms.borrow().clone();
    let escalations: Vec<_> = dms.iter().filter(|(_, m)| m.contains("has had no status update")).collect();
    let to: Vec<&str> = escalations.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(to, ["u-alice", "u-bob"], "the commander and @bob, a P1 stakeholder");
    let message = &escalations[0].1;
    assert!(
        message.starts_with("INC-0001 **Payments down** (P1) has had no status update for 80 min: 2 reminders in ~inc-0001-payments-down went unanswered."),
        "{message}"
    );
    let lead = w.mm.posts_in("lead");
    assert_eq!(lead.len(), lead_before + 1, "{lead:?}");
    assert!(lead.last().is_some_and(|m| m.contains("has had no status update")), "{lead:?}");
    // On the timeline, by the bot, said in the channel.
    let (_, inc) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    let kinds: Vec<Value> = inc["timeline"].as_array().expect("timeline").iter().map(|e| e["kind"].clone()).collect();
    assert!(kinds.contains(&json!({"type": "update_escalated", "missed": 2, "due_at": due})), "{kinds:?}");
    assert!(w.mm.posts_in(&ch).iter().any(|m| m.contains("escalated the missing status update")), "the channel is told");

    // Further repeats come; the escalation does not, until an update starts a new cycle.
    assert_eq!(remind_at(&w, due + 75 * MIN), 1);
    w.cmd("u-alice", &ch, "/incident update Card payments recovering");
    let (_, plan) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}/reminders"), Value::Null);
    let updated_at = due - 30 * MIN; // at least the start: the update came after it
    assert_eq!((plan["reminders_so_far"].clone(), plan["escalated"].clone()), (json!(0), json!(false)), "{plan}");
    assert!(plan["next_due_at"].as_i64().is_some_and(|d| d >= updated_at + 30 * MIN), "a new cycle: {plan}");
}

#[test]
fn a_stakeholder_in_the_channel_hears_of_the_escalation_and_a_private_incident_shows_as_a_line() {
    let w = world();
    let inc = w.start("u-alice", "Leak");
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    w.mm.channels.borrow_mut().get_mut(&ch).expect("channel").channel_type = "P".into();
    w.cmd("u-alice", &ch, "/incident severity P1"); // brings bob in
    let due = inc["created_at"].as_i64().expect("created") + 30 * MIN;
    assert_eq!(remind_at(&w, due + 50 * MIN), 2);
    let to: Vec<String> =
        w.mm.dms.borrow().iter().filter(|(_, m)| m.contains("has had no status update")).map(|(u, _)| u.clone()).collect();
    assert_eq!(to, ["u-alice", "u-bob"]);
    let lead = w.mm.posts_in("lead");
    assert_eq!(lead.last().map(String::as_str), Some("A private incident (P1, INC-0001) has had no status update for 80 min."));
}

#[test]
fn the_plan_shows_by_command_and_rest_and_paused_incidents_get_nothing() {
    let w = world();
    let (ch, id, due) = p1(&w, "Search slow");
    let plan = w.cmd("u-alice", &ch, "/incident reminders");
    assert!(plan.starts_with("Update reminders for INC-0001 (P1: due 30m after each update):"), "{plan}");
    assert!(plan.contains("repeated every 25m until an update is posted"), "{plan}");
    assert!(
        plan.contains("after 2 reminders without an update: a direct message to the commander and a post in ~leadership."),
        "{plan}"
    );
    let url = format!("/api/v0/incidents/{id}/reminders");
    let (status, v) = w.http(Some("u-alice"), "GET", &url, Value::Null);
    assert_eq!(status, 200, "{v}");
    assert_eq!((v["state"].clone(), v["next_due_at"].clone()), (json!("on"), json!(due)));
    assert_eq!((v["repeat_minutes"].clone(), v["escalate_after"].clone()), (json!(25), json!(2)));
    assert_eq!(v["escalates_at"], json!(due + 50 * MIN));
    assert!(v["text"].as_str().is_some_and(|t| t.starts_with("Update reminders for INC-0001 (P1")), "{v}");
    let (status, _) = w.http(Some("u-carol"), "GET", &url, Value::Null);
    assert_eq!(status, 404, "outsiders do not see it");
    let (status, _) = w.http(None, "GET", &url, Value::Null);
    assert_eq!(status, 401);

    w.cmd("u-alice", &ch, "/incident pause waiting for the vendor");
    assert_eq!(w.cmd("u-alice", &ch, "/incident reminders"), "INC-0001 is paused: no reminders until `/incident resume`.");
    assert_eq!(w.http(Some("u-alice"), "GET", &url, Value::Null).1["state"], "paused");
    assert_eq!(remind_at(&w, due + 500 * MIN), 0, "no reminder and no escalation while paused");
    w.cmd("u-alice", &ch, "/incident reminders off");
    w.cmd("u-alice", &ch, "/incident resume");
    assert_eq!(
        w.cmd("u-alice", &ch, "/incident reminders"),
        "Update reminders for INC-0001 are off; `/incident reminders on` brings them back."
    );
    w.cmd("u-alice", &ch, "/incident reminders snooze");
    w.cmd("u-alice", &ch, "/incident reminders on");
    assert!(w.cmd("u-alice", &ch, "/incident reminders").contains("- Snoozed until "));
    assert!(w.cmd("u-alice", "town", "/incident reminders INC-0001").starts_with("Update reminders for INC-0001"));
    w.cmd("u-alice", &ch, "/incident end");
    assert_eq!(w.cmd("u-alice", &ch, "/incident reminders"), "INC-0001 is over: no more update reminders.");
}

/// In a channel two incidents share, a command without a reference asks which incident: the
/// commands a reminder suggests name theirs, and work as written.
#[test]
fn reminders_in_a_shared_channel_name_their_incident_in_the_commands_they_suggest() {
    let w = world();
    let (ch, _, due) = p1(&w, "Payments down");
    assert!(w.cmd("u-alice", &ch, "/incident start --here Refunds slow").contains("INC-0002"));
    assert_eq!(remind_at(&w, due), 1);
    let posted: Vec<String> = w.mm.posts_in(&ch).into_iter().filter(|m| m.contains("Time for a status update")).collect();
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert!(posted[0].contains("`/incident update INC-0001 <what happened and what is next>`"), "{}", posted[0]);
    let unnamed = w.cmd("u-alice", &ch, "/incident update Rolled back");
    assert!(unnamed.contains("INC-0001") && unnamed.contains("INC-0002"), "without a reference it asks: {unnamed}");
    let named = w.cmd("u-alice", &ch, "/incident update INC-0001 Rolled back");
    assert!(!named.contains("INC-0002"), "as the reminder says, it posts on INC-0001: {named}");
}
