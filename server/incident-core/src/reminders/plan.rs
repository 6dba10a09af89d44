//! The reminder plan of one incident, as `/incident reminders`, the REST API and the RHS show
//! it: when the next update is due, how often that reminder repeats, when it escalates, or
//! why there are none (off, paused, snoozed, ended, no cadence for the severity).

use serde::Serialize;

use super::{MINUTE_MS, ReminderPolicy, update_due_at};
use crate::incident::Incident;
use crate::render::safe;
use crate::time_fmt::{Zone, duration};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderState {
    /// Reminders run: the next update is due at `next_due_at`.
    On,
    /// Snoozed until `snoozed_until` (then due at `next_due_at`).
    Snoozed,
    /// Stopped with `/incident reminders off`.
    Off,
    /// The incident is paused: no reminders until it resumes.
    Paused,
    /// The incident is over.
    Ended,
    /// Its severity has no update cadence and no update promised a time.
    NotScheduled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReminderPlan {
    pub state: ReminderState,
    /// When an update is (or was) due in the current cycle.
    pub next_due_at: Option<i64>,
    /// The next reminder still to come (after `now`).
    pub next_reminder_at: Option<i64>,
    /// The severity's interval after an update; 0 without a cadence.
    pub every_minutes: i64,
    /// How often a due reminder repeats; 0: once.
    pub repeat_minutes: i64,
    /// Reminders without an update before it escalates; 0: never.
    pub escalate_after: i64,
    /// When it escalates if no update comes first.
    pub escalates_at: Option<i64>,
    /// Reminders due so far in this cycle.
    pub reminders_so_far: i64,
    pub escalated: bool,
    pub snoozed_until: Option<i64>,
}

/// The plan at `now_ms`.
pub fn plan(incident: &Incident, policy: &ReminderPolicy, now_ms: i64) -> ReminderPlan {
    let cadence = policy.cadence(&incident.severity);
    let mut out = ReminderPlan {
        state: ReminderState::On,
        next_due_at: None,
        next_reminder_at: None,
        every_minutes: cadence.map_or(0, |c| c.every_minutes),
        repeat_minutes: cadence.map_or(0, |c| c.repeat_minutes),
        escalate_after: cadence.map_or(0, |c| c.escalate_after),
        escalates_at: None,
        reminders_so_far: 0,
        escalated: false,
        snoozed_until: incident.reminders_snoozed_until.filter(|u| *u > now_ms),
    };
    out.state = if !incident.is_active() {
        ReminderState::Ended
    } else if incident.paused.is_some() {
        ReminderState::Paused
    } else if incident.reminders_off {
        ReminderState::Off
    } else if out.snoozed_until.is_some() {
        ReminderState::Snoozed
    } else {
        ReminderState::On
    };
    if matches!(out.state, ReminderState::Ended | ReminderState::Paused | ReminderState::Off) {
        return out;
    }
    let Some((due_at, _, cadence)) = update_due_at(incident, policy) else {
        out.state = ReminderState::NotScheduled;
        return out;
    };
    out.next_due_at = Some(due_at);
    let repeat_ms = cadence.map_or(0, |c| c.repeat_minutes * MINUTE_MS);
    out.escalates_at = cadence.and_then(|c| c.escalates_at(due_at));
    if now_ms < due_at {
        out.next_reminder_at = Some(due_at);
    } else if repeat_ms > 0 {
        let steps = (now_ms - due_at) / repeat_ms;
        out.reminders_so_far = steps + 1;
        out.next_reminder_at = Some(due_at + (steps + 1) * repeat_ms);
    } else {
        out.reminders_so_far = 1;
    }
    out.escalated = out.escalates_at.is_some_and(|at| now_ms >= at);
    out
}

impl ReminderPlan {
    /// What `/incident reminders` answers: the plan in a few lines. `stakeholder_channels`:
    /// the severity's stakeholder channels the escalation posts in (by name).
    pub fn describe(&self, incident: &Incident, stakeholder_channels: &[String], now_ms: i64, zone: Zone) -> String {
        let reference = incident.reference();
        let severity = safe(&incident.severity);
        match self.state {
            ReminderState::Ended => return format!("{reference} is over: no more update reminders."),
            ReminderState::Paused => return format!("{reference} is paused: no reminders until `/incident resume`."),
            ReminderState::Off => {
                return format!("Update reminders for {reference} are off; `/incident reminders on` brings them back.");
            }
            ReminderState::NotScheduled => {
                return format!(
                    "{reference} is {}, which has no update reminders; an update that promises a next time is reminded then.",
                    if severity.is_empty() { "without a severity".to_string() } else { severity }
                );
            }
            ReminderState::On | ReminderState::Snoozed => {}
        }
        let when = |at: i64| {
            let minutes = (at - now_ms) / MINUTE_MS;
            if minutes > 0 { format!("{} (in {})", zone.minute(at), duration(minutes * MINUTE_MS)) } else { zone.minute(at) }
        };
        let mut out = format!("Update reminders for {reference}");
        if self.every_minutes > 0 {
            out.push_str(&format!(" ({severity}: due {} after each update)", duration(self.every_minutes * MINUTE_MS)));
        }
        out.push(':');
        if let Some(until) = self.snoozed_until {
            out.push_str(&format!("\n- Snoozed until {}.", zone.minute(until)));
        }
        if let Some(due_at) = self.next_due_at {
            let verb = if due_at <= now_ms { "was due" } else { "is due" };
            out.push_str(&format!("\n- The next update {verb} {}.", when(due_at)));
        }
        if self.reminders_so_far > 0 {
            out.push_str(&format!("\n- Reminders so far without an update: {}.", self.reminders_so_far));
        }
        match (self.repeat_minutes, self.next_reminder_at) {
            (0, _) => out.push_str("\n- The reminder is posted once, not repeated."),
            (repeat, Some(next)) => out.push_str(&format!(
                "\n- Next reminder {}; repeated every {} until an update is posted.",
                when(next),
                duration(repeat * MINUTE_MS)
            )),
            (_, None) => {}
        }
        let whom = if stakeholder_channels.is_empty() {
            "a direct message to the commander and to the severity's stakeholders".to_string()
        } else {
            let channels: Vec<String> = stakeholder_channels.iter().map(|c| format!("~{c}")).collect();
            format!("a direct message to the commander and a post in {}", channels.join(", "))
        };
        match (self.escalated, self.escalates_at) {
            (true, _) => out.push_str(&format!("\n- Escalated after {} ({whom}).", reminders_count(self.escalate_after))),
            (false, Some(at)) => out.push_str(&format!(
                "\n- Escalates {} after {} without an update: {whom}.",
                when(at),
                reminders_count(self.escalate_after)
            )),
            (false, None) => out.push_str("\n- Never escalated."),
        }
        out
    }
}

/// `1 reminder`, `2 reminders`.
pub fn reminders_count(n: i64) -> String {
    if n == 1 { "1 reminder".to_string() } else { format!("{n} reminders") }
}
