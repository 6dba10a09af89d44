//! The update reminders' plan (`/incident reminders`, `GET /api/v0/incidents/{id}/reminders`)
//! and what the timer does when reminders went unanswered: it escalates, once per cycle (the
//! claim in scheduled.rs), with a direct message to the commander, a post in the severity's
//! stakeholder channels (as much as each may show), a direct message to its stakeholder people
//! who may see the incident, and the escalation on the timeline.

use incident_core::reminders::{self, ReminderPlan};
use incident_core::stakeholders::{self, Stakeholders};
use incident_core::{DomainError, Incident, render};

use crate::mattermost::Mattermost;
use crate::service::{Result, Service};
use crate::store::db::Database;

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// The plan of an incident the user may see, and the text `/incident reminders` answers.
    pub fn reminder_plan(&self, user_id: &str, incident_id: &str) -> Result<(Incident, ReminderPlan, String)> {
        let incident = self.incident(user_id, incident_id)?.value;
        let plan = reminders::plan(&incident, &self.reminder_policy()?, self.now);
        let channels = self.stakeholder_rules()?;
        let channels: Vec<String> = stakeholders::for_severity(&channels, &incident.severity)
            .map(|r| r.channels.iter().filter(|c| self.mm.channel_by_name(&incident.team_id, c).is_some()).cloned().collect())
            .unwrap_or_default();
        let text = plan.describe(&incident, &channels, self.now, self.caller_zone(user_id, &incident.team_id));
        Ok((incident, plan, text))
    }

    /// Tells the commander and the stakeholders that `missed` reminders went without an
    /// update, and puts it on the timeline. Failures are logged: the next cycle tries again.
    pub(crate) fn escalate(&mut self, incident: &Incident, rules: &[Stakeholders], due_at: i64, last_at: i64, missed: i64) {
        let minutes = (self.now - last_at).max(0) / 60_000;
        let channel = self.mm.channel(&incident.channel_id).map(|c| c.name).unwrap_or_default();
        let commander = self.mm.user(&incident.commander_id).map(|u| u.username).unwrap_or_default();
        let full = format!(
            "{} **{}** ({}) has had no status update for {minutes} min: {} in ~{channel} went unanswered. \
             Commander: @{}. Post one with `/incident update <what happened and what is next>` in ~{channel}.",
            incident.reference(),
            render::safe(&incident.name),
            render::safe(&incident.severity),
            reminders::reminders_count(missed),
            render::safe(&commander),
        );
        let _ = self.mm.direct_message(&self.bot_id, &incident.commander_id, &full);
        if let Some(rule) = stakeholders::for_severity(rules, &incident.severity) {
            let line = format!(
                "A private incident ({}, {}) has had no status update for {minutes} min.",
                render::safe(&incident.severity),
                incident.reference()
            );
            self.post_to_stakeholder_channels(incident, rule, &full, &line);
            // The people named in the rule (not its groups), if they may see the incident.
            for user in rule.users.iter().filter_map(|name| self.mm.user_by_username(name)) {
                if user.id != incident.commander_id && self.may_view(incident, &user.id) {
                    let _ = self.mm.direct_message(&self.bot_id, &user.id, &full);
                }
            }
        }
        let bot = self.bot_id.clone();
        // Already on the timeline (another server recorded it): nothing to add.
        let record =
            |i: &mut Incident, _: &mut dyn incident_core::IdGen, now: i64| match i.record_escalation(&bot, missed, due_at, now) {
                Err(DomainError::NoChange(_)) => Ok(()),
                other => other,
            };
        if let Err(e) = self.change_as_bot(&incident.id, record) {
            eprintln!("[WARN] recording the escalation of {} failed: {e}", incident.id);
        }
    }
}
