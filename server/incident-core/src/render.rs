//! Markdown for Mattermost posts and ephemeral replies.
//!
//! Users appear as `@username`, found through a lookup the caller provides (the domain only
//! knows user ids). User-typed text is passed through as Markdown, except that `@channel`,
//! `@all` and `@here` are defused: the bot posts on a user's behalf and must not let an item
//! title notify a whole channel that the user could not notify themselves.

use crate::checklist::{ChecklistItem, ItemState};
use crate::incident::{Incident, IncidentState};
use crate::paging::{PagingAction, StatusPageAction};
use crate::time_fmt::{self, Zone};
use crate::timeline::{TimelineEvent, TimelineEventKind};

/// Maps a user id to a username (without `@`), or `None` when unknown.
pub type Usernames<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The first post in a new incident channel: who leads, what happened, what to do.
pub fn intro_post(incident: &Incident, commander_username: &str, zone: Zone, usernames: Usernames<'_>) -> String {
    let mut post = format!(
        "#### {} · {}\nIncident commander: @{}\n",
        incident.reference(),
        safe(&incident.name),
        commander_username.trim_start_matches('@')
    );
    if !incident.summary.is_empty() {
        for line in incident.summary.lines() {
            post.push_str(&format!("> {}\n", safe(line)));
        }
    }
    post.push('\n');
    if incident.item_count() == 0 {
        post.push_str("No checklist yet: add items with `/incident checkadd <section> <item>`.\n");
    } else {
        let progress = incident.progress();
        post.push_str(&format!("**Checklist** ({} of {} done)\n", progress.done, progress.total));
        post.push_str(&checklist_markdown(incident, incident.created_at, zone, usernames));
        post.push_str("\nCheck an item with `/incident check <number>`; see `/incident help` for more.\n");
    }
    post
}

/// The checklist, one line per item, numbered across sections as the commands address them:
/// `☐ 1. Page the on-call · @alice`, `☑` when done, `⊘ ~~title~~ (skipped)` when skipped.
pub fn checklist_markdown(incident: &Incident, now_ms: i64, zone: Zone, usernames: Usernames<'_>) -> String {
    let mut out = String::new();
    let mut number = 0;
    for section in &incident.checklists {
        out.push_str(&format!("**{}**\n", safe(&section.title)));
        if section.items.is_empty() {
            out.push_str("_(no items)_\n");
        }
        for item in &section.items {
            // Items that do not apply keep their numbers, so the numbers shown skip them.
            number += 1;
            if incident.item_applies(item) {
                out.push_str(&item_line(number, item, now_ms, zone, usernames));
                out.push('\n');
            }
        }
    }
    let left_out = incident.items_not_applying();
    if left_out > 0 {
        let (count, verb) = if left_out == 1 { ("1 item".to_string(), "does") } else { (format!("{left_out} items"), "do") };
        out.push_str(&format!("_{count} of the playbook {verb} not apply to this incident now._\n"));
    }
    out
}

/// `☐ 3. Title · @alice, @bob · due 2026-12-01 14:00 UTC`; an open item past its due time says
/// **overdue**; a done one shows the evidence it was checked with.
fn item_line(number: usize, item: &ChecklistItem, now_ms: i64, zone: Zone, usernames: Usernames<'_>) -> String {
    let title = safe(&item.title);
    let mut line = match item.state {
        ItemState::Open => format!("☐ {number}. {title}"),
        ItemState::Done => format!("☑ {number}. {title}"),
        ItemState::Skipped => format!("⊘ {number}. ~~{title}~~ (skipped)"),
    };
    if !item.assignee_ids.is_empty() {
        let names: Vec<String> = item.assignee_ids.iter().map(|a| mention(a, usernames)).collect();
        line.push_str(&format!(" · {}", names.join(", ")));
    }
    if let Some(due) = item.due_at
        && item.state == ItemState::Open
    {
        if item.is_overdue(now_ms) {
            line.push_str(&format!(" · **overdue** (due {})", zone.minute(due)));
        } else {
            line.push_str(&format!(" · due {}", zone.minute(due)));
        }
    }
    if let (ItemState::Done, Some(evidence)) = (item.state, &item.evidence) {
        line.push_str(&format!(" · evidence: {}", safe(evidence)));
    }
    line
}

