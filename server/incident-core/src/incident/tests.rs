use super::*;
use crate::checklist::ItemState;
use crate::error::ErrorKind;
use crate::ids::SequentialIds;
use crate::test_support::{T0, incident, playbook, request};

#[test]
fn start_without_playbook() {
    let incident = Incident::start(request("  Database   down "), None, &mut SequentialIds::new("x"), T0).expect("start");
    assert_eq!(incident.name, "Database down");
    assert_eq!(incident.summary, "Primary database unreachable");
    assert_eq!(incident.state, IncidentState::Active);
    assert_eq!(incident.created_at, T0);
    assert_eq!(incident.ended_at, None);
    assert_eq!(incident.playbook_id, None);
    assert!(incident.checklists.is_empty());
    assert_eq!(incident.timeline.len(), 1);
    let event = &incident.timeline[0];
    assert_eq!((event.id.as_str(), event.at, event.actor_id.as_str()), ("inc1-1", T0, "bob"));
    assert_eq!(event.kind, TimelineEventKind::IncidentStarted { name: "Database down".into(), playbook: None });
}

#[test]
fn start_copies_the_playbook_checklist_with_new_ids() {
    let incident = incident();
    let playbook = playbook();
    assert_eq!(incident.playbook_id.as_deref(), Some("pb1"));
    assert_eq!(incident.checklists.len(), 2);
    assert_eq!(incident.checklists[0].id, "id1");
    assert_eq!(incident.checklists[0].title, "Triage");
    let page = &incident.checklists[0].items[0];
    assert_eq!(page.id, "id2");
    assert_eq!(page.title, "Page the on-call");
    assert_eq!(page.description, "How to Page the on-call");
    assert_eq!(page.assignee_ids, ["carol"], "default assignee becomes assignee");
    assert_eq!(page.state, ItemState::Open);
    assert!(page.history.is_empty() && page.last_changed_by.is_none() && page.completed_at.is_none());
    assert_eq!(incident.checklists[1].id, "id4");
    assert_eq!(incident.checklists[1].items[1].command.as_deref(), Some("/status"));
    assert_eq!(incident.item_count(), playbook.item_count());
    assert_eq!(
        incident.timeline[0].kind,
        TimelineEventKind::IncidentStarted { name: "Database down".into(), playbook: Some("Service incident".into()) }
    );
}

#[test]
fn start_refuses_bad_input() {
    let mut ids = SequentialIds::new("x");
    let cases: Vec<(StartIncident, DomainError)> = vec![
        (request(""), DomainError::InvalidName("it is empty.".into())),
        (request(" \t\n "), DomainError::InvalidName("it is empty.".into())),
        (StartIncident { id: String::new(), ..request("a") }, DomainError::MissingField("incident id")),
        (StartIncident { team_id: " ".into(), ..request("a") }, DomainError::MissingField("team id")),
        (StartIncident { channel_id: String::new(), ..request("a") }, DomainError::MissingField("channel id")),
        (StartIncident { commander_id: String::new(), ..request("a") }, DomainError::MissingField("commander")),
        (StartIncident { reporter_id: String::new(), ..request("a") }, DomainError::MissingField("reporter")),
        (
            StartIncident { summary: "x".repeat(4001), ..request("a") },
            DomainError::InvalidSummary("it has 4001 characters; the limit is 4000.".into()),
        ),
    ];
    for (request, expected) in cases {
        assert_eq!(Incident::start(request, None, &mut ids, T0), Err(expected));
    }
    // Nothing was drawn from the id source: failures happen before any work.
    assert_eq!(ids.new_id(), "x1");
}

#[test]
fn start_refuses_another_teams_or_an_invalid_playbook() {
    let other_team = Playbook { team_id: "team2".into(), ..playbook() };
    let result = Incident::start(request("a"), Some(&other_team), &mut SequentialIds::new("x"), T0);
    assert_eq!(result.map_err(|e| e.kind()), Err(ErrorKind::Invalid));

    let invalid = Playbook { title: String::new(), ..playbook() };
    let result = Incident::start(request("a"), Some(&invalid), &mut SequentialIds::new("x"), T0);
    assert!(matches!(result, Err(DomainError::InvalidPlaybook(_))));
}

