//! The incident dossier natively: the ZIP's content, who may download it (the transcript only
//! for readers of the channel), and importing it on another server (new ids, people by
//! username, nothing overwritten, bad input refused before anything is written).

use incident_core::dossier::Dossier;
use incident_core::dossier::zip::read_stored;
use mattermost_plugin_sdk::model::User;
use mattermost_plugin_sdk::{HttpRequest, HttpResponse};
use serde_json::{Value, json};

use crate::api;
use crate::mattermost::Mattermost;
use crate::tests::fake_mattermost::TEAM;
use crate::tests::scenarios::World;

fn raw(w: &World, user: &str, method: &str, url: &str, body: Vec<u8>) -> HttpResponse {
    let request = HttpRequest { method: method.into(), url: url.into(), headers: Vec::new(), body, user_id: Some(user.into()) };
    api::route(&w.mm, &w.db, &request)
}

fn header<'a>(r: &'a HttpResponse, name: &str) -> &'a str {
    r.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).unwrap_or_default()
}

/// The files of a downloaded dossier, and its JSON document.
fn download(w: &World, user: &str, id: &str) -> (Vec<(String, String)>, Dossier) {
    let r = raw(w, user, "GET", &format!("/api/v0/incidents/{id}/dossier"), Vec::new());
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(header(&r, "Content-Type"), "application/zip");
    assert!(header(&r, "Content-Disposition").starts_with("attachment; filename=\"INC-"), "{:?}", r.headers);
    let files: Vec<(String, String)> = read_stored(&r.body)
        .expect("a zip")
        .into_iter()
        .map(|(n, d)| (n.split_once('/').map(|(_, f)| f.to_owned()).unwrap_or(n), String::from_utf8(d).expect("utf-8")))
        .collect();
    let json = &files.iter().find(|(n, _)| n == "dossier.json").expect("dossier.json").1;
    (files.clone(), serde_json::from_str(json).expect("a dossier"))
}

fn file<'a>(files: &'a [(String, String)], name: &str) -> &'a str {
    &files.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("{name} is in the zip")).1
}

/// An incident from the default playbook with a decision, a hypothesis, a checked item, an
/// update, an action and a thread in its channel; ended. Its id and channel.
fn worked_incident(w: &World, private: bool) -> (String, String) {
    let (_, playbooks) = w.http(Some("u-alice"), "GET", &format!("/api/v0/playbooks?team_id={TEAM}"), Value::Null);
    let playbook = playbooks["items"][0]["id"].as_str().expect("default playbook").to_owned();
    let (status, inc) = w.http(
        Some("u-alice"),
        "POST",
        "/api/v0/incidents",
        json!({"team_id": TEAM, "name": "Checkout down", "playbook_id": playbook, "private": private}),
    );
    assert_eq!(status, 201, "{inc}");
    let (id, ch) = (inc["id"].as_str().expect("id").to_owned(), inc["channel_id"].as_str().expect("ch").to_owned());
    w.mm.add_channel_member(&ch, "u-bob").expect("join");
    assert!(w.cmd("u-alice", &ch, "/incident decision Roll back release 42").contains("decision"));
    assert!(w.cmd("u-bob", &ch, "/incident hypothesis The cache is cold").contains("hypothesis"));
    assert!(w.cmd("u-bob", &ch, "/incident check 1").contains("done"));
    assert!(
        w.cmd("u-alice", &ch, "/incident action Add a checkout alert @bob detective").contains("Follow-up action added"),
        "action"
    );
    assert!(w.cmd("u-alice", &ch, "/incident update Rolled back; watching").contains("Update posted"));
    let post = |user: &str, message: &str, root: &str| w.post_captured(&ch, user, message, root);
    let root = post("u-bob", "Payments fail with 502", "");
    post("u-alice", "Seen in the gateway logs too", &root.id);
    assert!(w.cmd("u-alice", &ch, "/incident end").contains("Ended"));
    (id, ch)
}