/// The `/incident info` reply: name, reference, state, commander, duration, progress, then the
/// checklist (numbered, with states and assignees) as [`checklist_markdown`] shows it.
pub fn info_text(incident: &Incident, now_ms: i64, zone: Zone, usernames: Usernames<'_>) -> String {
    let state = match (incident.state, incident.ended_at) {
        (IncidentState::Ended, Some(at)) => format!("ended {}", zone.timestamp(at)),
        (IncidentState::Ended, None) => "ended".to_string(),
        (IncidentState::Active, _) => "active".to_string(),
    };
    let progress = incident.progress();
    let mut checklist = format!("{} of {} done", progress.done, progress.total);
    if progress.skipped > 0 {
        checklist.push_str(&format!(", {} skipped", progress.skipped));
    }
    let mut text = format!("**{} · {}**\n", incident.reference(), safe(&incident.name));
    for line in incident.summary.lines() {
        text.push_str(&format!("> {}\n", safe(line)));
    }
    text.push_str(&format!("State: {state}\n"));
    if !incident.severity.is_empty() || !incident.status.is_empty() {
        text.push_str(&format!("{}\n", channel_header(incident)));
    }
    if let Some(pause) = &incident.paused {
        text.push_str(&format!(
            "Paused since {} by {}: {}\n",
            zone.timestamp(pause.since),
            mention(&pause.by, usernames),
            safe(&pause.reason)
        ));
    }
    text.push_str(&format!("Commander: {}\n", mention(&incident.commander_id, usernames)));
    text.push_str(&fields_markdown(incident, usernames));
    for role in &incident.roles {
        text.push_str(&format!("{}: {}\n", safe(&role.role), mention(&role.user_id, usernames)));
    }
    text.push_str(&format!(
        "Started: {}\nDuration: {}\nChecklist: {checklist}\n",
        zone.timestamp(incident.created_at),
        time_fmt::duration(incident.duration_ms(now_ms)),
    ));
    if let Some(update) = incident.last_update() {
        text.push_str(&format!("Last update: {} by {}\n", zone.timestamp(update.at), mention(&update.author_id, usernames)));
    }
    // The checklist itself, numbered as `/incident check <number>` reads it.
    if !incident.checklists.is_empty() {
        text.push('\n');
        text.push_str(&checklist_markdown(incident, now_ms, zone, usernames));
    }
    text
}

/// The incident channel's header: `Severity: P2 | Status: Identified`.
pub fn channel_header(incident: &Incident) -> String {
    let mut parts = Vec::new();
    if !incident.severity.is_empty() {
        parts.push(format!("Severity: {}", safe(&incident.severity)));
    }
    if !incident.status.is_empty() {
        parts.push(format!("Status: {}", safe(&incident.status)));
    }
    if incident.paused.is_some() && incident.is_active() {
        parts.push("Paused".to_string());
    }
    parts.join(" | ")
}

/// The incident's post in the digest channel, edited in place as it changes (and when an item
/// becomes overdue): severity, status, commander, overdue items, the latest update; struck
/// through once resolved.
pub fn digest_post(incident: &Incident, channel_name: &str, now_ms: i64, zone: Zone, usernames: Usernames<'_>) -> String {
    let title = format!("{} · {}", incident.reference(), safe(&incident.name));
    let mut post = if incident.is_active() { format!("#### {title}\n") } else { format!("#### ~~{title}~~ (resolved)\n") };
    let header = channel_header(incident);
    if !header.is_empty() {
        post.push_str(&format!("{header} | "));
    }
    post.push_str(&format!("Commander: {}", mention(&incident.commander_id, usernames)));
    if !channel_name.is_empty() {
        post.push_str(&format!(" | ~{channel_name}"));
    }
    let overdue = incident.overdue_items(now_ms);
    if overdue > 0 {
        post.push_str(&format!(" | **{overdue} overdue** checklist item{}", if overdue == 1 { "" } else { "s" }));
    }
    post.push('\n');
    if let Some(update) = incident.last_update() {
        let first_line = update.message.lines().next().unwrap_or_default();
        post.push_str(&format!("> **Latest update** ({}): {}\n", zone.timestamp(update.at), safe(first_line)));
    }
    post
}

