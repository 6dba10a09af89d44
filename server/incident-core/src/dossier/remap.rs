//! Taking a dossier back: reading it (a ZIP holding `dossier.json`, or the JSON itself),
//! checking all of it before anything is written, and planning the new incident: every id new,
//! people matched by username (someone not found is kept as `@name`, never as someone else),
//! the incident ended and without a channel (history, not a running incident).

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::{Dossier, FORMAT_VERSION, TranscriptMessage, zip};
use crate::actions::FollowUpAction;
use crate::ids::IdGen;
use crate::incident::{Incident, IncidentState, validate_incident_name};
use crate::limits::{MAX_ITEMS, MAX_SECTIONS, MAX_TEXT_CHARS};
use crate::time_fmt::Zone;
use crate::timeline::TimelineEventKind;

/// Timeline events an incident keeps at most (as the store's cap).
pub const MAX_EVENTS: usize = 5000;
/// Messages a transcript imported holds at most.
pub const MAX_MESSAGES: usize = 50_000;
/// Mattermost's longest message.
pub const MAX_MESSAGE_CHARS: usize = 16_383;
/// Follow-up actions and people a dossier names at most.
pub const MAX_ACTIONS: usize = 1000;
pub const MAX_PEOPLE: usize = 5000;
/// The longest edited report (the service's limit).
pub const MAX_REPORT_CHARS: usize = 60_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Not a dossier this server can import: {0}")]
pub struct ImportError(pub String);

fn invalid(message: impl Into<String>) -> ImportError {
    ImportError(message.into())
}

/// Reads a dossier from what was uploaded: a ZIP with one `dossier.json`, or that JSON.
pub fn parse(bytes: &[u8]) -> Result<Dossier, ImportError> {
    let json = if zip::looks_like_zip(bytes) {
        let entries = zip::read_stored(bytes).map_err(|e| invalid(e.to_string()))?;
        let mut found = entries.into_iter().filter(|(name, _)| name == "dossier.json" || name.ends_with("/dossier.json"));
        let (_, json) = found.next().ok_or_else(|| invalid("the ZIP archive holds no dossier.json."))?;
        if found.next().is_some() {
            return Err(invalid("the ZIP archive holds more than one dossier.json."));
        }
        json
    } else {
        bytes.to_vec()
    };
    let value: Value = serde_json::from_slice(&json).map_err(|e| invalid(format!("it is not JSON ({e}).")))?;
    match value.get("format_version").and_then(Value::as_u64) {
        Some(v) if v == u64::from(FORMAT_VERSION) => {}
        Some(v) => return Err(invalid(format!("its format_version is {v}; this server reads version {FORMAT_VERSION}."))),
        None => return Err(invalid("`format_version` is missing.")),
    }
    let dossier: Dossier = serde_json::from_value(value).map_err(|e| invalid(format!("{e}.")))?;
    check(&dossier)?;
    Ok(dossier)
}

fn valid_username(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_'))
}

fn at_most(what: &str, count: usize, max: usize) -> Result<(), ImportError> {
    if count > max { Err(invalid(format!("it has {count} {what}; at most {max} are imported."))) } else { Ok(()) }
}

/// Everything an import relies on, checked before anything is written.
fn check(d: &Dossier) -> Result<(), ImportError> {
    let i = &d.incident;
    validate_incident_name(&i.name).map_err(|e| invalid(format!("the incident's name: {e}")))?;
    if i.id.trim().is_empty() {
        return Err(invalid("the incident has no id."));
    }
    at_most("characters of summary", i.summary.chars().count(), MAX_TEXT_CHARS)?;
    at_most("checklist sections", i.checklists.len(), MAX_SECTIONS)?;
    at_most("checklist items", i.checklists.iter().map(|s| s.items.len()).sum(), MAX_ITEMS)?;
    at_most("timeline events", i.timeline.len(), MAX_EVENTS)?;
    at_most("people", d.people.len(), MAX_PEOPLE)?;
    at_most("follow-up actions", d.follow_up_actions.len(), MAX_ACTIONS)?;
    at_most("transcript messages", d.transcript.messages.len(), MAX_MESSAGES)?;
    at_most("characters of report", d.report.markdown.chars().count(), MAX_REPORT_CHARS)?;
    let mut ids = HashSet::new();
    for p in &d.people {
        if !valid_username(&p.username) {
            return Err(invalid(format!("`{}` is not a Mattermost username.", p.username.chars().take(64).collect::<String>())));
        }
        if p.id.is_empty() || !ids.insert(p.id.as_str()) {
            return Err(invalid("every person needs an id of their own."));
        }
    }
    for m in &d.transcript.messages {
        if m.id.is_empty() || m.message.chars().count() > MAX_MESSAGE_CHARS {
            return Err(invalid("a transcript message has no id or is longer than Mattermost allows."));
        }
    }
    if d.follow_up_actions.iter().any(|a| a.text.trim().is_empty() || a.id.is_empty()) {
        return Err(invalid("a follow-up action has no id or no text."));
    }
    Ok(())
}

