use super::*;
use crate::error::ErrorKind;
use crate::ids::SequentialIds;
use crate::test_support::{T0, incident};

/// Runs a mutation expected to fail and checks the incident is exactly as before.
fn refused(incident: &mut Incident, expected: DomainError, mutation: impl FnOnce(&mut Incident) -> Result<(), DomainError>) {
    let before = incident.clone();
    assert_eq!(mutation(incident), Err(expected));
    assert_eq!(*incident, before, "a refused mutation changed the incident");
}

fn ended() -> Incident {
    let mut incident = incident();
    incident.end("alice", T0 + 1).expect("end");
    incident
}

#[test]
fn toggle_cycles_open_done_open() {
    let mut incident = incident();
    assert_eq!(incident.toggle_item("dave", 3, T0 + 10), Ok(ItemState::Done));
    let item = incident.item_by_number(3).expect("item 3").clone();
    assert_eq!(item.state, ItemState::Done);
    assert_eq!((item.completed_at, item.completed_by.as_deref()), (Some(T0 + 10), Some("dave")));
    assert_eq!((item.last_changed_at, item.last_changed_by.as_deref()), (Some(T0 + 10), Some("dave")));
    assert_eq!(item.history, [ItemChange { at: T0 + 10, actor_id: "dave".into(), change: ItemChangeKind::Checked }]);

    assert_eq!(incident.toggle_item("carol", 3, T0 + 20), Ok(ItemState::Open));
    let item = incident.item_by_number(3).expect("item 3");
    assert_eq!(item.state, ItemState::Open);
    assert_eq!((item.completed_at, item.completed_by.as_deref()), (None, None), "cleared when no longer done");
    assert_eq!(item.last_changed_by.as_deref(), Some("carol"));
    assert_eq!(item.history.len(), 2);
    assert_eq!(item.history[1].change, ItemChangeKind::Unchecked);

    let kinds: Vec<_> = incident.timeline[1..].iter().map(|e| e.kind.clone()).collect();
    let (item_id, title) = ("id5".to_string(), "Find the cause".to_string());
    assert_eq!(
        kinds,
        [
            TimelineEventKind::ItemChecked { item_id: item_id.clone(), title: title.clone(), evidence: None },
            TimelineEventKind::ItemUnchecked { item_id, title },
        ]
    );
}

#[test]
fn recompleting_records_the_latest_completion() {
    let mut incident = incident();
    incident.toggle_item("dave", 1, T0 + 1).expect("check");
    incident.toggle_item("dave", 1, T0 + 2).expect("uncheck");
    incident.toggle_item("carol", 1, T0 + 3).expect("check again");
    let item = incident.item_by_number(1).expect("item");
    assert_eq!((item.completed_at, item.completed_by.as_deref()), (Some(T0 + 3), Some("carol")));
    let completions: Vec<i64> = item.history.iter().filter(|c| c.change == ItemChangeKind::Checked).map(|c| c.at).collect();
    assert_eq!(completions, [T0 + 1, T0 + 3], "earlier completions stay in the history");
}

#[test]
fn toggle_restores_a_skipped_item() {
    let mut incident = incident();
    incident.set_item_state("alice", 2, ItemState::Skipped, T0 + 1).expect("skip");
    assert_eq!(incident.toggle_item("alice", 2, T0 + 2), Ok(ItemState::Open));
    let item = incident.item_by_number(2).expect("item");
    assert_eq!(
        item.history.iter().map(|c| c.change.clone()).collect::<Vec<_>>(),
        [ItemChangeKind::Skipped, ItemChangeKind::Restored]
    );
    assert!(matches!(incident.last_event().map(|e| &e.kind), Some(TimelineEventKind::ItemRestored { .. })));
}

#[test]
fn toggle_by_id() {
    let mut incident = incident();
    assert_eq!(incident.toggle_item("alice", "id6", T0), Ok(ItemState::Done));
    assert_eq!(incident.toggle_item("alice", ItemRef::Id("id6".into()), T0), Ok(ItemState::Open));
    assert_eq!(incident.toggle_item("alice", String::from("id6"), T0), Ok(ItemState::Done));
    assert_eq!(incident.item_by_number(4).map(|i| i.state), Some(ItemState::Done));
}