/// The digest post of an incident not every reader of the digest channel may see: reference,
/// severity and status, no name, people, channel or update text. Edited in place like
/// [`digest_post`], and struck through once resolved.
pub fn digest_line(incident: &Incident) -> String {
    let title = format!("{} · private incident", incident.reference());
    let mut post = if incident.is_active() { format!("#### {title}\n") } else { format!("#### ~~{title}~~ (resolved)\n") };
    let header = channel_header(incident);
    if !header.is_empty() {
        post.push_str(&format!("{header}\n"));
    }
    post
}

/// A new incident as announced in the announcement channels of its team.
pub fn announcement_post(incident: &Incident, channel_name: &str, commander_username: &str) -> String {
    format!(
        "{} **{}** started: ~{channel_name} (commander @{})",
        incident.reference(),
        safe(&incident.name),
        safe(commander_username.trim_start_matches('@'))
    )
}

/// A new private incident in the announcement channels: "A private incident was declared,
/// severity P1 (INC-0042)." The reference only lets readers match later lines to it; those
/// who may see the incident find it by it, the rest learn nothing more.
pub fn private_announcement_line(incident: &Incident) -> String {
    if incident.severity.is_empty() {
        format!("A private incident was declared ({}).", incident.reference())
    } else {
        format!("A private incident was declared, severity {} ({}).", safe(&incident.severity), incident.reference())
    }
}

/// A private incident's status update in the announcement channels: its reference and the new
/// status, never the update's text.
pub fn private_update_line(incident: &Incident, update: &crate::lifecycle::StatusUpdate) -> String {
    format!("{} (private) posted a status update: {}", incident.reference(), safe(&update.status))
}

/// The post in a stakeholder channel when an incident starts at, or is raised to, a severity.
pub fn stakeholder_post(incident: &Incident, channel_name: &str, commander_username: &str) -> String {
    format!(
        "{} **{}** is {}: ~{channel_name} (commander @{})",
        incident.reference(),
        safe(&incident.name),
        safe(&incident.severity),
        safe(commander_username.trim_start_matches('@'))
    )
}

/// [`stakeholder_post`] for a private incident: its reference and severity only.
pub fn private_stakeholder_line(incident: &Incident) -> String {
    format!("A private incident is {} ({}).", safe(&incident.severity), incident.reference())
}

/// A status update as posted in the incident and announcement channels.
pub fn status_update_post(
    incident: &Incident,
    update: &crate::lifecycle::StatusUpdate,
    zone: Zone,
    usernames: Usernames<'_>,
) -> String {
    let mut post = format!(
        "#### Status update · {} {}\n**Status:** {} · **Severity:** {} · by {}\n",
        incident.reference(),
        safe(&incident.name),
        safe(&update.status),
        if update.severity.is_empty() { "not set".to_string() } else { safe(&update.severity) },
        mention(&update.author_id, usernames),
    );
    if !update.impact.is_empty() {
        post.push_str(&format!("**Impact:** {}\n", safe(&update.impact)));
    }
    post.push('\n');
    for line in update.message.lines() {
        post.push_str(&format!("{}\n", safe(line)));
    }
    if let Some(next) = update.next_update_at {
        post.push_str(&format!("\n_Next update by {}._\n", zone.timestamp(next)));
    }
    post
}

