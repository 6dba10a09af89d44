//! When to remind people: a status update is due (per severity, or at the time the last update
//! promised), and an incident has stayed active for days. Pure: the plugin asks [`due`] on a
//! timer and posts what it answers, once per [`Reminder::key`] across all its processes.

use crate::error::DomainError;
use crate::incident::Incident;
use crate::timeline::TimelineEventKind;

mod plan;
pub use plan::{ReminderPlan, ReminderState, plan, reminders_count};

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 24 * 60 * MINUTE_MS;

/// GOV.UK: update stakeholders often for P1 and P2.
pub const DEFAULT_UPDATE_INTERVALS: &str = "P1: 30\nP2: 30";
pub const DEFAULT_STALE_DAYS: i64 = 7;
pub const DEFAULT_ROLE_NUDGE_MINUTES: i64 = 15;
/// incident-bot repeats a due reminder every 25 minutes.
pub const DEFAULT_REPEAT_MINUTES: i64 = 25;
/// Reminders left without an update before it is escalated.
pub const DEFAULT_ESCALATE_AFTER: i64 = 2;
const MAX_MINUTES: i64 = 7 * 24 * 60;
const MAX_ESCALATE_AFTER: i64 = 20;

/// One severity's update reminders: due `every_minutes` after the last update (or the start),
/// then again every `repeat_minutes` until an update is posted; after `escalate_after`
/// reminders without one, the commander and the severity's stakeholders are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cadence {
    pub severity: String,
    pub every_minutes: i64,
    /// 0: the reminder is posted once (and nothing escalates).
    pub repeat_minutes: i64,
    /// 0: never escalated.
    pub escalate_after: i64,
}

impl Cadence {
    /// A cadence with the default repeat and escalation.
    pub fn every(severity: &str, minutes: i64) -> Cadence {
        Cadence {
            severity: severity.to_string(),
            every_minutes: minutes,
            repeat_minutes: DEFAULT_REPEAT_MINUTES,
            escalate_after: DEFAULT_ESCALATE_AFTER,
        }
    }

    /// When a cycle that fell due at `due_at` escalates, if it ever does.
    pub fn escalates_at(&self, due_at: i64) -> Option<i64> {
        (self.repeat_minutes > 0 && self.escalate_after > 0)
            .then(|| due_at + self.escalate_after * self.repeat_minutes * MINUTE_MS)
    }
}

/// How often updates are due per severity, and after how long an active incident is nudged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderPolicy {
    /// Severities not listed get no update reminders.
    pub intervals: Vec<Cadence>,
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
    /// `intervals`: `Severity: minutes[, repeat minutes][, escalate after count]` per line
    /// (empty: P1 and P2 every 30 minutes; `none`: no update reminders; repeats default to 25
    /// minutes and escalation to after 2 reminders, `repeat 0` and `escalate never` turn them
    /// off). `stale_days`: a whole number of days, 0 for none (empty: 7). `role_minutes`:
    /// minutes before empty roles are nudged, 0 for never (empty: 15).
    pub fn from_settings(intervals: &str, stale_days: &str, role_minutes: &str) -> Result<ReminderPolicy, String> {
        let text = if intervals.trim().is_empty() { DEFAULT_UPDATE_INTERVALS } else { intervals };
        let mut out: Vec<Cadence> = Vec::new();
        if !text.trim().eq_ignore_ascii_case("none") {
            for (n, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let cadence = parse_cadence(line).map_err(|reason| format!("update reminders, line {}: {reason}", n + 1))?;
                if out.iter().any(|c| c.severity.eq_ignore_ascii_case(&cadence.severity)) {
                    return Err(format!("update reminders, line {}: {} is listed twice.", n + 1, cadence.severity));
                }
                out.push(cadence);
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
                .filter(|m| (0..=MAX_MINUTES).contains(m))
                .ok_or_else(|| "role nudge minutes: a whole number from 0 (off) to 10080.".to_string())?,
        };
        Ok(ReminderPolicy { intervals: out, stale_after_days, role_nudge_minutes })
    }

    pub fn cadence(&self, severity: &str) -> Option<&Cadence> {
        self.intervals.iter().find(|c| c.severity.eq_ignore_ascii_case(severity.trim()))
    }

    pub fn interval_ms(&self, severity: &str) -> Option<i64> {
        self.cadence(severity).map(|c| c.every_minutes * MINUTE_MS)
    }
}

