use super::*;
use crate::error::ErrorKind;
use crate::test_support::playbook;

fn invalid(message: &str) -> Result<(), DomainError> {
    Err(DomainError::InvalidPlaybook(message.to_string()))
}

#[test]
fn the_fixture_is_valid() {
    assert_eq!(playbook().validate(), Ok(()));
    assert_eq!(playbook().item_count(), 5);
}

#[test]
fn validation_errors() {
    let base = playbook();
    let mut p = base.clone();
    p.title = "  ".into();
    assert_eq!(p.validate(), invalid("the title: it is empty."));

    let mut p = base.clone();
    p.title = "t".repeat(101);
    assert_eq!(p.validate(), invalid("the title: it has 101 characters; the limit is 100."));

    let mut p = base.clone();
    p.description = "d".repeat(4001);
    assert_eq!(p.validate(), invalid("the description: it has 4001 characters; the limit is 4000."));

    let mut p = base.clone();
    p.checklists[1].title = String::new();
    assert_eq!(p.validate(), invalid("section 2's title: it is empty."));

    let mut p = base.clone();
    p.checklists[1].items[2].title = "x".repeat(201);
    assert_eq!(p.validate(), invalid("section 2, item 3's title: it has 201 characters; the limit is 200."));

    let mut p = base.clone();
    p.checklists[0].items[0].description = "bad\u{0}".into();
    assert_eq!(p.validate(), invalid("section 1, item 1's description: it contains a control character (U+0000)."));

    let mut p = base.clone();
    p.checklists[0].items[0].command = Some("status".into());
    assert_eq!(p.validate(), invalid("section 1, item 1's command: it must start with \"/\"."));

    let mut p = base.clone();
    p.channel_name_template = "inc-{id}".into();
    assert!(matches!(p.validate(), Err(DomainError::InvalidTemplate(_))));
    assert_eq!(p.validate().map_err(|e| e.kind()), Err(ErrorKind::Invalid));
}

#[test]
fn validation_limits() {
    let section = |items: usize| PlaybookSection {
        title: "S".into(),
        items: vec![PlaybookItem { title: "i".into(), ..Default::default() }; items],
    };
    let mut p = playbook();
    p.checklists = vec![section(0); 50];
    assert_eq!(p.validate(), Ok(()));
    p.checklists.push(section(0));
    assert_eq!(p.validate(), invalid("it has 51 sections; the limit is 50."));

    p.checklists = vec![section(100), section(100)];
    assert_eq!(p.validate(), Ok(()));
    p.checklists.push(section(1));
    assert_eq!(p.validate(), invalid("it has 201 items; the limit is 200."));
}

#[test]
fn normalised_cleans_without_changing_meaning() {
    let mut p = playbook();
    p.title = "  Service   incident ".into();
    p.description = "  Line one\r\nLine two  ".into();
    p.channel_name_template = " inc-{number} ".into();
    p.default_commander_id = Some(" ".into());
    p.checklists[0].title = " Triage\t".into();
    p.checklists[0].items[0].title = "Page  the on-call ".into();
    p.checklists[0].items[0].command = Some("  ".into());
    p.checklists[0].items[1].default_assignee_id = Some("".into());
    let clean = p.normalised().expect("normalise");
    assert_eq!(clean.title, "Service incident");
    assert_eq!(clean.description, "Line one\nLine two");
    assert_eq!(clean.channel_name_template, "inc-{number}");
    assert_eq!(clean.default_commander_id, None);
    assert_eq!(clean.checklists[0].title, "Triage");
    assert_eq!(clean.checklists[0].items[0].title, "Page the on-call");
    assert_eq!(clean.checklists[0].items[0].command, None);
    assert_eq!(clean.checklists[0].items[1].default_assignee_id, None);
    assert_eq!(clean.checklists[0].items[0].default_assignee_id.as_deref(), Some("carol"));
    assert_eq!((clean.id.as_str(), clean.created_at), ("pb1", 1));

    let mut bad = playbook();
    bad.title = "\u{7}".into();
    assert!(matches!(bad.normalised(), Err(DomainError::InvalidPlaybook(_))));
}

#[test]
fn permissions() {
    let mut p = playbook();
    assert!(p.may_use("anyone"), "no members listed: the whole team");
    p.member_ids = vec!["alice".into()];
    assert!(p.may_use("alice"));
    assert!(!p.may_use("bob"));

    assert!(!p.may_edit("bob", false));
    assert!(p.may_edit("bob", true), "admins always may");
    p.editor_ids = vec!["bob".into()];
    assert!(p.may_edit("bob", false));
}