/// One line for the incident channel saying who did what, e.g. `@alice checked 3. Page the
/// on-call`. Items are numbered as they are in `incident` now (the event's own item, when it
/// still exists), so call it right after the mutation.
pub fn change_message(incident: &Incident, event: &TimelineEvent, zone: Zone, usernames: Usernames<'_>) -> String {
    let item = |item_id: &str, title: &str| match incident.item_number_of(item_id) {
        Some(number) => format!("{number}. {}", safe(title)),
        None => safe(title),
    };
    let section_of =
        |item_id: &str| incident.items().find(|(_, _, i)| i.id == item_id).map(|(_, section, _)| safe(&section.title));
    describe(event, zone, usernames, &item, &section_of)
}

/// The whole timeline, oldest first, one line per event with its time in `zone`. Items are named by
/// title only: their numbers have changed since.
pub fn timeline_markdown(incident: &Incident, zone: Zone, usernames: Usernames<'_>) -> String {
    let item = |_: &str, title: &str| safe(title);
    let no_section = |_: &str| None;
    incident
        .timeline
        .iter()
        .map(|event| format!("- `{}` {}\n", zone.timestamp(event.at), describe(event, zone, usernames, &item, &no_section)))
        .collect()
}

/// "<actor> <did what>". `item` names an item from its id and title; `section_of` finds the
/// section an item is in now, if known.
fn describe(
    event: &TimelineEvent,
    zone: Zone,
    usernames: Usernames<'_>,
    item: &dyn Fn(&str, &str) -> String,
    section_of: &dyn Fn(&str) -> Option<String>,
) -> String {
    use TimelineEventKind::*;
    let actor = mention(&event.actor_id, usernames);
    let what = match &event.kind {
        IncidentStarted { name, playbook: Some(playbook) } => {
            format!("started the incident {} from the playbook {}", safe(name), safe(playbook))
        }
        IncidentStarted { name, playbook: None } => format!("started the incident {}", safe(name)),
        CommanderChanged { from, to } => {
            format!("changed the commander from {} to {}", mention(from, usernames), mention(to, usernames))
        }
        ItemChecked { item_id, title, evidence: None } => format!("checked {}", item(item_id, title)),
        ItemChecked { item_id, title, evidence: Some(evidence) } => {
            format!("checked {} (evidence: {})", item(item_id, title), safe(evidence))
        }
        ItemUnchecked { item_id, title } => format!("unchecked {}", item(item_id, title)),
        ItemSkipped { item_id, title } => format!("skipped {}", item(item_id, title)),
        ItemRestored { item_id, title } => format!("restored {}", item(item_id, title)),
        ItemAdded { item_id, title, section } => {
            format!("added {} to {}", item(item_id, title), safe(section))
        }
        ItemRemoved { title, .. } => format!("removed {}", safe(title)),
        ItemAssigned { item_id, title, assignee: Some(assignee) } => {
            format!("assigned {} to {}", item(item_id, title), mention(assignee, usernames))
        }
        ItemAssigned { item_id, title, assignee: None } => format!("unassigned {}", item(item_id, title)),
        ItemAssigneesChanged { item_id, title, added, removed } => {
            let names = |ids: &[String]| ids.iter().map(|id| mention(id, usernames)).collect::<Vec<_>>().join(", ");
            match (added.is_empty(), removed.is_empty()) {
                (false, true) => format!("assigned {} to {}", item(item_id, title), names(added)),
                (true, false) => format!("took {} off {}", names(removed), item(item_id, title)),
                _ => format!("assigned {} to {} instead of {}", item(item_id, title), names(added), names(removed)),
            }
        }
        ItemDueChanged { item_id, title, due_at: Some(due) } => {
            format!("set {} due {}", item(item_id, title), zone.minute(*due))
        }
        ItemDueChanged { item_id, title, due_at: None } => format!("cleared the due time of {}", item(item_id, title)),
        ItemRenamed { item_id, from, to } => {
            format!("renamed {} (was {})", item(item_id, to), safe(from))
        }
        ItemMoved { item_id, title } => match section_of(item_id) {
            Some(section) => format!("moved {} to {section}", item(item_id, title)),
            None => format!("moved {}", item(item_id, title)),
        },
        ItemCommandRun { item_id, title, command } => format!("ran {} for {}", safe(command), item(item_id, title)),
        Renamed { from, to } => format!("renamed the incident to {} (was {})", safe(to), safe(from)),
        SummaryChanged { to, .. } if to.is_empty() => "cleared the summary".to_string(),
        SummaryChanged { to, .. } => format!("changed the summary: {}", safe(&one_line(to))),
        SectionRenamed { from, to, .. } => format!("renamed the checklist section {} to {}", safe(from), safe(to)),
        IncidentEnded => "ended the incident".to_string(),
        SeverityChanged { from, to } if from.is_empty() => format!("set the severity to {}", safe(to)),
        SeverityChanged { from, to } => format!("changed the severity from {} to {}", safe(from), safe(to)),
        StatusChanged { from, to } if from.is_empty() => format!("set the status to {}", safe(to)),
        StatusChanged { from, to } => format!("changed the status from {} to {}", safe(from), safe(to)),
        RoleAssigned { role, from: None, to: Some(to) } => {
            format!("made {} the {}", mention(to, usernames), safe(role))
        }
        RoleAssigned { role, from: Some(from), to: Some(to) } => {
            format!("made {} the {} (was {})", mention(to, usernames), safe(role), mention(from, usernames))
        }
        RoleAssigned { role, from: Some(from), to: None } => {
            format!("took the {} role from {}", safe(role), mention(from, usernames))
        }
        RoleAssigned { role, from: None, to: None } => format!("left the {} role empty", safe(role)),
        UpdatePosted { status, .. } => format!("posted a status update ({})", safe(status)),
        IncidentReopened => "reopened the incident".to_string(),
        IncidentPaused { reason } => format!("paused the incident: {}", safe(reason)),
        IncidentResumed { paused_ms } => format!("resumed the incident after {} paused", time_fmt::duration(*paused_ms)),
        RemindersSnoozed { until } => format!("snoozed update reminders until {}", zone.timestamp(*until)),
        RemindersSet { on: true } => "turned update reminders back on".to_string(),
        RemindersSet { on: false } => "stopped update reminders".to_string(),
        UpdateEscalated { missed, due_at } => format!(
            "escalated the missing status update to the commander and the stakeholders: due {}, {} without an update",
            zone.timestamp(*due_at),
            crate::reminders::reminders_count(*missed)
        ),
        NoteAdded { text, category, .. } => format!("added a {} to the timeline: {}", category.label(), safe(&one_line(text))),
        NoteEdited { to, .. } => format!("edited a timeline note: {}", safe(&one_line(to))),
        EventHidden { .. } => "hid an event from the timeline".to_string(),
        ImpactStarted { at } => format!("recorded that customer impact started at {}", zone.timestamp(*at)),
        ImpactEnded { at } => format!("recorded that customer impact ended at {}", zone.timestamp(*at)),
        FieldSet { name, kind, value: Some(value) } => {
            format!("set {} to {}", safe(name), shown_value(*kind, value, usernames))
        }
        FieldSet { name, value: None, .. } => format!("cleared {}", safe(name)),
        Paged { service, provider } => format!("paged the on-call of {} ({})", safe(service), provider.label()),
        PageResolved { service, provider } => format!("resolved the page of {} ({})", safe(service), provider.label()),
        StatusPageMirrored { action, status } => match action {
            StatusPageAction::Created => format!("created the public incident on the status page ({})", safe(status)),
            StatusPageAction::Updated => format!("updated the public incident on the status page ({})", safe(status)),
            StatusPageAction::Resolved => "resolved the public incident on the status page".to_string(),
        },
        PagingFailed { action, service, reason } => match action {
            PagingAction::Page => format!("could not page the on-call of {}: {}", safe(service), safe(reason)),
            PagingAction::Resolve if service.is_empty() => format!("could not resolve the pages: {}", safe(reason)),
            PagingAction::Resolve => format!("could not resolve the page of {}: {}", safe(service), safe(reason)),
            PagingAction::StatusPage => format!("could not update the status page: {}", safe(reason)),
        },
        PostAdded { author_id, note, .. } if note.is_empty() => {
            format!("added a message by {} to the timeline", mention(author_id, usernames))
        }
        PostAdded { author_id, note, .. } => {
            format!("added a message by {} to the timeline: {}", mention(author_id, usernames), safe(&one_line(note)))
        }
    };
    format!("{actor} {what}")
}

