use super::*;
use crate::ids::SequentialIds;
use crate::test_support::{T0, incident, request, usernames};

#[test]
fn intro_post_names_the_commander_and_shows_the_checklist() {
    let mut incident = incident();
    incident.toggle_item("alice", 2, T0).expect("check");
    incident.set_item_state("alice", 5, ItemState::Skipped, T0).expect("skip");
    let post = intro_post(&incident, "alice_u", Zone::UTC, &usernames);
    assert_eq!(
        post,
        "#### INC-0042 · Database down\n\
         Incident commander: @alice_u\n\
         > Primary database unreachable\n\
         \n\
         **Checklist** (1 of 5 done)\n\
         **Triage**\n\
         ☐ 1. Page the on-call · @carol_u\n\
         ☑ 2. Assess severity\n\
         **Resolve**\n\
         ☐ 3. Find the cause\n\
         ☐ 4. Post an update\n\
         ⊘ 5. ~~Write the report~~ (skipped)\n\
         \n\
         Check an item with `/incident check <number>`; see `/incident help` for more.\n"
    );
}

#[test]
fn intro_post_without_checklist_or_summary() {
    let mut start = request("Quiet");
    start.summary = String::new();
    let incident = Incident::start(start, None, &mut SequentialIds::new("x"), T0).expect("start");
    let post = intro_post(&incident, "@alice_u", Zone::UTC, &usernames);
    assert_eq!(
        post,
        "#### INC-0042 · Quiet\nIncident commander: @alice_u\n\n\
         No checklist yet: add items with `/incident checkadd <section> <item>`.\n"
    );
}

#[test]
fn multi_line_summaries_stay_quoted() {
    let mut start = request("x");
    start.summary = "line one\nline two".into();
    let incident = Incident::start(start, None, &mut SequentialIds::new("x"), T0).expect("start");
    assert!(intro_post(&incident, "a", Zone::UTC, &usernames).contains("> line one\n> line two\n"));
}

#[test]
fn unknown_users_and_empty_sections() {
    let mut incident = incident();
    incident.assign_item("alice", 3, Some("stranger".into()), T0).expect("assign");
    incident.checklists.push(crate::ChecklistSection { id: "e".into(), title: "Later".into(), items: vec![] });
    let markdown = checklist_markdown(&incident, incident.created_at, Zone::UTC, &usernames);
    assert!(markdown.contains("☐ 3. Find the cause · (unknown user)\n"), "{markdown}");
    assert!(markdown.ends_with("**Later**\n_(no items)_\n"), "{markdown}");
}

/// What Mattermost counts as a channel-wide mention in one text node, ported by hand (test only)
/// from server/channels/app/mention_parser_standard.go:30-93 (`ProcessText`) and :100-129
/// (`checkForMention`) of mattermost/server/v8@v8.0.0-20251014075701-833e0125320d. It runs every
/// check as if no user had the word as a mention key (`checkForMention` then returns false and
/// nothing is skipped), which finds the most. Markdown (notification.go:1370 hands over each
/// text node) is covered by tests/conformance/posting_security_test.go with Mattermost's parser.
fn mattermost_channel_mentions(text: &str) -> Vec<String> {
    const SYSTEM: [&str; 3] = ["@here", "@channel", "@all"];
    let mut found: Vec<String> = Vec::new();
    let mut check = |word: &str| {
        let lower = word.to_lowercase();
        if SYSTEM.contains(&lower.as_str()) && !found.contains(&lower) {
            found.push(lower);
        }
    };
    // :33-36 words are split at anything but letters, numbers and `: . - _ @`.
    for word in text.split(|c: char| !(matches!(c, ':' | '.' | '-' | '_' | '@') || c.is_alphanumeric())).filter(|w| !w.is_empty())
    {
        // :38 `:emoji:` words are skipped.
        if word.starts_with(':') && word.ends_with(':') {
            continue;
        }
        // :42 leading `:.-_` go; :44 the word itself; :51-58 trailing `.-:_` dropped one by one.
        let word = word.trim_start_matches([':', '.', '-', '_']);
        check(word);
        let mut shorter = word;
        while let Some(s) = shorter.strip_suffix(['.', '-', ':', '_']) {
            shorter = s;
            check(shorter);
        }
        // :64 a word starting with `@` is a user mention; :73-86 any other word is split again.
        if !SYSTEM.contains(&word) && word.starts_with('@') {
            continue;
        }
        if word.contains(['.', '-', ':']) {
            word.split(['.', '-', ':']).filter(|p| !p.is_empty()).for_each(&mut check);
        }
    }
    found
}

