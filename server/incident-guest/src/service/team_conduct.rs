//! Severities, statuses and roles per team (issue 17), and the team's time zone (issue 18): a
//! team's admins may replace any of the three server-wide lists for their team, and choose the
//! zone its posts and reports write times in; what they leave empty stays the server's. Kept in
//! `meta` under `conduct:<team id>` in the System Console's text form, checked by the same
//! parser when saved. Everything about an incident uses its team's lists; names an incident
//! already holds stay as they are when a list changes (as after a System Console change).

use incident_core::conduct::{Conduct, TeamConductTexts};
use serde_json::{Value, json};

use crate::mattermost::Mattermost;
use crate::service::{Result, Service, ServiceError};
use crate::store::db::Database;

fn conduct_key(team_id: &str) -> String {
    format!("conduct:{team_id}")
}

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// What the team's admins saved (all empty when nothing is).
    pub(crate) fn team_conduct_texts(&self, team_id: &str) -> Result<TeamConductTexts> {
        match self.repo.meta(&conduct_key(team_id))? {
            Some(text) => serde_json::from_str(&text).map_err(|e| {
                ServiceError::Internal(format!("the team's stored severities, statuses and roles cannot be read: {e}"))
            }),
            None => Ok(TeamConductTexts::default()),
        }
    }

    /// The team's severities, statuses and roles: its own lists, else the server's.
    pub fn conduct_for(&self, team_id: &str) -> Result<Conduct> {
        let server = self.conduct()?;
        if team_id.is_empty() {
            return Ok(server);
        }
        let texts = self.team_conduct_texts(team_id)?;
        // Checked when saved; a list the parser no longer takes must not stop the team's incidents.
        Ok(texts.over(&server).unwrap_or_else(|e| {
            eprintln!("[WARN] team {team_id}: its own severities, statuses and roles are not used: {e}");
            server
        }))
    }

    /// The lists of the incident's team (the caller must be able to see the incident).
    pub(crate) fn incident_conduct(&self, user_id: &str, incident_id: &str) -> Result<Conduct> {
        let team_id = self.incident(user_id, incident_id)?.value.team_id;
        self.conduct_for(&team_id)
    }

    /// `GET /conduct?team_id=`: the lists in effect for a team member, which are the team's own
    /// (`team` holds the texts; empty means the server's), `source`, and `may_edit`.
    pub fn team_conduct(&self, user_id: &str, team_id: &str) -> Result<Value> {
        self.require_team_member(team_id, user_id)?;
        let texts = self.team_conduct_texts(team_id)?;
        let mut view = conduct_view(&self.conduct_for(team_id)?, &texts);
        // The webapp offers the form only to whom may save it.
        view["may_edit"] = json!(self.is_admin(team_id, user_id));
        self.add_zones(&mut view, team_id);
        Ok(view)
    }

    /// `PUT /conduct?team_id=`: team and system admins replace the team's lists; bad text
    /// changes nothing; all empty returns the team to the server-wide lists.
    pub fn set_team_conduct(&self, user_id: &str, team_id: &str, mut texts: TeamConductTexts) -> Result<Value> {
        self.require_team_member(team_id, user_id)?;
        if !self.is_admin(team_id, user_id) {
            return Err(ServiceError::Forbidden(
                "Only team and system admins may change the team's severities, statuses, roles and time zone.".into(),
            ));
        }
        let conduct = texts.over(&self.conduct()?).map_err(ServiceError::Invalid)?;
        if let Ok(Some(zone)) = texts.zone() {
            texts.time_zone = zone.name().to_string();
        }
        if texts.is_empty() {
            self.repo.delete_meta(&conduct_key(team_id))?;
        } else {
            let stored = serde_json::to_string(&texts).map_err(|e| ServiceError::Internal(e.to_string()))?;
            self.repo.set_meta(&conduct_key(team_id), &stored)?;
        }
        eprintln!(
            "[INFO] team {team_id}: severities, statuses and roles changed by {user_id} (own lists: {:?})",
            texts.own_lists()
        );
        let mut view = conduct_view(&conduct, &texts);
        view["may_edit"] = json!(true);
        self.add_zones(&mut view, team_id);
        Ok(view)
    }

    /// `time_zone`: the zone the team's posts and reports use now; `server_time_zone`: the
    /// server's, which an empty `team.time_zone` means.
    fn add_zones(&self, view: &mut Value, team_id: &str) {
        view["time_zone"] = json!(self.team_zone(team_id).name());
        view["server_time_zone"] = json!(self.server_zone().name());
    }
}

fn conduct_view(conduct: &Conduct, texts: &TeamConductTexts) -> Value {
    let mut view = serde_json::to_value(conduct).unwrap_or_else(|_| json!({}));
    view["source"] = json!(if texts.is_empty() { "server" } else { "team" });
    view["team"] = serde_json::to_value(texts).unwrap_or(Value::Null);
    view
}