#[test]
fn name_validation() {
    assert_eq!(validate_incident_name("  Database \t down\n"), Ok("Database down".into()));
    assert_eq!(validate_incident_name("🔥 Fire 🔥"), Ok("🔥 Fire 🔥".into()));
    assert_eq!(validate_incident_name("قاعدة البيانات معطلة"), Ok("قاعدة البيانات معطلة".into()));
    assert_eq!(validate_incident_name("מסד הנתונים למטה"), Ok("מסד הנתונים למטה".into()));
    assert_eq!(validate_incident_name(&"é".repeat(100)).map(|n| n.chars().count()), Ok(100));
    assert_eq!(validate_incident_name(&"🔥".repeat(100)).map(|n| n.chars().count()), Ok(100));
    assert_eq!(
        validate_incident_name(&"x".repeat(10_000)),
        Err(DomainError::InvalidName("it has 10000 characters; the limit is 100.".into()))
    );
    assert_eq!(
        validate_incident_name(&"x".repeat(101)),
        Err(DomainError::InvalidName("it has 101 characters; the limit is 100.".into()))
    );
    assert_eq!(
        validate_incident_name("bell\u{7}"),
        Err(DomainError::InvalidName("it contains a control character (U+0007).".into()))
    );
    assert!(validate_incident_name("nul\0").is_err());
    assert!(validate_incident_name("esc\u{1b}[31m").is_err());
    assert!(validate_incident_name("del\u{7f}").is_err());
    assert_eq!(validate_incident_name("").map_err(|e| e.kind()), Err(ErrorKind::Invalid));
}

#[test]
fn ten_thousand_character_name_is_refused_by_start() {
    let result = Incident::start(request(&"x".repeat(10_000)), None, &mut SequentialIds::new("x"), T0);
    assert!(matches!(result, Err(DomainError::InvalidName(_))));
}

#[test]
fn references() {
    let mut incident = incident();
    assert_eq!(incident.reference(), "INC-0042");
    incident.number = 7;
    assert_eq!(incident.reference(), "INC-0007");
    incident.number = 12_345;
    assert_eq!(incident.reference(), "INC-12345");
    incident.number = 0;
    assert_eq!(incident.reference(), "INC-0000");
}

#[test]
fn parsing_references() {
    assert_eq!(parse_reference("INC-0042"), Some(42));
    assert_eq!(parse_reference(" inc-42 "), Some(42));
    assert_eq!(parse_reference("#42"), Some(42));
    assert_eq!(parse_reference("42"), Some(42));
    assert_eq!(parse_reference("INC-12345"), Some(12_345));
    for bad in ["", "INC-", "INC-x", "INC--1", "-1", "+1", "4 2", "INC-99999999999", "ИНЦ-1", "i"] {
        assert_eq!(parse_reference(bad), None, "{bad}");
    }
}

#[test]
fn end_records_time_and_actor() {
    let mut incident = incident();
    incident.end("alice", T0 + 60_000).expect("end");
    assert_eq!(incident.state, IncidentState::Ended);
    assert!(!incident.is_active());
    assert_eq!(incident.ended_at, Some(T0 + 60_000));
    assert_eq!(incident.duration_ms(T0 + 999_999), 60_000, "duration stops at the end");
    let event = incident.last_event().expect("event");
    assert_eq!((event.id.as_str(), event.at, event.actor_id.as_str()), ("inc1-2", T0 + 60_000, "alice"));
    assert_eq!(event.kind, TimelineEventKind::IncidentEnded);
}

#[test]
fn end_twice_is_a_conflict_and_changes_nothing() {
    let mut incident = incident();
    incident.end("alice", T0 + 1).expect("end");
    let before = incident.clone();
    assert_eq!(incident.end("bob", T0 + 2), Err(DomainError::IncidentEnded));
    assert_eq!(DomainError::IncidentEnded.kind(), ErrorKind::Conflict);
    assert_eq!(incident, before);
}

#[test]
fn end_needs_an_actor() {
    let mut incident = incident();
    let before = incident.clone();
    assert_eq!(incident.end("", T0), Err(DomainError::MissingField("actor")));
    assert_eq!(incident, before);
}

#[test]
fn change_commander() {
    let mut incident = incident();
    incident.change_commander("bob", "dave", T0 + 5).expect("change");
    assert_eq!(incident.commander_id, "dave");
    let event = incident.last_event().expect("event");
    assert_eq!((event.at, event.actor_id.as_str()), (T0 + 5, "bob"));
    assert_eq!(event.kind, TimelineEventKind::CommanderChanged { from: "alice".into(), to: "dave".into() });
    assert_eq!(incident.timeline.len(), 2);
}

#[test]
fn change_commander_errors_change_nothing() {
    let mut incident = incident();
    let before = incident.clone();
    assert_eq!(incident.change_commander("bob", "alice", T0), Err(DomainError::AlreadyCommander));
    assert_eq!(incident.change_commander("bob", " ", T0), Err(DomainError::MissingField("new commander")));
    assert_eq!(incident.change_commander("", "dave", T0), Err(DomainError::MissingField("actor")));
    assert_eq!(incident, before);

    incident.end("alice", T0).expect("end");
    let ended = incident.clone();
    assert_eq!(incident.change_commander("bob", "dave", T0), Err(DomainError::IncidentEnded));
    assert_eq!(incident, ended);
}

