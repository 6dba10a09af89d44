use super::*;
use crate::conduct::Conduct;
use crate::ids::SequentialIds;
use crate::lifecycle::UpdateDraft;
use crate::test_support::{T0, incident};
use crate::time_fmt::Zone;

fn at(severity: &str) -> Incident {
    let mut i = incident();
    i.severity = severity.into();
    i.status = "Investigating".into();
    i
}

#[test]
fn settings_parse_with_defaults_and_clear_errors() {
    let p = ReminderPolicy::default();
    assert_eq!(p.intervals, [Cadence::every("P1", 30), Cadence::every("P2", 30)]);
    assert_eq!((p.intervals[0].repeat_minutes, p.intervals[0].escalate_after), (25, 2));
    assert_eq!((p.interval_ms("p2"), p.interval_ms("P3"), p.stale_after_days), (Some(30 * MINUTE_MS), None, 7));
    assert_eq!(ReminderPolicy::from_settings("none", "0", "0").map(|p| (p.intervals.len(), p.stale_after_days)), Ok((0, 0)));
    assert_eq!(
        ReminderPolicy::from_settings("P1 30", "", ""),
        Err("update reminders, line 1: write `Severity: minutes`.".into())
    );
    assert_eq!(
        ReminderPolicy::from_settings("P1: soon", "", ""),
        Err("update reminders, line 1: the minutes are not a whole number.".into())
    );
    assert!(ReminderPolicy::from_settings("P1: 0", "", "").is_err());
    assert!(ReminderPolicy::from_settings("", "-1", "").is_err());
}

#[test]
fn an_update_is_due_per_severity_after_the_last_one() {
    let policy = ReminderPolicy::default();
    let p1 = at("P1");
    assert_eq!(due(&p1, &policy, &[], T0 + 29 * MINUTE_MS), []);
    let r = due(&p1, &policy, &[], T0 + 30 * MINUTE_MS);
    assert_eq!(r, [Reminder::UpdateDue { due_at: T0 + 30 * MINUTE_MS, last_at: T0, repeat: 0 }]);
    assert_eq!(r[0].key(), format!("update:{}", T0 + 30 * MINUTE_MS));
    assert_eq!(due(&at("P4"), &policy, &[], T0 + 300 * MINUTE_MS), [], "P4 has no interval");

    // An update moves the next due time; a promised time earlier than the interval wins.
    let mut i = at("P1");
    let draft = UpdateDraft { message: "m".into(), next_update_at: Some(T0 + 20 * MINUTE_MS), ..Default::default() };
    i.post_update("bob", &Conduct::default(), &draft, &mut SequentialIds::new("u"), T0 + 10 * MINUTE_MS).expect("update");
    assert_eq!(due(&i, &policy, &[], T0 + 19 * MINUTE_MS), []);
    assert_eq!(
        due(&i, &policy, &[], T0 + 20 * MINUTE_MS),
        [Reminder::UpdateDue { due_at: T0 + 20 * MINUTE_MS, last_at: T0 + 10 * MINUTE_MS, repeat: 0 }]
    );
}

#[test]
fn snooze_and_stop_and_the_end_silence_reminders() {
    let policy = ReminderPolicy::default();
    let mut i = at("P1");
    i.snooze_reminders("alice", T0 + 60 * MINUTE_MS, T0 + 31 * MINUTE_MS).expect("snooze");
    assert_eq!(due(&i, &policy, &[], T0 + 45 * MINUTE_MS), []);
    assert_eq!(due(&i, &policy, &[], T0 + 60 * MINUTE_MS).len(), 1);
    i.set_reminders("alice", false, T0 + 61 * MINUTE_MS).expect("off");
    assert_eq!(due(&i, &policy, &[], T0 + 600 * MINUTE_MS), []);
    assert_eq!(i.set_reminders("alice", false, T0), Err(DomainError::NoChange("reminders are already off.".into())));
    i.set_reminders("alice", true, T0 + 601 * MINUTE_MS).expect("on");
    assert_eq!(
        due(&i, &policy, &[], T0 + 602 * MINUTE_MS),
        [Reminder::UpdateDue { due_at: T0 + 601 * MINUTE_MS, last_at: T0, repeat: 0 }],
        "back on: a new cycle, not an escalation for the time it was off"
    );
    assert!(i.snooze_reminders("alice", T0, T0 + 1).is_err(), "the past");
    i.end("alice", T0 + 700 * MINUTE_MS).expect("end");
    assert_eq!(due(&i, &policy, &[], T0 + 800 * MINUTE_MS), []);
    let kinds: Vec<_> = i.timeline.iter().map(|e| e.kind.clone()).collect();
    assert!(kinds.contains(&TimelineEventKind::RemindersSnoozed { until: T0 + 60 * MINUTE_MS }));
    assert!(kinds.contains(&TimelineEventKind::RemindersSet { on: false }));
}