#[test]
fn set_state_transitions_and_their_events() {
    use ItemState::*;
    let cases = [
        (Open, Done, ItemChangeKind::Checked),
        (Open, Skipped, ItemChangeKind::Skipped),
        (Done, Open, ItemChangeKind::Unchecked),
        (Done, Skipped, ItemChangeKind::Skipped),
        (Skipped, Open, ItemChangeKind::Restored),
        (Skipped, Done, ItemChangeKind::Checked),
    ];
    for (from, to, change) in cases {
        let mut incident = incident();
        if from != Open {
            incident.set_item_state("alice", 1, from, T0).expect("set up");
        }
        let events = incident.timeline.len();
        incident.set_item_state("bob", 1, to, T0 + 7).expect("transition");
        let item = incident.item_by_number(1).expect("item");
        assert_eq!(item.state, to);
        assert_eq!(item.history.last().map(|c| &c.change), Some(&change), "{from:?} -> {to:?}");
        assert_eq!(item.completed_at.is_some(), to == Done);
        assert_eq!(incident.timeline.len(), events + 1, "exactly one event");
        let event = incident.last_event().expect("event");
        assert_eq!((event.at, event.actor_id.as_str()), (T0 + 7, "bob"));
        let (item_id, title) = ("id2".to_string(), "Page the on-call".to_string());
        let expected = match change {
            ItemChangeKind::Checked => TimelineEventKind::ItemChecked { item_id, title, evidence: None },
            ItemChangeKind::Unchecked => TimelineEventKind::ItemUnchecked { item_id, title },
            ItemChangeKind::Skipped => TimelineEventKind::ItemSkipped { item_id, title },
            _ => TimelineEventKind::ItemRestored { item_id, title },
        };
        assert_eq!(event.kind, expected);
    }
}

#[test]
fn set_state_to_the_same_state_is_a_conflict() {
    let mut incident = incident();
    refused(&mut incident, DomainError::ItemAlreadyInState(ItemState::Open), |i| {
        i.set_item_state("alice", 1, ItemState::Open, T0)
    });
    incident.set_item_state("alice", 1, ItemState::Done, T0).expect("check");
    refused(&mut incident, DomainError::ItemAlreadyInState(ItemState::Done), |i| i.set_item_state("bob", 1, ItemState::Done, T0));
    assert_eq!(DomainError::ItemAlreadyInState(ItemState::Done).kind(), ErrorKind::Conflict);
}

#[test]
fn missing_items_are_not_found_and_change_nothing() {
    let mut incident = incident();
    for item in [ItemRef::Number(0), ItemRef::Number(6), ItemRef::Id("nope".into())] {
        let missing = DomainError::NoSuchItem(item.clone());
        assert_eq!(missing.kind(), ErrorKind::NotFound);
        refused(&mut incident, missing.clone(), |i| i.toggle_item("a", &item, T0).map(drop));
        refused(&mut incident, missing.clone(), |i| i.set_item_state("a", &item, ItemState::Done, T0));
        refused(&mut incident, missing.clone(), |i| i.remove_item("a", &item, T0));
        refused(&mut incident, missing.clone(), |i| i.assign_item("a", &item, Some("bob".into()), T0));
        refused(&mut incident, missing.clone(), |i| i.rename_item("a", &item, "New", T0));
        refused(&mut incident, missing.clone(), |i| i.move_item("a", &item, "1", 1, T0));
    }
}

#[test]
fn every_mutation_is_refused_once_ended() {
    let mut incident = ended();
    let mut ids = SequentialIds::new("n");
    let gone = DomainError::IncidentEnded;
    refused(&mut incident, gone.clone(), |i| i.toggle_item("a", 1, T0).map(drop));
    refused(&mut incident, gone.clone(), |i| i.set_item_state("a", 1, ItemState::Skipped, T0));
    refused(&mut incident, gone.clone(), |i| i.add_item("a", "Triage", "New", &mut ids, T0).map(drop));
    refused(&mut incident, gone.clone(), |i| i.remove_item("a", 1, T0));
    refused(&mut incident, gone.clone(), |i| i.assign_item("a", 1, Some("bob".into()), T0));
    refused(&mut incident, gone.clone(), |i| i.rename_item("a", 1, "New", T0));
    refused(&mut incident, gone.clone(), |i| i.move_item("a", 1, "2", 1, T0));
    refused(&mut incident, gone.clone(), |i| i.change_commander("a", "dave", T0));
    refused(&mut incident, gone, |i| i.end("a", T0));
    // Ended beats missing: the user learns the real reason first.
    refused(&mut incident, DomainError::IncidentEnded, |i| i.toggle_item("a", 99, T0).map(drop));
}

