//! The incident timeline: one event per change, with who and when. Events carry the titles and
//! names they concern as they were at the time, so the timeline still reads correctly after an
//! item is renamed or removed.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::incident::{Incident, require};
use crate::limits::MAX_TEXT_CHARS;
use crate::text;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// `<incident id>-<n>`: unique, and derivable without an id source, so that operations that
    /// take no [`IdGen`](crate::IdGen) (ending, checking) can still append events.
    pub id: String,
    /// Unix milliseconds.
    pub at: i64,
    pub actor_id: String,
    pub kind: TimelineEventKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TimelineEventKind {
    IncidentStarted {
        name: String,
        /// The title of the playbook it was started from.
        #[serde(default)]
        playbook: Option<String>,
    },
    CommanderChanged {
        from: String,
        to: String,
    },
    ItemChecked {
        item_id: String,
        title: String,
        /// A link or note the person gave as evidence.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        evidence: Option<String>,
    },
    ItemUnchecked {
        item_id: String,
        title: String,
    },
    ItemSkipped {
        item_id: String,
        title: String,
    },
    ItemRestored {
        item_id: String,
        title: String,
    },
    ItemAdded {
        item_id: String,
        title: String,
        /// The section's title.
        section: String,
    },
    ItemRemoved {
        item_id: String,
        title: String,
    },
    ItemAssigned {
        item_id: String,
        title: String,
        /// `None` when the item was unassigned.
        #[serde(default)]
        assignee: Option<String>,
    },
    /// People added to or removed from an item's assignees (several may share one).
    ItemAssigneesChanged {
        item_id: String,
        title: String,
        #[serde(default)]
        added: Vec<String>,
        #[serde(default)]
        removed: Vec<String>,
    },
    /// An item's due time set, moved or cleared (`None`).
    ItemDueChanged {
        item_id: String,
        title: String,
        #[serde(default)]
        due_at: Option<i64>,
    },
    ItemRenamed {
        item_id: String,
        from: String,
        to: String,
    },
    ItemMoved {
        item_id: String,
        title: String,
    },
    /// The item's slash command was run (from the webapp's Run button) in the incident channel.
    ItemCommandRun {
        item_id: String,
        title: String,
        command: String,
    },
    /// The incident's name changed.
    Renamed {
        from: String,
        to: String,
    },
    /// The incident's summary changed; the old text stays here.
    SummaryChanged {
        from: String,
        to: String,
    },
    /// A checklist section's title changed.
    SectionRenamed {
        section_id: String,
        from: String,
        to: String,
    },
    IncidentEnded,
    SeverityChanged {
        from: String,
        to: String,
    },
    StatusChanged {
        from: String,
        to: String,
    },
    /// A role given, taken back (`to: None`) or passed on.
    RoleAssigned {
        role: String,
        #[serde(default)]
        from: Option<String>,
        #[serde(default)]
        to: Option<String>,
    },
    /// A status update was posted; the update itself is in `Incident::updates`.
    UpdatePosted {
        update_id: String,
        status: String,
    },
    IncidentReopened,
    /// Paused (no reminders or nudges, the time left out of time to resolve).
    IncidentPaused {
        reason: String,
    },
    /// Resumed after `paused_ms` paused.
    IncidentResumed {
        paused_ms: i64,
    },
    RemindersSnoozed {
        until: i64,
    },
    RemindersSet {
        on: bool,
    },
    /// `missed` update reminders went without an update since `due_at`: the commander and the
    /// severity's stakeholders were told. Recorded by the plugin's bot.
    UpdateEscalated {
        missed: i64,
        due_at: i64,
    },
    /// A chat message someone put on the timeline ("Add to incident timeline"), copied as it
    /// read then, so the timeline keeps it if the post is edited or deleted later.
    PostAdded {
        post_id: String,
        /// Who wrote the message (not who added it: that is the event's actor).
        author_id: String,
        /// When the message was posted, Unix milliseconds.
        posted_at: i64,
        /// The message text, cut to [`MAX_POST_EXCERPT_CHARS`].
        excerpt: String,
        /// Why it matters, in the adder's words; may be empty.
        #[serde(default)]
        note: String,
        #[serde(default)]
        category: EntryCategory,
    },
    /// A line written straight onto the timeline (`/incident timeline add`), possibly about an
    /// earlier moment (`happened_at`).
    NoteAdded {
        text: String,
        #[serde(default)]
        category: EntryCategory,
        #[serde(default)]
        happened_at: Option<i64>,
    },
    /// A note's text changed; the old text stays here.
    NoteEdited {
        event_id: String,
        from: String,
        to: String,
    },
    /// An event left out of the timeline as shown and reported (it stays in the record).
    EventHidden {
        event_id: String,
    },
    /// When customers started or stopped being affected (separate from start and end).
    ImpactStarted {
        at: i64,
    },
    ImpactEnded {
        at: i64,
    },
    /// A custom field set (`value`) or cleared (`None`); a user field's value is a user id.
    FieldSet {
        name: String,
        #[serde(default)]
        kind: crate::fields::FieldKind,
        #[serde(default)]
        value: Option<String>,
    },
    /// The on-call of a configured service was paged (the provider accepted it).
    Paged {
        service: String,
        provider: crate::paging::Provider,
    },
    /// The page was resolved at the provider (the incident ended).
    PageResolved {
        service: String,
        provider: crate::paging::Provider,
    },
    /// A status update was mirrored to the team's status page.
    StatusPageMirrored {
        action: crate::paging::StatusPageAction,
        /// The status page's status (investigating, identified, monitoring, resolved).
        status: String,
    },
    /// A page, resolve or mirror the provider did not accept, and why (never a key).
    PagingFailed {
        action: crate::paging::PagingAction,
        /// The service's name; empty for the status page.
        service: String,
        reason: String,
    },
}

