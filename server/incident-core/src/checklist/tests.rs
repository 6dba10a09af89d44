use super::*;
use crate::test_support::incident;

#[test]
fn items_are_numbered_across_sections() {
    let incident = incident();
    let numbered: Vec<(usize, &str, &str)> =
        incident.items().map(|(number, section, item)| (number, section.title.as_str(), item.title.as_str())).collect();
    assert_eq!(
        numbered,
        [
            (1, "Triage", "Page the on-call"),
            (2, "Triage", "Assess severity"),
            (3, "Resolve", "Find the cause"),
            (4, "Resolve", "Post an update"),
            (5, "Resolve", "Write the report"),
        ]
    );
    assert_eq!(incident.item_count(), 5);
}

#[test]
fn locating_by_number_and_id() {
    let incident = incident();
    assert_eq!(incident.locate(&ItemRef::Number(1)), Ok((0, 0)));
    assert_eq!(incident.locate(&ItemRef::Number(2)), Ok((0, 1)));
    assert_eq!(incident.locate(&ItemRef::Number(3)), Ok((1, 0)));
    assert_eq!(incident.locate(&ItemRef::Number(5)), Ok((1, 2)));
    assert_eq!(incident.locate(&ItemRef::Id("id6".into())), Ok((1, 1)));
    for missing in [ItemRef::Number(0), ItemRef::Number(6), ItemRef::Number(usize::MAX), ItemRef::Id("nope".into())] {
        assert_eq!(incident.locate(&missing), Err(DomainError::NoSuchItem(missing.clone())));
    }
}

#[test]
fn lookups() {
    let incident = incident();
    assert_eq!(incident.item_by_id("id5").map(|i| i.title.as_str()), Some("Find the cause"));
    assert_eq!(incident.item_by_number(3).map(|i| i.id.as_str()), Some("id5"));
    assert_eq!(incident.item(&ItemRef::Id("id2".into())).map(|i| i.title.as_str()), Some("Page the on-call"));
    assert_eq!(incident.item_number_of("id7"), Some(5));
    assert_eq!(incident.item_number_of("id1"), None, "section ids are not items");
    assert!(incident.item_by_number(0).is_none());
    assert!(incident.item_by_id("zzz").is_none());
}

#[test]
fn empty_sections_do_not_take_numbers() {
    let mut incident = incident();
    incident.checklists.insert(1, ChecklistSection { id: "empty".into(), title: "Empty".into(), items: vec![] });
    assert_eq!(incident.item_by_number(3).map(|i| i.title.as_str()), Some("Find the cause"));
    assert_eq!(incident.item_number_of("id5"), Some(3));
}

#[test]
fn sections_by_id_number_or_title() {
    let incident = incident();
    assert_eq!(incident.section_index("id4"), Some(1));
    assert_eq!(incident.section_index("1"), Some(0));
    assert_eq!(incident.section_index(" 2 "), Some(1));
    assert_eq!(incident.section_index("3"), None);
    assert_eq!(incident.section_index("0"), None);
    assert_eq!(incident.section_index("99999999999999999999999"), None);
    assert_eq!(incident.section_index("triage"), Some(0));
    assert_eq!(incident.section_index("RESOLVE"), Some(1));
    assert_eq!(incident.section_index("Follow up"), None);
    assert_eq!(incident.section_index(""), None);
}

#[test]
fn progress_counts() {
    let mut incident = incident();
    incident.toggle_item("alice", 1, 1).expect("check");
    incident.set_item_state("alice", 2, ItemState::Skipped, 2).expect("skip");
    assert_eq!(incident.progress(), ChecklistProgress { total: 5, done: 1, skipped: 1, open: 3 });
}

#[test]
fn item_refs() {
    assert_eq!(ItemRef::parse("3"), ItemRef::Number(3));
    assert_eq!(ItemRef::parse(" 12 "), ItemRef::Number(12));
    assert_eq!(ItemRef::parse("+3"), ItemRef::Id("+3".into()));
    assert_eq!(ItemRef::parse("abc"), ItemRef::Id("abc".into()));
    assert_eq!(ItemRef::from(4), ItemRef::Number(4));
    assert_eq!(ItemRef::from("x"), ItemRef::Id("x".into()));
    assert_eq!(ItemRef::from(String::from("y")), ItemRef::Id("y".into()));
    assert_eq!(ItemRef::Id("x".into()).to_string(), "with id \"x\"");
}

#[test]
fn states_serialise_as_snake_case_strings() {
    assert_eq!(serde_json::to_string(&ItemState::Skipped).expect("json"), r#""skipped""#);
    let change = ItemChange { at: 1, actor_id: "a".into(), change: ItemChangeKind::Assigned { to: None } };
    assert_eq!(
        serde_json::to_value(&change).expect("json"),
        serde_json::json!({"at": 1, "actor_id": "a", "change": {"type": "assigned", "to": null}})
    );
}