/// `P1: 30, repeat 25, escalate after 2` (the parts after the minutes are optional).
fn parse_cadence(line: &str) -> Result<Cadence, String> {
    let (severity, rest) = line.split_once(':').ok_or("write `Severity: minutes`.")?;
    let severity = severity.trim();
    if severity.is_empty() {
        return Err("name the severity before the colon.".into());
    }
    let mut parts = rest.split(',').map(str::trim);
    let minutes: i64 = parts.next().unwrap_or_default().parse().map_err(|_| "the minutes are not a whole number.")?;
    if !(1..=MAX_MINUTES).contains(&minutes) {
        return Err("the minutes must be between 1 and 10080 (a week).".into());
    }
    let mut cadence = Cadence::every(severity, minutes);
    for part in parts.filter(|p| !p.is_empty()) {
        let lower = part.to_lowercase();
        let words: Vec<&str> = lower.split_whitespace().filter(|w| *w != "after" && *w != "every").collect();
        let off = |w: &str| matches!(w, "never" | "off" | "0");
        match words.as_slice() {
            ["repeat", w] if off(w) => cadence.repeat_minutes = 0,
            ["repeat", m] => {
                cadence.repeat_minutes = m
                    .parse::<i64>()
                    .ok()
                    .filter(|m| (1..=MAX_MINUTES).contains(m))
                    .ok_or("repeat: whole minutes from 1 to 10080, or `repeat never`.")?;
            }
            ["escalate", w] if off(w) => cadence.escalate_after = 0,
            ["escalate", n] => {
                cadence.escalate_after = n
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=MAX_ESCALATE_AFTER).contains(n))
                    .ok_or("escalate after: a number of reminders from 1 to 20, or `escalate never`.")?;
            }
            _ => {
                return Err(format!(
                    "\"{}\" is neither `repeat <minutes>` nor `escalate after <reminders>`.",
                    part.chars().take(40).collect::<String>()
                ));
            }
        }
    }
    Ok(cadence)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reminder {
    /// An update was due at `due_at`; the last one (or the start) was at `last_at`. `repeat`
    /// counts the reminders before this one in the same cycle (0: the first).
    UpdateDue { due_at: i64, last_at: i64, repeat: i64 },
    /// `missed` reminders went without an update: the commander and the stakeholders are told.
    UpdateEscalated { due_at: i64, last_at: i64, missed: i64 },
    /// Active for `days` whole days.
    Stale { days: i64 },
    /// Nobody holds this role yet.
    RoleUnfilled { role: String },
    /// Ended `days` whole days ago and its retrospective (the report) is not written yet.
    RetrospectiveDue { days: i64 },
    /// A checklist item is open past its due time (`number` as the commands read it).
    ItemOverdue { item_id: String, number: usize, title: String, due_at: i64, assignee_ids: Vec<String> },
}

impl Reminder {
    /// Names this reminder so it is posted once: a later one (a new due time, a repeat,
    /// another day) has another key.
    pub fn key(&self) -> String {
        match self {
            // The first reminder of a cycle keeps the key it had before repeats existed.
            Reminder::UpdateDue { due_at, repeat: 0, .. } => format!("update:{due_at}"),
            Reminder::UpdateDue { due_at, repeat, .. } => format!("update:{due_at}:{repeat}"),
            Reminder::UpdateEscalated { due_at, .. } => format!("escalate:{due_at}"),
            Reminder::Stale { days } => format!("stale:{days}"),
            Reminder::RetrospectiveDue { days } => format!("retrospective:{days}"),
            Reminder::RoleUnfilled { role } => format!("role:{}", role.to_lowercase()),
            // Once per item and due time: moving the due time makes a new reminder.
            Reminder::ItemOverdue { item_id, due_at, .. } => format!("item:{item_id}:{due_at}"),
        }
    }
}