#[test]
fn the_dossier_holds_every_record_as_markdown_and_json() {
    let w = World::new();
    let (id, _) = worked_incident(&w, false);
    let (files, dossier) = download(&w, "u-bob", &id);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "README.md",
        "report.md",
        "timeline.md",
        "decisions-and-hypotheses.md",
        "checklist.md",
        "status-updates.md",
        "fields.md",
        "follow-up-actions.md",
        "transcript.md",
        "dossier.json",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    assert!(file(&files, "decisions-and-hypotheses.md").contains("Roll back release 42"));
    assert!(file(&files, "decisions-and-hypotheses.md").contains("The cache is cold"));
    assert!(file(&files, "checklist.md").contains("## History") && file(&files, "checklist.md").contains("@bob"));
    assert!(file(&files, "status-updates.md").contains("Rolled back; watching"));
    assert!(file(&files, "follow-up-actions.md").contains("Add a checkout alert (detective, open, owner @bob)"));
    let transcript = file(&files, "transcript.md");
    let (root, reply) = (transcript.find("Payments fail").expect("root"), transcript.find("    - ").expect("indented reply"));
    assert!(root < reply && transcript[reply..].contains("gateway logs"), "{transcript}");
    assert!(file(&files, "report.md").contains("incident report"));
    assert_eq!(dossier.incident.id, id);
    assert!(dossier.transcript.included && dossier.transcript.messages.len() == 2);
    let mut people: Vec<&str> = dossier.people.iter().map(|p| p.username.as_str()).collect();
    people.sort_unstable();
    assert_eq!(people, vec!["alice", "bob"]);
}

#[test]
fn who_may_download_follows_who_may_see_and_the_transcript_who_may_read_the_channel() {
    let w = World::new();
    let (id, ch) = worked_incident(&w, true);
    // carol is on no team; a team member outside the private channel sees nothing either.
    let carol = raw(&w, "u-carol", "GET", &format!("/api/v0/incidents/{id}/dossier"), Vec::new());
    assert_eq!(carol.status, 404);
    let mut w = w;
    w.mm.users.push(User { id: "u-erin".into(), username: "erin".into(), ..User::default() });
    w.mm.team_members.insert((TEAM.into(), "u-erin".into()));
    assert_eq!(raw(&w, "u-erin", "GET", &format!("/api/v0/incidents/{id}/dossier"), Vec::new()).status, 404);
    assert!(w.cmd("u-erin", "town", "/incident dossier INC-0001").contains("There is no incident INC-0001"));
    // A team admin outside the channel sees the record, not the channel's messages.
    w.mm.users.push(User { id: "u-ted".into(), username: "ted".into(), ..User::default() });
    w.mm.team_members.insert((TEAM.into(), "u-ted".into()));
    w.mm.team_admins.insert((TEAM.into(), "u-ted".into()));
    let (files, dossier) = download(&w, "u-ted", &id);
    assert!(!dossier.transcript.included && dossier.transcript.messages.is_empty());
    assert!(!files.iter().any(|(_, t)| t.contains("Payments fail")), "no message leaks into any file");
    assert!(file(&files, "transcript.md").contains("Not included"));
    // Members of the channel get it whole; the command links to it.
    assert!(download(&w, "u-bob", &id).1.transcript.included);
    let reply = w.cmd("u-bob", &ch, "/incident dossier");
    assert!(reply.contains(&format!("/api/v0/incidents/{id}/dossier")) && reply.contains("INC-0001-dossier.zip"), "{reply}");
}

/// A second server: alice exists there under another id, bob does not, root is its admin.
fn other_server() -> World {
    let mut w = World::new();
    w.mm.users.retain(|u| u.username != "alice" && u.username != "bob");
    w.mm.team_members.retain(|(_, u)| u != "u-alice" && u != "u-bob");
    w.mm.users.push(User { id: "x-alice".into(), username: "alice".into(), ..User::default() });
    w.mm.team_members.insert((TEAM.into(), "x-alice".into()));
    w
}

fn import(w: &World, user: &str, body: Vec<u8>) -> (u16, Value) {
    let r = raw(w, user, "POST", &format!("/api/v0/incidents/import?team_id={TEAM}"), body);
    (r.status, serde_json::from_slice(&r.body).unwrap_or(Value::Null))
}

fn incident_count(w: &World) -> usize {
    let (_, list) = w.http(Some("u-root"), "GET", &format!("/api/v0/incidents?team_id={TEAM}"), Value::Null);
    list["total"].as_u64().expect("total") as usize
}

