//! The `/incident` slash command: parsing, and answers for the caller.

use incident_core::{ItemRef, render};
use mattermost_plugin_sdk::model::{AutocompleteData, Command, CommandResponse};

use crate::manifest::{PLUGIN_ID, VERSION};
use crate::mattermost::Mattermost;
use crate::service::editing::IncidentEdit;
use crate::service::{Service, ServiceError, StartRequest, short};
use crate::store::db::Database;

pub const TRIGGER: &str = "incident";

/// Subcommands with usage and help. Autocomplete and `/incident help` come from this one list,
/// so they never offer something that is not there.
pub const SUBCOMMANDS: &[(&str, &str, &str)] = &[
    (
        "start",
        "[--here] [name]",
        "Start an incident; without a name, a form asks for the details. --here runs it in this channel instead of a new one",
    ),
    ("end", "[INC-0042]", "End the incident"),
    (
        "list",
        "[active|ended|all] [severity:P1] [status:…] [playbook:\"…\"] [commander:@user] [field:Name=value]",
        "List the team's incidents (active ones unless a state or status is given), filtered by severity, status, playbook, commander and custom fields",
    ),
    ("info", "[INC-0042]", "Show the incident's details and checklist"),
    ("rename", "[INC-0042] <new name>", "Rename the incident (the channel's display name follows)"),
    ("summary", "[INC-0042] [text]", "Replace the incident's summary, or show it"),
    ("set", "[INC-0042] <field> [value]", "Set a custom field of the incident (from its playbook); without a value, clear it"),
    ("commander", "@user [INC-0042]", "Hand the incident to a new commander"),
    (
        "check",
        "<item> [evidence] [INC-0042]",
        "Check or uncheck a checklist item by its number; a link or note after it is kept as evidence",
    ),
    ("checkadd", "<section> <text>", "Add an item to a checklist section (quote a section with spaces)"),
    ("checkremove", "<item> [INC-0042]", "Remove a checklist item"),
    ("assign", "<item> @user [@user...] [INC-0042]", "Assign a checklist item to one or more people"),
    ("unassign", "<item> @user [@user...] [INC-0042]", "Take people off a checklist item"),
    (
        "due",
        "<item> <2026-12-01 14:00|in 30m|none> [INC-0042]",
        "Set when a checklist item is due (read in your Mattermost time zone), or clear it",
    ),
    ("tasks", "", "List your open checklist items across the team's active incidents"),
    (
        "load",
        "",
        "Your load: the roles and open items you hold now, incidents worked this week and last, out-of-hours time this month",
    ),
    ("severity", "[level] [INC-0042]", "Show the severity levels, or raise or lower the incident's"),
    ("status", "[status] [INC-0042]", "Show the statuses, or move the incident on (the last one resolves it)"),
    (
        "update",
        "[--statuspage] [message]",
        "Post a status update in the channel and the announcement channels (a form without a message); --statuspage mirrors it to the team's status page",
    ),
    (
        "page",
        "[<service>|resolve] [INC-0042]",
        "Page a service's on-call (PagerDuty, Opsgenie), list the services, or retry failed resolves",
    ),
    ("role", "<role> @user|none [INC-0042]", "Give a role (or take it back with none)"),
    ("claim", "<role> [INC-0042]", "Take a role yourself"),
    ("reopen", "[INC-0042]", "Reopen a resolved incident"),
    ("delete", "INC-0042 [archive]", "Delete an incident's record (team and system admins); the channel stays, or is archived"),
    ("pause", "<reason> [INC-0042]", "Pause the incident (no reminders; the paused time is left out of time to resolve)"),
    ("resume", "[INC-0042]", "Resume a paused incident"),
    ("follow", "[INC-0042]", "Get the incident's status updates by direct message"),
    ("unfollow", "[INC-0042]", "Stop getting its status updates"),
    (
        "reminders",
        "[snooze|off|on] [INC-0042]",
        "Show the update reminder plan (next due, repeats, escalation); or snooze reminders for 30 minutes, or stop or restart them",
    ),
    ("timeline", "add [15m ago] <text>", "Add a line to the timeline (allowed after the end)"),
    ("decision", "<text>", "Record a decision in the timeline's decision log"),
    ("hypothesis", "<text>", "Record a hypothesis"),
    ("keyevent", "[15m ago] <text>", "Record a key event"),
    ("impact", "start|end [15m ago]", "Record when customers started or stopped being affected"),
    ("action", "<text> [@owner] [due 2026-12-01] [detective|preventive|corrective]", "Add a follow-up action"),
    ("actions", "[INC-0042]", "List the incident's follow-up actions"),
    ("report", "[INC-0042]", "Publish the incident report in the channel and announcement channels"),
    ("transcript", "[INC-0042]", "Where to download the channel transcript and the report"),
    (
        "similar",
        "[INC-0042]",
        "Past incidents like this one: their outcome, report and open follow-up actions (shown only to you)",
    ),
    (
        "timezone",
        "[<zone>|server]",
        "Show the time zone of the team's posts and reports, and yours; team admins set it (an IANA name such as Europe/Paris)",
    ),
    ("dossier", "[INC-0042]", "Download the incident dossier: report, timeline, transcript and all records, as a ZIP"),
    ("playbooks", "", "List the team's playbooks"),
    ("ping", "", "Check that Incident Response is running"),
    ("help", "", "Show this help"),
];

