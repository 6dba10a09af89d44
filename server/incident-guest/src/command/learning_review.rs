//! `/incident` subcommands for learning from the incident: the timeline and decision log, the
//! impact window, follow-up actions, the report and the transcript.

use incident_core::actions::{ActionDraft, parse_action_words};
use incident_core::timeline::EntryCategory;

use crate::command::{Invocation, Outcome, reply};
use crate::manifest::PLUGIN_ID;
use crate::mattermost::Mattermost;
use crate::service::learning_review::leading_time_ago;
use crate::service::{Service, ServiceError, short};
use crate::store::db::Database;

pub fn run<M: Mattermost, D: Database>(
    service: &mut Service<'_, M, D>,
    at: &Invocation<'_>,
    sub: &str,
    mut args: Vec<String>,
) -> Result<Outcome, ServiceError> {
    let user = at.user_id;
    // A reference counts only first here: the text may mention other incidents.
    let reference = match args.first() {
        Some(a) if a.to_lowercase().starts_with("inc-") && incident_core::parse_reference(a).is_some() => Some(args.remove(0)),
        _ => None,
    };
    let target = service.incident_for_command(user, at.team_id, at.channel_id, reference.as_deref())?;
    let id = target.value.id.clone();
    let reference = target.value.reference();
    match sub {
        "timeline" | "decision" | "hypothesis" | "keyevent" => {
            let (category, words) = match sub {
                "timeline" => match args.first().map(|a| a.to_lowercase()).as_deref() {
                    Some("add") => (EntryCategory::Note, args[1..].to_vec()),
                    _ => return Err(ServiceError::Invalid("`/incident timeline add [15m ago] <text>`.".into())),
                },
                "decision" => (EntryCategory::Decision, args),
                "hypothesis" => (EntryCategory::Hypothesis, args),
                _ => (EntryCategory::KeyEvent, args),
            };
            let (happened_at, words) = leading_time_ago(&words, service.now);
            let text = words.join(" ");
            service.add_note(user, &id, &text, category, happened_at)?;
            Ok(reply(format!("Added to the timeline of {reference} as a {}.", category.label())))
        }
        "impact" => {
            let which = args.first().map(|a| a.to_lowercase()).unwrap_or_default();
            if which != "start" && which != "end" {
                return Err(ServiceError::Invalid(
                    "`/incident impact start|end [15m ago]`: when customers started or stopped being affected.".into(),
                ));
            }
            let (when, rest) = leading_time_ago(&args[1..], service.now);
            if !rest.is_empty() {
                return Err(ServiceError::Invalid(format!("`{}` is not a time like `15m ago`.", short(&rest.join(" ")))));
            }
            let incident = service.set_impact(user, &id, which == "start", when.unwrap_or(service.now))?;
            let at = if which == "start" { incident.impact_started_at } else { incident.impact_ended_at };
            Ok(reply(format!(
                "Customer impact {} recorded for {reference} ({}).",
                if which == "start" { "start" } else { "end" },
                at.map(|ms| service.caller_zone(user, &incident.team_id).clock(ms)).unwrap_or_default()
            )))
        }
        "action" => {
            let words = parse_action_words(&args)?;
            let owner_id = match &words.owner_username {
                Some(name) => Some(
                    service
                        .mm
                        .user_by_username(name)
                        .ok_or_else(|| ServiceError::Invalid(format!("There is no user @{}.", short(name))))?
                        .id,
                ),
                None => None,
            };
            let draft = ActionDraft { text: words.text, owner_id, due_at: words.due_at, kind: words.kind };
            let action = service.add_action(user, &id, &draft)?;
            Ok(reply(format!(
                "Follow-up action added to {reference}: {} ({}).",
                incident_core::render::safe(&action.text),
                action.kind.label()
            )))
        }
        "actions" => {
            let actions = service.incident_actions(user, &id)?;
            if actions.is_empty() {
                return Ok(reply(format!(
                    "{reference} has no follow-up actions yet: `/incident action <text> [@owner] [due 2026-12-01]`."
                )));
            }
            let usernames = |uid: &str| service.mm.user(uid).map(|u| format!("@{}", u.username));
            let mut text = format!("#### Follow-up actions of {reference}\n");
            for a in &actions {
                text.push_str(&format!(
                    "- {} ({}, {}){}\n",
                    incident_core::render::safe(&a.text),
                    a.kind.label(),
                    format!("{:?}", a.state).to_lowercase(),
                    a.owner_id.as_deref().and_then(usernames).map(|o| format!(" · {o}")).unwrap_or_default()
                ));
            }
            Ok(reply(text))
        }
        "report" => {
            let channels = service.publish_report(user, &id)?;
            Ok(reply(format!(
                "Published the report of {reference} in {channels} channel(s). Edit it first on the incidents page if needed."
            )))
        }
        "transcript" => Ok(reply(format!(
            "The transcript of {reference}: `/plugins/{PLUGIN_ID}/api/v0/incidents/{id}/transcript?format=md` (or `format=json`), and the report: `…/{id}/report`."
        ))),
        "dossier" => {
            // Refused here, as the download would be, for someone who may not see it.
            service.incident(user, &id)?;
            Ok(reply(format!(
                "[Download the dossier of {reference}](/plugins/{PLUGIN_ID}/api/v0/incidents/{id}/dossier) (`{reference}-dossier.zip`): \
                 the report, timeline, decisions, checklist history, status updates, fields, follow-up actions and the channel transcript, \
                 as Markdown and as `dossier.json`."
            )))
        }
        other => Err(ServiceError::Invalid(format!("Unknown command `{}`.", short(other)))),
    }
}
