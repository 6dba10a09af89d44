use super::*;
use crate::ids::SequentialIds;
use crate::incident::RoleAssignment;
use crate::test_support::{playbook, request};
use crate::timeline::TimelineEvent;

const HOUR: i64 = 3_600_000;

fn utc(y: i32, mo: u32, d: u32, h: u32) -> i64 {
    chrono::NaiveDate::from_ymd_opt(y, mo, d)
        .and_then(|date| date.and_hms_opt(h, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
        .expect("a valid UTC time")
}

/// Wednesday 2026-12-09 12:00 UTC.
fn now() -> i64 {
    utc(2026, 12, 9, 12)
}

fn started(id: &str, commander: &str, reporter: &str, at: i64) -> Incident {
    let mut r = request("Database down");
    r.id = id.into();
    r.commander_id = commander.into();
    r.reporter_id = reporter.into();
    let mut incident = Incident::start(r, Some(&playbook()), &mut SequentialIds::new(id), at).expect("start");
    // The fixture playbook gives carol its first item; these incidents start with nobody assigned.
    incident.checklists.iter_mut().flat_map(|s| &mut s.items).for_each(|i| i.assignee_ids.clear());
    incident
}

fn push(incident: &mut Incident, at: i64, actor: &str, kind: TimelineEventKind) {
    let id = format!("{}-{}", incident.id, incident.timeline.len() + 1);
    incident.timeline.push(TimelineEvent { id, at, actor_id: actor.into(), kind });
}

fn end(incident: &mut Incident, at: i64, actor: &str) {
    push(incident, at, actor, TimelineEventKind::IncidentEnded);
    incident.state = IncidentState::Ended;
    incident.ended_at = Some(at);
}

/// A: active since Saturday 5 Dec 20:00 UTC, alice commanding, bob reported it; carol took the
/// comms role on Tuesday 8 Dec 10:00, dave was given item 2 at 11:00.
fn incident_a() -> Incident {
    let mut a = started("a", "alice", "bob", utc(2026, 12, 5, 20));
    a.number = 1;
    a.roles.push(RoleAssignment { role: "Comms lead".into(), user_id: "carol".into(), assigned_at: utc(2026, 12, 8, 10) });
    push(
        &mut a,
        utc(2026, 12, 8, 10),
        "alice",
        TimelineEventKind::RoleAssigned { role: "Comms lead".into(), from: None, to: Some("carol".into()) },
    );
    a.checklists[0].items[1].assignee_ids = vec!["dave".into()];
    let (item_id, title) = (a.checklists[0].items[1].id.clone(), a.checklists[0].items[1].title.clone());
    push(
        &mut a,
        utc(2026, 12, 8, 11),
        "alice",
        TimelineEventKind::ItemAssigneesChanged { item_id, title, added: vec!["dave".into()], removed: vec![] },
    );
    a
}

/// B: Monday 2 Nov 10:00 to Tuesday 3 Nov 10:00 UTC; carol commanded until 15:00, then dave.
fn incident_b() -> Incident {
    let mut b = started("b", "dave", "carol", utc(2026, 11, 2, 10));
    b.number = 2;
    push(&mut b, utc(2026, 11, 2, 15), "carol", TimelineEventKind::CommanderChanged { from: "carol".into(), to: "dave".into() });
    end(&mut b, utc(2026, 11, 3, 10), "dave");
    b
}

/// C: ended in September, before the report's weeks: nobody's load.
fn incident_c() -> Incident {
    let mut c = started("c", "eve", "eve", utc(2026, 9, 1, 10));
    end(&mut c, utc(2026, 9, 2, 10), "eve");
    c
}

/// D: two hours on Wednesday 2 Dec, alice commanding.
fn incident_d() -> Incident {
    let mut d = started("d", "alice", "alice", utc(2026, 12, 2, 10));
    end(&mut d, utc(2026, 12, 2, 12), "alice");
    d
}

fn zones(user: &str) -> Option<String> {
    match user {
        "alice" => Some("Europe/Paris".into()),
        "carol" => Some("America/New_York".into()),
        "bob" => Some("UTC".into()),
        "dave" => Some("Mars/Olympus_Mons".into()),
        _ => None,
    }
}

fn report(only: Option<&str>) -> LoadReport {
    let incidents = vec![incident_a(), incident_b(), incident_c(), incident_d()];
    let query = LoadQuery { reader_zone: Some("UTC"), weeks: 8, now_ms: now(), only_user: only };
    responder_load(&incidents, &mut zones, &query)
}

fn person<'r>(report: &'r LoadReport, user: &str) -> &'r PersonLoad {
    report.people.iter().find(|p| p.user_id == user).expect("the person is in the report")
}

