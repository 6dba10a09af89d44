//! Responder load (docs/api.md, "Responder load"): per person, the roles and items they hold now,
//! incidents worked per week, out-of-hours time in their own time zone, and the month's
//! commanders, over the team's incidents the caller may see. The calculations are
//! incident-core's `load`; this reads the incidents and the people's time zones.

use incident_core::load::{LoadQuery, LoadReport, MAX_WEEKS, report_window_start, responder_load};
use incident_core::{Incident, IncidentFilter, IncidentState};
use serde_json::{Value, json};

use crate::mattermost::{Mattermost, user_time_zone};
use crate::service::privacy::PrivacyRowRef;
use crate::service::{CORRECTION_ROUNDS, Result, Service, ServiceError};
use crate::store::db::Database;

/// Incidents read at most, newest first (as the team report).
const MAX_LOAD_INCIDENTS: usize = 5000;
/// Weeks a report covers unless asked otherwise.
pub const DEFAULT_WEEKS: usize = 8;

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// The team's responder load as `user_id` may see it: team members and system admins; only
    /// incidents the caller may see count (the same rules as lists and reports). `only_user`
    /// limits it to one person (`/incident load`). Weeks and the month begin in the caller's
    /// Mattermost time zone.
    pub fn responder_load(&self, user_id: &str, team_id: &str, weeks: usize, only_user: Option<&str>) -> Result<LoadReport> {
        self.require_team_member(team_id, user_id)?;
        if !(1..=MAX_WEEKS).contains(&weeks) {
            return Err(ServiceError::Invalid(format!("`weeks` is 1 to {MAX_WEEKS}.")));
        }
        let reader_zone = self.mm.user(user_id).as_ref().and_then(user_time_zone);
        // Incidents ended before both the first week and the month began count for nothing.
        let window = report_window_start(reader_zone.as_deref(), weeks, self.now);
        let filter = IncidentFilter { team_id: Some(team_id.to_owned()), ..Default::default() };
        let mut incidents: Vec<Incident> = Vec::new();
        for round in 1..=CORRECTION_ROUNDS {
            let visible = self.visibility(&filter, team_id, user_id)?;
            incidents.clear();
            self.repo.visit_incidents(&filter, &visible, MAX_LOAD_INCIDENTS, |i| {
                if i.state == IncidentState::Active || i.ended_at.is_none_or(|end| end >= window) {
                    incidents.push(i);
                }
                Ok(())
            })?;
            let corrected = self.correct_public_rows(incidents.iter().map(PrivacyRowRef::from), &visible)?;
            if !corrected || round == CORRECTION_ROUNDS {
                break;
            }
        }
        let mut zone_of = |person: &str| self.mm.user(person).as_ref().and_then(user_time_zone);
        let query = LoadQuery { reader_zone: reader_zone.as_deref(), weeks, now_ms: self.now, only_user };
        let mut report = responder_load(&incidents, &mut zone_of, &query);
        // The plugin's bot and other bots act on timelines but carry no load.
        let is_bot = |id: &str| id == self.bot_id || self.mm.user(id).is_some_and(|u| u.is_bot);
        report.people.retain(|p| !is_bot(&p.user_id));
        report.commanders_this_month.retain(|c| !is_bot(&c.user_id));
        Ok(report)
    }

    /// [`Service::responder_load`] for the REST API: with usernames and the team.
    pub fn responder_load_json(&self, user_id: &str, team_id: &str, weeks: usize) -> Result<Value> {
        let report = self.responder_load(user_id, team_id, weeks, None)?;
        let mut value = serde_json::to_value(&report).map_err(|e| ServiceError::Internal(e.to_string()))?;
        // Usernames for display (empty for a deactivated account).
        for list in ["people", "commanders_this_month"] {
            if let Some(Value::Array(rows)) = value.get_mut(list) {
                for row in rows {
                    let id = row.get("user_id").and_then(Value::as_str).unwrap_or_default().to_owned();
                    let username = self.mm.user(&id).map(|u| u.username).unwrap_or_default();
                    if let Some(object) = row.as_object_mut() {
                        object.insert("username".into(), json!(username));
                    }
                }
            }
        }
        if let Some(object) = value.as_object_mut() {
            object.insert("team_id".into(), json!(team_id));
        }
        Ok(value)
    }
}
