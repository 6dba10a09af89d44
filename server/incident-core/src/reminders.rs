//! When to remind people: a status update is due (per severity, or at the time the last update
//! promised), and an incident has stayed active for days. Pure: the plugin asks [`due`] on a
//! timer and posts what it answers, once per [`Reminder::key`] across all its processes.

use crate::error::DomainError;
use crate::incident::Incident;
use crate::timeline::TimelineEventKind;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 24 * 60 * MINUTE_MS;

/// GOV.UK: update stakeholders often for P1 and P2.
pub const DEFAULT_UPDATE_INTERVALS: &str = "P1: 30\nP2: 30";
pub const DEFAULT_STALE_DAYS: i64 = 7;
pub const DEFAULT_ROLE_NUDGE_MINUTES: i64 = 15;

/// How often updates are due per severity, and after how long an active incident is nudged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderPolicy {
    /// (severity name, interval in minutes); severities not listed get no update reminders.
    pub intervals: Vec<(String, i64)>,
    /// 0: no nudges for long-running incidents.
    pub stale_after_days: i64,
    /// Roles still empty this long after the start are nudged once; 0: never.
    pub role_nudge_minutes: i64,
}

impl Default for ReminderPolicy {
    fn default() -> Self {
        ReminderPolicy::from_settings("", "", "").unwrap_or(ReminderPolicy {
            intervals: Vec::new(),
            stale_after_days: DEFAULT_STALE_DAYS,
            role_nudge_minutes: DEFAULT_ROLE_NUDGE_MINUTES,
        })
    }
}

impl ReminderPolicy {
    /// `intervals`: `Severity: minutes` per line (empty: P1 and P2 every 30 minutes; `none`: no
    /// update reminders). `stale_days`: a whole number of days, 0 for none (empty: 7).
    /// `role_minutes`: minutes before empty roles are nudged, 0 for never (empty: 15).
    pub fn from_settings(intervals: &str, stale_days: &str, role_minutes: &str) -> Result<ReminderPolicy, String> {
        let text = if intervals.trim().is_empty() { DEFAULT_UPDATE_INTERVALS } else { intervals };
        let mut out = Vec::new();
        if !text.trim().eq_ignore_ascii_case("none") {
            for (n, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let at = |reason: &str| format!("update reminders, line {}: {reason}", n + 1);
                let (severity, minutes) = line.split_once(':').ok_or_else(|| at("write `Severity: minutes`."))?;
                let minutes: i64 = minutes.trim().parse().map_err(|_| at("the minutes are not a whole number."))?;
                if !(1..=7 * 24 * 60).contains(&minutes) {
                    return Err(at("the minutes must be between 1 and 10080 (a week)."));
                }
                out.push((severity.trim().to_string(), minutes));
            }
        }
        let stale_after_days = match stale_days.trim() {
            "" => DEFAULT_STALE_DAYS,
            days => days
                .parse::<i64>()
                .ok()
                .filter(|d| (0..=365).contains(d))
                .ok_or_else(|| "stale incident days: a whole number from 0 (off) to 365.".to_string())?,
        };
        let role_nudge_minutes = match role_minutes.trim() {
            "" => DEFAULT_ROLE_NUDGE_MINUTES,
            minutes => minutes
                .parse::<i64>()
                .ok()
                .filter(|m| (0..=7 * 24 * 60).contains(m))
                .ok_or_else(|| "role nudge minutes: a whole number from 0 (off) to 10080.".to_string())?,
        };
        Ok(ReminderPolicy { intervals: out, stale_after_days, role_nudge_minutes })
    }