#[test]
fn every_mutation_needs_an_actor() {
    let mut incident = incident();
    let mut ids = SequentialIds::new("n");
    let missing = DomainError::MissingField("actor");
    refused(&mut incident, missing.clone(), |i| i.toggle_item("", 1, T0).map(drop));
    refused(&mut incident, missing.clone(), |i| i.set_item_state(" ", 1, ItemState::Done, T0));
    refused(&mut incident, missing.clone(), |i| i.add_item("", "Triage", "New", &mut ids, T0).map(drop));
    refused(&mut incident, missing.clone(), |i| i.remove_item("", 1, T0));
    refused(&mut incident, missing.clone(), |i| i.assign_item("", 1, None, T0));
    refused(&mut incident, missing.clone(), |i| i.rename_item("", 1, "x", T0));
    refused(&mut incident, missing, |i| i.move_item("", 1, "2", 1, T0));
}

#[test]
fn add_item_to_an_existing_section_by_title_number_or_id() {
    let mut incident = incident();
    let mut ids = SequentialIds::new("n");
    let first = incident.add_item("dave", "triage", "  Call   the vendor ", &mut ids, T0 + 1).expect("by title");
    assert_eq!(first, "n1");
    assert_eq!(incident.item_number_of("n1"), Some(3), "end of Triage, before Resolve's items");
    let added = incident.item_by_id("n1").expect("added");
    assert_eq!(added.title, "Call the vendor");
    assert_eq!(added.state, ItemState::Open);
    assert!(added.history.is_empty() && added.last_changed_by.is_none());
    let event = incident.last_event().expect("event");
    assert_eq!((event.at, event.actor_id.as_str()), (T0 + 1, "dave"));
    assert_eq!(
        event.kind,
        TimelineEventKind::ItemAdded { item_id: "n1".into(), title: "Call the vendor".into(), section: "Triage".into() }
    );

    incident.add_item("dave", "2", "By number", &mut ids, T0).expect("by number");
    assert_eq!(incident.item_number_of("n2"), Some(7));
    incident.add_item("dave", "id1", "By id", &mut ids, T0).expect("by id");
    assert_eq!(incident.item_number_of("n3"), Some(4));
    assert_eq!(incident.checklists.len(), 2);
    assert_eq!(incident.timeline.len(), 4);
}

#[test]
fn add_item_creates_a_missing_section() {
    let mut incident = incident();
    let mut ids = SequentialIds::new("n");
    let id = incident.add_item("dave", " Follow   up ", "Write the review", &mut ids, T0).expect("add");
    assert_eq!(incident.checklists.len(), 3);
    let section = &incident.checklists[2];
    assert_eq!((section.id.as_str(), section.title.as_str()), ("n1", "Follow up"));
    assert_eq!(id, "n2");
    assert_eq!(incident.item_number_of("n2"), Some(6));
    assert_eq!(incident.timeline.len(), 2, "one event, even when a section is created");
    assert!(matches!(&incident.last_event().expect("event").kind,
        TimelineEventKind::ItemAdded { section, .. } if section == "Follow up"));
}

#[test]
fn add_item_to_an_incident_without_checklist() {
    let mut incident = Incident::start(crate::test_support::request("x"), None, &mut SequentialIds::new("x"), T0).expect("start");
    let mut ids = SequentialIds::new("n");
    incident.add_item("a", "Checklist", "First", &mut ids, T0).expect("add");
    assert_eq!(incident.item_by_number(1).map(|i| i.title.as_str()), Some("First"));
}