#[test]
fn empty_roles_are_nudged_after_a_while() {
    let policy = ReminderPolicy { intervals: Vec::new(), stale_after_days: 0, role_nudge_minutes: 15 };
    let roles = ["Comms lead".to_string(), "Technical lead".to_string()];
    let mut i = at("P3");
    assert_eq!(due(&i, &policy, &roles, T0 + 14 * MINUTE_MS), []);
    i.assign_role("alice", &Conduct::default(), "Comms lead", Some("bob"), T0 + MINUTE_MS).expect("role");
    let r = due(&i, &policy, &roles, T0 + 15 * MINUTE_MS);
    assert_eq!(r, [Reminder::RoleUnfilled { role: "Technical lead".into() }]);
    assert_eq!(r[0].key(), "role:technical lead");
    assert!(ReminderPolicy::from_settings("", "", "soon").is_err());
    assert_eq!(ReminderPolicy::default().role_nudge_minutes, 15);
}

#[test]
fn an_open_item_past_its_due_time_is_nudged_once_per_due_time() {
    let policy = ReminderPolicy { intervals: Vec::new(), stale_after_days: 0, role_nudge_minutes: 0 };
    let mut i = at("P3");
    i.add_assignees("alice", 2, &["dave".into()], T0 + 1).expect("assign");
    i.set_item_due("alice", 2, Some(T0 + 10 * MINUTE_MS), T0 + 1).expect("due");
    assert_eq!(due(&i, &policy, &[], T0 + 10 * MINUTE_MS), []);
    let r = due(&i, &policy, &[], T0 + 10 * MINUTE_MS + 1);
    let item_id = i.item_by_number(2).expect("item").id.clone();
    assert_eq!(
        r,
        [Reminder::ItemOverdue {
            item_id: item_id.clone(),
            number: 2,
            title: "Assess severity".into(),
            due_at: T0 + 10 * MINUTE_MS,
            assignee_ids: vec!["dave".into()],
        }]
    );
    assert_eq!(r[0].key(), format!("item:{item_id}:{}", T0 + 10 * MINUTE_MS));
    assert_eq!(i.overdue_items(T0 + 10 * MINUTE_MS + 1), 1);
    // Done: no longer nudged.
    i.set_item_state("dave", 2, crate::checklist::ItemState::Done, T0 + 11 * MINUTE_MS).expect("done");
    assert_eq!(due(&i, &policy, &[], T0 + 12 * MINUTE_MS), []);
}

#[test]
fn long_running_incidents_are_nudged_once_a_day() {
    let policy = ReminderPolicy { intervals: Vec::new(), stale_after_days: 7, role_nudge_minutes: 0 };
    let i = at("P3");
    assert_eq!(due(&i, &policy, &[], T0 + 7 * DAY_MS - 1), []);
    assert_eq!(due(&i, &policy, &[], T0 + 7 * DAY_MS), [Reminder::Stale { days: 7 }]);
    assert_eq!(due(&i, &policy, &[], T0 + 8 * DAY_MS + 5)[0].key(), "stale:8");
}

#[test]
fn cadences_take_a_repeat_and_an_escalation_and_old_lines_stay_valid() {
    let p = ReminderPolicy::from_settings(
        "P1: 30, repeat 10, escalate after 3\nP2: 60, repeat never\nP3: 90, Escalate Never\nP4: 120",
        "",
        "",
    )
    .expect("parse");
    let c = |s: &str| p.cadence(s).cloned().expect("cadence");
    assert_eq!(c("P1"), Cadence { severity: "P1".into(), every_minutes: 30, repeat_minutes: 10, escalate_after: 3 });
    assert_eq!((c("p2").repeat_minutes, c("P2").escalate_after), (0, 2));
    assert_eq!((c("P3").repeat_minutes, c("P3").escalate_after), (25, 0));
    assert_eq!(c("P4"), Cadence::every("P4", 120), "a line as written before repeats existed");
    assert_eq!(c("P2").escalates_at(T0), None, "no repeats, nothing missed to escalate");
    assert_eq!(c("P1").escalates_at(T0), Some(T0 + 30 * MINUTE_MS));
    let err = |text: &str| ReminderPolicy::from_settings(text, "", "").expect_err(text);
    assert_eq!(err("P1: 30, repeat soon"), "update reminders, line 1: repeat: whole minutes from 1 to 10080, or `repeat never`.");
    assert_eq!(
        err("P1: 30, escalate after 21"),
        "update reminders, line 1: escalate after: a number of reminders from 1 to 20, or `escalate never`."
    );
    assert_eq!(
        err("P1: 30\nP2: 5, page bob"),
        "update reminders, line 2: \"page bob\" is neither `repeat <minutes>` nor `escalate after <reminders>`."
    );
    assert_eq!(err("P1: 30\np1: 40"), "update reminders, line 2: p1 is listed twice.");
    assert_eq!(err(": 30"), "update reminders, line 1: name the severity before the colon.");
}