#[test]
fn export_leaves_out_server_specific_fields() {
    let mut p = playbook();
    p.default_commander_id = Some("alice".into());
    p.announcement_channel_ids = vec!["chan9".into()];
    p.member_ids = vec!["alice".into()];
    p.editor_ids = vec!["bob".into()];
    p.private_channel = true;
    let json = export_json(&p);
    let value: Value = serde_json::from_str(&json).expect("export is JSON");
    assert_eq!(value["format"], "incident-response-playbook");
    assert_eq!(value["version"], 1);
    let body = &value["playbook"];
    assert_eq!(body["title"], "Service incident");
    assert_eq!(body["private_channel"], true);
    assert_eq!(body["checklists"][1]["items"][1]["command"], "/status");
    for absent in [
        "id",
        "team_id",
        "created_at",
        "updated_at",
        "default_commander_id",
        "announcement_channel_ids",
        "member_ids",
        "editor_ids",
    ] {
        assert!(body.get(absent).is_none(), "{absent} should not be exported");
    }
    assert!(body["checklists"][0]["items"][0].get("default_assignee_id").is_none());
    for absent in ["pb1", "team1", "alice", "bob", "carol", "chan9"] {
        assert!(!json.contains(&format!("\"{absent}\"")), "{absent} leaked into the export");
    }
}

#[test]
fn import_export_round_trip() {
    let original = playbook();
    let imported = import_json(&export_json(&original), "pb9", "team2", 77).expect("import");
    assert_eq!(imported.id, "pb9");
    assert_eq!(imported.team_id, "team2");
    assert_eq!((imported.created_at, imported.updated_at), (77, 77));
    assert_eq!(imported.title, original.title);
    assert_eq!(imported.description, original.description);
    assert_eq!(imported.channel_name_template, original.channel_name_template);
    assert_eq!(imported.private_channel, original.private_channel);
    let expected_sections: Vec<PlaybookSection> = original
        .checklists
        .iter()
        .map(|s| PlaybookSection {
            title: s.title.clone(),
            items: s.items.iter().map(|i| PlaybookItem { default_assignee_id: None, ..i.clone() }).collect(),
        })
        .collect();
    assert_eq!(imported.checklists, expected_sections);
    assert!(imported.member_ids.is_empty() && imported.editor_ids.is_empty());
    // And once more: an export of the import is the same document.
    assert_eq!(export_json(&imported), export_json(&original));
}

#[test]
fn import_is_lenient_about_missing_optional_and_unknown_fields() {
    let json = r#"{"format":"incident-response-playbook","version":1,"exported_by":"x",
        "playbook":{"title":"  Minimal ","future_field":true,"checklists":[{"title":"S","items":[{"title":"A"}]}]}}"#;
    let p = import_json(json, "p", "t", 1).expect("import");
    assert_eq!(p.title, "Minimal");
    assert_eq!(p.checklists[0].items[0].title, "A");
    assert_eq!(p.channel_name_template, "");
    assert!(!p.private_channel);
}