#[test]
fn channel_wide_mentions_are_defused_as_mattermost_reads_them() {
    // (text, what Mattermost detects in it as it is)
    let cases: &[(&str, &[&str])] = &[
        ("ping @channel now", &["@channel"]),
        ("@ALL.", &["@all"]),
        ("@Channel", &["@channel"]),
        ("@here, @here", &["@here"]),
        ("🔥@channel🔥", &["@channel"]),
        // split words: a word not starting with `@` is split at `.`, `-` and `:` (review #3)
        ("x.@channel-x", &["@channel"]),
        ("ops:@here.now", &["@here"]),
        ("db-@all-hands", &["@all"]),
        ("x:@all", &["@all"]),
        // punctuation around it
        ("(@all)", &["@all"]),
        ("@here!", &["@here"]),
        ("_@here_", &["@here"]),
        ("@channel_", &["@channel"]),
        ("@all-:", &["@all"]),
        ("say \"@here\"", &["@here"]),
        // Markdown around it (one text node here; the conformance test parses the Markdown)
        ("**@channel**", &["@channel"]),
        ("> ~~@all~~", &["@all"]),
        ("[@here](https://example.com)", &["@here"]),
        // not channel-wide: left as typed, so user and group mentions keep working
        ("ask @alice and @allison", &[]),
        ("mail a@here.example", &[]),
        ("trailing @", &[]),
        ("the @all-hands group", &[]),
        ("see @here.now", &[]),
        ("x_@channel", &[]),
    ];
    for (text, detected) in cases {
        assert_eq!(mattermost_channel_mentions(text), detected.to_vec(), "Mattermost's reading of {text:?}");
        let defused = safe(text);
        assert_eq!(mattermost_channel_mentions(&defused), Vec::<String>::new(), "{text:?} became {defused:?}");
        assert_eq!(defused.replace('\u{200B}', ""), *text, "{text:?} must read the same");
        if detected.is_empty() && !text.starts_with("x_") {
            assert_eq!(defused, *text, "{text:?} has nothing to defuse");
        }
    }
    // Where Markdown decides (a `www.` link node ends the text right after the keyword; an
    // emoji or a character reference might), safe() defuses too.
    assert_eq!(safe("go @all_www.example.com"), "go @\u{200B}all_www.example.com");
    assert_eq!(safe("go @here:smile:"), "go @\u{200B}here:smile:");
    assert_eq!(safe("go @all-http://example.com"), "go @\u{200B}all-http://example.com");
    assert_eq!(safe("go @all-_hands_"), "go @\u{200B}all-_hands_", "emphasis would end the text after `@all-`");
    assert_eq!(safe("go @all_hands"), "go @all_hands", "an underscore inside a word opens nothing");
    assert_eq!(safe("&#64;channel"), "@\u{200B}channel");
    assert_eq!(safe("@chann&#x65;l and &commat;HERE"), "@\u{200B}channel and @\u{200B}HERE");
    assert_eq!(safe("&#46;&amp;&#12345678;&#x;"), "&#46;&amp;&#12345678;&#x;", "other references stay");
    let mut incident = incident();
    incident.rename_item("alice", 1, "Tell x.@channel-x", T0).expect("rename");
    assert!(checklist_markdown(&incident, incident.created_at, Zone::UTC, &usernames).contains("Tell x.@\u{200B}channel-x"));
}

#[test]
fn code_spans_show_text_literally() {
    assert_eq!(code_span("[Re-authenticate now](https://evil.example)"), "`[Re-authenticate now](https://evil.example)`");
    assert_eq!(code_span("a `b` c"), "``a `b` c``");
    assert_eq!(code_span("`x``"), "``` `x`` ```");
    assert_eq!(code_span("two\nlines"), "`two lines`");
}

