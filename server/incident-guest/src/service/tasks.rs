//! "My tasks": the open checklist items assigned to a person across the team's active
//! incidents they may see, overdue first, then by due time.

use incident_core::{ChecklistItem, IncidentFilter, IncidentState};

use crate::mattermost::Mattermost;
use crate::service::{Result, Service};
use crate::store::db::Database;

/// At most this many active incidents are looked through (as the reminders do).
const MAX_INCIDENTS_SEARCHED: usize = crate::service::scheduled::MAX_ACTIVE_INCIDENTS;

/// One open item of someone's, with where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub incident_id: String,
    pub reference: String,
    pub incident_name: String,
    pub channel_id: String,
    /// The item's number, as `/incident check <number>` reads it.
    pub number: usize,
    pub item: ChecklistItem,
}

impl Task {
    pub fn to_json(&self, now_ms: i64) -> serde_json::Value {
        serde_json::json!({
            "incident_id": self.incident_id,
            "reference": self.reference,
            "incident_name": self.incident_name,
            "channel_id": self.channel_id,
            "number": self.number,
            "item_id": self.item.id,
            "title": self.item.title,
            "assignee_ids": self.item.assignee_ids,
            "due_at": self.item.due_at,
            "overdue": self.item.is_overdue(now_ms),
        })
    }
}

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// The open items assigned to `user_id` in the active incidents of `team_id` that the user
    /// may see (checked live, as for any read).
    pub fn my_tasks(&self, user_id: &str, team_id: &str) -> Result<Vec<Task>> {
        self.require_team_member(team_id, user_id)?;
        let filter =
            IncidentFilter { team_id: Some(team_id.to_owned()), state: Some(IncidentState::Active), ..IncidentFilter::default() };
        let visible = self.visibility(&filter, team_id, user_id)?;
        let mut tasks = Vec::new();
        self.repo.visit_incidents(&filter, &visible, MAX_INCIDENTS_SEARCHED, |incident| {
            let mine: Vec<(usize, ChecklistItem)> = incident
                .checklists
                .iter()
                .flat_map(|s| &s.items)
                .enumerate()
                .filter(|(_, item)| {
                    item.state == incident_core::ItemState::Open && item.is_assigned_to(user_id) && incident.item_applies(item)
                })
                .map(|(i, item)| (i + 1, item.clone()))
                .collect();
            if mine.is_empty() || !self.may_view(&incident, user_id) {
                return Ok(());
            }
            for (number, item) in mine {
                tasks.push(Task {
                    incident_id: incident.id.clone(),
                    reference: incident.reference(),
                    incident_name: incident.name.clone(),
                    channel_id: incident.channel_id.clone(),
                    number,
                    item,
                });
            }
            Ok(())
        })?;
        // Overdue first, then soonest due, then those without a due time (in incident order).
        tasks.sort_by_key(|t| (!t.item.is_overdue(self.now), t.item.due_at.is_none(), t.item.due_at));
        Ok(tasks)
    }
}