/// A note shown inline: its first line, cut to 200 characters.
fn one_line(text: &str) -> String {
    let first = text.lines().next().unwrap_or_default();
    match first.char_indices().nth(200) {
        Some((at, _)) => format!("{}…", first.get(..at).unwrap_or_default()),
        None if text.lines().nth(1).is_some() => format!("{first} …"),
        None => first.to_string(),
    }
}

/// A field's value as posts show it: a person as a mention, other values as typed, defused.
pub fn shown_value(kind: crate::fields::FieldKind, value: &str, usernames: Usernames<'_>) -> String {
    match kind {
        crate::fields::FieldKind::User => mention(value, usernames),
        _ => safe(value),
    }
}

/// `Region: EU`, one line per field (`—` for an empty one); empty text without fields.
pub fn fields_markdown(incident: &Incident, usernames: Usernames<'_>) -> String {
    incident
        .fields
        .iter()
        .map(|f| {
            let value = f.value.as_deref().map(|v| shown_value(f.kind, v, usernames)).unwrap_or_else(|| "—".to_string());
            format!("{}: {value}\n", safe(&f.name))
        })
        .collect()
}

fn mention(user_id: &str, usernames: Usernames<'_>) -> String {
    match usernames(user_id) {
        Some(username) => format!("@{}", username.trim_start_matches('@')),
        None => "(unknown user)".to_string(),
    }
}