#[test]
fn info_text_for_active_and_ended_incidents() {
    let mut incident = incident();
    incident.toggle_item("alice", 1, T0).expect("check");
    incident.set_item_state("alice", 2, ItemState::Skipped, T0).expect("skip");
    incident.assign_item("alice", 4, Some("dave".into()), T0).expect("assign");
    assert_eq!(
        info_text(&incident, T0 + 3_900_000, Zone::UTC, &usernames),
        "**INC-0042 · Database down**\n> Primary database unreachable\nState: active\nCommander: @alice_u\n\
         Started: 2024-05-01 13:04:05 UTC\nDuration: 1h 5m\nChecklist: 1 of 5 done, 1 skipped\n\
         \n\
         **Triage**\n\
         ☑ 1. Page the on-call · @carol_u\n\
         ⊘ 2. ~~Assess severity~~ (skipped)\n\
         **Resolve**\n\
         ☐ 3. Find the cause\n\
         ☐ 4. Post an update · @dave_u\n\
         ☐ 5. Write the report\n"
    );
    // User text is defused here as in posts; a section without items says so.
    incident.rename("alice", "Ping @channel", T0).expect("rename");
    incident.add_item("alice", "Later", "x", &mut SequentialIds::new("l"), T0).expect("add");
    incident.remove_item("alice", 6, T0).expect("remove");
    let info = info_text(&incident, T0, Zone::UTC, &usernames);
    assert!(info.starts_with("**INC-0042 · Ping @\u{200B}channel**\n"), "{info}");
    assert!(info.ends_with("**Later**\n_(no items)_\n"), "{info}");
    incident.end("alice", T0 + 60_000).expect("end");
    let info = info_text(&incident, T0 + 999_999_999, Zone::UTC, &usernames);
    assert!(info.contains("State: ended 2024-05-01 13:05:05 UTC\n"), "{info}");
    assert!(info.contains("Duration: 1m\n"), "{info}");
}