#[test]
fn add_item_refusals() {
    let mut incident = incident();
    let mut ids = SequentialIds::new("n");
    refused(&mut incident, DomainError::InvalidTitle("it is empty.".into()), |i| {
        i.add_item("a", "Triage", "   ", &mut ids, T0).map(drop)
    });
    refused(&mut incident, DomainError::InvalidTitle("it has 201 characters; the limit is 200.".into()), |i| {
        i.add_item("a", "Triage", &"x".repeat(201), &mut ids, T0).map(drop)
    });
    refused(&mut incident, DomainError::InvalidTitle("it contains a control character (U+0000).".into()), |i| {
        i.add_item("a", "Triage", "a\0", &mut ids, T0).map(drop)
    });
    refused(&mut incident, DomainError::NoSuchSection("3".into()), |i| i.add_item("a", "3", "New", &mut ids, T0).map(drop));
    refused(&mut incident, DomainError::MissingField("section"), |i| i.add_item("a", "  ", "New", &mut ids, T0).map(drop));
    refused(
        &mut incident,
        DomainError::InvalidTitle("the section title: it has 101 characters; the limit is 100.".into()),
        |i| i.add_item("a", &"s".repeat(101), "New", &mut ids, T0).map(drop),
    );
    assert_eq!(ids.new_id(), "n1", "no ids were drawn by refused additions");
    assert_eq!(incident.add_item("a", "Triage", &"x".repeat(200), &mut ids, T0).map(|_| ()), Ok(()));
}

#[test]
fn add_item_limits() {
    let mut incident = incident();
    let mut ids = SequentialIds::new("n");
    while incident.checklists.len() < crate::limits::MAX_SECTIONS {
        let title = format!("Section {}", incident.checklists.len() + 1);
        incident.add_item("a", &title, "x", &mut ids, T0).expect("fill sections");
    }
    refused(&mut incident, DomainError::TooManySections { max: 50 }, |i| {
        i.add_item("a", "One more", "x", &mut ids, T0).map(drop)
    });
    while incident.item_count() < crate::limits::MAX_ITEMS {
        incident.add_item("a", "1", "x", &mut ids, T0).expect("fill items");
    }
    refused(&mut incident, DomainError::TooManyItems { max: 200 }, |i| i.add_item("a", "1", "x", &mut ids, T0).map(drop));
}

#[test]
fn remove_item_renumbers_the_rest() {
    let mut incident = incident();
    incident.remove_item("carol", 2, T0 + 3).expect("remove");
    assert_eq!(incident.item_count(), 4);
    assert!(incident.item_by_id("id3").is_none());
    assert_eq!(incident.item_by_number(2).map(|i| i.id.as_str()), Some("id5"));
    let event = incident.last_event().expect("event");
    assert_eq!((event.at, event.actor_id.as_str()), (T0 + 3, "carol"));
    assert_eq!(event.kind, TimelineEventKind::ItemRemoved { item_id: "id3".into(), title: "Assess severity".into() });

    incident.remove_item("carol", "id2", T0 + 4).expect("remove by id");
    assert!(incident.checklists[0].items.is_empty());
    assert_eq!(incident.checklists.len(), 2, "an emptied section stays");
    assert_eq!(incident.item_by_number(1).map(|i| i.id.as_str()), Some("id5"));
}

#[test]
fn assign_and_unassign() {
    let mut incident = incident();
    incident.assign_item("alice", 2, Some("dave".into()), T0 + 1).expect("assign");
    let item = incident.item_by_number(2).expect("item");
    assert_eq!(item.assignee_ids, ["dave"]);
    assert_eq!(item.history[0].change, ItemChangeKind::Assigned { to: Some("dave".into()) });
    assert_eq!(item.last_changed_by.as_deref(), Some("alice"));
    assert_eq!(
        incident.last_event().map(|e| &e.kind),
        Some(&TimelineEventKind::ItemAssigned {
            item_id: "id3".into(),
            title: "Assess severity".into(),
            assignee: Some("dave".into())
        })
    );

    incident.assign_item("alice", "id3", Some("  ".into()), T0 + 2).expect("blank unassigns");
    let item = incident.item_by_number(2).expect("item");
    assert!(item.assignee_ids.is_empty());
    assert_eq!(item.history[1].change, ItemChangeKind::Assigned { to: None });
    assert_eq!(incident.timeline.len(), 3);
}