// Arguments are positional: Mattermost treats a named argument as a `--flag`, and refuses an
// optional positional one, so all are marked required; that only shapes the suggestions, and
// the command itself still accepts `/incident end` inside an incident channel.

/// Where the server fetches suggestions for a dynamic argument; it must name the plugin
/// (`/plugins/<id>/…`), which the server strips before calling our ServeHTTP.
fn autocomplete_url(list: &str) -> String {
    format!("/plugins/{PLUGIN_ID}/api/v0/autocomplete/{list}")
}

/// The command as registered on activation. Arguments that name incidents, items, playbooks
/// and users are fetched from the plugin as the user types (`/api/v0/autocomplete/...`).
pub fn registration() -> Command {
    let mut tree = AutocompleteData::new(TRIGGER, "[command]", "Run incidents: start, track and end them");
    for (name, hint, help) in SUBCOMMANDS {
        let mut sub = AutocompleteData::new(name, hint, help);
        match *name {
            "end" | "info" | "delete" | "similar" => {
                sub = sub.with_dynamic_arg("", "Incident (implicit in its channel)", &autocomplete_url("incidents"), true);
            }
            "check" | "checkremove" | "assign" | "unassign" | "due" => {
                sub = sub.with_dynamic_arg("", "Checklist item", &autocomplete_url("items"), true);
            }
            "commander" => {
                sub = sub.with_text_arg("", "The new commander", "@username", true);
            }
            "start" => {
                sub = sub.with_text_arg(
                    "",
                    "Name of the incident (a form opens without one); --here runs it in this channel",
                    "[--here] name",
                    true,
                );
            }
            "list" => {
                sub = sub.with_dynamic_arg("", "Which incidents (default: active)", &autocomplete_url("states"), true);
            }
            "severity" => {
                sub = sub.with_dynamic_arg("", "Severity level", &autocomplete_url("severities"), true);
            }
            "status" => {
                sub = sub.with_dynamic_arg("", "Status", &autocomplete_url("statuses"), true);
            }
            "page" => {
                sub = sub.with_dynamic_arg("", "A service to page, or resolve", &autocomplete_url("services"), true);
            }
            "role" | "claim" => {
                sub = sub.with_dynamic_arg("", "Role", &autocomplete_url("roles"), true);
            }
            "update" => {
                sub = sub.with_text_arg("", "What happened and what is next", "message", true);
            }
            "rename" => {
                sub = sub.with_text_arg("", "The incident's new name", "new name", true);
            }
            "set" => {
                sub = sub.with_text_arg("", "The field and its value (without a value, it is cleared)", "field value", true);
            }
            "summary" => {
                sub = sub.with_text_arg("", "The new summary (without one, the current summary is shown)", "text", true);
            }
            "reopen" | "follow" | "unfollow" | "resume" => {
                sub = sub.with_dynamic_arg("", "Incident (implicit in its channel)", &autocomplete_url("incidents"), true);
            }
            _ => {}
        }
        tree = tree.with_sub_command(sub);
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

/// Splits arguments on spaces, keeping "double quoted" runs together.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Who typed the command, and where.
pub struct Invocation<'a> {
    pub user_id: &'a str,
    pub team_id: &'a str,
    pub channel_id: &'a str,
    pub trigger_id: &'a str,
}

/// What the caller sees, or a form to open.
pub enum Outcome {
    Reply(Box<CommandResponse>),
    /// `/incident start` without a name: open the start form.
    OpenStartDialog,
}

pub(crate) fn reply(text: impl Into<String>) -> Outcome {
    Outcome::Reply(Box::new(CommandResponse::ephemeral(text)))
}

/// Takes a leading `INC-…` reference off the arguments, if there is one.
pub(crate) fn take_reference(args: &mut Vec<String>) -> Option<String> {
    // `get`, not indexing: the fourth byte may be inside a character (`/incident end aéé`).
    let i = args.iter().position(|a| a.len() > 4 && a.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("inc-")))?;
    Some(args.remove(i))
}

