use super::*;
use crate::filter::{IncidentFilter, facets};
use crate::ids::SequentialIds;
use crate::playbook::Playbook;
use crate::render;
use crate::test_support::{T0, playbook, request, usernames};
use crate::timeline::TimelineEventKind;

fn def(name: &str, kind: FieldKind, options: &[&str]) -> FieldDefinition {
    FieldDefinition { name: name.into(), kind, options: options.iter().map(|o| o.to_string()).collect() }
}

fn with_fields() -> Playbook {
    Playbook {
        fields: vec![
            def("Region", FieldKind::Select, &["EU", "US"]),
            def("Customer", FieldKind::Text, &[]),
            def("Owner", FieldKind::User, &[]),
            def("Ticket", FieldKind::Link, &[]),
            def("Users affected", FieldKind::Number, &[]),
        ],
        ..playbook()
    }
}

fn started(values: &[(&str, &str)]) -> Result<Incident, DomainError> {
    let mut req = request("Database down");
    req.field_values = values.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    Incident::start(req, Some(&with_fields()), &mut SequentialIds::new("id"), T0)
}

#[test]
fn definitions_are_normalised_and_checked() {
    let clean = normalise_definitions(&[def("  Customer   tier ", FieldKind::Select, &[" Gold ", "Silver"])]).expect("valid");
    assert_eq!(clean[0].name, "Customer tier");
    assert_eq!(clean[0].options, ["Gold", "Silver"]);
    // Options of other kinds are dropped.
    assert!(normalise_definitions(&[def("Notes", FieldKind::Text, &["x"])]).expect("text")[0].options.is_empty());

    let refused = |fields: &[FieldDefinition], needle: &str| {
        let e = normalise_definitions(fields).expect_err(needle).to_string();
        assert!(e.contains(needle), "{e}");
    };
    refused(&[def("Region", FieldKind::Text, &[]), def("REGION", FieldKind::Number, &[])], "two fields named");
    refused(&[def("Region", FieldKind::Select, &[])], "at least one option");
    refused(&[def("Region", FieldKind::Select, &["EU", "eu"])], "twice");
    refused(&[def("", FieldKind::Text, &[])], "empty");
    refused(&[def(&"x".repeat(MAX_FIELD_NAME_CHARS + 1), FieldKind::Text, &[])], "limit is 40");
    refused(&[def("a=b", FieldKind::Text, &[])], "\"=\"");
    refused(&[def("Bidi\u{202E}", FieldKind::Text, &[])], "invisible");
    let many: Vec<FieldDefinition> = (0..=MAX_FIELDS).map(|n| def(&format!("f{n}"), FieldKind::Text, &[])).collect();
    refused(&many, "limit is 20");
    let options: Vec<String> = (0..=MAX_OPTIONS).map(|n| format!("o{n}")).collect();
    let options: Vec<&str> = options.iter().map(String::as_str).collect();
    refused(&[def("Big", FieldKind::Select, &options)], "limit is 50");
}

#[test]
fn a_playbook_with_bad_fields_is_refused_and_good_ones_round_trip_through_export() {
    let bad = Playbook { fields: vec![def("Region", FieldKind::Select, &[])], ..playbook() };
    assert!(matches!(bad.normalised(), Err(DomainError::InvalidPlaybook(m)) if m.contains("the fields")));
    let good = with_fields().normalised().expect("valid");
    let back = crate::playbook::import_json(&crate::playbook::export_json(&good), "p2", "team1", 5).expect("import");
    assert_eq!(back.fields, good.fields);
}

#[test]
fn an_incident_gets_the_playbooks_fields_with_the_start_forms_values() {
    let incident = started(&[("region", "eu"), ("users AFFECTED", "1200.50"), ("Customer", "")]).expect("start");
    let values: Vec<(&str, Option<&str>)> = incident.fields.iter().map(|f| (f.name.as_str(), f.value.as_deref())).collect();
    assert_eq!(
        values,
        [("Region", Some("EU")), ("Customer", None), ("Owner", None), ("Ticket", None), ("Users affected", Some("1200.5"))]
    );
    assert_eq!(incident.timeline.len(), 1, "the start event covers the start's values");
    let without = Incident::start(request("x"), None, &mut SequentialIds::new("id"), T0).expect("no playbook");
    assert!(without.fields.is_empty());

    assert!(matches!(started(&[("Colour", "red")]), Err(DomainError::NoSuchField { .. })));
    assert!(matches!(started(&[("Region", "APAC")]), Err(DomainError::InvalidField(m)) if m.contains("EU, US")));
}