#[test]
fn import_refusals() {
    let import = |json: &str| import_json(json, "p", "t", 1);
    let error = |json: &str| match import(json) {
        Err(DomainError::InvalidImport(message)) => message,
        other => panic!("expected InvalidImport for {json}, got {other:?}"),
    };
    assert!(error("").starts_with("it is not valid JSON"));
    assert!(error("{not json").starts_with("it is not valid JSON"));
    assert!(error("[1,2]").starts_with("it is not an Incident Response playbook export"));
    assert!(error(r#"{"title":"a Playbooks export"}"#).starts_with("it is not an Incident Response playbook export"));
    assert!(error(r#"{"format":"other","version":1,"playbook":{}}"#).starts_with("it is not an Incident Response"));
    assert_eq!(
        error(r#"{"format":"incident-response-playbook","version":2,"playbook":{}}"#),
        "it is format version 2, newer than this plugin reads (1); upgrade the plugin."
    );
    assert_eq!(
        error(r#"{"format":"incident-response-playbook","version":0,"playbook":{}}"#),
        "it has no supported \"version\" (expected 1)."
    );
    assert_eq!(
        error(r#"{"format":"incident-response-playbook","version":"1","playbook":{}}"#),
        "it has no supported \"version\" (expected 1)."
    );
    assert_eq!(error(r#"{"format":"incident-response-playbook","version":1}"#), "it has no \"playbook\" object.");
    assert!(
        error(r#"{"format":"incident-response-playbook","version":1,"playbook":{}}"#)
            .starts_with("the playbook is malformed: missing field `title`")
    );
    assert!(
        error(r#"{"format":"incident-response-playbook","version":1,"playbook":{"title":"x","checklists":[{"items":[]}]}}"#)
            .starts_with("the playbook is malformed")
    );
    assert!(
        error(r#"{"format":"incident-response-playbook","version":1,"playbook":{"title":5}}"#)
            .starts_with("the playbook is malformed")
    );
    assert!(error(&" ".repeat(MAX_IMPORT_BYTES + 1)).starts_with("the file has"));

    // Well-formed but invalid content is an invalid playbook.
    let empty_title = r#"{"format":"incident-response-playbook","version":1,"playbook":{"title":" "}}"#;
    assert_eq!(import(empty_title), Err(DomainError::InvalidPlaybook("the title: it is empty.".into())));
    let bad_template =
        r#"{"format":"incident-response-playbook","version":1,"playbook":{"title":"x","channel_name_template":"{oops}"}}"#;
    assert!(matches!(import(bad_template), Err(DomainError::InvalidTemplate(_))));

    let ok = r#"{"format":"incident-response-playbook","version":1,"playbook":{"title":"x"}}"#;
    assert_eq!(import_json(ok, " ", "t", 1), Err(DomainError::MissingField("playbook id")));
    assert_eq!(import_json(ok, "p", "", 1), Err(DomainError::MissingField("team id")));
}

#[test]
fn playbook_json_reads_old_documents() {
    let old = r#"{"id":"p","team_id":"t","title":"x","created_at":3}"#;
    let p: Playbook = serde_json::from_str(old).expect("old playbook");
    assert_eq!((p.updated_at, p.private_channel, p.checklists.len()), (0, false, 0));
    let round: Playbook = serde_json::from_str(&serde_json::to_string(&playbook()).expect("json")).expect("back");
    assert_eq!(round, playbook());
}

#[test]
fn keywords_are_kept_lowercase_once_and_match_whole_words() {
    let mut p = crate::test_support::playbook();
    p.keywords = vec!["  Outage ".into(), "outage".into(), "Database  DOWN".into()];
    let p = p.normalised().expect("valid");
    assert_eq!(p.keywords, ["outage", "database down"]);
    let list = [p];
    assert_eq!(keyword_match(&list, "We have an OUTAGE!").map(|(_, k)| k), Some("outage"));
    assert_eq!(keyword_match(&list, "the database is down"), None, "words in order, together");
    assert_eq!(keyword_match(&list, "database down since 10:02").map(|(_, k)| k), Some("database down"));
    assert_eq!(keyword_match(&list, "outages happen"), None);
    let mut bad = crate::test_support::playbook();
    bad.keywords = vec!["x".into()];
    assert!(bad.validate().is_err());
    let exported = export_json(&list[0]);
    let back = import_json(&exported, "p2", "team1", 5).expect("import");
    assert_eq!(back.keywords, list[0].keywords);
}

#[test]
fn keywords_too_common_to_offer_on_are_refused_and_old_ones_never_match() {
    let mut p = crate::test_support::playbook();
    for common in ["is", "ok", "the", "db!"] {
        p.keywords = vec![common.into()];
        let error = p.normalised().expect_err(common).to_string();
        assert!(error.contains("too common") && error.contains("at least 4 letters"), "{common}: {error}");
    }
    p.keywords = vec!["sev1".into(), "db down".into(), "is ok".into()];
    assert!(p.normalised().is_ok(), "four letters, or several words");
    // A playbook stored before the rule keeps its short keyword, which no longer offers, and
    // still starts incidents.
    let mut old = crate::test_support::playbook();
    old.keywords = vec!["is".into(), "outage".into()];
    assert!(old.validate().is_ok());
    let list = [old];
    assert_eq!(keyword_match(&list, "this is fine"), None);
    assert_eq!(keyword_match(&list, "is this an outage").map(|(_, k)| k), Some("outage"));
}

#[test]
fn welcome_message_and_update_template_are_checked_kept_and_carried_to_the_incident() {
    let mut p = playbook();
    p.welcome_message = "  Welcome! Read the runbook first.  ".into();
    p.update_template = "Impact:\nCause:\nNext:".into();
    let clean = p.normalised().expect("valid");
    assert_eq!(
        (clean.welcome_message.as_str(), clean.update_template.as_str()),
        ("Welcome! Read the runbook first.", "Impact:\nCause:\nNext:")
    );
    let mut long = p.clone();
    long.welcome_message = "x".repeat(MAX_TEXT_CHARS + 1);
    assert!(matches!(long.validate(), Err(DomainError::InvalidPlaybook(m)) if m.starts_with("the welcome message:")));
    long.welcome_message.clear();
    long.update_template = "\u{7}".into();
    assert!(matches!(long.validate(), Err(DomainError::InvalidPlaybook(m)) if m.starts_with("the status update template:")));
    // Portable: they are text, not ids.
    let back = import_json(&export_json(&clean), "pb2", "team2", 5).expect("import");
    assert_eq!((back.welcome_message, back.update_template), (clean.welcome_message.clone(), clean.update_template.clone()));
    let incident = crate::Incident::start(
        crate::test_support::request("Outage"),
        Some(&clean),
        &mut crate::ids::SequentialIds::new("i"),
        crate::test_support::T0,
    )
    .expect("start");
    assert_eq!(
        (incident.welcome_message.as_str(), incident.update_template.as_str()),
        ("Welcome! Read the runbook first.", "Impact:\nCause:\nNext:")
    );
}

#[test]
fn the_sidebar_category_is_one_short_line_kept_through_export() {
    let mut p = playbook();
    p.sidebar_category = "  Active \t incidents ".into();
    let clean = p.normalised().expect("valid");
    assert_eq!(clean.sidebar_category, "Active incidents");
    let back = import_json(&export_json(&clean), "pb2", "team2", 5).expect("import");
    assert_eq!(back.sidebar_category, "Active incidents");
    p.sidebar_category = "   ".into();
    assert_eq!(p.normalised().expect("blank is none").sidebar_category, "");
    p.sidebar_category = "x".repeat(MAX_SIDEBAR_CATEGORY_CHARS);
    assert!(p.validate().is_ok());
    p.sidebar_category.push('x');
    assert!(matches!(p.validate(), Err(DomainError::InvalidPlaybook(m))
        if m == "the sidebar category: it has 23 characters; the limit is 22."));
    p.sidebar_category = "On\u{202E}call".into();
    assert!(matches!(p.validate(), Err(DomainError::InvalidPlaybook(m)) if m.starts_with("the sidebar category:")));
}

#[test]
fn the_starter_may_untick_announcement_channels_but_not_add_any() {
    let mut p = playbook();
    p.announcement_channel_ids = vec!["c1".into(), "c2".into()];
    assert_eq!(p.kept_announcement_channels(None), Ok(None));
    assert_eq!(p.kept_announcement_channels(Some(&["c2".into(), " c2 ".into()])), Ok(Some(vec!["c2".into()])));
    assert_eq!(p.kept_announcement_channels(Some(&[])), Ok(Some(Vec::new())));
    assert!(matches!(
        p.kept_announcement_channels(Some(&["c3".into()])),
        Err(DomainError::InvalidPlaybook(m)) if m.contains("c3 is not one of the playbook's")
    ));
}

#[test]
fn invited_people_and_groups_are_kept_once_and_group_names_checked() {
    let mut p = playbook();
    p.invited_user_ids = vec!["u1".into(), " u1 ".into(), "u2".into()];
    p.invited_groups = vec!["@SRE".into(), "sre".into(), " dba-team ".into()];
    let clean = p.normalised().expect("valid");
    assert_eq!(clean.invited_user_ids, ["u1", "u2"]);
    assert_eq!(clean.invited_groups, ["sre", "dba-team"]);
    p.invited_groups = vec!["on call".into()];
    assert!(matches!(p.normalised(), Err(DomainError::InvalidPlaybook(m)) if m.starts_with("\"on call\" is not a group name")));
    p.invited_groups = (0..11).map(|n| format!("g{n}")).collect();
    assert!(matches!(p.validate(), Err(DomainError::InvalidPlaybook(m)) if m == "it invites 11 groups; the limit is 10."));
    p.invited_groups.clear();
    p.invited_user_ids = (0..51).map(|n| format!("u{n}")).collect();
    assert!(p.validate().is_err());
    // People are left out of the portable form.
    let exported = export_json(&clean);
    assert!(!exported.contains("invited"), "{exported}");
}