/// Defuses channel-wide mentions (`@channel`, `@all`, `@here`) in user text by putting a
/// zero-width space after the `@`: the text reads the same, but Mattermost no longer sees the
/// mention. Every user-typed text the bot posts again goes through here.
///
/// Mattermost's rules (server/channels/app/notification.go:1370 `getExplicitMentions`, and
/// mention_parser_standard.go:30 `ProcessText`): each Markdown text node of the post is
/// split into words at anything that is not a letter, number, `.`, `-`, `_`, `:` or `@`; a
/// word's leading `.-_:` are dropped and trailing `.-:_` are dropped one at a time; a word that
/// does not start with `@` is split again at `.`, `-` and `:`; any piece equal to one of the
/// three words, in any case, is a channel-wide mention. So `x.@channel-x`, `ops:@here.now` and
/// `**@ALL**` all notify.
///
/// This errs on the side of defusing: a keyword after the `@` is left alone only when
/// Mattermost provably cannot see the mention whatever Markdown surrounds it, namely when the
/// `@` follows an ASCII letter or digit (`mail a@here.example`), when the keyword runs on into
/// more letters (`@allison`), or when a word starting with it continues after `.-_:` into
/// letters (`@all-hands`, a user or group name). Character references that Markdown decodes
/// into letters or `@` (`&#64;channel`, `@chann&#101;l`) are written out first and judged as
/// read: today's server ends a text node at each reference, so they do not notify there, but
/// `getExplicitMentions` means to join adjacent text nodes and a fix there must not make them
/// live. Group mentions (`@groupname`) are left as they are (docs/api.md says why).
pub fn safe(text: &str) -> String {
    let text = decode_mention_characters(text);
    let mut out = String::with_capacity(text.len() + 8);
    for (at, c) in text.char_indices() {
        out.push(c);
        if c == '@' && is_channel_wide_mention(&text, at) {
            out.push('\u{200B}');
        }
    }
    out
}

