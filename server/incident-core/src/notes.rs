//! Learning from an incident, the part kept on the incident itself: notes written straight onto
//! the timeline (key events, decisions, hypotheses), their later edits, hiding events from the
//! shown timeline, and the customer-impact window. Follow-up actions live beside incidents
//! ([`crate::actions`]); metrics and the report read all of it ([`crate::render::report`]).

use crate::error::DomainError;
use crate::incident::{Incident, require};
use crate::limits::MAX_TEXT_CHARS;
use crate::text;
use crate::timeline::{EntryCategory, TimelineEventKind};

/// How far ahead of now a stated time may be (clock skew between people and the server).
const FUTURE_SLACK_MS: i64 = 5 * 60_000;

impl Incident {
    /// Adds a line to the timeline; allowed after the end too (the review completes it).
    pub fn add_note(
        &mut self,
        actor_id: &str,
        text_in: &str,
        category: EntryCategory,
        happened_at: Option<i64>,
        now_ms: i64,
    ) -> Result<String, DomainError> {
        require(actor_id, "actor")?;
        let body = text::multi_line(text_in, MAX_TEXT_CHARS).map_err(DomainError::InvalidNote)?;
        if body.is_empty() {
            return Err(DomainError::InvalidNote("it is empty.".into()));
        }
        if let Some(at) = happened_at {
            check_time(self, at, now_ms)?;
        }
        self.record(actor_id, now_ms, TimelineEventKind::NoteAdded { text: body, category, happened_at });
        Ok(self.timeline.last().map(|e| e.id.clone()).unwrap_or_default())
    }

    /// Changes a note's text, keeping the old text in the new event.
    pub fn edit_note(&mut self, actor_id: &str, event_id: &str, text_in: &str, now_ms: i64) -> Result<(), DomainError> {
        require(actor_id, "actor")?;
        let body = text::multi_line(text_in, MAX_TEXT_CHARS).map_err(DomainError::InvalidNote)?;
        if body.is_empty() {
            return Err(DomainError::InvalidNote("it is empty.".into()));
        }
        let current = self.note_text(event_id).ok_or_else(|| DomainError::NoSuchEvent(event_id.chars().take(60).collect()))?;
        if current == body {
            return Err(DomainError::NoChange("the note already says that.".into()));
        }
        self.record(actor_id, now_ms, TimelineEventKind::NoteEdited { event_id: event_id.to_string(), from: current, to: body });
        Ok(())
    }

    /// The note's current text (after edits), if `event_id` is a note.
    pub fn note_text(&self, event_id: &str) -> Option<String> {
        let mut current = self.timeline.iter().find_map(|e| match &e.kind {
            TimelineEventKind::NoteAdded { text, .. } if e.id == event_id => Some(text.clone()),
            _ => None,
        })?;
        for e in &self.timeline {
            if let TimelineEventKind::NoteEdited { event_id: edited, to, .. } = &e.kind
                && edited == event_id
            {
                current = to.clone();
            }
        }
        Some(current)
    }

    /// Leaves an event out of the shown timeline and the report; the record keeps it.
    pub fn hide_event(&mut self, actor_id: &str, event_id: &str, now_ms: i64) -> Result<(), DomainError> {
        require(actor_id, "actor")?;
        if !self.timeline.iter().any(|e| e.id == event_id) {
            return Err(DomainError::NoSuchEvent(event_id.chars().take(60).collect()));
        }
        if self.hidden_events().iter().any(|h| h == event_id) {
            return Err(DomainError::NoChange("that event is already hidden.".into()));
        }
        self.record(actor_id, now_ms, TimelineEventKind::EventHidden { event_id: event_id.to_string() });
        Ok(())
    }

    pub fn hidden_events(&self) -> Vec<String> {
        self.timeline
            .iter()
            .filter_map(|e| match &e.kind {
                TimelineEventKind::EventHidden { event_id } => Some(event_id.clone()),
                _ => None,
            })
            .collect()
    }