#[test]
fn active_spans_follow_ends_and_reopenings() {
    let mut i = started("x", "alice", "alice", utc(2026, 12, 1, 0));
    assert_eq!(active_spans(&i, now()), vec![(utc(2026, 12, 1, 0), now())]);
    end(&mut i, utc(2026, 12, 2, 0), "alice");
    push(&mut i, utc(2026, 12, 3, 0), "alice", TimelineEventKind::IncidentReopened);
    i.state = IncidentState::Active;
    i.ended_at = None;
    assert_eq!(active_spans(&i, now()), vec![(utc(2026, 12, 1, 0), utc(2026, 12, 2, 0)), (utc(2026, 12, 3, 0), now())]);
    // Engagement skips the time it was ended.
    assert_eq!(engagement(&i, "alice", now()).len(), 2);
}

#[test]
fn engagement_runs_while_one_holds_something_and_ends_with_ones_last_moment_otherwise() {
    let b = incident_b();
    // carol was the first commander and handed over at 15:00: engaged 10:00–15:00.
    assert_eq!(engagement(&b, "carol", now()), vec![(utc(2026, 11, 2, 10), utc(2026, 11, 2, 15))]);
    // dave commanded from the hand-over to the end.
    assert_eq!(engagement(&b, "dave", now()), vec![(utc(2026, 11, 2, 15), utc(2026, 11, 3, 10))]);
    assert_eq!(
        commander_spans(&b, now()),
        vec![
            ("carol".to_string(), utc(2026, 11, 2, 10), utc(2026, 11, 2, 15)),
            ("dave".to_string(), utc(2026, 11, 2, 15), utc(2026, 11, 3, 10)),
        ]
    );
    let a = incident_a();
    // bob only reported it: one moment, no time.
    assert_eq!(engagement(&a, "bob", now()), vec![(utc(2026, 12, 5, 20), utc(2026, 12, 5, 20))]);
    // dave holds an open item: engaged from its assignment until now.
    assert_eq!(engagement(&a, "dave", now()), vec![(utc(2026, 12, 8, 11), now())]);
    // Someone with no part has no engagement.
    assert!(engagement(&a, "zoe", now()).is_empty());
}

#[test]
fn open_roles_and_items_now() {
    let r = report(None);
    let alice = person(&r, "alice");
    assert_eq!(alice.open_roles.len(), 1, "commander of A only: D has ended");
    assert!(alice.open_roles[0].is_commander);
    assert_eq!(alice.open_roles[0].reference, "INC-0001");
    let carol = person(&r, "carol");
    assert_eq!(carol.open_roles.iter().map(|o| o.role.as_str()).collect::<Vec<_>>(), vec!["Comms lead"]);
    let dave = person(&r, "dave");
    assert_eq!(dave.open_items.iter().map(|o| (o.number, o.title.as_str())).collect::<Vec<_>>(), vec![(2, "Assess severity")]);
    assert!(dave.open_roles.is_empty());
    // eve's incident ended before the report's weeks.
    assert!(r.people.iter().all(|p| p.user_id != "eve"));
    assert_eq!(r.incidents, 3);
}

