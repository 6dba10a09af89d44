//! Slash commands on any text (security review #12): the parser cuts words by characters,
//! never inside one, so every command line gets an answer and none panics (which the host
//! answers with "could not complete this request").

use proptest::prelude::*;

use crate::command::{self, Invocation, Outcome};
use crate::service::with_service;
use crate::tests::fake_mattermost::TEAM;
use crate::tests::scenarios::World;

const SUBCOMMANDS: &[&str] = &[
    "action",
    "actions",
    "assign",
    "check",
    "checkadd",
    "checkremove",
    "claim",
    "commander",
    "decision",
    "end",
    "follow",
    "help",
    "hypothesis",
    "impact",
    "info",
    "keyevent",
    "list",
    "load",
    "nobody",
    "none",
    "ping",
    "playbooks",
    "reminders",
    "rename",
    "reopen",
    "report",
    "role",
    "severity",
    "start",
    "status",
    "summary",
    "timeline",
    "timezone",
    "transcript",
    "dossier",
    "unfollow",
    "update",
    "add",
    "Café",
];

/// Words where a byte count and a character count differ, in the places the parser looks at:
/// a reference's `INC-` prefix, a time's unit, a due date's `due:`.
const TRICKY: &[&str] = &[
    "Café",
    "5é",
    "é",
    "aéé",
    "INC-é",
    "inc-💥",
    "INC-0001",
    "ago",
    "5m",
    "15h",
    "9999999999999999h",
    "-3m",
    "due:é",
    "due",
    "@alice",
    "@ü",
    "\"",
    "\"quoted words\"",
    "🚨🚨",
    "ǅ",
    "İ",
    "ß",
    "\u{301}",
    "\u{200b}",
    "\n",
    "P1",
    "Identified",
    "start",
];

/// One answer to `line`, typed in `channel`, and whether a form was opened instead.
fn answer(w: &World, channel: &str, line: &str) -> (String, bool) {
    let at = Invocation { user_id: "u-alice", team_id: TEAM, channel_id: channel, trigger_id: "trigger" };
    let dialogs = w.mm.dialogs.borrow().len();
    let outcome = with_service(&w.mm, &w.db, |s| command::execute(s, &at, line));
    let opened = w.mm.dialogs.borrow().len() > dialogs;
    match outcome {
        Outcome::Reply(r) => (r.text, opened),
        Outcome::OpenStartDialog => (String::new(), true),
    }
}

fn assert_clear(w: &World, channel: &str, line: &str) -> String {
    let (text, opened) = answer(w, channel, line);
    assert!(opened || !text.trim().is_empty(), "{line:?} got no answer");
    text
}

#[test]
fn commands_with_non_ascii_words_are_answered_not_panicked_on() {
    let w = World::new();
    let inc = w.start("u-alice", "Unicode");
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    let text = assert_clear(&w, &ch, "/incident checkadd Triage Café");
    assert!(text.starts_with("Added"), "{text}");
    let text = assert_clear(&w, &ch, "/incident timeline add 5é ago x");
    assert!(text.starts_with("Added to the timeline"), "{text}");
    let text = assert_clear(&w, &ch, "/incident impact start 9999999999999999h ago");
    assert!(text.contains("is not a time like"), "{text}");
    assert_clear(&w, &ch, "/incident end aéé");
    assert_clear(&w, &ch, "/incident action Write the runbook due:é");
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(TRICKY).prop_map(str::to_owned),
        2 => "\\PC{1,8}",
        1 => any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ]
}

/// `/incident <sub> <words>`, or a command that takes a time (`5m ago`) with a number and any
/// character as its unit.
fn command_line() -> impl Strategy<Value = String> {
    let any_words = (proptest::sample::select(SUBCOMMANDS), proptest::collection::vec(word(), 0..6), any::<bool>())
        .prop_map(|(sub, words, spaced)| format!("/incident {sub}{}{}", if spaced { " " } else { "  " }, words.join(" ")));
    const TIMED: &[&str] = &["timeline add", "decision", "hypothesis", "keyevent", "impact start", "impact end"];
    let with_time = (proptest::sample::select(TIMED), any::<u32>(), any::<char>(), proptest::collection::vec(word(), 0..3))
        .prop_map(|(sub, n, unit, words)| format!("/incident {sub} {n}{unit} ago {}", words.join(" ")));
    prop_oneof![any_words, with_time]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any command line, in an incident channel or elsewhere, gets an answer (or its form).
    #[test]
    fn random_unicode_command_lines_never_panic_and_get_a_clear_answer(line in command_line(), in_incident in any::<bool>()) {
        let w = World::new();
        let inc = w.start("u-alice", "Fuzzed");
        let channel = if in_incident { inc["channel_id"].as_str().unwrap_or("town").to_owned() } else { "town".to_owned() };
        let (text, opened) = answer(&w, &channel, &line);
        prop_assert!(opened || !text.trim().is_empty(), "{:?} got no answer", line);
    }
}