    /// When customers started being affected (may be before the incident was declared).
    pub fn start_impact(&mut self, actor_id: &str, at: i64, now_ms: i64) -> Result<(), DomainError> {
        require(actor_id, "actor")?;
        check_time(self, at, now_ms)?;
        if self.impact_ended_at.is_some_and(|end| at > end) {
            return Err(DomainError::InvalidTime("the impact cannot start after it ended.".into()));
        }
        self.impact_started_at = Some(at);
        self.record(actor_id, now_ms, TimelineEventKind::ImpactStarted { at });
        Ok(())
    }

    /// When customers stopped being affected: mitigation, whether or not the incident is over.
    pub fn end_impact(&mut self, actor_id: &str, at: i64, now_ms: i64) -> Result<(), DomainError> {
        require(actor_id, "actor")?;
        check_time(self, at, now_ms)?;
        let start = self.impact_started_at.unwrap_or(self.created_at);
        if at < start {
            return Err(DomainError::InvalidTime("the impact cannot end before it started.".into()));
        }
        self.impact_ended_at = Some(at);
        self.record(actor_id, now_ms, TimelineEventKind::ImpactEnded { at });
        Ok(())
    }
}

/// Stated times are not in the future, nor absurdly far before the incident (a week).
fn check_time(incident: &Incident, at: i64, now_ms: i64) -> Result<(), DomainError> {
    if at > now_ms + FUTURE_SLACK_MS {
        return Err(DomainError::InvalidTime("that time is in the future.".into()));
    }
    if at < incident.created_at - 7 * 24 * 3_600_000 {
        return Err(DomainError::InvalidTime("that time is more than a week before the incident.".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{T0, incident};

    #[test]
    fn notes_carry_a_category_and_an_optional_earlier_time_and_can_be_edited() {
        let mut i = incident();
        let id =
            i.add_note("alice", "  Roll back, not forward ", EntryCategory::Decision, Some(T0 - 60_000), T0 + 10).expect("note");
        assert_eq!(
            i.last_event().map(|e| e.kind.clone()),
            Some(TimelineEventKind::NoteAdded {
                text: "Roll back, not forward".into(),
                category: EntryCategory::Decision,
                happened_at: Some(T0 - 60_000)
            })
        );
        i.edit_note("bob", &id, "Roll back the 14:05 deploy", T0 + 20).expect("edit");
        assert_eq!(i.note_text(&id).as_deref(), Some("Roll back the 14:05 deploy"));
        assert_eq!(
            i.edit_note("bob", &id, "Roll back the 14:05 deploy", T0 + 30),
            Err(DomainError::NoChange("the note already says that.".into()))
        );
        assert!(matches!(i.edit_note("bob", "nope", "x", T0), Err(DomainError::NoSuchEvent(_))));
        let before = i.clone();
        assert!(i.add_note("alice", "  ", EntryCategory::Note, None, T0).is_err());
        assert!(i.add_note("alice", "later", EntryCategory::Note, Some(T0 + 3_600_000), T0).is_err(), "future");
        assert_eq!(i, before);
        assert_eq!(EntryCategory::parse("Key-Event"), Some(EntryCategory::KeyEvent));
        assert_eq!(EntryCategory::parse("guess"), None);
    }

    #[test]
    fn hidden_events_stay_in_the_record() {
        let mut i = incident();
        let id = i.add_note("alice", "noise", EntryCategory::Note, None, T0).expect("note");
        i.hide_event("alice", &id, T0 + 1).expect("hide");
        assert_eq!(i.hidden_events(), std::slice::from_ref(&id));
        assert!(i.timeline.iter().any(|e| e.id == id));
        assert_eq!(i.hide_event("alice", &id, T0 + 2), Err(DomainError::NoChange("that event is already hidden.".into())));
    }

    #[test]
    fn the_impact_window_is_separate_from_start_and_end() {
        let mut i = incident();
        i.start_impact("alice", T0 - 600_000, T0).expect("impact start before the declaration");
        assert!(i.end_impact("alice", T0 - 700_000, T0).is_err(), "before the start");
        i.end_impact("alice", T0 + 60_000, T0 + 60_000).expect("impact end");
        assert_eq!((i.impact_started_at, i.impact_ended_at), (Some(T0 - 600_000), Some(T0 + 60_000)));
        assert!(i.start_impact("alice", T0 + 120_000, T0 + 120_000).is_err(), "after its end");
    }
}