#[test]
fn change_messages() {
    let mut incident = incident();
    let mut ids = SequentialIds::new("n");
    let mut said = Vec::new();
    let mut say = |incident: &Incident| {
        let event = incident.last_event().expect("event");
        said.push(change_message(incident, event, Zone::UTC, &usernames));
    };
    say(&incident);
    incident.toggle_item("alice", 3, T0).expect("check");
    say(&incident);
    incident.toggle_item("alice", 3, T0).expect("uncheck");
    say(&incident);
    incident.set_item_state("bob", 4, ItemState::Skipped, T0).expect("skip");
    say(&incident);
    incident.set_item_state("bob", 4, ItemState::Open, T0).expect("restore");
    say(&incident);
    incident.add_item("carol", "Resolve", "Call the vendor", &mut ids, T0).expect("add");
    say(&incident);
    incident.assign_item("alice", 6, Some("dave".into()), T0).expect("assign");
    say(&incident);
    incident.assign_item("alice", 6, None, T0).expect("unassign");
    say(&incident);
    incident.rename_item("alice", 6, "Call the DB vendor", T0).expect("rename");
    say(&incident);
    incident.move_item("alice", 6, "Triage", 1, T0).expect("move");
    say(&incident);
    incident.remove_item("alice", 1, T0).expect("remove");
    say(&incident);
    incident.change_commander("alice", "dave", T0).expect("commander");
    say(&incident);
    incident.end("dave", T0).expect("end");
    say(&incident);
    let post = |id: &str, note: &str| crate::TimelinePost {
        post_id: id.into(),
        author_id: "carol".into(),
        posted_at: T0,
        message: "failover done".into(),
        note: note.into(),
        category: crate::timeline::EntryCategory::Note,
    };
    let conduct = crate::conduct::Conduct::default();
    incident.reopen("alice", &conduct, T0).expect("reopen");
    say(&incident);
    incident.change_severity("alice", &conduct, "P2", T0).expect("severity");
    say(&incident);
    incident.change_status("alice", &conduct, "Identified", T0).expect("status");
    say(&incident);
    incident.assign_role("alice", &conduct, "Comms lead", Some("bob"), T0).expect("role");
    say(&incident);
    incident.assign_role("alice", &conduct, "Comms lead", Some("carol"), T0).expect("role");
    say(&incident);
    incident.assign_role("alice", &conduct, "Comms lead", None, T0).expect("role");
    say(&incident);
    let draft = crate::lifecycle::UpdateDraft { message: "Rolled back".into(), ..Default::default() };
    incident.post_update("bob", &conduct, &draft, &mut ids, T0).expect("update");
    say(&incident);
    incident.add_post("alice", T0, post("p1", "")).expect("add post");
    say(&incident);
    incident.add_post("alice", T0, post("p2", "ping @channel now\nsecond line")).expect("add post with note");
    say(&incident);
    incident.rename("alice", "DB down @here", T0).expect("rename");
    say(&incident);
    incident.change_summary("bob", "Failover @all\nsecond", T0).expect("summary");
    say(&incident);
    incident.change_summary("bob", "", T0).expect("clear summary");
    say(&incident);
    incident.rename_section("carol", "1", "First @channel", T0).expect("rename section");
    say(&incident);
    incident.record_command_run("alice", 4, T0).expect("run");
    say(&incident);
    assert_eq!(
        said,
        [
            "@bob_u started the incident Database down from the playbook Service incident",
            "@alice_u checked 3. Find the cause",
            "@alice_u unchecked 3. Find the cause",
            "@bob_u skipped 4. Post an update",
            "@bob_u restored 4. Post an update",
            "@carol_u added 6. Call the vendor to Resolve",
            "@alice_u assigned 6. Call the vendor to @dave_u",
            "@alice_u unassigned 6. Call the vendor",
            "@alice_u renamed 6. Call the DB vendor (was Call the vendor)",
            "@alice_u moved 1. Call the DB vendor to Triage",
            "@alice_u removed Call the DB vendor",
            "@alice_u changed the commander from @alice_u to @dave_u",
            "@dave_u ended the incident",
            "@alice_u reopened the incident",
            "@alice_u set the severity to P2",
            "@alice_u changed the status from Investigating to Identified",
            "@alice_u made @bob_u the Comms lead",
            "@alice_u made @carol_u the Comms lead (was @bob_u)",
            "@alice_u took the Comms lead role from @carol_u",
            "@bob_u posted a status update (Identified)",
            "@alice_u added a message by @carol_u to the timeline",
            "@alice_u added a message by @carol_u to the timeline: ping @\u{200B}channel now …",
            "@alice_u renamed the incident to DB down @\u{200B}here (was Database down)",
            "@bob_u changed the summary: Failover @\u{200B}all …",
            "@bob_u cleared the summary",
            "@carol_u renamed the checklist section Triage to First @\u{200B}channel",
            "@alice_u ran /status for 4. Post an update",
        ]
    );
}

#[test]
fn timeline_lists_every_event_with_time_and_actor() {
    let mut incident = incident();
    incident.toggle_item("alice", 3, T0 + 61_000).expect("check");
    incident.remove_item("carol", 3, T0 + 122_000).expect("remove");
    incident.end("stranger", T0 + 183_000).expect("end");
    assert_eq!(
        timeline_markdown(&incident, Zone::UTC, &usernames),
        "- `2024-05-01 13:04:05 UTC` @bob_u started the incident Database down from the playbook Service incident\n\
         - `2024-05-01 13:05:06 UTC` @alice_u checked Find the cause\n\
         - `2024-05-01 13:06:07 UTC` @carol_u removed Find the cause\n\
         - `2024-05-01 13:07:08 UTC` (unknown user) ended the incident\n"
    );
}

