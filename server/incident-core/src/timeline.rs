//! The incident timeline: one event per change, with who and when. Events carry the titles and
//! names they concern as they were at the time, so the timeline still reads correctly after an
//! item is renamed or removed.

use serde::{Deserialize, Serialize};

use crate::incident::Incident;

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
    ItemRenamed {
        item_id: String,
        from: String,
        to: String,
    },
    ItemMoved {
        item_id: String,
        title: String,
    },
    IncidentEnded,
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
            | ItemRenamed { item_id, .. }
            | ItemMoved { item_id, .. } => Some(item_id),
            IncidentStarted { .. } | CommanderChanged { .. } | IncidentEnded => None,
        }
    }
}

impl Incident {
    /// The most recent event: what the caller posts to the channel after a mutation.
    pub fn last_event(&self) -> Option<&TimelineEvent> {
        self.timeline.last()
    }

    /// Appends one event. Only called after validation has passed, as the last step of a
    /// mutation.
    pub(crate) fn record(&mut self, actor_id: &str, now_ms: i64, kind: TimelineEventKind) {
        let id = format!("{}-{}", self.id, self.timeline.len() + 1);
        self.timeline.push(TimelineEvent { id, at: now_ms, actor_id: actor_id.to_string(), kind });
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
            kind: TimelineEventKind::ItemChecked { item_id: "it1".into(), title: "Page".into() },
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
        let started: TimelineEventKind =
            serde_json::from_str(r#"{"type":"incident_started","name":"x"}"#).expect("started");
        assert_eq!(started, TimelineEventKind::IncidentStarted { name: "x".into(), playbook: None });
    }

    #[test]
    fn item_id_names_the_item_concerned() {
        let kind = TimelineEventKind::ItemRenamed { item_id: "a".into(), from: "x".into(), to: "y".into() };
        assert_eq!(kind.item_id(), Some("a"));
        assert_eq!(TimelineEventKind::IncidentEnded.item_id(), None);
    }
}