#[test]
fn duration_is_never_negative() {
    let incident = incident();
    assert_eq!(incident.duration_ms(T0 + 1_000), 1_000);
    assert_eq!(incident.duration_ms(T0 - 1_000), 0);
}

#[test]
fn json_round_trip_and_old_documents() {
    let mut incident = incident();
    incident.toggle_item("alice", 1, T0 + 1).expect("check");
    let json = serde_json::to_string(&incident).expect("serialise");
    assert!(json.contains(r#""state":"active""#));
    assert!(json.contains(r#""state":"done""#));
    let back: Incident = serde_json::from_str(&json).expect("deserialise");
    assert_eq!(back, incident);

    // A minimal document, as an older version might have written it, still reads.
    let old = r#"{"id":"i","team_id":"t","number":1,"name":"n","channel_id":"c",
        "commander_id":"u","reporter_id":"u","created_at":5}"#;
    let read: Incident = serde_json::from_str(old).expect("old document");
    assert_eq!(read.state, IncidentState::Active);
    assert!(read.checklists.is_empty() && read.timeline.is_empty() && read.summary.is_empty());

    let minimal_item = r#"{"id":"i","title":"t"}"#;
    let item: crate::ChecklistItem = serde_json::from_str(minimal_item).expect("old item");
    assert_eq!(item.state, ItemState::Open);
}

#[test]
fn rename_and_summary_follow_the_start_rules_and_are_recorded() {
    let mut incident = incident();
    incident.rename("alice", "  Database   down again ", T0 + 1).expect("rename");
    assert_eq!(incident.name, "Database down again");
    assert_eq!(
        incident.last_event().map(|e| (e.actor_id.as_str(), e.at, e.kind.clone())),
        Some(("alice", T0 + 1, TimelineEventKind::Renamed { from: "Database down".into(), to: "Database down again".into() }))
    );
    incident.change_summary("bob", " Replica lag\r\nthen failover ", T0 + 2).expect("summary");
    assert_eq!(incident.summary, "Replica lag\nthen failover");
    assert_eq!(
        incident.last_event().map(|e| e.kind.clone()),
        Some(TimelineEventKind::SummaryChanged {
            from: "Primary database unreachable".into(),
            to: "Replica lag\nthen failover".into()
        })
    );
    let json = serde_json::to_value(&incident.timeline[incident.timeline.len() - 2]).expect("json");
    assert_eq!(json["kind"], serde_json::json!({"type": "renamed", "from": "Database down", "to": "Database down again"}));

    // Refusals change nothing, and name the field.
    let before = incident.clone();
    let err = incident.rename("alice", "   ", T0).expect_err("empty");
    assert_eq!(err.to_string(), "Invalid incident name: it is empty.");
    let err = incident.rename("alice", &"x".repeat(101), T0).expect_err("long");
    assert_eq!(err.to_string(), "Invalid incident name: it has 101 characters; the limit is 100.");
    assert_eq!(
        incident.rename("alice", "Database down again", T0),
        Err(DomainError::NoChange("the incident already has that name.".into()))
    );
    let err = incident.change_summary("alice", &"y".repeat(4001), T0).expect_err("long summary");
    assert_eq!(err.kind(), crate::ErrorKind::Invalid);
    assert!(err.to_string().starts_with("Invalid summary: it has 4001 characters"), "{err}");
    assert!(incident.change_summary("alice", "bell\u{7}", T0).is_err());
    assert_eq!(incident.rename("", "x", T0), Err(DomainError::MissingField("actor")));
    assert_eq!(incident, before);

    incident.end("alice", T0 + 3).expect("end");
    assert_eq!(incident.rename("alice", "Later", T0 + 4), Err(DomainError::IncidentEnded));
    assert_eq!(incident.change_summary("alice", "Later", T0 + 4), Err(DomainError::IncidentEnded));
}

#[test]
fn a_playbook_items_relative_due_time_becomes_absolute_at_the_start() {
    let mut playbook = playbook();
    playbook.checklists[0].items[1].due_after_minutes = Some(30);
    let incident = Incident::start(request("Database down"), Some(&playbook), &mut SequentialIds::new("id"), T0).expect("start");
    assert_eq!(incident.checklists[0].items[1].due_at, Some(T0 + 30 * 60_000));
    assert_eq!(incident.checklists[0].items[0].due_at, None);

    for bad in [0, crate::limits::MAX_DUE_AFTER_MINUTES + 1] {
        playbook.checklists[0].items[1].due_after_minutes = Some(bad);
        assert!(matches!(playbook.validate(), Err(DomainError::InvalidPlaybook(m)) if m.contains("due time")), "{bad}");
    }
}