#[test]
fn values_are_checked_per_kind() {
    let mut incident = started(&[]).expect("start");
    let mut set = |name: &str, value: &str| incident.set_field("alice", name, Some(value), T0 + 1);
    assert!(set("Ticket", "https://tracker.example/T-1?x=1").is_ok());
    assert!(set("Ticket", "HTTP://example.org").is_ok());
    for bad in ["ftp://example.org", "javascript:alert(1)", "https://", "https://a b", "example.org"] {
        assert!(matches!(set("Ticket", bad), Err(DomainError::InvalidField(_))), "{bad}");
    }
    assert!(set("Users affected", "-3").is_ok());
    assert!(set("Users affected", "0.25").is_ok());
    for bad in ["1e3", "NaN", "inf", "0x10", "12abc", ".", "-"] {
        assert!(matches!(set("Users affected", bad), Err(DomainError::InvalidField(_))), "{bad}");
    }
    assert!(set("Region", "us").is_ok());
    assert!(matches!(set("Region", "Mars"), Err(DomainError::InvalidField(_))));
    assert!(set("Owner", "u-bob").is_ok());
    assert!(matches!(set("Owner", "two people"), Err(DomainError::InvalidField(_))));
    assert!(matches!(set("Customer", "line\u{7}"), Err(DomainError::InvalidField(_))));
    assert!(matches!(set("Customer", &"x".repeat(MAX_TEXT_VALUE_CHARS + 1)), Err(DomainError::InvalidField(_))));
    assert_eq!(incident.field("region").and_then(|f| f.value.as_deref()), Some("US"));
    assert_eq!(incident.field("users affected").and_then(|f| f.value.as_deref()), Some("0.25"));
}

#[test]
fn setting_and_clearing_record_one_event_each_and_read_as_a_sentence() {
    let mut incident = started(&[]).expect("start");
    let before = incident.clone();
    assert!(
        matches!(incident.set_field("alice", "Nope", Some("x"), T0), Err(DomainError::NoSuchField { known, .. }) if known.contains("Region, Customer"))
    );
    assert!(matches!(incident.set_field("alice", "Customer", None, T0), Err(DomainError::NoChange(_))));
    assert_eq!(incident, before, "refusals change nothing");

    incident.set_field("alice", "customer", Some("ACME @channel"), T0 + 5).expect("set");
    let event = incident.last_event().expect("event").clone();
    assert_eq!(
        event.kind,
        TimelineEventKind::FieldSet { name: "Customer".into(), kind: FieldKind::Text, value: Some("ACME @channel".into()) }
    );
    let line = render::change_message(&incident, &event, crate::Zone::UTC, &usernames);
    assert_eq!(line, "@alice_u set Customer to ACME @\u{200B}channel");
    incident.set_field("bob", "Owner", Some("carol"), T0 + 6).expect("owner");
    let line = render::change_message(&incident, incident.last_event().expect("e"), crate::Zone::UTC, &usernames);
    assert_eq!(line, "@bob_u set Owner to @carol_u");
    incident.set_field("bob", "Customer", None, T0 + 7).expect("clear");
    let line = render::change_message(&incident, incident.last_event().expect("e"), crate::Zone::UTC, &usernames);
    assert_eq!(line, "@bob_u cleared Customer");
    assert!(matches!(incident.set_field("bob", "Owner", Some("carol"), T0), Err(DomainError::NoChange(_))));

    let info = render::info_text(&incident, T0 + 10, crate::Zone::UTC, &usernames);
    assert!(info.contains("Owner: @carol_u\n") && info.contains("Region: —\n"), "{info}");
    let report = render::report_markdown(&incident, &[], crate::Zone::UTC, &usernames);
    assert!(report.contains("- **Owner:** @carol_u\n") && report.contains("- **Region:** not set\n"), "{report}");

    incident.end("alice", T0 + 20).expect("end");
    assert_eq!(incident.set_field("alice", "Region", Some("EU"), T0 + 21), Err(DomainError::IncidentEnded));
}

#[test]
fn filters_by_severity_status_playbook_and_fields_ignoring_case() {
    let mut incident = started(&[("Region", "EU"), ("Customer", "Acme Corp")]).expect("start");
    incident.severity = "P1".into();
    incident.status = "Investigating".into();
    let f = |severity: Option<&str>, status: Option<&str>, fields: &[(&str, &str)]| IncidentFilter {
        severity: severity.map(str::to_string),
        status: status.map(str::to_string),
        fields: fields.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
        ..IncidentFilter::default()
    };
    assert!(f(Some("p1"), Some("INVESTIGATING"), &[("region", "eu")]).matches(&incident));
    assert!(f(None, None, &[("Customer", "acme corp"), ("Region", "EU")]).matches(&incident));
    assert!(!f(Some("P2"), None, &[]).matches(&incident));
    assert!(!f(None, Some("Resolved"), &[]).matches(&incident));
    assert!(!f(None, None, &[("Region", "US")]).matches(&incident));
    assert!(!f(None, None, &[("Customer", "acme")]).matches(&incident), "values match whole, not in part");
    assert!(!f(None, None, &[("Owner", "")]).matches(&incident), "an empty field has no value to match");
    assert!(!f(None, None, &[("Colour", "red")]).matches(&incident));
    let by_playbook = |p: &str| IncidentFilter { playbook_id: Some(p.into()), ..IncidentFilter::default() };
    assert!(by_playbook("pb1").matches(&incident) && !by_playbook("pb2").matches(&incident));
    assert_eq!(facets(&incident), "\nseverity=p1\nstatus=investigating\nfield:region=eu\nfield:customer=acme corp\n");
}
