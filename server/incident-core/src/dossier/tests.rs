use super::remap::{ImportTarget, parse, plan_import};
use super::*;
use crate::checklist::{ItemRef, ItemState};
use crate::ids::SequentialIds;
use crate::test_support::{T0, incident};
use crate::timeline::EntryCategory;

fn dossier() -> Dossier {
    let mut i = incident();
    i.add_note("alice", "Roll back the deploy", EntryCategory::Decision, None, T0 + 1000).expect("note");
    i.add_note("bob", "The cache is cold", EntryCategory::Hypothesis, None, T0 + 2000).expect("note");
    i.set_item_state("carol", ItemRef::Number(1), ItemState::Done, T0 + 3000).expect("check");
    i.end("alice", T0 + 60_000).expect("end");
    let people = ["alice", "bob", "carol"].iter().map(|u| Person { id: (*u).into(), username: format!("{u}_u") }).collect();
    Dossier {
        format_version: FORMAT_VERSION,
        generator: "incident-response test".into(),
        exported_at: T0 + 120_000,
        reference: i.reference(),
        people,
        report: Report { markdown: "# Edited report".into(), edited: true },
        follow_up_actions: vec![FollowUpAction {
            id: "act1".into(),
            incident_id: i.id.clone(),
            team_id: i.team_id.clone(),
            text: "Add an alert".into(),
            owner_id: Some("bob".into()),
            due_at: None,
            kind: crate::actions::ActionKind::Detective,
            state: crate::actions::ActionState::Open,
            author_id: "alice".into(),
            created_at: T0,
            updated_at: T0,
            done_at: None,
        }],
        transcript: Transcript {
            included: true,
            messages: vec![
                TranscriptMessage {
                    id: "p1".into(),
                    user_id: "alice".into(),
                    root_id: String::new(),
                    message: "Looking".into(),
                    create_at: T0,
                    edit_at: 0,
                },
                TranscriptMessage {
                    id: "p2".into(),
                    user_id: "bob".into(),
                    root_id: String::new(),
                    message: "Me too".into(),
                    create_at: T0 + 5,
                    edit_at: 0,
                },
                TranscriptMessage {
                    id: "p3".into(),
                    user_id: "carol".into(),
                    root_id: "p1".into(),
                    message: "Found it".into(),
                    create_at: T0 + 9,
                    edit_at: 1,
                },
            ],
        },
        incident: i,
    }
}

fn markdown_of(d: &Dossier) -> String {
    markdown::files(d).into_iter().map(|(n, t)| format!("=== {n}\n{t}")).collect()
}

#[test]
fn markdown_holds_decisions_checklist_history_and_threads() {
    let md = markdown_of(&dossier());
    let decisions = md.split("=== ").find(|f| f.starts_with("decisions")).expect("decisions file");
    assert!(decisions.contains("Roll back the deploy") && decisions.contains("The cache is cold"), "{decisions}");
    let checklist = md.split("=== ").find(|f| f.starts_with("checklist")).expect("checklist file");
    assert!(checklist.contains("## History") && checklist.contains("@carol_u"), "{checklist}");
    let transcript = md.split("=== ").find(|f| f.starts_with("transcript")).expect("transcript file");
    let (looking, found, me_too) = (
        transcript.find("Looking").expect("root"),
        transcript.find("    - ").expect("reply"),
        transcript.find("Me too").expect("other"),
    );
    assert!(looking < found && found < me_too, "the reply sits under its thread's first message: {transcript}");
    assert!(md.contains("Add an alert (detective, open, owner @bob_u)"), "{md}");
}

#[test]
fn zip_round_trip_parses_back_the_same_dossier() {
    let d = dossier();
    let zip = d.to_zip().expect("zip");
    assert_eq!(parse(&zip).expect("parsed"), d);
    let json = serde_json::to_vec(&d).expect("json");
    assert_eq!(parse(&json).expect("parsed"), d);
}

