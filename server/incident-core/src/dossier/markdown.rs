//! The dossier's Markdown files, for people: the report, the timeline, decisions and
//! hypotheses, the checklist and its history, status updates, fields, follow-up actions and the
//! channel transcript with its threads. Drawn from the [`Dossier`] alone, so an exported and an
//! imported-then-exported incident read the same. Times are written in UTC (`… UTC`), not in a
//! team's zone: a dossier is an archive that moves between servers and teams.

use super::{Dossier, TranscriptMessage};
use crate::render::{checklist_markdown, fields_markdown, safe, timeline_markdown};
use crate::time_fmt::Zone;
use crate::timeline::{EntryCategory, TimelineEventKind};

/// The files, README first, in the order a reader goes through them.
pub fn files(dossier: &Dossier) -> Vec<(&'static str, String)> {
    vec![
        ("README.md", readme(dossier)),
        ("report.md", dossier.report.markdown.clone() + "\n"),
        ("timeline.md", timeline(dossier)),
        ("decisions-and-hypotheses.md", decisions(dossier)),
        ("checklist.md", checklist(dossier)),
        ("status-updates.md", updates(dossier)),
        ("fields.md", fields(dossier)),
        ("follow-up-actions.md", actions(dossier)),
        ("transcript.md", transcript(dossier)),
    ]
}

fn title(dossier: &Dossier, what: &str) -> String {
    format!("# {} · {} — {what}\n\n", dossier.incident.reference(), safe(&dossier.incident.name))
}

fn who(dossier: &Dossier, id: &str) -> String {
    dossier.username(id).map(|u| format!("@{u}")).unwrap_or_else(|| "(unknown user)".into())
}

fn readme(d: &Dossier) -> String {
    let i = &d.incident;
    let mut out = title(d, "incident dossier");
    let ended = i.ended_at.map(|at| Zone::UTC.timestamp(at)).unwrap_or_else(|| "still active".into());
    for (label, value) in [
        ("Started", Zone::UTC.timestamp(i.created_at)),
        ("Ended", ended),
        ("Commander", who(d, &i.commander_id)),
        ("Severity", if i.severity.is_empty() { "not set".into() } else { safe(&i.severity) }),
        ("Status", if i.status.is_empty() { "not set".into() } else { safe(&i.status) }),
        ("Exported", format!("{} by {}", Zone::UTC.timestamp(d.exported_at), safe(&d.generator))),
    ] {
        out.push_str(&format!("- **{label}:** {value}\n"));
    }
    if let Some(origin) = &i.imported_from {
        out.push_str(&format!("- **Imported from:** {}\n", safe(origin)));
    }
    if !i.summary.is_empty() {
        out.push_str(&format!("\n{}\n", safe(&i.summary)));
    }
    out.push_str(
        "\n## Contents\n\n- `report.md`: the incident report\n- `timeline.md`: every recorded event\n\
         - `decisions-and-hypotheses.md`\n- `checklist.md`: the checklist and its history\n\
         - `status-updates.md`\n- `fields.md`\n- `follow-up-actions.md`\n- `transcript.md`: the channel's messages and threads\n\
         - `dossier.json`: all of it for tools (schema: `docs/dossier.schema.json`, format version ",
    );
    out.push_str(&format!("{})\n", d.format_version));
    out
}

fn usernames(d: &Dossier) -> impl Fn(&str) -> Option<String> + '_ {
    move |id: &str| d.username(id)
}

fn timeline(d: &Dossier) -> String {
    let text = timeline_markdown(&d.incident, Zone::UTC, &usernames(d));
    title(d, "timeline") + if text.is_empty() { "_No events._\n" } else { &text }
}

fn decisions(d: &Dossier) -> String {
    let mut kept = d.incident.clone();
    let wanted = |c: &EntryCategory| matches!(c, EntryCategory::Decision | EntryCategory::Hypothesis);
    kept.timeline.retain(|e| match &e.kind {
        TimelineEventKind::NoteAdded { category, .. } | TimelineEventKind::PostAdded { category, .. } => wanted(category),
        _ => false,
    });
    let text = timeline_markdown(&kept, Zone::UTC, &usernames(d));
    title(d, "decisions and hypotheses") + if text.is_empty() { "_None were recorded._\n" } else { &text }
}