#[test]
fn an_import_on_another_server_gets_new_ids_matches_people_and_reads_the_same() {
    let source = World::new();
    let (id, _) = worked_incident(&source, false);
    let zip = raw(&source, "u-alice", "GET", &format!("/api/v0/incidents/{id}/dossier"), Vec::new()).body;
    let (before_files, before) = download(&source, "u-alice", &id);

    let target = other_server();
    target.start("x-alice", "Something else first");
    let (status, imported) = import(&target, "u-root", zip.clone());
    assert_eq!(status, 201, "{imported}");
    assert_eq!(imported["reference"], "INC-0002");
    assert_eq!(imported["state"], "ended");
    assert_eq!(imported["channel_id"], "");
    assert!(imported["imported_from"].as_str().expect("origin").starts_with("INC-0001, exported"));
    assert_eq!(imported["unknown_people"], json!(["bob"]));
    assert_eq!(imported["commander_id"], "x-alice", "alice is matched by username");
    let new_id = imported["id"].as_str().expect("id").to_owned();
    assert_ne!(new_id, id);
    let text = imported.to_string();
    assert!(!text.contains(&id) && !text.contains("u-bob") && !text.contains("u-alice"), "{text}");
    assert!(text.contains("@bob"), "bob stays a name");

    // Re-exported, it reads the same but for ids, numbers and the import note.
    let (after_files, after) = download(&target, "u-root", &new_id);
    assert_eq!(after.follow_up_actions.len(), before.follow_up_actions.len());
    assert_eq!(after.transcript.messages.len(), 2);
    let reply = after.transcript.messages.iter().find(|m| !m.root_id.is_empty()).expect("the reply");
    let root = after.transcript.messages.iter().find(|m| m.root_id.is_empty()).expect("the root");
    assert_eq!(reply.root_id, root.id, "the thread is kept");
    for ((name, a), (_, b)) in before_files.iter().zip(&after_files) {
        if name == "dossier.json" || name == "README.md" {
            continue;
        }
        let a = a.replace("INC-0001", "INC-n");
        let b = b.replace("INC-0002", "INC-n");
        assert_eq!(a, b, "{name} reads differently");
    }
    assert!(file(&after_files, "README.md").contains("Imported from:** INC-0001"));
    // History: it is not reopened.
    let (status, v) = target.http(Some("u-root"), "POST", &format!("/api/v0/incidents/{new_id}/reopen"), Value::Null);
    assert_eq!(status, 409, "{v}");
    assert!(v["error"].as_str().unwrap_or_default().contains("imported from a dossier"), "{v}");

    // Nothing is overwritten: a second import is a third incident.
    let (status, again) = import(&target, "u-root", zip);
    assert_eq!(status, 201, "{again}");
    assert_eq!(again["reference"], "INC-0003");
    assert_eq!(incident_count(&target), 3);
    // The JSON document alone imports too.
    let (status, from_json) = import(&target, "u-root", serde_json::to_vec(&before).expect("json"));
    assert_eq!((status, from_json["reference"].as_str()), (201, Some("INC-0004")));
}

