//! The incident report (retrospective) as Markdown: what GOV.UK's process asks a report to hold
//! — summary, impact, severity history, roles, a key-event timeline, the checklist with
//! completion times, status updates, follow-up actions and metrics — drawn from the record.
//! Generated on resolution; people edit it in the webapp before publishing.

use super::{Usernames, describe, mention, safe, shown_value};
use crate::actions::{ActionState, FollowUpAction};
use crate::checklist::ItemState;
use crate::incident::Incident;
use crate::metrics::metrics;
use crate::time_fmt::{Zone, duration, utc_date};
use crate::timeline::{EntryCategory, TimelineEventKind};

pub fn report_markdown(incident: &Incident, actions: &[FollowUpAction], zone: Zone, usernames: Usernames<'_>) -> String {
    let mut out = format!("# {} · {} — incident report\n\n", incident.reference(), safe(&incident.name));
    let facts = [
        ("Severity", if incident.severity.is_empty() { "not set".into() } else { safe(&incident.severity) }),
        ("Status", if incident.status.is_empty() { "not set".into() } else { safe(&incident.status) }),
        ("Commander", mention(&incident.commander_id, usernames)),
        ("Started", zone.timestamp(incident.created_at)),
        ("Ended", incident.ended_at.map(|at| zone.timestamp(at)).unwrap_or_else(|| "still active".into())),
        ("Duration", incident.ended_at.map(|e| duration(e - incident.created_at)).unwrap_or_else(|| "ongoing".into())),
    ];
    for (label, value) in facts {
        out.push_str(&format!("- **{label}:** {value}\n"));
    }
    for role in &incident.roles {
        out.push_str(&format!("- **{}:** {}\n", safe(&role.role), mention(&role.user_id, usernames)));
    }
    for field in &incident.fields {
        let value = field.value.as_deref().map(|v| shown_value(field.kind, v, usernames)).unwrap_or_else(|| "not set".into());
        out.push_str(&format!("- **{}:** {value}\n", safe(&field.name)));
    }

    out.push_str("\n## Summary\n\n");
    if incident.summary.is_empty() {
        out.push_str("_No summary was written._\n");
    } else {
        out.push_str(&format!("{}\n", safe(&incident.summary)));
    }

    out.push_str("\n## Impact\n\n");
    match (incident.impact_started_at, incident.impact_ended_at) {
        (start, Some(end)) => {
            let from = start.unwrap_or(incident.created_at);
            out.push_str(&format!(
                "Customers were affected from {} to {} ({}).\n",
                zone.timestamp(from),
                zone.timestamp(end),
                duration(end - from)
            ));
        }
        (Some(start), None) => {
            out.push_str(&format!("Customers were affected from {}; no end was recorded.\n", zone.timestamp(start)))
        }
        (None, None) => out.push_str("_The customer impact window was not recorded._\n"),
    }
    if let Some(update) = incident.updates.iter().rev().find(|u| !u.impact.is_empty()) {
        out.push_str(&format!("\nLast stated impact: {}\n", safe(&update.impact)));
    }

    out.push_str("\n## Severity history\n\n");
    let severity_at_start = incident
        .timeline
        .iter()
        .find_map(|e| match &e.kind {
            TimelineEventKind::SeverityChanged { from, .. } => Some(from.clone()),
            _ => None,
        })
        .unwrap_or_else(|| incident.severity.clone());
    out.push_str(&format!(
        "- `{}` {} at the start\n",
        zone.timestamp(incident.created_at),
        if severity_at_start.is_empty() { "not set".into() } else { safe(&severity_at_start) }
    ));
    for event in &incident.timeline {
        if let TimelineEventKind::SeverityChanged { from, to } = &event.kind {
            out.push_str(&format!(
                "- `{}` {} → {} by {}\n",
                zone.timestamp(event.at),
                safe(from),
                safe(to),
                mention(&event.actor_id, usernames)
            ));
        }
    }

    out.push_str("\n## Key events\n\n");
    let hidden = incident.hidden_events();
    let mut key_events = 0;
    for event in incident.timeline.iter().filter(|e| !hidden.contains(&e.id)) {
        let line = match &event.kind {
            TimelineEventKind::NoteAdded { category, happened_at, .. }
                if *category != EntryCategory::Note || happened_at.is_some() =>
            {
                let text = incident.note_text(&event.id).unwrap_or_default();
                Some((
                    happened_at.unwrap_or(event.at),
                    format!("**{}** {} ({})", capitalised(category.label()), safe(&text), mention(&event.actor_id, usernames)),
                ))
            }
            TimelineEventKind::PostAdded { author_id, posted_at, excerpt, category, .. } => Some((
                *posted_at,
                format!("**{}** {}: “{}”", capitalised(category.label()), mention(author_id, usernames), safe(excerpt)),
            )),
            TimelineEventKind::IncidentStarted { .. }
            | TimelineEventKind::StatusChanged { .. }
            | TimelineEventKind::IncidentEnded
            | TimelineEventKind::IncidentReopened
            | TimelineEventKind::ImpactStarted { .. }
            | TimelineEventKind::ImpactEnded { .. } => {
                let no_item = |_: &str, title: &str| safe(title);
                Some((event.at, describe(event, zone, usernames, &no_item, &|_| None)))
            }
            _ => None,
        };
        if let Some((at, text)) = line {
            out.push_str(&format!("- `{}` {text}\n", zone.timestamp(at)));
            key_events += 1;
        }
    }
    if key_events == 0 {
        out.push_str("_None._\n");
    }

    out.push_str("\n## Checklist\n\n");
    if incident.item_count() == 0 {
        out.push_str("_No checklist._\n");
    }
    for (n, section) in incident.checklists.iter().enumerate() {
        // A blank line between a list and the next title, or Markdown continues the list.
        out.push_str(&format!("{}**{}**\n\n", if n == 0 { "" } else { "\n" }, safe(&section.title)));
        for item in &section.items {
            let line = match (item.state, item.completed_at, &item.completed_by) {
                (ItemState::Done, Some(at), by) => format!(
                    "- [x] {} — done{} at {} ({} in)",
                    safe(&item.title),
                    by.as_deref().map(|b| format!(" by {}", mention(b, usernames))).unwrap_or_default(),
                    zone.timestamp(at),
                    duration(at - incident.created_at)
                ),
                (ItemState::Skipped, _, _) => format!("- [ ] ~~{}~~ (skipped)", safe(&item.title)),
                _ => format!("- [ ] {}", safe(&item.title)),
            };
            out.push_str(&line);
            out.push('\n');
        }
    }

    out.push_str("\n## Status updates\n\n");
    if incident.updates.is_empty() {
        out.push_str("_No status updates were posted._\n");
    }
    for update in &incident.updates {
        let first_line = update.message.lines().next().unwrap_or_default();
        out.push_str(&format!(
            "- `{}` **{}** by {}: {}\n",
            zone.timestamp(update.at),
            safe(&update.status),
            mention(&update.author_id, usernames),
            safe(first_line)
        ));
    }

    out.push_str("\n## Follow-up actions\n\n");
    if actions.is_empty() {
        out.push_str("_None recorded yet: add them with `/incident action <text> [@owner] [due 2026-12-01] [detective|preventive|corrective]`._\n");
    } else {
        out.push_str("| Action | Type | Owner | Due | State |\n| --- | --- | --- | --- | --- |\n");
        for action in actions {
            let state = match action.state {
                ActionState::Open => "open",
                ActionState::Done => "done",
                ActionState::Dropped => "dropped",
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} | {state} |\n",
                safe(&action.text).replace('|', "\\|"),
                action.kind.label(),
                action.owner_id.as_deref().map(|o| mention(o, usernames)).unwrap_or_else(|| "—".into()),
                action.due_at.map(utc_date).unwrap_or_else(|| "—".into()),
            ));
        }
    }

    if !incident.retrospective_template.trim().is_empty() {
        // The playbook's outline, for the team to fill in (defused when published).
        out.push_str(&format!("\n## Retrospective\n\n{}\n", incident.retrospective_template.trim()));
    }

    out.push_str("\n## Metrics\n\n");
    let m = metrics(incident);
    let shown = |ms: Option<i64>| ms.map(duration).unwrap_or_else(|| "—".into());
    out.push_str(&format!("- Time to the commander's first action: {}\n", shown(m.time_to_commander_ms)));
    out.push_str(&format!("- Time to the first status update: {}\n", shown(m.time_to_first_update_ms)));
    out.push_str(&format!("- Time to mitigate (end of impact): {}\n", shown(m.time_to_mitigate_ms)));
    out.push_str(&format!("- Time to resolve: {}\n", shown(m.time_to_resolve_ms)));
    for (role, ms) in &m.roles {
        out.push_str(&format!("- {} held after: {}\n", safe(role), duration(*ms)));
    }
    out
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