#[test]
fn a_due_reminder_repeats_until_an_update_then_escalates_once_per_cycle() {
    let policy = ReminderPolicy::from_settings("P1: 30, repeat 25, escalate after 2", "0", "0").expect("policy");
    let mut i = at("P1");
    let due_at = T0 + 30 * MINUTE_MS;
    let keys = |i: &Incident, now: i64| due(i, &policy, &[], now).iter().map(Reminder::key).collect::<Vec<_>>();
    assert_eq!(due(&i, &policy, &[], due_at + 24 * MINUTE_MS), [Reminder::UpdateDue { due_at, last_at: T0, repeat: 0 }]);
    assert_eq!(due(&i, &policy, &[], due_at + 25 * MINUTE_MS), [Reminder::UpdateDue { due_at, last_at: T0, repeat: 1 }]);
    // Two reminders went unanswered: the third comes with the escalation.
    assert_eq!(
        due(&i, &policy, &[], due_at + 50 * MINUTE_MS),
        [Reminder::UpdateDue { due_at, last_at: T0, repeat: 2 }, Reminder::UpdateEscalated { due_at, last_at: T0, missed: 2 }]
    );
    // Every step has its own key, and the escalation keeps one key for the whole cycle.
    let all: Vec<String> = [0, 25, 50, 75].iter().flat_map(|m| keys(&i, due_at + m * MINUTE_MS)).collect();
    assert_eq!(
        all,
        [
            format!("update:{due_at}"),
            format!("update:{due_at}:1"),
            format!("update:{due_at}:2"),
            format!("escalate:{due_at}"),
            format!("update:{due_at}:3"),
            format!("escalate:{due_at}"),
        ]
    );
    // An update starts a new cycle with new keys.
    let draft = UpdateDraft { message: "m".into(), ..Default::default() };
    let updated_at = due_at + 60 * MINUTE_MS;
    i.post_update("bob", &Conduct::default(), &draft, &mut SequentialIds::new("u"), updated_at).expect("update");
    assert_eq!(keys(&i, updated_at + 29 * MINUTE_MS), Vec::<String>::new());
    assert_eq!(keys(&i, updated_at + 30 * MINUTE_MS), [format!("update:{}", updated_at + 30 * MINUTE_MS)]);
}

#[test]
fn the_plan_says_what_comes_next_and_why_nothing_does() {
    let policy = ReminderPolicy::from_settings("P1: 30, repeat 25, escalate after 2", "0", "0").expect("policy");
    let mut i = at("P1");
    let due_at = T0 + 30 * MINUTE_MS;
    let p = plan(&i, &policy, T0 + MINUTE_MS);
    assert_eq!(
        p,
        ReminderPlan {
            state: ReminderState::On,
            next_due_at: Some(due_at),
            next_reminder_at: Some(due_at),
            every_minutes: 30,
            repeat_minutes: 25,
            escalate_after: 2,
            escalates_at: Some(due_at + 50 * MINUTE_MS),
            reminders_so_far: 0,
            escalated: false,
            snoozed_until: None,
        }
    );
    let p = plan(&i, &policy, due_at + 26 * MINUTE_MS);
    assert_eq!((p.reminders_so_far, p.next_reminder_at, p.escalated), (2, Some(due_at + 50 * MINUTE_MS), false));
    assert!(plan(&i, &policy, due_at + 50 * MINUTE_MS).escalated);
    assert_eq!(plan(&at("P4"), &policy, T0).state, ReminderState::NotScheduled);

    i.snooze_reminders("alice", due_at + 60 * MINUTE_MS, due_at + MINUTE_MS).expect("snooze");
    let p = plan(&i, &policy, due_at + 2 * MINUTE_MS);
    assert_eq!(
        (p.state, p.next_due_at, p.snoozed_until),
        (ReminderState::Snoozed, Some(due_at + 60 * MINUTE_MS), Some(due_at + 60 * MINUTE_MS))
    );
    assert_eq!(p.escalates_at, Some(due_at + 110 * MINUTE_MS), "a snooze starts the cycle again");
    i.pause("alice", "vendor", due_at + 3 * MINUTE_MS).expect("pause");
    assert_eq!(plan(&i, &policy, due_at + 4 * MINUTE_MS).state, ReminderState::Paused);
    assert_eq!(due(&i, &policy, &[], due_at + 500 * MINUTE_MS), [], "paused: no reminder and no escalation");
    i.resume("alice", due_at + 5 * MINUTE_MS).expect("resume");
    let p = plan(&i, &policy, due_at + 5 * MINUTE_MS);
    assert_eq!((p.state, p.next_due_at), (ReminderState::Snoozed, Some(due_at + 60 * MINUTE_MS)));
    let p = plan(&i, &policy, due_at + 400 * MINUTE_MS);
    assert_eq!(p.escalates_at, Some(due_at + 110 * MINUTE_MS));
    i.set_reminders("alice", false, due_at + 6 * MINUTE_MS).expect("off");
    let p = plan(&i, &policy, due_at + 7 * MINUTE_MS);
    assert_eq!((p.state, p.next_due_at, p.escalates_at), (ReminderState::Off, None, None));
    i.set_reminders("alice", true, due_at + 8 * MINUTE_MS).expect("on");
    i.end("alice", due_at + 9 * MINUTE_MS).expect("end");
    assert_eq!(plan(&i, &policy, due_at + 10 * MINUTE_MS).state, ReminderState::Ended);
}