/// Where the dossier goes: the new incident's id and number in the target team, who imports it, when.
pub struct ImportTarget<'a> {
    pub team_id: &'a str,
    pub incident_id: &'a str,
    pub number: u32,
    pub now: i64,
}

/// What an import writes.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan {
    pub incident: Incident,
    pub actions: Vec<FollowUpAction>,
    pub messages: Vec<TranscriptMessage>,
    /// The report people edited, to keep as the new incident's edited report.
    pub edited_report: Option<String>,
    /// Usernames of people not found on this server (kept as names).
    pub unknown_people: Vec<String>,
}

/// Plans the new incident. `local_user` finds this server's user id for a username.
pub fn plan_import(
    dossier: &Dossier,
    target: &ImportTarget<'_>,
    local_user: &dyn Fn(&str) -> Option<String>,
    ids: &mut dyn IdGen,
) -> Result<ImportPlan, ImportError> {
    let old = &dossier.incident;
    let mut map: HashMap<String, String> = HashMap::new();
    let mut unknown_people = Vec::new();
    for p in &dossier.people {
        let local = local_user(&p.username).unwrap_or_else(|| {
            unknown_people.push(p.username.clone());
            format!("@{}", p.username)
        });
        map.insert(p.id.clone(), local);
    }
    map.insert(old.id.clone(), target.incident_id.to_owned());
    map.insert(old.team_id.clone(), target.team_id.to_owned());
    let mut fresh = |map: &mut HashMap<String, String>, id: &str| {
        if !id.is_empty() && !map.contains_key(id) {
            map.insert(id.to_owned(), ids.new_id());
        }
    };
    for section in &old.checklists {
        fresh(&mut map, &section.id);
        section.items.iter().for_each(|item| fresh(&mut map, &item.id));
    }
    old.updates.iter().for_each(|u| fresh(&mut map, &u.id));
    dossier.follow_up_actions.iter().for_each(|a| fresh(&mut map, &a.id));
    for m in &dossier.transcript.messages {
        fresh(&mut map, &m.id);
        fresh(&mut map, &m.root_id);
    }
    for event in &old.timeline {
        if let TimelineEventKind::PostAdded { post_id, .. } = &event.kind {
            fresh(&mut map, post_id);
        }
    }
    let event_prefix = format!("{}-", old.id);
    let new_prefix = format!("{}-", target.incident_id);
    let rewrite = |value: &mut Value| remap_strings(value, &map, &event_prefix, &new_prefix);

    let mut incident = old.clone();
    // Things of the source server that mean nothing here (the next steps clear them).
    incident.channel_id = String::new();
    incident.playbook_id = None;
    incident.announcement_channel_ids = None;
    incident.pages.clear();
    incident.status_page = None;
    let mut value = serde_json::to_value(&incident).map_err(|e| invalid(e.to_string()))?;
    rewrite(&mut value);
    let mut incident: Incident = serde_json::from_value(value).map_err(|e| invalid(e.to_string()))?;
    incident.id = target.incident_id.to_owned();
    incident.team_id = target.team_id.to_owned();
    incident.number = target.number;
    incident.state = IncidentState::Ended;
    incident.ended_at = Some(old.ended_at.unwrap_or(target.now));
    incident.paused = None;
    incident.reminders_off = true;
    incident.imported_from = Some(format!(
        "{}, exported {} by {}",
        dossier.reference,
        Zone::UTC.timestamp(dossier.exported_at),
        dossier.generator.chars().take(100).collect::<String>()
    ));

    let mut actions = Vec::new();
    for action in &dossier.follow_up_actions {
        let mut value = serde_json::to_value(action).map_err(|e| invalid(e.to_string()))?;
        rewrite(&mut value);
        let mut action: FollowUpAction = serde_json::from_value(value).map_err(|e| invalid(e.to_string()))?;
        action.incident_id = target.incident_id.to_owned();
        action.team_id = target.team_id.to_owned();
        actions.push(action);
    }
    let messages = if dossier.transcript.included { dossier.transcript.messages.clone() } else { Vec::new() };
    let mut value = serde_json::to_value(&messages).map_err(|e| invalid(e.to_string()))?;
    rewrite(&mut value);
    let messages: Vec<TranscriptMessage> = serde_json::from_value(value).map_err(|e| invalid(e.to_string()))?;

    Ok(ImportPlan {
        incident,
        actions,
        messages,
        edited_report: dossier.report.edited.then(|| dossier.report.markdown.clone()),
        unknown_people,
    })
}

/// Replaces every string that is an old id with its new one, and timeline event ids
/// (`<incident id>-<n>`) with the new incident's.
fn remap_strings(value: &mut Value, map: &HashMap<String, String>, event_prefix: &str, new_prefix: &str) {
    match value {
        Value::String(s) => {
            if let Some(new) = map.get(s.as_str()) {
                *s = new.clone();
            } else if let Some(n) = s.strip_prefix(event_prefix)
                && !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
            {
                *s = format!("{new_prefix}{n}");
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| remap_strings(v, map, event_prefix, new_prefix)),
        Value::Object(entries) => entries.values_mut().for_each(|v| remap_strings(v, map, event_prefix, new_prefix)),
        _ => {}
    }
}