/// What an entry added by hand is: a decision log and key events, as reviews want them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryCategory {
    #[default]
    Note,
    KeyEvent,
    Decision,
    Hypothesis,
}

impl EntryCategory {
    pub fn parse(word: &str) -> Option<EntryCategory> {
        match word.trim().to_lowercase().replace(['-', ' '], "_").as_str() {
            "note" => Some(EntryCategory::Note),
            "key_event" | "key" | "event" => Some(EntryCategory::KeyEvent),
            "decision" => Some(EntryCategory::Decision),
            "hypothesis" => Some(EntryCategory::Hypothesis),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EntryCategory::Note => "note",
            EntryCategory::KeyEvent => "key event",
            EntryCategory::Decision => "decision",
            EntryCategory::Hypothesis => "hypothesis",
        }
    }
}

/// How much of a message the timeline keeps: enough for the report to quote it.
pub const MAX_POST_EXCERPT_CHARS: usize = 1000;

/// A message being added to the timeline, as the caller read it from Mattermost.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelinePost {
    pub post_id: String,
    pub author_id: String,
    pub posted_at: i64,
    pub message: String,
    pub note: String,
    pub category: EntryCategory,
}

impl TimelineEventKind {
    /// The checklist item the event concerns, if any.
    pub fn item_id(&self) -> Option<&str> {
        use TimelineEventKind::*;
        match self {
            ItemChecked { item_id, .. }
            | ItemUnchecked { item_id, .. }
            | ItemSkipped { item_id, .. }
            | ItemRestored { item_id, .. }
            | ItemAdded { item_id, .. }
            | ItemRemoved { item_id, .. }
            | ItemAssigned { item_id, .. }
            | ItemAssigneesChanged { item_id, .. }
            | ItemDueChanged { item_id, .. }
            | ItemRenamed { item_id, .. }
            | ItemMoved { item_id, .. }
            | ItemCommandRun { item_id, .. } => Some(item_id),
            IncidentStarted { .. }
            | CommanderChanged { .. }
            | IncidentEnded
            | PostAdded { .. }
            | SeverityChanged { .. }
            | StatusChanged { .. }
            | RoleAssigned { .. }
            | UpdatePosted { .. }
            | IncidentReopened
            | IncidentPaused { .. }
            | IncidentResumed { .. }
            | RemindersSnoozed { .. }
            | RemindersSet { .. }
            | UpdateEscalated { .. }
            | NoteAdded { .. }
            | NoteEdited { .. }
            | EventHidden { .. }
            | ImpactStarted { .. }
            | ImpactEnded { .. }
            | FieldSet { .. }
            | Paged { .. }
            | PageResolved { .. }
            | StatusPageMirrored { .. }
            | PagingFailed { .. }
            | Renamed { .. }
            | SummaryChanged { .. }
            | SectionRenamed { .. } => None,
        }
    }
}

