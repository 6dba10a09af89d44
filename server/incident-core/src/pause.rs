//! Pausing an incident (`/incident pause <reason>`, `/incident resume`): waiting on a vendor,
//! overnight until the business day starts. While paused nobody is nagged (no reminders or
//! nudges), and the paused time is left out of time to resolve and the report's metrics.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::incident::Incident;
use crate::limits::MAX_ITEM_TITLE_CHARS;
use crate::text;
use crate::timeline::TimelineEventKind;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub since: i64,
    pub by: String,
    pub reason: String,
}

impl Incident {
    /// Pauses the incident, with a reason everyone reads (one line, up to 200 characters).
    pub fn pause(&mut self, actor_id: &str, reason: &str, now_ms: i64) -> Result<(), DomainError> {
        self.check_mutable(actor_id)?;
        let reason = text::single_line(reason, MAX_ITEM_TITLE_CHARS).map_err(DomainError::InvalidPause)?;
        if self.paused.is_some() {
            return Err(DomainError::NoChange("the incident is already paused.".to_string()));
        }
        self.paused = Some(Pause { since: now_ms, by: actor_id.to_string(), reason: reason.clone() });
        self.record(actor_id, now_ms, TimelineEventKind::IncidentPaused { reason });
        Ok(())
    }

    /// Resumes a paused incident; the pause's length joins `paused_ms`.
    pub fn resume(&mut self, actor_id: &str, now_ms: i64) -> Result<(), DomainError> {
        self.check_mutable(actor_id)?;
        let Some(pause) = self.paused.take() else {
            return Err(DomainError::NoChange("the incident is not paused.".to_string()));
        };
        let paused_ms = (now_ms - pause.since).max(0);
        self.paused_ms += paused_ms;
        self.record(actor_id, now_ms, TimelineEventKind::IncidentResumed { paused_ms });
        Ok(())
    }

    /// All the time spent paused until `now_ms`, the current pause included.
    pub fn paused_total_ms(&self, now_ms: i64) -> i64 {
        self.paused_ms + self.paused.as_ref().map_or(0, |p| (now_ms - p.since).max(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::metrics;
    use crate::reminders::{ReminderPolicy, due};
    use crate::test_support::{T0, incident};

    const MIN: i64 = 60_000;

    #[test]
    fn pause_and_resume_count_the_paused_time() {
        let mut i = incident();
        i.pause("alice", "  waiting for the vendor ", T0 + MIN).expect("pause");
        assert_eq!(i.paused, Some(Pause { since: T0 + MIN, by: "alice".into(), reason: "waiting for the vendor".into() }));
        assert_eq!(
            i.last_event().map(|e| &e.kind),
            Some(&TimelineEventKind::IncidentPaused { reason: "waiting for the vendor".into() })
        );
        assert_eq!(i.paused_total_ms(T0 + 11 * MIN), 10 * MIN);
        i.resume("bob", T0 + 31 * MIN).expect("resume");
        assert_eq!((i.paused.clone(), i.paused_ms), (None, 30 * MIN));
        assert_eq!(i.last_event().map(|e| &e.kind), Some(&TimelineEventKind::IncidentResumed { paused_ms: 30 * MIN }));
        // Ending while paused counts that pause too, and time to resolve leaves pauses out.
        i.pause("alice", "overnight", T0 + 40 * MIN).expect("pause again");
        i.end("alice", T0 + 100 * MIN).expect("end");
        assert_eq!((i.paused.clone(), i.paused_ms), (None, 90 * MIN));
        assert_eq!(metrics(&i).time_to_resolve_ms, Some(10 * MIN));
    }

    #[test]
    fn nothing_nags_while_paused() {
        let policy = ReminderPolicy {
            intervals: vec![crate::reminders::Cadence::every("P4", 30)],
            stale_after_days: 1,
            role_nudge_minutes: 15,
        };
        let mut i = incident();
        i.severity = "P4".into();
        i.set_item_due("alice", 1, Some(T0 + MIN), T0).expect("due");
        assert!(!due(&i, &policy, &["Comms lead".into()], T0 + 2 * 86_400_000).is_empty());
        i.pause("alice", "waiting", T0 + MIN).expect("pause");
        assert_eq!(due(&i, &policy, &["Comms lead".into()], T0 + 2 * 86_400_000), []);
    }

    #[test]
    fn pauses_that_change_nothing_or_say_nothing_are_refused() {
        let mut i = incident();
        let before = i.clone();
        assert_eq!(i.resume("alice", T0 + 1), Err(DomainError::NoChange("the incident is not paused.".into())));
        assert!(matches!(i.pause("alice", "  ", T0 + 1), Err(DomainError::InvalidPause(_))));
        assert!(matches!(i.pause("alice", &"x".repeat(201), T0 + 1), Err(DomainError::InvalidPause(_))));
        assert_eq!(i, before);
        i.pause("alice", "waiting", T0 + 1).expect("pause");
        assert_eq!(i.pause("alice", "again", T0 + 2), Err(DomainError::NoChange("the incident is already paused.".into())));
    }
}