#[test]
fn assign_without_change_is_refused() {
    let mut incident = incident();
    refused(&mut incident, DomainError::NoChange("the item is already assigned to that user.".into()), |i| {
        i.assign_item("a", 1, Some("carol".into()), T0)
    });
    refused(&mut incident, DomainError::NoChange("the item has no assignee.".into()), |i| i.assign_item("a", 2, None, T0));
}

#[test]
fn rename() {
    let mut incident = incident();
    incident.rename_item("bob", 4, "  Post a status   update ", T0 + 9).expect("rename");
    let item = incident.item_by_number(4).expect("item");
    assert_eq!(item.title, "Post a status update");
    assert_eq!(
        item.history[0].change,
        ItemChangeKind::Renamed { from: "Post an update".into(), to: "Post a status update".into() }
    );
    assert_eq!(
        incident.last_event().map(|e| (&e.kind, e.at)),
        Some((
            &TimelineEventKind::ItemRenamed {
                item_id: "id6".into(),
                from: "Post an update".into(),
                to: "Post a status update".into()
            },
            T0 + 9
        ))
    );
}

#[test]
fn rename_refusals() {
    let mut incident = incident();
    refused(&mut incident, DomainError::NoChange("the item already has that title.".into()), |i| {
        i.rename_item("a", 4, " Post  an update", T0)
    });
    refused(&mut incident, DomainError::InvalidTitle("it is empty.".into()), |i| i.rename_item("a", 4, "", T0));
    refused(&mut incident, DomainError::InvalidTitle("it has 10000 characters; the limit is 200.".into()), |i| {
        i.rename_item("a", 4, &"y".repeat(10_000), T0)
    });
}

#[test]
fn move_within_a_section() {
    let mut incident = incident();
    // Resolve holds items 3, 4, 5; move 5 ("Write the report") to the top of Resolve.
    incident.move_item("bob", 5, "Resolve", 1, T0 + 4).expect("move");
    let titles: Vec<&str> = incident.checklists[1].items.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, ["Write the report", "Find the cause", "Post an update"]);
    assert_eq!(incident.item_number_of("id7"), Some(3));
    let item = incident.item_by_id("id7").expect("item");
    assert_eq!(item.history[0], ItemChange { at: T0 + 4, actor_id: "bob".into(), change: ItemChangeKind::Moved });
    assert_eq!(
        incident.last_event().map(|e| &e.kind),
        Some(&TimelineEventKind::ItemMoved { item_id: "id7".into(), title: "Write the report".into() })
    );

    // Down: item 3 (now "Write the report") to the last position of its section.
    incident.move_item("bob", "id7", "2", 3, T0 + 5).expect("move to end");
    let titles: Vec<&str> = incident.checklists[1].items.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, ["Find the cause", "Post an update", "Write the report"]);
}

#[test]
fn move_across_sections() {
    let mut incident = incident();
    incident.move_item("bob", 1, "resolve", 4, T0).expect("to end of Resolve");
    assert_eq!(incident.checklists[0].items.len(), 1);
    assert_eq!(incident.checklists[1].items.len(), 4);
    assert_eq!(incident.item_number_of("id2"), Some(5));
    incident.move_item("bob", "id2", "id1", 1, T0).expect("back to top of Triage");
    assert_eq!(incident.item_number_of("id2"), Some(1));
    assert_eq!(incident.timeline.len(), 3);
}

#[test]
fn move_refusals() {
    let mut incident = incident();
    refused(&mut incident, DomainError::NoSuchSection("Nowhere".into()), |i| i.move_item("a", 1, " Nowhere ", 1, T0));
    refused(&mut incident, DomainError::NoSuchSection("3".into()), |i| i.move_item("a", 1, "3", 1, T0));
    refused(&mut incident, DomainError::InvalidPosition { position: 0, max: 2 }, |i| i.move_item("a", 1, "1", 0, T0));
    // Within its own section the item's old place does not count: Triage has 2 items, so 1..=2.
    refused(&mut incident, DomainError::InvalidPosition { position: 3, max: 2 }, |i| i.move_item("a", 1, "1", 3, T0));
    // Into Resolve (3 items): 1..=4.
    refused(&mut incident, DomainError::InvalidPosition { position: 5, max: 4 }, |i| i.move_item("a", 1, "2", 5, T0));
    refused(&mut incident, DomainError::NoChange("the item is already there.".into()), |i| i.move_item("a", 2, "Triage", 2, T0));
}