    pub fn interval_ms(&self, severity: &str) -> Option<i64> {
        self.intervals.iter().find(|(s, _)| s.eq_ignore_ascii_case(severity.trim())).map(|(_, m)| m * MINUTE_MS)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reminder {
    /// An update was due at `due_at`; the last one (or the start) was at `last_at`.
    UpdateDue { due_at: i64, last_at: i64 },
    /// Active for `days` whole days.
    Stale { days: i64 },
    /// Nobody holds this role yet.
    RoleUnfilled { role: String },
    /// A checklist item is open past its due time (`number` as the commands read it).
    ItemOverdue { item_id: String, number: usize, title: String, due_at: i64, assignee_ids: Vec<String> },
}

impl Reminder {
    /// Names this reminder so it is posted once: a later one (a new due time, another day) has
    /// another key.
    pub fn key(&self) -> String {
        match self {
            Reminder::UpdateDue { due_at, .. } => format!("update:{due_at}"),
            Reminder::Stale { days } => format!("stale:{days}"),
            Reminder::RoleUnfilled { role } => format!("role:{}", role.to_lowercase()),
            // Once per item and due time: moving the due time makes a new reminder.
            Reminder::ItemOverdue { item_id, due_at, .. } => format!("item:{item_id}:{due_at}"),
        }
    }
}

/// What is due for this incident now, the update reminder first. `roles` are the configured
/// role names.
pub fn due(incident: &Incident, policy: &ReminderPolicy, roles: &[String], now_ms: i64) -> Vec<Reminder> {
    let mut out = Vec::new();
    if !incident.is_active() || incident.reminders_off || incident.paused.is_some() {
        return out;
    }
    let last = incident.last_update();
    let last_at = last.map(|u| u.at).unwrap_or(incident.created_at);
    let promised = last.and_then(|u| u.next_update_at);
    let by_policy = policy.interval_ms(&incident.severity).map(|i| last_at + i);
    // A promised time counts even where the severity has no interval.
    if let Some(due_at) = match (promised, by_policy) {
        (Some(p), Some(b)) => Some(p.min(b)),
        (p, b) => p.or(b),
    } {
        let due_at = due_at.max(incident.reminders_snoozed_until.unwrap_or(0));
        if now_ms >= due_at {
            out.push(Reminder::UpdateDue { due_at, last_at });
        }
    }
    if policy.role_nudge_minutes > 0 && now_ms - incident.created_at >= policy.role_nudge_minutes * MINUTE_MS {
        for role in roles.iter().filter(|r| incident.role_holder(r).is_none()) {
            out.push(Reminder::RoleUnfilled { role: role.clone() });
        }
    }
    if policy.stale_after_days > 0 {
        let days = (now_ms - incident.created_at) / DAY_MS;
        if days >= policy.stale_after_days {
            out.push(Reminder::Stale { days });
        }
    }
    for (i, item) in incident.checklists.iter().flat_map(|s| &s.items).enumerate() {
        if let (true, Some(due_at)) = (item.is_overdue(now_ms) && incident.item_applies(item), item.due_at) {
            out.push(Reminder::ItemOverdue {
                item_id: item.id.clone(),
                number: i + 1,
                title: item.title.clone(),
                due_at,
                assignee_ids: item.assignee_ids.clone(),
            });
        }
    }
    out
}

impl Incident {
    /// No update reminders until `until`.
    pub fn snooze_reminders(&mut self, actor_id: &str, until: i64, now_ms: i64) -> Result<(), DomainError> {
        self.check_mutable(actor_id)?;
        if until <= now_ms {
            return Err(DomainError::InvalidUpdate("snooze until a time in the future.".into()));
        }
        self.reminders_snoozed_until = Some(until);
        self.record(actor_id, now_ms, TimelineEventKind::RemindersSnoozed { until });
        Ok(())
    }

    /// Stops (`on: false`) or resumes the incident's reminders.
    pub fn set_reminders(&mut self, actor_id: &str, on: bool, now_ms: i64) -> Result<(), DomainError> {
        self.check_mutable(actor_id)?;
        if self.reminders_off != on {
            return Err(DomainError::NoChange(format!("reminders are already {}.", if on { "on" } else { "off" })));
        }
        self.reminders_off = !on;
        self.record(actor_id, now_ms, TimelineEventKind::RemindersSet { on });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conduct::Conduct;
    use crate::ids::SequentialIds;
    use crate::lifecycle::UpdateDraft;
    use crate::test_support::{T0, incident};

    fn at(severity: &str) -> Incident {
        let mut i = incident();
        i.severity = severity.into();
        i.status = "Investigating".into();
        i
    }

    #[test]
    fn settings_parse_with_defaults_and_clear_errors() {
        let p = ReminderPolicy::default();
        assert_eq!(p.intervals, [("P1".to_string(), 30), ("P2".to_string(), 30)]);
        assert_eq!((p.interval_ms("p2"), p.interval_ms("P3"), p.stale_after_days), (Some(30 * MINUTE_MS), None, 7));
        assert_eq!(ReminderPolicy::from_settings("none", "0", "0").map(|p| (p.intervals.len(), p.stale_after_days)), Ok((0, 0)));
        assert_eq!(
            ReminderPolicy::from_settings("P1 30", "", ""),
            Err("update reminders, line 1: write `Severity: minutes`.".into())
        );
        assert_eq!(
            ReminderPolicy::from_settings("P1: soon", "", ""),
            Err("update reminders, line 1: the minutes are not a whole number.".into())
        );
        assert!(ReminderPolicy::from_settings("P1: 0", "", "").is_err());
        assert!(ReminderPolicy::from_settings("", "-1", "").is_err());
    }

    #[test]
    fn an_update_is_due_per_severity_after_the_last_one() {
        let policy = ReminderPolicy::default();
        let p1 = at("P1");
        assert_eq!(due(&p1, &policy, &[], T0 + 29 * MINUTE_MS), []);
        let r = due(&p1, &policy, &[], T0 + 30 * MINUTE_MS);
        assert_eq!(r, [Reminder::UpdateDue { due_at: T0 + 30 * MINUTE_MS, last_at: T0 }]);
        assert_eq!(r[0].key(), format!("update:{}", T0 + 30 * MINUTE_MS));
        assert_eq!(due(&at("P4"), &policy, &[], T0 + 300 * MINUTE_MS), [], "P4 has no interval");

        // An update moves the next due time; a promised time earlier than the interval wins.
        let mut i = at("P1");
        let draft = UpdateDraft { message: "m".into(), next_update_at: Some(T0 + 20 * MINUTE_MS), ..Default::default() };
        i.post_update("bob", &Conduct::default(), &draft, &mut SequentialIds::new("u"), T0 + 10 * MINUTE_MS).expect("update");
        assert_eq!(due(&i, &policy, &[], T0 + 19 * MINUTE_MS), []);
        assert_eq!(
            due(&i, &policy, &[], T0 + 20 * MINUTE_MS),
            [Reminder::UpdateDue { due_at: T0 + 20 * MINUTE_MS, last_at: T0 + 10 * MINUTE_MS }]
        );
    }

    #[test]
    fn snooze_and_stop_and_the_end_silence_reminders() {
        let policy = ReminderPolicy::default();
        let mut i = at("P1");
        i.snooze_reminders("alice", T0 + 60 * MINUTE_MS, T0 + 31 * MINUTE_MS).expect("snooze");
        assert_eq!(due(&i, &policy, &[], T0 + 45 * MINUTE_MS), []);
        assert_eq!(due(&i, &policy, &[], T0 + 60 * MINUTE_MS).len(), 1);
        i.set_reminders("alice", false, T0 + 61 * MINUTE_MS).expect("off");
        assert_eq!(due(&i, &policy, &[], T0 + 600 * MINUTE_MS), []);
        assert_eq!(i.set_reminders("alice", false, T0), Err(DomainError::NoChange("reminders are already off.".into())));
        i.set_reminders("alice", true, T0 + 601 * MINUTE_MS).expect("on");
        assert_eq!(due(&i, &policy, &[], T0 + 602 * MINUTE_MS).len(), 1);
        assert!(i.snooze_reminders("alice", T0, T0 + 1).is_err(), "the past");
        i.end("alice", T0 + 700 * MINUTE_MS).expect("end");
        assert_eq!(due(&i, &policy, &[], T0 + 800 * MINUTE_MS), []);
        let kinds: Vec<_> = i.timeline.iter().map(|e| e.kind.clone()).collect();
        assert!(kinds.contains(&TimelineEventKind::RemindersSnoozed { until: T0 + 60 * MINUTE_MS }));
        assert!(kinds.contains(&TimelineEventKind::RemindersSet { on: false }));
    }

    #[test]
    fn empty_roles_are_nudged_after_a_while() {
        let policy = ReminderPolicy { intervals: Vec::new(), stale_after_days: 0, role_nudge_minutes: 15 };
        let roles = ["Comms lead".to_string(), "Technical lead".to_string()];
        let mut i = at("P3");
        assert_eq!(due(&i, &policy, &roles, T0 + 14 * MINUTE_MS), []);
        i.assign_role("alice", &Conduct::default(), "Comms lead", Some("bob"), T0 + MINUTE_MS).expect("role");
        let r = due(&i, &policy, &roles, T0 + 15 * MINUTE_MS);
        assert_eq!(r, [Reminder::RoleUnfilled { role: "Technical lead".into() }]);
        assert_eq!(r[0].key(), "role:technical lead");
        assert!(ReminderPolicy::from_settings("", "", "soon").is_err());
        assert_eq!(ReminderPolicy::default().role_nudge_minutes, 15);
    }

    #[test]
    fn an_open_item_past_its_due_time_is_nudged_once_per_due_time() {
        let policy = ReminderPolicy { intervals: Vec::new(), stale_after_days: 0, role_nudge_minutes: 0 };
        let mut i = at("P3");
        i.add_assignees("alice", 2, &["dave".into()], T0 + 1).expect("assign");
        i.set_item_due("alice", 2, Some(T0 + 10 * MINUTE_MS), T0 + 1).expect("due");
        assert_eq!(due(&i, &policy, &[], T0 + 10 * MINUTE_MS), []);
        let r = due(&i, &policy, &[], T0 + 10 * MINUTE_MS + 1);
        let item_id = i.item_by_number(2).expect("item").id.clone();
        assert_eq!(
            r,
            [Reminder::ItemOverdue {
                item_id: item_id.clone(),
                number: 2,
                title: "Assess severity".into(),
                due_at: T0 + 10 * MINUTE_MS,
                assignee_ids: vec!["dave".into()],
            }]
        );
        assert_eq!(r[0].key(), format!("item:{item_id}:{}", T0 + 10 * MINUTE_MS));
        assert_eq!(i.overdue_items(T0 + 10 * MINUTE_MS + 1), 1);
        // Done: no longer nudged.
        i.set_item_state("dave", 2, crate::checklist::ItemState::Done, T0 + 11 * MINUTE_MS).expect("done");
        assert_eq!(due(&i, &policy, &[], T0 + 12 * MINUTE_MS), []);
    }

    #[test]
    fn long_running_incidents_are_nudged_once_a_day() {
        let policy = ReminderPolicy { intervals: Vec::new(), stale_after_days: 7, role_nudge_minutes: 0 };
        let i = at("P3");
        assert_eq!(due(&i, &policy, &[], T0 + 7 * DAY_MS - 1), []);
        assert_eq!(due(&i, &policy, &[], T0 + 7 * DAY_MS), [Reminder::Stale { days: 7 }]);
        assert_eq!(due(&i, &policy, &[], T0 + 8 * DAY_MS + 5)[0].key(), "stale:8");
    }
}
