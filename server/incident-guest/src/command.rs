//! The `/incident` slash command.

use mattermost_plugin_sdk::Api;
use mattermost_plugin_sdk::model::{AutocompleteData, Command, CommandArgs, CommandResponse};

use crate::VERSION;

pub const TRIGGER: &str = "incident";

/// Subcommands this version answers, with their help text. Autocomplete and help are built
/// from this one list, so they never offer something that is not there.
const SUBCOMMANDS: &[(&str, &str, &str)] = &[
    ("ping", "", "Check that Incident Response is running and show its version"),
    ("help", "", "Show the available commands"),
];

/// The command as registered on activation, autocomplete included.
pub fn registration() -> Command {
    let mut tree = AutocompleteData::new(TRIGGER, "[command]", "Run incidents: start, track and end them");
    for (name, hint, help) in SUBCOMMANDS {
        tree = tree.with_sub_command(AutocompleteData::new(name, hint, help));
    }
    Command {
        trigger: TRIGGER.to_owned(),
        display_name: "Incident Response".to_owned(),
        description: "Run incidents in Mattermost".to_owned(),
        auto_complete: true,
        auto_complete_desc: "Run incidents: start, track and end them".to_owned(),
        auto_complete_hint: "[command]".to_owned(),
        autocomplete_data: Some(tree),
        ..Command::default()
    }
}

/// Answers one `/incident ...` invocation. Bad input gets an ephemeral explanation.
pub fn execute(api: &Api, args: &CommandArgs) -> CommandResponse {
    let mut words = args.command.split_whitespace();
    let _trigger = words.next();
    match words.next() {
        Some("ping") => ping(&api.get_server_version()),
        None | Some("help") => help(),
        Some(other) => CommandResponse::ephemeral(format!(
            "Unknown command `{}`. {}",
            truncate(other, 64),
            "Type `/incident help` to see what is available."
        )),
    }
}

fn ping(server_version: &str) -> CommandResponse {
    CommandResponse::ephemeral(format!(
        "Incident Response {VERSION} is running (host interface {}, Mattermost {}).",
        mattermost_plugin_sdk::INTERFACE_VERSION,
        if server_version.is_empty() { "version unknown" } else { server_version }
    ))
}

fn help() -> CommandResponse {
    let mut text = String::from("#### Incident Response\n");
    for (name, hint, help) in SUBCOMMANDS {
        let usage = if hint.is_empty() { format!("/{TRIGGER} {name}") } else { format!("/{TRIGGER} {name} {hint}") };
        text.push_str(&format!("- `{usage}`: {help}\n"));
    }
    CommandResponse::ephemeral(text)
}

fn truncate(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ping_names_the_version() {
        let r = ping("10.11.0");
        assert_eq!(r.response_type, "ephemeral");
        assert!(r.text.contains(VERSION), "{}", r.text);
        assert!(r.text.contains("10.11.0"));
        assert!(ping("").text.contains("version unknown"));
    }

    #[test]
    fn autocomplete_offers_exactly_the_subcommands() {
        let cmd = registration();
        assert!(cmd.auto_complete);
        let tree = cmd.autocomplete_data.expect("autocomplete data");
        let names: Vec<&str> = tree.sub_commands.iter().map(|s| s.trigger.as_str()).collect();
        assert_eq!(names, vec!["ping", "help"]);
    }

    #[test]
    fn help_lists_every_subcommand() {
        let text = help().text;
        for (name, _, _) in SUBCOMMANDS {
            assert!(text.contains(&format!("/incident {name}")), "{text}");
        }
    }

    #[test]
    fn long_unknown_words_are_cut() {
        let long = "x".repeat(10_000);
        assert_eq!(truncate(&long, 64).chars().count(), 65);
        assert_eq!(truncate("مرحبا", 64), "مرحبا");
    }
}