#[test]
fn event_ids_are_sequential_and_unique() {
    let mut incident = incident();
    let mut ids = SequentialIds::new("n");
    incident.toggle_item("a", 1, T0 + 1).expect("1");
    incident.add_item("a", "1", "x", &mut ids, T0 + 2).expect("2");
    incident.assign_item("a", 1, None, T0 + 3).expect("3");
    incident.end("a", T0 + 4).expect("4");
    let event_ids: Vec<&str> = incident.timeline.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(event_ids, ["inc1-1", "inc1-2", "inc1-3", "inc1-4", "inc1-5"]);
    let times: Vec<i64> = incident.timeline.iter().map(|e| e.at).collect();
    assert_eq!(times, [T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4]);
}

#[test]
fn last_changed_mirrors_the_last_history_entry() {
    let mut incident = incident();
    incident.toggle_item("a", 1, T0 + 1).expect("check");
    incident.assign_item("b", 1, Some("dave".into()), T0 + 2).expect("assign");
    incident.rename_item("c", 1, "Renamed", T0 + 3).expect("rename");
    incident.move_item("d", 1, "2", 1, T0 + 4).expect("move");
    for (_, _, item) in incident.items() {
        let last = item.history.last();
        assert_eq!(item.last_changed_by.as_deref(), last.map(|c| c.actor_id.as_str()));
        assert_eq!(item.last_changed_at, last.map(|c| c.at));
    }
    let moved = incident.item_by_id("id2").expect("moved item");
    assert_eq!(moved.history.len(), 4);
    assert_eq!(moved.completed_by.as_deref(), Some("a"), "still done after other changes");
}

#[test]
fn sections_are_renamed_by_id_or_number_with_title_rules() {
    let mut incident = incident();
    let id = incident.checklists[1].id.clone();
    incident.rename_section("alice", "1", " First   steps ", T0 + 1).expect("by number");
    assert_eq!(incident.checklists[0].title, "First steps");
    incident.rename_section("bob", &id, "Fix", T0 + 2).expect("by id");
    assert_eq!(incident.checklists[1].title, "Fix");
    assert_eq!(
        incident.last_event().map(|e| (e.actor_id.as_str(), e.kind.clone())),
        Some(("bob", TimelineEventKind::SectionRenamed { section_id: id.clone(), from: "Resolve".into(), to: "Fix".into() }))
    );
    // A change of case alone is a change.
    incident.rename_section("bob", &id, "FIX", T0 + 3).expect("case");

    refused(&mut incident, DomainError::SectionExists("first STEPS".into()), |i| {
        i.rename_section("alice", "2", "first STEPS", T0)
    });
    refused(&mut incident, DomainError::NoChange("the section already has that title.".into()), |i| {
        i.rename_section("alice", "2", "FIX", T0)
    });
    refused(&mut incident, DomainError::NoSuchSection("3".into()), |i| i.rename_section("alice", "3", "X", T0));
    refused(&mut incident, DomainError::NoSuchSection("nope".into()), |i| i.rename_section("alice", "nope", "X", T0));
    refused(&mut incident, DomainError::InvalidTitle("the section title: it is empty.".into()), |i| {
        i.rename_section("alice", "1", " ", T0)
    });
    refused(
        &mut incident,
        DomainError::InvalidTitle("the section title: it has 101 characters; the limit is 100.".into()),
        |i| i.rename_section("alice", "1", &"s".repeat(101), T0),
    );
    let digits = incident.rename_section("alice", "1", "42", T0).expect_err("digits");
    assert_eq!(digits.kind(), ErrorKind::Invalid);
    assert_eq!(DomainError::SectionExists("x".into()).kind(), ErrorKind::Conflict);
    let mut over = ended();
    refused(&mut over, DomainError::IncidentEnded, |i| i.rename_section("alice", "1", "X", T0));
}