fn checklist(d: &Dossier) -> String {
    let mut out = title(d, "checklist");
    out.push_str(&checklist_markdown(&d.incident, d.exported_at, Zone::UTC, &usernames(d)));
    let mut history = d.incident.clone();
    history.timeline.retain(|e| e.kind.item_id().is_some() || matches!(e.kind, TimelineEventKind::SectionRenamed { .. }));
    out.push_str("\n## History\n\n");
    let text = timeline_markdown(&history, Zone::UTC, &usernames(d));
    out.push_str(if text.is_empty() { "_No changes were recorded._\n" } else { &text });
    out
}

fn updates(d: &Dossier) -> String {
    let mut out = title(d, "status updates");
    if d.incident.updates.is_empty() {
        out.push_str("_No status updates were posted._\n");
    }
    for u in &d.incident.updates {
        out.push_str(&format!("## {} · {} · {}\n\n", Zone::UTC.timestamp(u.at), safe(&u.status), who(d, &u.author_id)));
        if !u.severity.is_empty() {
            out.push_str(&format!("- **Severity:** {}\n", safe(&u.severity)));
        }
        if !u.impact.is_empty() {
            out.push_str(&format!("- **Impact:** {}\n", safe(&u.impact)));
        }
        if let Some(next) = u.next_update_at {
            out.push_str(&format!("- **Next update:** {}\n", Zone::UTC.timestamp(next)));
        }
        out.push_str(&format!("\n{}\n\n", safe(&u.message)));
    }
    out
}

fn fields(d: &Dossier) -> String {
    let text = fields_markdown(&d.incident, &usernames(d));
    let lines: String = text.lines().map(|l| format!("- {l}\n")).collect();
    title(d, "fields") + if lines.is_empty() { "_No custom fields._\n" } else { &lines }
}

fn actions(d: &Dossier) -> String {
    let mut out = title(d, "follow-up actions");
    if d.follow_up_actions.is_empty() {
        out.push_str("_No follow-up actions._\n");
    }
    for a in &d.follow_up_actions {
        let state = format!("{:?}", a.state).to_lowercase();
        let mut line = format!("- [{}] {} ({}, {state}", if state == "done" { "x" } else { " " }, safe(&a.text), a.kind.label());
        if let Some(owner) = &a.owner_id {
            line.push_str(&format!(", owner {}", who(d, owner)));
        }
        if let Some(due) = a.due_at {
            line.push_str(&format!(", due {}", Zone::UTC.timestamp(due)));
        }
        out.push_str(&line);
        out.push_str(")\n");
    }
    out
}

fn message_line(d: &Dossier, m: &TranscriptMessage, indent: &str) -> String {
    let edited = if m.edit_at > 0 { " (edited)" } else { "" };
    let text = safe(&m.message).replace('\n', &format!("\n{indent}  "));
    format!("{indent}- `{}` {}{edited}: {text}\n", Zone::UTC.timestamp(m.create_at), who(d, &m.user_id))
}

/// Messages in order, each thread's replies under its first message; a reply whose first
/// message is not in the transcript (written before it was captured) stands at its own time.
fn transcript(d: &Dossier) -> String {
    let mut out = title(d, "channel transcript");
    if !d.transcript.included {
        out.push_str("_Not included: the exporter could not read the incident channel._\n");
        return out;
    }
    if d.transcript.messages.is_empty() {
        out.push_str("_No messages were captured._\n");
    }
    let messages = &d.transcript.messages;
    let is_root = |id: &str| messages.iter().any(|m| m.id == id);
    for m in messages {
        if !m.root_id.is_empty() && is_root(&m.root_id) {
            continue;
        }
        if m.root_id.is_empty() {
            out.push_str(&message_line(d, m, ""));
        } else {
            out.push_str(&message_line(d, m, "").replacen("- ", "- ↳ (reply in an earlier thread) ", 1));
        }
        for reply in messages.iter().filter(|r| r.root_id == m.id) {
            out.push_str(&message_line(d, reply, "    "));
        }
    }
    out
}