impl Incident {
    /// The most recent event: what the caller posts to the channel after a mutation.
    pub fn last_event(&self) -> Option<&TimelineEvent> {
        self.timeline.last()
    }

    /// Puts a chat message on the timeline. Allowed after the incident has ended too: the
    /// timeline is still being completed for the review. Each message is added once.
    pub fn add_post(&mut self, actor_id: &str, now_ms: i64, post: TimelinePost) -> Result<(), DomainError> {
        require(actor_id, "actor")?;
        require(&post.post_id, "message")?;
        let note = text::multi_line(&post.note, MAX_TEXT_CHARS).map_err(DomainError::InvalidNote)?;
        let already = self
            .timeline
            .iter()
            .any(|e| matches!(&e.kind, TimelineEventKind::PostAdded { post_id, .. } if *post_id == post.post_id));
        if already {
            return Err(DomainError::PostAlreadyAdded);
        }
        let excerpt = excerpt(&post.message);
        self.record(
            actor_id,
            now_ms,
            TimelineEventKind::PostAdded {
                post_id: post.post_id,
                author_id: post.author_id,
                posted_at: post.posted_at,
                excerpt,
                note,
                category: post.category,
            },
        );
        Ok(())
    }

    /// Appends one event. Only called after validation has passed, as the last step of a
    /// mutation.
    pub(crate) fn record(&mut self, actor_id: &str, now_ms: i64, kind: TimelineEventKind) {
        let id = format!("{}-{}", self.id, self.timeline.len() + 1);
        self.timeline.push(TimelineEvent { id, at: now_ms, actor_id: actor_id.to_string(), kind });
    }
}