#[test]
fn a_command_run_is_recorded_on_the_item_and_the_timeline() {
    let mut incident = incident();
    // Item 4 ("Post an update") suggests `/status`; item 3 has no command.
    let command = incident.record_command_run("dave", 4, T0 + 5).expect("run");
    assert_eq!(command, "/status");
    let item = incident.item_by_number(4).expect("item").clone();
    assert_eq!((item.last_run_at, item.last_run_by.as_deref()), (Some(T0 + 5), Some("dave")));
    assert_eq!(item.state, ItemState::Open, "running is not checking");
    assert_eq!(item.history.last().map(|c| c.change.clone()), Some(ItemChangeKind::CommandRun { command: "/status".into() }));
    let event = incident.last_event().expect("event").clone();
    assert_eq!(
        event.kind,
        TimelineEventKind::ItemCommandRun { item_id: item.id.clone(), title: "Post an update".into(), command: "/status".into() }
    );
    assert_eq!(event.kind.item_id(), Some(item.id.as_str()));
    let json = serde_json::to_value(&incident).expect("json");
    assert_eq!(json["checklists"][1]["items"][1]["last_run_by"], "dave");

    let refuse = |i: &mut Incident| i.record_command_run("dave", 3, T0).map(|_| ());
    refused(&mut incident, DomainError::NoCommand, refuse);
    assert_eq!(DomainError::NoCommand.kind(), ErrorKind::Invalid);
    refused(&mut incident, DomainError::NoSuchItem(ItemRef::Number(9)), |i| i.record_command_run("dave", 9, T0).map(|_| ()));
    let mut over = ended();
    refused(&mut over, DomainError::IncidentEnded, |i| i.record_command_run("dave", 4, T0).map(|_| ()));
}

#[test]
fn several_people_share_an_item() {
    let mut incident = incident();
    incident.add_assignees("alice", 2, &["dave".into(), "erin".into(), "dave".into()], T0 + 1).expect("assign two");
    let item = incident.item_by_number(2).expect("item");
    assert_eq!(item.assignee_ids, ["dave", "erin"]);
    assert_eq!(
        item.history[0].change,
        ItemChangeKind::AssigneesChanged { added: vec!["dave".into(), "erin".into()], removed: vec![] }
    );
    assert!(matches!(
        &incident.last_event().expect("event").kind,
        TimelineEventKind::ItemAssigneesChanged { added, removed, .. } if added == &["dave", "erin"] && removed.is_empty()
    ));

    // Adding one already there and one new adds only the new one.
    incident.add_assignees("alice", 2, &["erin".into(), "frank".into()], T0 + 2).expect("add frank");
    assert_eq!(incident.item_by_number(2).expect("item").assignee_ids, ["dave", "erin", "frank"]);

    incident.remove_assignees("alice", 2, &["erin".into(), "nobody".into()], T0 + 3).expect("take erin off");
    let item = incident.item_by_number(2).expect("item");
    assert_eq!(item.assignee_ids, ["dave", "frank"]);
    assert!(item.is_assigned_to("frank") && !item.is_assigned_to("erin"));
    assert_eq!(incident.timeline.len(), 4);
}

#[test]
fn assignee_changes_that_change_nothing_or_too_much_are_refused() {
    let mut incident = incident();
    incident.add_assignees("alice", 2, &["dave".into()], T0 + 1).expect("assign");
    refused(&mut incident, DomainError::NoChange("everyone named is already assigned to the item.".into()), |i| {
        i.add_assignees("alice", 2, &["dave".into(), " ".into()], T0 + 2)
    });
    refused(&mut incident, DomainError::NoChange("nobody named is assigned to the item.".into()), |i| {
        i.remove_assignees("alice", 2, &["erin".into()], T0 + 2)
    });
    let many: Vec<String> = (0..crate::limits::MAX_ASSIGNEES).map(|n| format!("user{n}")).collect();
    refused(&mut incident, DomainError::TooManyAssignees { max: crate::limits::MAX_ASSIGNEES }, |i| {
        i.add_assignees("alice", 2, &many, T0 + 2)
    });
    refused(&mut incident, DomainError::NoSuchItem(ItemRef::Number(99)), |i| {
        i.add_assignees("alice", 99, &["erin".into()], T0 + 2)
    });
    let mut ended = ended();
    refused(&mut ended, DomainError::IncidentEnded, |i| i.add_assignees("alice", 2, &["erin".into()], T0 + 2));
}