#[test]
fn incidents_per_week_in_the_readers_weeks() {
    let r = report(None);
    assert_eq!(r.week_starts.len(), 8);
    assert_eq!(r.week_starts[0], utc(2026, 10, 19, 0));
    assert_eq!(r.week_starts[7], utc(2026, 12, 7, 0));
    // alice: D and A in the week of 30 Nov (A began on Saturday 5th), A again this week.
    assert_eq!(person(&r, "alice").incidents_per_week, vec![0, 0, 0, 0, 0, 0, 2, 1]);
    assert_eq!(person(&r, "alice").incidents, 2);
    // carol: B in the week of 2 Nov, A this week.
    assert_eq!(person(&r, "carol").incidents_per_week, vec![0, 0, 1, 0, 0, 0, 0, 1]);
    // bob: the report of A, on Saturday 5th.
    assert_eq!(person(&r, "bob").incidents_per_week, vec![0, 0, 0, 0, 0, 0, 1, 0]);
    // In Tokyo's weeks, A began on Sunday 6 Dec 05:00: still the week of 30 Nov there.
    let incidents = vec![incident_a()];
    let tokyo = LoadQuery { reader_zone: Some("Asia/Tokyo"), weeks: 2, now_ms: now(), only_user: Some("bob") };
    let r = responder_load(&incidents, &mut zones, &tokyo);
    assert_eq!(r.zone, "Asia/Tokyo");
    assert_eq!(r.people[0].incidents_per_week, vec![1, 0]);
    // A report in Honolulu's weeks (UTC−10) sees Saturday 10:00: the same week.
    let honolulu = LoadQuery { reader_zone: Some("Pacific/Honolulu"), weeks: 2, now_ms: now(), only_user: Some("bob") };
    assert_eq!(responder_load(&incidents, &mut zones, &honolulu).people[0].incidents_per_week, vec![1, 0]);
}

#[test]
fn out_of_hours_in_each_persons_own_zone() {
    let r = report(None);
    // alice (Paris, UTC+1) commands A from Saturday 20:00 UTC to Wednesday 12:00 UTC: the
    // weekend to Monday 08:00 UTC (36 h) and two nights of 15 h.
    let alice = person(&r, "alice");
    assert_eq!((alice.time_zone.as_str(), alice.time_zone_known), ("Europe/Paris", true));
    // D (Wednesday 2 Dec 11:00–13:00 Paris) was in working hours.
    assert_eq!(alice.out_of_hours_ms, 66 * HOUR);
    assert_eq!(alice.out_of_hours_ms_month, 66 * HOUR);
    // carol (New York, UTC−5 after 1 Nov): B 05:00–10:00 local, four hours before nine; then A
    // from Tuesday 10:00 UTC (05:00 local): 4 h that morning, then 18:00 to Wednesday 07:00
    // local (now): 13 h.
    let carol = person(&r, "carol");
    assert_eq!(carol.out_of_hours_ms, (4 + 4 + 13) * HOUR);
    assert_eq!(carol.out_of_hours_ms_month, (4 + 13) * HOUR);
    // dave's zone is unknown: UTC, and the report says so. B from 15:00 to 10:00 the next day
    // (15 h outside 09–18); A from Tuesday 11:00: 15 h that night.
    let dave = person(&r, "dave");
    assert_eq!((dave.time_zone.as_str(), dave.time_zone_known), ("UTC", false));
    assert_eq!(dave.out_of_hours_ms, 30 * HOUR);
    assert_eq!(dave.out_of_hours_ms_month, 15 * HOUR);
    assert_eq!(person(&r, "bob").out_of_hours_ms, 0);
}

#[test]
fn commanders_this_month_and_order() {
    let r = report(None);
    // December (UTC): alice led A and D; B was in November.
    assert_eq!(r.commanders_this_month, vec![CommanderCount { user_id: "alice".into(), incidents: 2 }]);
    assert_eq!(r.month_start, utc(2026, 12, 1, 0));
    // One open thing each for alice, carol and dave (two incidents each), then bob.
    let order: Vec<&str> = r.people.iter().map(|p| p.user_id.as_str()).collect();
    assert_eq!(order, vec!["alice", "carol", "dave", "bob"]);
}

#[test]
fn one_persons_load() {
    let r = report(Some("carol"));
    assert_eq!(r.people.len(), 1);
    assert_eq!(r.people[0].user_id, "carol");
    // Someone with no part at all still gets a row (of zeros): `/incident load` answers them.
    let r = report(Some("zoe"));
    assert_eq!(r.people.len(), 1);
    assert_eq!(r.people[0].incidents, 0);
    assert!(!r.people[0].time_zone_known);
}