#[test]
fn header_and_status_update_post() {
    let mut incident = incident();
    let conduct = crate::conduct::Conduct::default();
    assert_eq!(channel_header(&incident), "");
    incident.change_severity("alice", &conduct, "P2", T0).expect("severity");
    incident.change_status("alice", &conduct, "Identified", T0).expect("status");
    assert_eq!(channel_header(&incident), "Severity: P2 | Status: Identified");
    let draft = crate::lifecycle::UpdateDraft {
        status: None,
        impact: "5% of checkouts fail @all".into(),
        message: "Rolled back.\nWatching errors.".into(),
        next_update_at: Some(T0 + 1_800_000),
        statuspage: false,
    };
    let mut ids = SequentialIds::new("u");
    incident.post_update("bob", &conduct, &draft, &mut ids, T0).expect("update");
    let update = incident.last_update().expect("update").clone();
    assert_eq!(
        status_update_post(&incident, &update, Zone::UTC, &usernames),
        "#### Status update · INC-0042 Database down\n**Status:** Identified · **Severity:** P2 · by @bob_u\n\
         **Impact:** 5% of checkouts fail @\u{200B}all\n\nRolled back.\nWatching errors.\n\n_Next update by 2024-05-01 13:34:05 UTC._\n"
    );
    let info = info_text(&incident, T0, Zone::UTC, &usernames);
    assert!(info.contains("Severity: P2 | Status: Identified\nCommander: @alice_u\n"), "{info}");
    assert!(info.contains("Last update: 2024-05-01 13:04:05 UTC by @bob_u"), "{info}");
}

#[test]
fn digest_post_follows_the_incident() {
    let mut incident = incident();
    let conduct = crate::conduct::Conduct::default();
    incident.severity = "P4".into();
    incident.status = "Investigating".into();
    assert_eq!(
        digest_post(&incident, "inc-0042-database-down", T0, Zone::UTC, &usernames),
        "#### INC-0042 · Database down\nSeverity: P4 | Status: Investigating | Commander: @alice_u | ~inc-0042-database-down\n"
    );
    let draft = crate::lifecycle::UpdateDraft { message: "Failing over.\nMore soon.".into(), ..Default::default() };
    incident.post_update("bob", &conduct, &draft, &mut SequentialIds::new("u"), T0).expect("update");
    incident.change_status("bob", &conduct, "Resolved", T0 + 1).expect("resolve");
    assert_eq!(
        digest_post(&incident, "inc-0042-database-down", T0, Zone::UTC, &usernames),
        "#### ~~INC-0042 · Database down~~ (resolved)\nSeverity: P4 | Status: Resolved | Commander: @alice_u | ~inc-0042-database-down\n\
         > **Latest update** (2024-05-01 13:04:05 UTC): Failing over.\n"
    );
}

/// A scripted incident, start to review, rendered as the report and compared with the golden
/// file `render/golden/report.md` (`UPDATE_GOLDEN=1 cargo test` rewrites it; read the diff).
#[test]
fn report_matches_the_golden_file() {
    use crate::actions::{ActionDraft, ActionKind, FollowUpAction};
    use crate::conduct::Conduct;
    use crate::lifecycle::UpdateDraft;
    use crate::timeline::EntryCategory;
    let conduct = Conduct::default();
    let minute = 60_000;
    let mut ids = SequentialIds::new("g");
    let mut i = incident(); // "Database down", reported by bob at T0, commander alice
    i.severity = "P4".into();
    i.status = "Investigating".into();
    i.start_impact("alice", T0 - 5 * minute, T0 + minute).expect("impact start");
    i.change_severity("alice", &conduct, "P2", T0 + 2 * minute).expect("severity");
    i.assign_role("alice", &conduct, "Comms lead", Some("carol"), T0 + 3 * minute).expect("role");
    i.toggle_item("alice", 1, T0 + 4 * minute).expect("check");
    i.add_note("alice", "Replication lag is the cause", EntryCategory::Hypothesis, None, T0 + 6 * minute).expect("hypothesis");
    let decision = i.add_note("alice", "Fail over", EntryCategory::Decision, None, T0 + 8 * minute).expect("decision");
    i.edit_note("alice", &decision, "Fail over to the standby", T0 + 9 * minute).expect("edit");
    let noise = i.add_note("bob", "coffee", EntryCategory::KeyEvent, None, T0 + 10 * minute).expect("noise");
    i.hide_event("alice", &noise, T0 + 11 * minute).expect("hide");
    let post = crate::TimelinePost {
        post_id: "p1".into(),
        author_id: "dave".into(),
        posted_at: T0 + 12 * minute,
        message: "Standby promoted, writes flowing".into(),
        note: String::new(),
        category: EntryCategory::KeyEvent,
    };
    i.add_post("alice", T0 + 13 * minute, post).expect("post");
    let draft = UpdateDraft {
        status: Some("Monitoring".into()),
        impact: "Writes failed for 20 minutes".into(),
        message: "Failed over; watching replication.".into(),
        next_update_at: Some(T0 + 45 * minute),
        statuspage: false,
    };
    i.post_update("carol", &conduct, &draft, &mut ids, T0 + 15 * minute).expect("update");
    i.end_impact("alice", T0 + 14 * minute, T0 + 16 * minute).expect("impact end");
    i.resolve("alice", &conduct, T0 + 30 * minute).expect("resolve");
    let actions = vec![
        FollowUpAction::new(
            "a1",
            &i.id,
            &i.team_id,
            "alice",
            &ActionDraft {
                text: "Alert on replication lag | over 30 s".into(),
                owner_id: Some("bob".into()),
                due_at: Some(1_717_200_000_000),
                kind: ActionKind::Detective,
            },
            T0 + 40 * minute,
        )
        .expect("action"),
        FollowUpAction::new(
            "a2",
            &i.id,
            &i.team_id,
            "alice",
            &ActionDraft { text: "Rehearse failover quarterly".into(), ..ActionDraft::default() },
            T0 + 41 * minute,
        )
        .expect("action"),
    ];
    let got = report_markdown(&i, &actions, Zone::UTC, &usernames);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/render/golden/report.md");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
        std::fs::write(&path, &got).expect("write golden");
    }
    let want = std::fs::read_to_string(&path).expect("the golden file exists (UPDATE_GOLDEN=1 writes it)");
    assert_eq!(got, want, "the report differs from {}", path.display());
}