#[test]
fn import_gives_new_ids_matches_people_by_username_and_keeps_strangers_as_names() {
    let d = dossier();
    let local = |u: &str| match u {
        "alice_u" => Some("local-alice".to_string()),
        "bob_u" => Some("local-bob".to_string()),
        _ => None,
    };
    let target = ImportTarget { team_id: "team9", incident_id: "new1", number: 7, now: T0 + 500_000 };
    let plan = plan_import(&d, &target, &local, &mut SequentialIds::new("n")).expect("planned");
    let i = &plan.incident;
    assert_eq!((i.id.as_str(), i.team_id.as_str(), i.number, i.channel_id.as_str()), ("new1", "team9", 7, ""));
    assert_eq!(i.state, crate::IncidentState::Ended);
    assert_eq!(i.commander_id, "local-alice");
    assert_eq!(plan.unknown_people, vec!["carol_u".to_string()]);
    assert!(i.imported_from.as_deref().unwrap_or_default().starts_with("INC-0042"));
    let json = serde_json::to_string(&(&plan.incident, &plan.actions, &plan.messages)).expect("json");
    for old in ["\"inc1", "\"team1\"", "\"alice\"", "\"bob\"", "\"carol\"", "\"p1\"", "\"act1\"", "\"chan1\""] {
        assert!(!json.contains(old), "{old} is still in the import: {json}");
    }
    assert!(json.contains("\"@carol_u\""), "an unknown person stays a name");
    assert!(i.timeline.iter().all(|e| e.id.starts_with("new1-")));
    assert_eq!(plan.messages[2].root_id, plan.messages[0].id);
    assert_eq!(plan.actions[0].owner_id.as_deref(), Some("local-bob"));
    assert_eq!(plan.edited_report.as_deref(), Some("# Edited report"));

    // Re-exported, it reads the same apart from the number and the import note.
    let again = Dossier {
        reference: i.reference(),
        incident: plan.incident.clone(),
        people: vec![
            Person { id: "local-alice".into(), username: "alice_u".into() },
            Person { id: "local-bob".into(), username: "bob_u".into() },
        ],
        follow_up_actions: plan.actions.clone(),
        transcript: Transcript { included: true, messages: plan.messages.clone() },
        ..d.clone()
    };
    let strip = |s: String| s.replace("INC-0042", "INC-x").replace("INC-0007", "INC-x");
    let before = strip(markdown_of(&d));
    let after = strip(markdown_of(&again));
    let note = after.lines().find(|l| l.starts_with("- **Imported from:**")).expect("import note").to_string() + "\n";
    assert_eq!(before, after.replace(&note, ""));
}

#[test]
fn bad_dossiers_are_refused_with_the_reason() {
    let d = dossier();
    let mut v = serde_json::to_value(&d).expect("json");
    v["format_version"] = 2.into();
    assert!(parse(v.to_string().as_bytes()).expect_err("version").0.contains("format_version is 2"));
    let mut v = serde_json::to_value(&d).expect("json");
    v["people"][0]["username"] = "Not A Name".into();
    assert!(parse(v.to_string().as_bytes()).expect_err("username").0.contains("not a Mattermost username"));
    let mut v = serde_json::to_value(&d).expect("json");
    v["incident"]["name"] = "".into();
    assert!(parse(v.to_string().as_bytes()).is_err());
    assert!(parse(b"PK\x03\x04 broken").expect_err("zip").0.contains("ZIP"));
    assert!(parse(b"{}").expect_err("empty").0.contains("format_version"));
    let zip = zip::write_stored(&[("notes.md".into(), b"x".to_vec())], 0).expect("zip");
    assert!(parse(&zip).expect_err("no json").0.contains("no dossier.json"));
}

/// Real readers (Python's zipfile and Info-ZIP's unzip) read the archive and find the same files.
#[test]
fn real_zip_readers_read_the_archive() {
    let d = dossier();
    let zip = d.to_zip().expect("zip");
    let path = std::env::temp_dir().join(format!("dossier-test-{}.zip", std::process::id()));
    std::fs::write(&path, &zip).expect("write the zip");
    let script = "import sys, zipfile, json\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\n\
                  print(json.dumps({n: z.read(n).decode('utf-8') for n in z.namelist()}))";
    let out = std::process::Command::new("python3").arg("-c").arg(script).arg(&path).output().expect("python3 runs");
    assert!(out.status.success(), "python's zipfile: {}", String::from_utf8_lossy(&out.stderr));
    let read: std::collections::BTreeMap<String, String> = serde_json::from_slice(&out.stdout).expect("json of the files");
    let mut want: std::collections::BTreeMap<String, String> =
        markdown::files(&d).into_iter().map(|(n, t)| (format!("INC-0042/{n}"), t)).collect();
    want.insert("INC-0042/dossier.json".into(), serde_json::to_string_pretty(&d).expect("json"));
    assert_eq!(read, want);
    let unzip = std::process::Command::new("unzip").arg("-t").arg(&path).output();
    if let Ok(unzip) = unzip {
        assert!(unzip.status.success(), "unzip -t: {}", String::from_utf8_lossy(&unzip.stdout));
        assert!(String::from_utf8_lossy(&unzip.stdout).contains("No errors detected"));
    }
    let _ = std::fs::remove_file(&path);
}

#[test]
fn person_ids_finds_everyone_the_record_names() {
    let d = dossier();
    let mut ids = std::collections::BTreeSet::new();
    person_ids(&serde_json::to_value((&d.incident, &d.follow_up_actions, &d.transcript)).expect("json"), &mut ids);
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    assert_eq!(ids, vec!["alice", "bob", "carol"]);
}