fn item_number(arg: Option<&String>) -> Result<ItemRef, ServiceError> {
    match arg {
        Some(a) if a.bytes().all(|b| b.is_ascii_digit()) && !a.is_empty() => Ok(ItemRef::parse(a)),
        Some(a) => Err(ServiceError::Invalid(format!("`{}` is not an item number; see `/incident info`.", short(a)))),
        None => Err(ServiceError::Invalid("Which item? Give its number from `/incident info`.".into())),
    }
}

/// A whole slash command: what Mattermost lets anyone type in the message box (a post's
/// limit, 16,383). Each field in it has its own, tighter limit, named when it is exceeded.
pub const MAX_COMMAND_CHARS: usize = 16_383;

/// A whole slash command, before it is parsed.
pub fn check_command(command: &str) -> Result<(), ServiceError> {
    let chars = command.chars().count();
    if chars > MAX_COMMAND_CHARS {
        return Err(ServiceError::Invalid(format!(
            "The command is too long: it has {chars} characters; the limit is {MAX_COMMAND_CHARS}."
        )));
    }
    Ok(())
}

pub fn execute<M: Mattermost, D: Database>(service: &mut Service<'_, M, D>, at: &Invocation<'_>, command: &str) -> Outcome {
    if let Err(e) = check_command(command) {
        return reply(e.to_string());
    }
    let mut words = tokenize(command);
    if !words.is_empty() {
        words.remove(0); // the trigger
    }
    let sub = if words.is_empty() { String::from("help") } else { words.remove(0).to_lowercase() };
    let result = match sub.as_str() {
        // Free text taken as typed (quotes, line breaks), not as words.
        "rename" | "summary" => edit(service, at, &sub, remainder(command, 2)),
        "set" => crate::command::lists::set(service, at, remainder(command, 2)),
        _ => run(service, at, &sub, words),
    };
    match result {
        Ok(outcome) => outcome,
        Err(e) => reply(match e {
            ServiceError::Internal(m) => format!("Something went wrong: {m}"),
            other => other.to_string(),
        }),
    }
}