#[test]
fn an_escalation_is_recorded_once_per_cycle() {
    let mut i = at("P1");
    i.record_escalation("bot", 2, T0 + 30 * MINUTE_MS, T0 + 80 * MINUTE_MS).expect("record");
    assert_eq!(
        i.last_event().map(|e| (e.actor_id.clone(), e.kind.clone())),
        Some(("bot".into(), TimelineEventKind::UpdateEscalated { missed: 2, due_at: T0 + 30 * MINUTE_MS }))
    );
    let before = i.clone();
    assert!(matches!(i.record_escalation("bot", 2, T0 + 30 * MINUTE_MS, T0 + 81 * MINUTE_MS), Err(DomainError::NoChange(_))));
    assert_eq!(i, before);
    i.record_escalation("bot", 2, T0 + 200 * MINUTE_MS, T0 + 250 * MINUTE_MS).expect("another cycle");
}

#[test]
fn the_plan_reads_as_a_few_lines() {
    let policy = ReminderPolicy::from_settings("P1: 30, repeat 25, escalate after 2", "0", "0").expect("policy");
    let mut i = at("P1");
    let now = T0 + 40 * MINUTE_MS;
    let text = plan(&i, &policy, now).describe(&i, &["leadership".into()], now, Zone::UTC);
    assert_eq!(
        text,
        "Update reminders for INC-0042 (P1: due 30m after each update):\n\
         - The next update was due 2024-05-01 13:34 UTC.\n\
         - Reminders so far without an update: 1.\n\
         - Next reminder 2024-05-01 13:59 UTC (in 15m); repeated every 25m until an update is posted.\n\
         - Escalates 2024-05-01 14:24 UTC (in 40m) after 2 reminders without an update: a direct message to the commander and a post in ~leadership."
    );
    i.set_reminders("alice", false, now).expect("off");
    assert_eq!(
        plan(&i, &policy, now).describe(&i, &[], now, Zone::UTC),
        "Update reminders for INC-0042 are off; `/incident reminders on` brings them back."
    );
    let p4 = at("P4");
    assert_eq!(
        plan(&p4, &policy, now).describe(&p4, &[], now, Zone::UTC),
        "INC-0042 is P4, which has no update reminders; an update that promises a next time is reminded then."
    );
}

#[test]
fn an_unwritten_retrospective_is_reminded_daily_for_two_weeks_after_the_end() {
    let mut i = at("P2");
    i.retrospective_template = "### Root cause".into();
    assert_eq!(retrospective_due(&i, false, T0 + 3 * DAY_MS), None, "still active");
    i.end("alice", T0 + MINUTE_MS).expect("end");
    let end = T0 + MINUTE_MS;
    assert_eq!(retrospective_due(&i, false, end + DAY_MS - 1), None, "a day to write it first");
    let first = retrospective_due(&i, false, end + DAY_MS).expect("due");
    assert_eq!((first.clone(), first.key()), (Reminder::RetrospectiveDue { days: 1 }, "retrospective:1".to_string()));
    assert_eq!(retrospective_due(&i, false, end + 14 * DAY_MS), Some(Reminder::RetrospectiveDue { days: 14 }));
    assert_eq!(retrospective_due(&i, false, end + 15 * DAY_MS), None, "not forever");
    assert_eq!(retrospective_due(&i, true, end + 2 * DAY_MS), None, "written");
    i.retrospective_template.clear();
    assert_eq!(retrospective_due(&i, false, end + 2 * DAY_MS), None, "its playbook asked for none");
}
