//! Timed work, run by the host about once a minute (`RunScheduled`): update reminders (repeated
//! until an update comes, then escalated: reminder_plan.rs) and nudges for long-running incidents. Each reminder is claimed in Mattermost's key-value store
//! first, so several plugin processes (a cluster) post it once.

use std::collections::HashMap;

use incident_core::conduct::Conduct;
use incident_core::reminders::{self, Reminder, ReminderPolicy};
use incident_core::{Incident, IncidentFilter, IncidentState, render};
use mattermost_plugin_sdk::model::{Post, Props};
use serde_json::json;

use crate::manifest::PLUGIN_ID;
use crate::mattermost::Mattermost;
use crate::service::learning_review::report_key;
use crate::service::{Result, Service, ServiceError, claim_button, invalid_settings};
use crate::store::db::Database;
use crate::store::incident_list::Visible;

/// Ended incidents created this many days ago or later are looked at for retrospective
/// reminders (which stop two weeks after the end).
const RECENTLY_ENDED_DAYS: i64 = 60;
/// Claims outlive any reminder they guard.
const CLAIM_TTL_SECONDS: i64 = 8 * 24 * 3600;
pub const SNOOZE_MINUTES: i64 = 30;
/// Active incidents a tick reminds about at most (newest first), across the server; the store
/// answers at most 10,000 rows.
pub(crate) const MAX_ACTIVE_INCIDENTS: usize = 10_000;
/// The longest snooze the REST API takes: a week, as the longest reminder interval.
pub const MAX_SNOOZE_MINUTES: i64 = 7 * 24 * 60;

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    pub fn reminder_policy(&self) -> Result<ReminderPolicy> {
        let s = self.mm.settings();
        ReminderPolicy::from_settings(&s.update_reminders, &s.stale_incident_days, &s.role_nudge_minutes)
            .map_err(invalid_settings)
    }

    /// Fills in the list columns of incidents stored before they existed, a batch a tick
    /// (store/incident_list.rs); answers how many it filled.
    pub fn backfill_list_columns(&mut self) -> Result<usize> {
        Ok(self.repo.backfill_list_columns(|channel_id| self.mm.channel(channel_id).map(|c| c.channel_type == "P"))?)
    }

    /// Posts every reminder that is due and not yet posted; answers how many were posted.
    pub fn send_due_reminders(&mut self) -> Result<usize> {
        let policy = self.reminder_policy()?;
        // Each team's roles (its own or the server's), read once per run.
        let names = |c: Conduct| c.roles.into_iter().map(|r| r.name).collect::<Vec<String>>();
        let server_roles = names(self.conduct()?);
        let mut roles_by_team: HashMap<String, Vec<String>> = HashMap::new();
        let filter = IncidentFilter { state: Some(IncidentState::Active), ..IncidentFilter::default() };
        let mut sent = 0;
        let mut escalations = Vec::new();
        // A budget of documents at a time (store/incident_list.rs), not every active incident at once.
        self.repo.visit_incidents(&filter, &Visible::All, MAX_ACTIVE_INCIDENTS, |incident| {
            if !roles_by_team.contains_key(&incident.team_id) {
                let roles = self.conduct_for(&incident.team_id).map(names).unwrap_or_else(|_| server_roles.clone());
                roles_by_team.insert(incident.team_id.clone(), roles);
            }
            let roles = roles_by_team.get(&incident.team_id).map(Vec::as_slice).unwrap_or_default();
            for reminder in reminders::due(&incident, &policy, roles, self.now) {
                if self.mm.claim_once(&format!("reminder:{}:{}", incident.id, reminder.key()), CLAIM_TTL_SECONDS) {
                    if let Reminder::UpdateEscalated { due_at, last_at, missed } = reminder {
                        // It saves the incident: after the visit, which reads the store.
                        escalations.push((incident.clone(), due_at, last_at, missed));
                    } else {
                        self.post_reminder(&incident, &reminder);
                    }
                    sent += 1;
                }
            }
            Ok(())
        })?;
        if !escalations.is_empty() {
            let rules = self.stakeholder_rules()?;
            for (incident, due_at, last_at, missed) in escalations {
                self.escalate(&incident, &rules, due_at, last_at, missed);
            }
        }
        Ok(sent + self.send_retrospective_reminders()?)
    }

    /// Reminds the commanders of recently ended incidents whose playbook asked for a
    /// retrospective that nobody has written yet (the report never saved), once a day.
    fn send_retrospective_reminders(&mut self) -> Result<usize> {
        let recently = self.now - RECENTLY_ENDED_DAYS * 86_400_000;
        let filter =
            IncidentFilter { state: Some(IncidentState::Ended), created_after: Some(recently), ..IncidentFilter::default() };
        let mut asked = Vec::new();
        self.repo.visit_incidents(&filter, &Visible::All, MAX_ACTIVE_INCIDENTS, |incident| {
            if !incident.retrospective_template.trim().is_empty() && incident.ended_at.is_some_and(|e| e >= recently) {
                asked.push(incident);
            }
            Ok(())
        })?;
        let mut sent = 0;
        for incident in asked {
            let written = self.repo.meta(&report_key(&incident.id))?.is_some_and(|r| !r.trim().is_empty());
            let Some(reminder) = reminders::retrospective_due(&incident, written, self.now) else { continue };
            if self.mm.claim_once(&format!("reminder:{}:{}", incident.id, reminder.key()), CLAIM_TTL_SECONDS) {
                let days = match reminder {
                    Reminder::RetrospectiveDue { days: 1 } => "a day".to_string(),
                    Reminder::RetrospectiveDue { days } => format!("{days} days"),
                    _ => continue,
                };
                let message = format!(
                    "{} **{}** ended {days} ago and its retrospective is not written yet. Write it in its report on the \
                     incidents page (Report and follow-up): the draft ends with your playbook's outline, the root cause first.",
                    incident.reference(),
                    render::safe(&incident.name)
                );
                let _ = self.mm.direct_message(&self.bot_id, &incident.commander_id, &message);
                sent += 1;
            }
        }
        Ok(sent)
    }

    fn post_reminder(&self, incident: &Incident, reminder: &Reminder) {
        let commander = self.mm.user(&incident.commander_id).map(|u| format!("@{}", u.username)).unwrap_or_default();
        // In a channel several incidents share, a command without a reference asks which one:
        // the commands suggested here name theirs.
        let named = if self.channel_is_shared(incident) { format!(" {}", incident.reference()) } else { String::new() };
        let (message, actions) = match reminder {
            Reminder::UpdateDue { last_at, repeat, .. } => {
                let minutes = (self.now - last_at).max(0) / 60_000;
                let again = if *repeat > 0 { format!(" (reminder {})", repeat + 1) } else { String::new() };
                (
                    format!(
                        "{commander} Time for a status update on {}{again}: the last one was {minutes} min ago. \
                         Post one with `/incident update{named} <what happened and what is next>`.",
                        incident.reference()
                    ),
                    vec![action("Snooze 30 min", "snooze", &incident.id), action("Stop reminders", "off", &incident.id)],
                )
            }
            Reminder::RoleUnfilled { role } => (
                format!(
                    "{commander} Nobody is the **{role}** of {} yet. Claim it with the button or `/incident claim {role}{named}`, \
                     or give it with `/incident role {role} @user{named}`.",
                    incident.reference()
                ),
                vec![claim_button(role, &incident.id)],
            ),
            // Posted by `escalate`, never here.
            Reminder::UpdateEscalated { .. } | Reminder::RetrospectiveDue { .. } => return,
            Reminder::Stale { days } => (
                format!(
                    "{commander} {} has been active for {days} days. If it is over, resolve it with `/incident end{named}`; \
                     if not, post an update so everyone knows it is still being worked on.",
                    incident.reference()
                ),
                Vec::new(),
            ),
            Reminder::ItemOverdue { number, title, due_at, assignee_ids, .. } => {
                // Its assignees, or the commander when nobody is on it.
                let people: Vec<String> =
                    assignee_ids.iter().filter_map(|id| self.mm.user(id)).map(|u| format!("@{}", u.username)).collect();
                let who = if people.is_empty() { commander.clone() } else { people.join(" ") };
                (
                    format!(
                        "{who} Item {number} of {}, **{}**, was due {} and is still open. Check it with \
                         `/incident check {number}{named}`, or give it a new due time with `/incident due {number} in 30m{named}`.",
                        incident.reference(),
                        render::safe(title),
                        self.team_zone(&incident.team_id).minute(*due_at)
                    ),
                    Vec::new(),
                )
            }
        };
        if matches!(reminder, Reminder::ItemOverdue { .. }) {
            // The digest marks overdue items; an item becomes overdue without any change.
            self.refresh_digest(incident);
        }
        let mut props = Props::default();
        if !actions.is_empty() {
            props.0.insert("attachments".into(), json!([{ "actions": actions }]));
        }
        let post =
            Post { channel_id: incident.channel_id.clone(), user_id: self.bot_id.clone(), message, props, ..Post::default() };
        let _ = self.mm.create_post(&post);
    }

    /// A button on a reminder (`POST /api/v0/actions/reminders`) or `/incident reminders`.
    pub fn reminders_action(&mut self, user_id: &str, incident_id: &str, what: &str) -> Result<String> {
        Ok(self.reminders(user_id, incident_id, what, None)?.1)
    }

    /// Snoozes (for `minutes`, default [`SNOOZE_MINUTES`]), stops or restarts an incident's
    /// update reminders; answers the incident and what to tell the user.
    pub fn reminders(
        &mut self,
        user_id: &str,
        incident_id: &str,
        what: &str,
        minutes: Option<i64>,
    ) -> Result<(Incident, String)> {
        if minutes.is_some() && what != "snooze" {
            return Err(ServiceError::Invalid("`minutes` goes with `snooze` only.".into()));
        }
        let minutes = minutes.unwrap_or(SNOOZE_MINUTES);
        if !(1..=MAX_SNOOZE_MINUTES).contains(&minutes) {
            return Err(ServiceError::Invalid(format!("`minutes` is a whole number from 1 to {MAX_SNOOZE_MINUTES} (a week).")));
        }
        let actor = user_id.to_owned();
        let (incident, ()) = match what {
            "snooze" => {
                let until = self.now + minutes * 60_000;
                self.change(user_id, incident_id, |i, _, now| i.snooze_reminders(&actor, until, now))?
            }
            "off" => self.change(user_id, incident_id, |i, _, now| i.set_reminders(&actor, false, now))?,
            "on" => self.change(user_id, incident_id, |i, _, now| i.set_reminders(&actor, true, now))?,
            other => {
                return Err(ServiceError::Invalid(format!(
                    "Reminders: `snooze`, `off` or `on`, not `{}`.",
                    crate::service::short(other)
                )));
            }
        };
        let said = match what {
            "snooze" => format!("Update reminders for {} are snoozed for {minutes} minutes.", incident.reference()),
            "off" => format!("Update reminders for {} are off; `/incident reminders on` brings them back.", incident.reference()),
            _ => format!("Update reminders for {} are on.", incident.reference()),
        };
        Ok((incident, said))
    }
}

/// An interactive button that calls the plugin back with what was asked.
fn action(name: &str, what: &str, incident_id: &str) -> serde_json::Value {
    json!({
        "id": format!("reminder{what}"),
        "name": name,
        "type": "button",
        "integration": {
            "url": format!("/plugins/{PLUGIN_ID}/api/v0/actions/reminders"),
            "context": { "incident_id": incident_id, "action": what },
        },
    })
}