fn run<M: Mattermost, D: Database>(
    service: &mut Service<'_, M, D>,
    at: &Invocation<'_>,
    sub: &str,
    mut args: Vec<String>,
) -> Result<Outcome, ServiceError> {
    let user = at.user_id;
    let usernames = |id: &str| service.mm.user(id).map(|u| u.username);
    match sub {
        "ping" => Ok(reply(format!(
            "Incident Response {VERSION} is running (host interface {}).",
            mattermost_plugin_sdk::INTERFACE_VERSION
        ))),
        "help" => Ok(reply(help())),
        "start" => {
            let here = args.first().is_some_and(|a| a.eq_ignore_ascii_case("--here"));
            if here {
                args.remove(0);
                if args.is_empty() {
                    return Err(ServiceError::Invalid("Give the incident a name: `/incident start --here <name>`.".into()));
                }
            }
            if args.is_empty() {
                return if at.trigger_id.is_empty() {
                    Err(ServiceError::Invalid("Give the incident a name: `/incident start <name>`.".into()))
                } else {
                    Ok(Outcome::OpenStartDialog)
                };
            }
            let request = StartRequest {
                team_id: at.team_id.to_owned(),
                name: args.join(" "),
                channel_id: here.then(|| at.channel_id.to_owned()),
                ..StartRequest::default()
            };
            let incident = service.start(user, request)?;
            let channel = service.mm.channel(&incident.channel_id).map(|c| c.name).unwrap_or_default();
            let mut said = format!("Started {} **{}** in ~{channel}.", incident.reference(), render::safe(&incident.name));
            if here && service.repo.incidents_in_channel(&incident.channel_id)? > 1 {
                said.push_str(&format!(
                    "\nOther incidents run in this channel too: name this one in commands, e.g. `/incident info {}`.",
                    incident.reference()
                ));
            }
            // The services paged for its severity that did not take the page.
            for failure in crate::service::paging::failures_since(&incident, 0) {
                said.push_str(&format!("\n{failure}"));
            }
            Ok(reply(said))
        }
        "end" => {
            let reference = take_reference(&mut args);
            let target = service.incident_for_command(user, at.team_id, at.channel_id, reference.as_deref())?;
            let before = target.value.timeline.len();
            let incident = service.end(user, &target.value.id)?;
            let mut said = format!("Ended {} **{}**.", incident.reference(), render::safe(&incident.name));
            for failure in crate::service::paging::failures_since(&incident, before) {
                said.push_str(&format!("\n{failure}"));
            }
            Ok(reply(said))
        }
        "similar" => {
            let reference = take_reference(&mut args);
            let target = service.incident_for_command(user, at.team_id, at.channel_id, reference.as_deref())?;
            let reference = target.value.reference();
            let found = service.similar(user, &target.value.id)?;
            Ok(reply(
                incident_core::similar::suggestion_post(&reference, &found, false, service.caller_zone(user, at.team_id))
                    .unwrap_or_else(|| {
                        format!("No past incident you may see is like {reference} (by its name, summary, playbook and fields).")
                    }),
            ))
        }
        "info" => {
            let reference = take_reference(&mut args);
            let target = service.incident_for_command(user, at.team_id, at.channel_id, reference.as_deref())?;
            Ok(reply(render::info_text(&target.value, service.now, service.caller_zone(user, at.team_id), &usernames)))
        }
        "list" => crate::command::lists::list(service, at, &args),
        "commander" => {
            let reference = take_reference(&mut args);
            let name = args.first().ok_or_else(|| ServiceError::Invalid("Who? `/incident commander @user`.".into()))?;
            let new = service
                .mm
                .user_by_username(name)
                .ok_or_else(|| ServiceError::Invalid(format!("There is no user {}.", short(name))))?;
            let target = service.incident_for_command(user, at.team_id, at.channel_id, reference.as_deref())?;
            let incident = service.change_commander(user, &target.value.id, &new.id)?;
            Ok(reply(format!("@{} is now the commander of {}.", new.username, incident.reference())))
        }
        "check" | "checkremove" => {
            let reference = take_reference(&mut args);
            let item = item_number(args.first())?;
            let target = service.incident_for_command(user, at.team_id, at.channel_id, reference.as_deref())?;
            let actor = user.to_owned();
            if sub == "check" && args.len() > 1 {
                let evidence = args[1..].join(" ");
                service.change(user, &target.value.id, |i, _, now| {
                    i.check_item_with_evidence(&actor, item.clone(), &evidence, now)
                })?;
                Ok(reply("Item is now done, with its evidence."))
            } else if sub == "check" {
                let (_, state) = service.change(user, &target.value.id, |i, _, now| i.toggle_item(&actor, item.clone(), now))?;
                Ok(reply(format!("Item is now {}.", format!("{state:?}").to_lowercase())))
            } else {
                service.change(user, &target.value.id, |i, _, now| i.remove_item(&actor, item.clone(), now))?;
                Ok(reply("Item removed."))
            }
        }
        "checkadd" => {
            let reference = take_reference(&mut args);
            if args.len() < 2 {
                return Err(ServiceError::Invalid("Usage: `/incident checkadd <section> <text>`.".into()));
            }
            let section = args.remove(0);
            let title = args.join(" ");
            let target = service.incident_for_command(user, at.team_id, at.channel_id, reference.as_deref())?;
            let actor = user.to_owned();
            service.change(user, &target.value.id, |i, ids, now| i.add_item(&actor, &section, &title, ids, now))?;
            Ok(reply(format!("Added to {section}.")))
        }
        "assign" | "unassign" => {
            let reference = take_reference(&mut args);
            let item = item_number(args.first())?;
            if args.len() < 2 {
                return Err(ServiceError::Invalid(format!("Whom? `/incident {sub} <item> @user [@user...]`.")));
            }
            let mut people = Vec::new();
            for name in &args[1..] {
                let person = service
                    .mm
                    .user_by_username(name)
                    .ok_or_else(|| ServiceError::Invalid(format!("There is no user {}.", short(name))))?;
                people.push(person);
            }
            let target = service.incident_for_command(user, at.team_id, at.channel_id, reference.as_deref())?;
            let ids: Vec<String> = people.iter().map(|p| p.id.clone()).collect();
            let names = people.iter().map(|p| format!("@{}", p.username)).collect::<Vec<_>>().join(", ");
            let actor = user.to_owned();
            if sub == "assign" {
                for id in &ids {
                    service.item_assignee_check(&target.value, Some(id))?;
                }
                service.change(user, &target.value.id, |i, _, now| i.add_assignees(&actor, item.clone(), &ids, now))?;
                Ok(reply(format!("Assigned to {names}.")))
            } else {
                service.change(user, &target.value.id, |i, _, now| i.remove_assignees(&actor, item.clone(), &ids, now))?;
                Ok(reply(format!("Took {names} off the item.")))
            }
        }
        "due" => {
            let reference = take_reference(&mut args);
            let item = item_number(args.first())?;
            let when = args.get(1..).map(|w| w.join(" ")).unwrap_or_default();
            // A typed time is read in the caller's own Mattermost zone, and echoed in it.
            let zone = service.caller_zone(user, at.team_id);
            let due = match when.trim() {
                "" => {
                    return Err(ServiceError::Invalid(
                        "When? `/incident due <item> 2026-12-01 14:00`, `in 30m`, or `none`.".into(),
                    ));
                }
                "none" | "clear" => None,
                text => Some(incident_core::parse_due(text, service.now, zone).map_err(|e| match e {
                    incident_core::DueError::Unreadable => ServiceError::Invalid(format!(
                        "`{}` is not a due time: write `2026-12-01 14:00` (read in your time zone, {}; add `UTC` for UTC), \
                         `in 30m`, `in 2h`, `in 1d`, or `none`.",
                        short(text),
                        zone.name()
                    )),
                    skipped => ServiceError::Invalid(skipped.to_string()),
                })?),
            };
            let target = service.incident_for_command(user, at.team_id, at.channel_id, reference.as_deref())?;
            let actor = user.to_owned();
            service.change(user, &target.value.id, |i, _, now| i.set_item_due(&actor, item.clone(), due, now))?;
            Ok(reply(match due {
                Some(ms) => format!("The item is due {}.", zone.minute(ms)),
                None => "The item has no due time now.".to_string(),
            }))
        }
        "load" => crate::command::load::run(service, at),
        "timezone" => crate::command::time_zone::time_zone(service, user, at.team_id, &args),
        "tasks" => {
            let tasks = service.my_tasks(user, at.team_id)?;
            if tasks.is_empty() {
                return Ok(reply("You have no open checklist items in this team's active incidents."));
            }
            let mut text = String::from("#### Your open checklist items\n");
            let zone = service.caller_zone(user, at.team_id);
            for t in &tasks {
                let due = match t.item.due_at {
                    Some(ms) if t.item.is_overdue(service.now) => format!(" · **overdue** (due {})", zone.minute(ms)),
                    Some(ms) => format!(" · due {}", zone.minute(ms)),
                    None => String::new(),
                };
                text.push_str(&format!(
                    "- {} {}: {}. {}{due}\n",
                    t.reference,
                    render::safe(&t.incident_name),
                    t.number,
                    render::safe(&t.item.title)
                ));
            }
            text.push_str("\nCheck one with `/incident check <number> <INC-…>`.");
            Ok(reply(text))
        }
        "severity" | "status" => {
            let reference = take_reference(&mut args);
            let conduct = service.conduct_for(at.team_id)?;
            let levels = if sub == "severity" { &conduct.severities } else { &conduct.statuses };
            if args.is_empty() {
                let mut text = format!("#### {}\n", if sub == "severity" { "Severity levels" } else { "Statuses" });
                for l in levels {
                    text.push_str(&format!("- **{}**: {}\n", l.name, l.description));
                }
                text.push_str(&format!("\nSet one with `/incident {sub} <name>` in an incident channel."));
                return Ok(reply(text));
            }
            let name = args.join(" ");
            let target = service.incident_for_command(user, at.team_id, at.channel_id, reference.as_deref())?;
            let incident = if sub == "severity" {
                service.change_severity(user, &target.value.id, &name)?
            } else {
                service.change_status(user, &target.value.id, &name)?
            };
            Ok(reply(format!("{} is now {}.", incident.reference(), render::channel_header(&incident))))
        }
        "follow" | "unfollow" => {
            let reference = take_reference(&mut args);
            let target = service.incident_for_command(user, at.team_id, at.channel_id, reference.as_deref())?;
            Ok(reply(service.set_following(user, &target.value.id, sub == "follow")?))
        }
        "reminders" => {
            let reference = take_reference(&mut args);
            let what = args.first().map(|a| a.to_lowercase()).unwrap_or_default();
            let target = service.incident_for_command(user, at.team_id, at.channel_id, reference.as_deref())?;
            if what.is_empty() {
                // The plan: next update due, repeats, escalation, or why there are none.
                return Ok(reply(service.reminder_plan(user, &target.value.id)?.2));
            }
            Ok(reply(service.reminders_action(user, &target.value.id, &what)?))
        }
        "delete" => {
            // The reference must be typed, even in the incident's channel: naming it is the
            // confirmation.
            let Some(reference) = take_reference(&mut args) else {
                return Err(ServiceError::Invalid("Name the incident to delete: `/incident delete INC-0042`.".into()));
            };
            let archive = match args.iter().map(|a| a.trim_start_matches('-').to_lowercase()).collect::<Vec<_>>().as_slice() {
                [] => false,
                [word] if word == "archive" => true,
                _ => {
                    return Err(ServiceError::Invalid(
                        "Write `/incident delete INC-0042`, or `/incident delete INC-0042 archive` to archive its channel too."
                            .into(),
                    ));
                }
            };
            let target = service.incident_for_command(user, at.team_id, at.channel_id, Some(&reference))?;
            let deleted = service.delete_incident(user, &target.value.id, archive)?;
            let channel = match (archive, deleted.channel_archived) {
                (false, _) => "its channel stays.",
                (true, true) => "its channel is archived.",
                (true, false) => "its channel could not be archived; archive it from the channel menu.",
            };
            let mut text =
                format!("Deleted {} **{}**; {channel}", deleted.incident.reference(), render::safe(&deleted.incident.name));
            for failure in &deleted.unresolved {
                text.push_str(&format!("\n{} Resolve it at the provider.", render::safe(failure)));
            }
            Ok(reply(text))
        }
        "pause" | "resume" => {
            let reference = take_reference(&mut args);
            let target = service.incident_for_command(user, at.team_id, at.channel_id, reference.as_deref())?;
            if sub == "pause" {
                let reason = args.join(" ");
                if reason.trim().is_empty() {
                    return Err(ServiceError::Invalid(
                        "Why? `/incident pause <reason>`, e.g. `/incident pause waiting for the vendor`.".into(),
                    ));
                }
                let incident = service.pause(user, &target.value.id, &reason)?;
                Ok(reply(format!("Paused {}: no reminders until `/incident resume`.", incident.reference())))
            } else {
                let incident = service.resume(user, &target.value.id)?;
                Ok(reply(format!("Resumed {}.", incident.reference())))
            }
        }
        "reopen" => {
            let reference = take_reference(&mut args);
            let target = service.incident_for_command(user, at.team_id, at.channel_id, reference.as_deref())?;
            let incident = service.reopen(user, &target.value.id)?;
            Ok(reply(format!("Reopened {} **{}**.", incident.reference(), render::safe(&incident.name))))
        }
        "role" | "claim" => {
            let reference = take_reference(&mut args);
            let holder = if sub == "claim" {
                Some(user.to_owned())
            } else {
                let last = args
                    .pop()
                    .ok_or_else(|| ServiceError::Invalid("Usage: `/incident role <role> @user` (or `none`).".into()))?;
                match last.to_lowercase().as_str() {
                    "none" | "nobody" => None,
                    _ if last.starts_with('@') => Some(
                        service
                            .mm
                            .user_by_username(&last)
                            .ok_or_else(|| ServiceError::Invalid(format!("There is no user {}.", short(&last))))?
                            .id,
                    ),
                    _ => {
                        return Err(ServiceError::Invalid(
                            "End with the person: `/incident role <role> @user` (or `none`).".into(),
                        ));
                    }
                }
            };
            let role = args.join(" ");
            if role.trim().is_empty() {
                let known = service.conduct_for(at.team_id)?.roles.iter().map(|l| l.name.clone()).collect::<Vec<_>>().join(", ");
                return Err(ServiceError::Invalid(format!("Which role? One of {known}.")));
            }
            let target = service.incident_for_command(user, at.team_id, at.channel_id, reference.as_deref())?;
            let incident = service.assign_role(user, &target.value.id, &role, holder.as_deref())?;
            let shown =
                incident.roles.iter().find(|r| r.role.eq_ignore_ascii_case(role.trim())).map(|r| r.role.clone()).unwrap_or(role);
            Ok(reply(match holder {
                Some(h) => format!("@{} is now the {shown} of {}.", usernames(&h).unwrap_or_default(), incident.reference()),
                None => format!("Nobody is the {shown} of {} now.", incident.reference()),
            }))
        }
        "update" => {
            // A reference only counts first: the message itself may mention other incidents.
            let reference = match args.first() {
                Some(a) if incident_core::parse_reference(a).is_some() && a.to_lowercase().starts_with("inc-") => {
                    Some(args.remove(0))
                }
                _ => None,
            };
            let statuspage = args.first().is_some_and(|a| a.eq_ignore_ascii_case("--statuspage"));
            if statuspage {
                args.remove(0);
            }
            let message = args.join(" ");
            let target = service.incident_for_command(user, at.team_id, at.channel_id, reference.as_deref())?;
            if message.trim().is_empty() {
                if at.trigger_id.is_empty() {
                    return Err(ServiceError::Invalid(
                        "Write the update: `/incident update <what happened and what is next>`.".into(),
                    ));
                }
                let statuses: Vec<String> =
                    service.conduct_for(&target.value.team_id)?.statuses.into_iter().map(|l| l.name).collect();
                let statuspage = service.paging_config(&target.value.team_id)?.statuspage.is_some();
                crate::service::dialog::open_update(service.mm, &target.value, &statuses, statuspage, at.trigger_id)
                    .map_err(|e| ServiceError::Internal(format!("cannot open the form: {e}")))?;
                return Ok(Outcome::Reply(Box::default()));
            }
            let draft = incident_core::lifecycle::UpdateDraft { message, statuspage, ..Default::default() };
            let before = target.value.timeline.len();
            let incident = service.post_update(user, &target.value.id, &draft)?;
            let mut said = format!("Update posted for {}.", incident.reference());
            // A page or mirror that failed is on the timeline; the author hears it here too.
            for failure in crate::service::paging::failures_since(&incident, before) {
                said.push_str(&format!("\n{failure}"));
            }
            Ok(reply(said))
        }
        "page" => crate::command::paging::run(service, at, args),
        "timeline" | "decision" | "hypothesis" | "keyevent" | "impact" | "action" | "actions" | "report" | "transcript"
        | "dossier" => crate::command::learning_review::run(service, at, sub, args),
        "playbooks" => {
            let playbooks = service.playbooks(user, at.team_id)?;
            if playbooks.is_empty() {
                return Ok(reply("This team has no playbooks."));
            }
            let mut text = String::from("#### Playbooks\n");
            for p in &playbooks {
                text.push_str(&format!(
                    "- **{}** ({} items): {}\n",
                    render::safe(&p.title),
                    p.item_count(),
                    render::safe(&p.description)
                ));
            }
            Ok(reply(text))
        }
        other => Err(ServiceError::Invalid(format!(
            "Unknown command `{}`. Type `/incident help` to see what is available.",
            short(other)
        ))),
    }
}