#[test]
fn only_admins_import_and_bad_dossiers_change_nothing() {
    let source = World::new();
    let (id, _) = worked_incident(&source, false);
    let (_, dossier) = download(&source, "u-alice", &id);
    let good = serde_json::to_value(&dossier).expect("json");
    let target = World::new();
    let (status, v) = import(&target, "u-alice", good.to_string().into_bytes());
    assert_eq!(status, 403, "{v}");
    assert!(v["error"].as_str().unwrap_or_default().contains("team admins and system admins"));
    let mut wrong_version = good.clone();
    wrong_version["format_version"] = 99.into();
    let mut no_name = good.clone();
    no_name["incident"]["name"] = "".into();
    let mut bad_person = good.clone();
    bad_person["people"][0]["username"] = "@everyone here".into();
    let mut bad_event = good.clone();
    bad_event["incident"]["timeline"][1]["kind"] = json!({"type": "no_such_event"});
    for (body, says) in [
        (b"not json at all".to_vec(), "not JSON"),
        (b"PK\x03\x04 truncated".to_vec(), "ZIP"),
        (wrong_version.to_string().into_bytes(), "format_version is 99"),
        (no_name.to_string().into_bytes(), "name"),
        (bad_person.to_string().into_bytes(), "not a Mattermost username"),
        (bad_event.to_string().into_bytes(), "no_such_event"),
        (Vec::new(), "not JSON"),
    ] {
        let (status, v) = import(&target, "u-root", body);
        assert_eq!(status, 400, "{v}");
        assert!(v["error"].as_str().unwrap_or_default().contains(says), "{says}: {v}");
    }
    let (status, v) = raw_status(&target, "/api/v0/incidents/import");
    assert_eq!(status, 400, "{v}");
    assert_eq!(incident_count(&target), 0, "nothing was created");
    let huge = vec![b' '; crate::service::dossier::MAX_IMPORT_BYTES + 1];
    let (status, v) = import(&target, "u-root", huge);
    assert!(status == 400 && v["error"].as_str().unwrap_or_default().contains("MiB"), "{v}");
    // The refused imports left no numbers taken.
    let (status, v) = import(&target, "u-root", good.to_string().into_bytes());
    assert_eq!((status, v["reference"].as_str()), (201, Some("INC-0001")), "{v}");
}

fn raw_status(w: &World, url: &str) -> (u16, Value) {
    let r = raw(w, "u-root", "POST", url, b"{}".to_vec());
    (r.status, serde_json::from_slice(&r.body).unwrap_or(Value::Null))
}

/// The Python virtual environment `build/setup.sh` makes (`API_FUZZ_VENV`), holding the pinned
/// `jsonschema`.
fn venv_python() -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let venv = std::env::var("API_FUZZ_VENV").map(std::path::PathBuf::from).unwrap_or_else(|_| root.join("target/api-fuzz-venv"));
    let venv = if venv.is_absolute() { venv } else { root.join(venv) };
    let python = venv.join("bin/python");
    assert!(python.exists(), "{} is missing: run ./build/setup.sh (it installs the pinned jsonschema)", python.display());
    python
}

/// Real dossiers, exported and imported-then-exported, are valid against the published schema
/// (docs/dossier.schema.json), checked by the `jsonschema` validator (draft 2020-12).
#[test]
fn produced_dossiers_follow_the_published_json_schema() {
    let source = World::new();
    let (id, _) = worked_incident(&source, false);
    let (files, _) = download(&source, "u-alice", &id);
    let exported = file(&files, "dossier.json").to_owned();
    let target = other_server();
    let (status, v) = import(&target, "u-root", exported.clone().into_bytes());
    assert_eq!(status, 201, "{v}");
    let (again, _) = download(&target, "u-root", v["id"].as_str().expect("id"));
    let reexported = file(&again, "dossier.json").to_owned();

    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/dossier.schema.json");
    let dir = std::env::temp_dir().join(format!("dossier-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut paths = Vec::new();
    for (name, text) in [("exported.json", &exported), ("reexported.json", &reexported)] {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        paths.push(path);
    }
    let script = "import json, sys, jsonschema\n\
        schema = json.load(open(sys.argv[1]))\n\
        jsonschema.Draft202012Validator.check_schema(schema)\n\
        v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())\n\
        bad = 0\n\
        for p in sys.argv[2:]:\n\
        \x20   for e in v.iter_errors(json.load(open(p))):\n\
        \x20       bad += 1; print(p, list(e.absolute_path), e.message)\n\
        print('checked', len(sys.argv) - 2)\n\
        sys.exit(1 if bad else 0)";
    let out = std::process::Command::new(venv_python()).arg("-c").arg(script).arg(&schema).args(&paths).output().expect("python");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && said.contains("checked 2"), "{said}");
    // The validator does refuse what the schema rules out.
    let mut broken: Value = serde_json::from_str(&exported).expect("json");
    broken["format_version"] = 2.into();
    broken["transcript"]["messages"][0]["extra"] = true.into();
    std::fs::write(&paths[0], broken.to_string()).expect("write");
    let out =
        std::process::Command::new(venv_python()).arg("-c").arg(script).arg(&schema).arg(&paths[0]).output().expect("python");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success() && said.contains("format_version") && said.contains("extra"), "{said}");
    let _ = std::fs::remove_dir_all(&dir);
}