/// When the current update cycle falls due (the promised time or the severity's interval,
/// whichever comes first, not before a snooze, pause or stop ends), with the cadence that repeats it. None
/// when nothing is due for this severity. Ignores off, paused and ended: [`due`] and the plan
/// check those.
pub(crate) fn update_due_at<'a>(incident: &Incident, policy: &'a ReminderPolicy) -> Option<(i64, i64, Option<&'a Cadence>)> {
    let last = incident.last_update();
    let last_at = last.map(|u| u.at).unwrap_or(incident.created_at);
    let promised = last.and_then(|u| u.next_update_at);
    let cadence = policy.cadence(&incident.severity);
    let by_policy = cadence.map(|c| last_at + c.every_minutes * MINUTE_MS);
    // A promised time counts even where the severity has no interval.
    let due_at = match (promised, by_policy) {
        (Some(p), Some(b)) => p.min(b),
        (p, b) => p.or(b)?,
    };
    // A snooze, a resume or reminders turned back on start the cycle again, so that nothing
    // escalates the moment they end.
    let restarted_at = incident
        .timeline
        .iter()
        .rev()
        .find(|e| matches!(e.kind, TimelineEventKind::IncidentResumed { .. } | TimelineEventKind::RemindersSet { on: true }))
        .map_or(0, |e| e.at);
    Some((due_at.max(incident.reminders_snoozed_until.unwrap_or(0)).max(restarted_at), last_at, cadence))
}

/// What is due for this incident now, the update reminder first (and its escalation next).
/// `roles` are the configured role names.
pub fn due(incident: &Incident, policy: &ReminderPolicy, roles: &[String], now_ms: i64) -> Vec<Reminder> {
    let mut out = Vec::new();
    if !incident.is_active() || incident.reminders_off || incident.paused.is_some() {
        return out;
    }
    if let Some((due_at, last_at, cadence)) = update_due_at(incident, policy)
        && now_ms >= due_at
    {
        // A promised time on a severity without a cadence is reminded once.
        let repeat_ms = cadence.map_or(0, |c| c.repeat_minutes * MINUTE_MS);
        let repeat = if repeat_ms > 0 { (now_ms - due_at) / repeat_ms } else { 0 };
        out.push(Reminder::UpdateDue { due_at, last_at, repeat });
        if let Some(c) = cadence
            && c.escalates_at(due_at).is_some_and(|at| now_ms >= at)
        {
            out.push(Reminder::UpdateEscalated { due_at, last_at, missed: c.escalate_after });
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

/// Days after the end during which an unwritten retrospective is reminded about, once a day.
pub const RETROSPECTIVE_REMINDER_DAYS: i64 = 14;

/// For an ended incident whose playbook asked for a retrospective that is not `written` yet:
/// a reminder a day, from a day after the end for [`RETROSPECTIVE_REMINDER_DAYS`] days.
pub fn retrospective_due(incident: &Incident, written: bool, now_ms: i64) -> Option<Reminder> {
    let ended_at = incident.ended_at.filter(|_| !incident.is_active())?;
    if written || incident.retrospective_template.trim().is_empty() {
        return None;
    }
    let days = (now_ms - ended_at) / DAY_MS;
    (1..=RETROSPECTIVE_REMINDER_DAYS).contains(&days).then_some(Reminder::RetrospectiveDue { days })
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

    /// Records an escalation the plugin made (`actor_id`: its bot) for the cycle due at
    /// `due_at`, once.
    pub fn record_escalation(&mut self, actor_id: &str, missed: i64, due_at: i64, now_ms: i64) -> Result<(), DomainError> {
        self.check_mutable(actor_id)?;
        let recorded =
            self.timeline.iter().any(|e| matches!(e.kind, TimelineEventKind::UpdateEscalated { due_at: d, .. } if d == due_at));
        if recorded {
            return Err(DomainError::NoChange("this escalation is on the timeline already.".into()));
        }
        self.record(actor_id, now_ms, TimelineEventKind::UpdateEscalated { missed, due_at });
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
mod tests;