/// The command's text after its first `words` words (the trigger, the subcommand), as typed.
fn remainder(command: &str, words: usize) -> &str {
    let mut rest = command.trim_start();
    for _ in 0..words {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        rest = rest[end..].trim_start();
    }
    rest.trim_end()
}

/// `INC-0042` (with its prefix: a bare number may be the text itself).
fn is_reference_word(word: &str) -> bool {
    word.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("inc-")) && incident_core::parse_reference(word).is_some()
}

/// `/incident rename [INC-0042] <new name>` and `/incident summary [INC-0042] [text]`. A
/// reference only counts first: the text itself may mention other incidents.
fn edit<M: Mattermost, D: Database>(
    service: &mut Service<'_, M, D>,
    at: &Invocation<'_>,
    sub: &str,
    text: &str,
) -> Result<Outcome, ServiceError> {
    let first = text.split_whitespace().next().unwrap_or_default();
    let (reference, text) = if is_reference_word(first) { (Some(first), remainder(text, 1)) } else { (None, text) };
    let target = service.incident_for_command(at.user_id, at.team_id, at.channel_id, reference)?;
    if sub == "rename" {
        if text.is_empty() {
            return Err(ServiceError::Invalid("Give the new name: `/incident rename <new name>`.".into()));
        }
        let edit = IncidentEdit { name: Some(text.to_owned()), summary: None };
        let incident = service.edit_incident(at.user_id, &target.value.id, &edit)?;
        return Ok(reply(format!("Renamed {} to **{}**.", incident.reference(), render::safe(&incident.name))));
    }
    if text.is_empty() {
        let current = &target.value;
        return Ok(reply(if current.summary.is_empty() {
            format!("{} has no summary yet. Write one with `/incident summary <text>`.", current.reference())
        } else {
            format!(
                "Summary of {}:\n\n{}\n\nReplace it with `/incident summary <text>`.",
                current.reference(),
                render::safe(&current.summary)
            )
        }));
    }
    let edit = IncidentEdit { name: None, summary: Some(text.to_owned()) };
    let incident = service.edit_incident(at.user_id, &target.value.id, &edit)?;
    Ok(reply(format!("Updated the summary of {}.", incident.reference())))
}