/// The message cut to [`MAX_POST_EXCERPT_CHARS`] characters (with an ellipsis when cut), line
/// endings unified; a message with no text (only files) says so.
fn excerpt(message: &str) -> String {
    let unified = message.replace("\r\n", "\n").replace('\r', "\n");
    let text = unified.trim();
    if text.is_empty() {
        return "(a message without text)".to_string();
    }
    match text.char_indices().nth(MAX_POST_EXCERPT_CHARS) {
        Some((at, _)) => format!("{}…", text.get(..at).unwrap_or_default()),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialise_with_a_snake_case_type_tag() {
        let event = TimelineEvent {
            id: "i1-2".into(),
            at: 5,
            actor_id: "u1".into(),
            kind: TimelineEventKind::ItemChecked { item_id: "it1".into(), title: "Page".into(), evidence: None },
        };
        let json = serde_json::to_value(&event).expect("serialise");
        assert_eq!(
            json,
            serde_json::json!({
                "id": "i1-2", "at": 5, "actor_id": "u1",
                "kind": {"type": "item_checked", "item_id": "it1", "title": "Page"}
            })
        );
        let back: TimelineEvent = serde_json::from_value(json).expect("deserialise");
        assert_eq!(back, event);
    }

    #[test]
    fn unit_kinds_and_optional_fields_read_back() {
        let ended: TimelineEventKind = serde_json::from_str(r#"{"type":"incident_ended"}"#).expect("ended");
        assert_eq!(ended, TimelineEventKind::IncidentEnded);
        let started: TimelineEventKind = serde_json::from_str(r#"{"type":"incident_started","name":"x"}"#).expect("started");
        assert_eq!(started, TimelineEventKind::IncidentStarted { name: "x".into(), playbook: None });
    }

    #[test]
    fn item_id_names_the_item_concerned() {
        let kind = TimelineEventKind::ItemRenamed { item_id: "a".into(), from: "x".into(), to: "y".into() };
        assert_eq!(kind.item_id(), Some("a"));
        assert_eq!(TimelineEventKind::IncidentEnded.item_id(), None);
    }

    fn post(id: &str, message: &str, note: &str) -> TimelinePost {
        TimelinePost {
            post_id: id.into(),
            author_id: "bob".into(),
            posted_at: 7,
            message: message.into(),
            note: note.into(),
            category: EntryCategory::Note,
        }
    }

    #[test]
    fn a_post_is_added_once_with_its_author_time_and_note() {
        let mut incident = crate::test_support::incident();
        let before = incident.timeline.len();
        incident.add_post("alice", 100, post("p1", "  DB failover done\r\n", " primary is back ")).expect("add");
        assert_eq!(incident.timeline.len(), before + 1);
        let event = incident.last_event().expect("event");
        assert_eq!((event.actor_id.as_str(), event.at), ("alice", 100));
        assert_eq!(
            event.kind,
            TimelineEventKind::PostAdded {
                post_id: "p1".into(),
                author_id: "bob".into(),
                posted_at: 7,
                excerpt: "DB failover done".into(),
                note: "primary is back".into(),
                category: EntryCategory::Note,
            }
        );
        let again = incident.add_post("carol", 101, post("p1", "x", ""));
        assert_eq!(again, Err(DomainError::PostAlreadyAdded));
        assert_eq!(incident.timeline.len(), before + 1, "a refused add changes nothing");
    }

    #[test]
    fn posts_can_be_added_after_the_incident_ended() {
        let mut incident = crate::test_support::incident();
        incident.end("alice", 50).expect("end");
        incident.add_post("alice", 60, post("p2", "root cause found", "")).expect("add after end");
        assert!(matches!(incident.last_event().map(|e| &e.kind), Some(TimelineEventKind::PostAdded { .. })));
    }

    #[test]
    fn long_messages_are_cut_and_empty_ones_say_so() {
        let mut incident = crate::test_support::incident();
        let long = "é".repeat(MAX_POST_EXCERPT_CHARS + 5);
        incident.add_post("alice", 1, post("p3", &long, "")).expect("long");
        incident.add_post("alice", 2, post("p4", "   ", "")).expect("empty");
        let excerpts: Vec<&str> = incident
            .timeline
            .iter()
            .filter_map(|e| match &e.kind {
                TimelineEventKind::PostAdded { excerpt, .. } => Some(excerpt.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(excerpts[0].chars().count(), MAX_POST_EXCERPT_CHARS + 1);
        assert!(excerpts[0].ends_with('…'));
        assert_eq!(excerpts[1], "(a message without text)");
    }

    #[test]
    fn bad_notes_and_missing_ids_are_refused_and_change_nothing() {
        let mut incident = crate::test_support::incident();
        let before = incident.clone();
        let too_long = "x".repeat(MAX_TEXT_CHARS + 1);
        assert!(matches!(incident.add_post("alice", 1, post("p5", "m", &too_long)), Err(DomainError::InvalidNote(_))));
        assert!(matches!(incident.add_post("alice", 1, post("p5", "m", "bell\u{7}")), Err(DomainError::InvalidNote(_))));
        assert_eq!(incident.add_post("alice", 1, post(" ", "m", "")), Err(DomainError::MissingField("message")));
        assert_eq!(incident.add_post("", 1, post("p5", "m", "")), Err(DomainError::MissingField("actor")));
        assert_eq!(incident, before);
    }
}