#[test]
fn checklist_lines_show_assignees_due_times_overdue_and_evidence() {
    let mut incident = incident();
    incident.add_assignees("alice", 1, &["dave".into(), "bob".into()], T0 + 1).expect("assign");
    incident.set_item_due("alice", 1, Some(T0 + 60_000), T0 + 1).expect("due");
    incident.check_item_with_evidence("dave", 2, "see @channel dashboard", T0 + 1).expect("check");
    let before = checklist_markdown(&incident, T0 + 60_000, Zone::UTC, &usernames);
    assert!(before.contains("☐ 1. Page the on-call · @carol_u, @dave_u, @bob_u · due 2024-05-01 13:05 UTC\n"), "{before}");
    let after = checklist_markdown(&incident, T0 + 60_001, Zone::UTC, &usernames);
    assert!(
        after.contains("☐ 1. Page the on-call · @carol_u, @dave_u, @bob_u · **overdue** (due 2024-05-01 13:05 UTC)\n"),
        "{after}"
    );
    assert!(after.contains("☑ 2. Assess severity · evidence: see @\u{200B}channel dashboard\n"), "{after}");
}

#[test]
fn the_digest_counts_overdue_items() {
    let mut incident = incident();
    incident.set_item_due("alice", 1, Some(T0 + 60_000), T0 + 1).expect("due");
    assert!(!digest_post(&incident, "inc", T0 + 60_000, Zone::UTC, &usernames).contains("overdue"));
    assert!(digest_post(&incident, "inc", T0 + 60_001, Zone::UTC, &usernames).contains(" | **1 overdue** checklist item\n"));
}

#[test]
fn a_paused_incident_says_so_in_its_header_and_info() {
    let mut incident = incident();
    incident.severity = "P2".into();
    incident.pause("alice", "waiting for @here the vendor", T0 + 60_000).expect("pause");
    assert_eq!(channel_header(&incident), "Severity: P2 | Paused");
    let info = info_text(&incident, T0 + 120_000, Zone::UTC, &usernames);
    assert!(info.contains("Paused since 2024-05-01 13:05:05 UTC by @alice_u: waiting for @\u{200B}here the vendor\n"), "{info}");
    incident.resume("alice", T0 + 180_000).expect("resume");
    assert!(!channel_header(&incident).contains("Paused"));
}