pub fn help() -> String {
    let mut text = String::from("#### Incident Response\n");
    for (name, hint, help) in SUBCOMMANDS {
        let usage = if hint.is_empty() { format!("/{TRIGGER} {name}") } else { format!("/{TRIGGER} {name} {hint}") };
        text.push_str(&format!("- `{usage}`: {help}\n"));
    }
    text.push_str(
        "\nInside an incident channel the incident is implicit; elsewhere, or in a channel several active incidents share, name it, e.g. `INC-0042`.",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_command_is_bounded_and_quotes_keep_words_together() {
        assert_eq!(check_command(&"a".repeat(MAX_COMMAND_CHARS)), Ok(()));
        assert!(check_command(&"a".repeat(MAX_COMMAND_CHARS + 1)).is_err());
        assert_eq!(
            tokenize(r#"/incident checkadd "Follow up" Write  report"#),
            vec!["/incident", "checkadd", "Follow up", "Write", "report"]
        );
        assert_eq!(tokenize("  "), Vec::<String>::new());
    }

    #[test]
    fn autocomplete_offers_every_subcommand_with_plugin_urls() {
        let tree = registration().autocomplete_data.expect("autocomplete");
        let names: Vec<&str> = tree.sub_commands.iter().map(|s| s.trigger.as_str()).collect();
        let expected: Vec<&str> = SUBCOMMANDS.iter().map(|(n, _, _)| *n).collect();
        assert_eq!(names, expected);
        let check = tree.sub_commands.iter().find(|s| s.trigger == "check").expect("check");
        match &check.arguments[0].data {
            mattermost_plugin_sdk::model::AutocompleteArgData::DynamicList { fetch_url } => {
                assert_eq!(fetch_url, "/plugins/incident-response/api/v0/autocomplete/items");
            }
            other => panic!("{other:?}"),
        }
        assert!(check.arguments.iter().all(|a| a.name.is_empty()), "positional arguments");
    }

    #[test]
    fn the_remainder_keeps_the_text_as_typed() {
        assert_eq!(remainder("/incident rename  \"Big\"  outage ", 2), "\"Big\"  outage");
        assert_eq!(remainder("/incident summary line one\nline two", 2), "line one\nline two");
        assert_eq!(remainder("/incident rename", 2), "");
        assert_eq!(remainder("  /incident   summary   ", 2), "");
    }

    #[test]
    fn help_lists_every_subcommand() {
        let text = help();
        for (name, _, _) in SUBCOMMANDS {
            assert!(text.contains(&format!("/incident {name}")), "{text}");
        }
    }
}