/// Whether the `@` at byte `at` of `text` may start a mention Mattermost counts as
/// channel-wide (see [`safe`]).
fn is_channel_wide_mention(text: &str, at: usize) -> bool {
    const WIDE: [&str; 3] = ["channel", "all", "here"];
    let before = text.get(..at).and_then(|b| b.chars().next_back());
    if before.is_some_and(|c| c.is_ascii_alphanumeric()) {
        // Inside a word that does not start with `@` (an email address): every piece Mattermost
        // splits off it starts with the letters before the `@`.
        return false;
    }
    let after_at = text.get(at + 1..).unwrap_or_default();
    let Some(keyword) = WIDE.iter().find(|w| after_at.get(..w.len()).is_some_and(|p| p.eq_ignore_ascii_case(w))) else {
        return false;
    };
    let rest = after_at.get(keyword.len()..).unwrap_or_default();
    // A run of ASCII letters and digits glued to the keyword keeps it part of a longer word,
    // unless a `:` follows, where Mattermost may start a link (`http:`) or emoji and so end the
    // text node right after the keyword.
    let continues_into_word = |s: &str| {
        let run = s.len() - s.trim_start_matches(|c: char| c.is_ascii_alphanumeric()).len();
        run > 0 && !s.get(run..).is_some_and(|tail| tail.starts_with(':'))
    };
    if continues_into_word(rest) {
        return false;
    }
    // A word that starts with the `@` (after whitespace, which Markdown never removes) is a
    // user or group name when it continues through `.-_:` into letters, unless those letters
    // begin a `www.` link, which Mattermost makes a node of its own after `_`, or an `_` after
    // other punctuation could open emphasis (`@all-_x_`; Mattermost's parser has none today, a
    // CommonMark one would end the text node there).
    let at_word_start = before.is_some_and(char::is_whitespace);
    let name_tail = rest.trim_start_matches(['.', '-', '_', ':']);
    let separators = rest.get(..rest.len() - name_tail.len()).unwrap_or_default();
    let is_longer_name = at_word_start
        && !separators.is_empty()
        && (separators == "_" || !separators.contains('_'))
        && continues_into_word(name_tail)
        && !name_tail.get(..3).is_some_and(|w| w.eq_ignore_ascii_case("www"));
    !is_longer_name
}

/// `text` as a Markdown code span, shown literally: no link, emphasis, image or mention in it
/// renders. For short texts that someone else chose and the bot shows without vouching for them
/// (a playbook's title and keyword in an offer to start an incident). Line breaks become spaces.
pub fn code_span(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // The fence is one backtick longer than the longest run inside; a space pads a text that
    // starts or ends with a backtick (CommonMark strips one space on each side).
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Writes out the character references Mattermost's Markdown decodes into an ASCII letter, digit
/// or `@` (`&#64;`, `&#x63;`, `&commat;`), so that [`safe`] judges the text Mattermost reads.
/// Others stay as written: [`safe`] treats them as the punctuation that ends a word.
/// Mattermost's limits: at most 8 digits (shared/markdown/inlines.go:427 `CharacterReference`).
fn decode_mention_characters(text: &str) -> String {
    let decode = |reference: &str| -> Option<char> {
        let value = if reference == "commat" {
            return Some('@');
        } else if let Some(hex) = reference.strip_prefix("#x").or_else(|| reference.strip_prefix("#X")) {
            if hex.is_empty() || hex.len() > 8 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            u32::from_str_radix(hex, 16).ok()?
        } else if let Some(decimal) = reference.strip_prefix('#') {
            if decimal.is_empty() || decimal.len() > 8 || !decimal.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            decimal.parse::<u32>().ok()?
        } else {
            return None;
        };
        char::from_u32(value).filter(|c| c.is_ascii_alphanumeric() || *c == '@')
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        rest = rest.get(amp..).unwrap_or_default();
        let after = rest.get(1..).unwrap_or_default();
        match after.find(';').and_then(|semi| Some((semi, decode(after.get(..semi)?)?))) {
            Some((semi, c)) => {
                out.push(c);
                rest = after.get(semi + 1..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

mod report;
pub use report::report_markdown;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_shared_channels;