#[test]
fn a_due_time_is_set_moved_cleared_and_makes_an_open_item_overdue() {
    let mut incident = incident();
    let due = T0 + 30 * 60_000;
    incident.set_item_due("alice", 2, Some(due), T0 + 1).expect("due");
    let item = incident.item_by_number(2).expect("item");
    assert_eq!(item.due_at, Some(due));
    assert!(!item.is_overdue(due) && item.is_overdue(due + 1));
    assert_eq!(item.history[0].change, ItemChangeKind::DueChanged { due_at: Some(due) });
    assert_eq!(
        incident.last_event().map(|e| &e.kind),
        Some(&TimelineEventKind::ItemDueChanged { item_id: "id3".into(), title: "Assess severity".into(), due_at: Some(due) })
    );
    // Done items are never overdue.
    incident.set_item_state("alice", 2, ItemState::Done, T0 + 2).expect("done");
    assert!(!incident.item_by_number(2).expect("item").is_overdue(due + 1));

    refused(&mut incident, DomainError::NoChange("the item is already due then.".into()), |i| {
        i.set_item_due("alice", 2, Some(due), T0 + 3)
    });
    incident.set_item_due("alice", 2, None, T0 + 3).expect("clear");
    assert_eq!(incident.item_by_number(2).expect("item").due_at, None);
    refused(&mut incident, DomainError::NoChange("the item has no due time.".into()), |i| {
        i.set_item_due("alice", 2, None, T0 + 4)
    });
}

#[test]
fn a_due_time_out_of_bounds_is_refused() {
    let mut incident = incident();
    let message = "an item's due time must lie between 2000-01-01 and ten years from now.";
    refused(&mut incident, DomainError::InvalidTime(message.into()), |i| i.set_item_due("alice", 2, Some(0), T0 + 1));
    refused(&mut incident, DomainError::InvalidTime(message.into()), |i| {
        i.set_item_due("alice", 2, Some(T0 + 11 * 365 * 86_400_000), T0 + 1)
    });
}

#[test]
fn checking_with_evidence_keeps_it_while_done() {
    let mut incident = incident();
    incident.check_item_with_evidence("dave", 2, "https://grafana.example/d/db  ", T0 + 1).expect("check");
    let item = incident.item_by_number(2).expect("item");
    assert_eq!((item.state, item.evidence.as_deref()), (ItemState::Done, Some("https://grafana.example/d/db")));
    assert_eq!(item.history[0].change, ItemChangeKind::Checked);
    assert!(matches!(
        &incident.last_event().expect("event").kind,
        TimelineEventKind::ItemChecked { evidence: Some(e), .. } if e == "https://grafana.example/d/db"
    ));
    refused(&mut incident, DomainError::ItemAlreadyInState(ItemState::Done), |i| {
        i.check_item_with_evidence("dave", 2, "again", T0 + 2)
    });
    // Unchecking drops the evidence from the item; the timeline keeps it.
    incident.toggle_item("dave", 2, T0 + 3).expect("uncheck");
    assert_eq!(incident.item_by_number(2).expect("item").evidence, None);
    assert!(incident.timeline.iter().any(|e| matches!(&e.kind, TimelineEventKind::ItemChecked { evidence: Some(_), .. })));

    let long = "x".repeat(crate::limits::MAX_EVIDENCE_CHARS + 1);
    assert!(matches!(incident.clone().check_item_with_evidence("dave", 3, &long, T0 + 4), Err(DomainError::InvalidEvidence(_))));
    refused(&mut incident, DomainError::InvalidEvidence("it is empty.".into()), |i| {
        i.check_item_with_evidence("dave", 3, "  ", T0 + 4)
    })
}

#[test]
fn an_item_stored_with_one_assignee_reads_as_a_list_of_one() {
    let old = r#"{"id":"i1","title":"Page","state":"open","assignee_id":"dave"}"#;
    let item: ChecklistItem = serde_json::from_str(old).expect("old record");
    assert_eq!(item.assignee_ids, ["dave"]);
    for none in [r#"{"id":"i1","title":"Page","assignee_id":null}"#, r#"{"id":"i1","title":"Page"}"#] {
        assert!(serde_json::from_str::<ChecklistItem>(none).expect("no assignee").assignee_ids.is_empty());
    }
    let new = serde_json::to_value(&item).expect("json");
    assert_eq!(new["assignee_ids"], serde_json::json!(["dave"]));
    assert!(new.get("assignee_id").is_none());
}
