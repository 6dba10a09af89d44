//! Custom fields (incident_core::fields): setting values after the start, resolving the people a
//! user field names, and the filters of a listing that need the stored facets.

use incident_core::fields::{FieldKind, IncidentField, match_key};
use incident_core::{DomainError, Incident, IncidentFilter, Playbook};

use crate::mattermost::Mattermost;
use crate::service::{Result, Service, ServiceError, short};
use crate::store::db::Database;

/// Rounds of [`Repo::fill_facets`](crate::store::repo::Repo) one listing runs at most before
/// it answers (200 rows each): a team's rows from before migration 7 are filled on its first
/// filtered listing, the timer fills the rest.
const FACET_FILL_ROUNDS: usize = 50;

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// A person for a user field: `@username`, a username or a user id, an active member of
    /// the team. Answers the user id.
    pub(crate) fn field_user(&self, team_id: &str, field: &str, who: &str) -> Result<String> {
        let who = who.trim();
        let found = self.mm.user_by_username(who.trim_start_matches('@')).or_else(|| self.mm.user(who));
        match found {
            Some(u) if self.is_active_team_member(team_id, &u.id) => Ok(u.id),
            _ => Err(ServiceError::Invalid(format!(
                "Invalid field: {}: {} is not an active member of the team.",
                incident_core::render::safe(&short(field)),
                incident_core::render::safe(&short(who))
            ))),
        }
    }

    /// A value as the domain takes it: for a user field, the person's id; otherwise as typed.
    fn resolved(&self, team_id: &str, field: &IncidentField, raw: &str) -> Result<String> {
        if field.kind == FieldKind::User && !raw.trim().is_empty() {
            self.field_user(team_id, &field.name, raw)
        } else {
            Ok(raw.to_owned())
        }
    }

    /// The start's field values with the people of user fields resolved; names the playbook
    /// does not define are left for the domain to refuse (with the list of its fields).
    pub(crate) fn start_field_values(
        &self,
        team_id: &str,
        playbook: Option<&Playbook>,
        values: &std::collections::BTreeMap<String, String>,
    ) -> Result<Vec<(String, String)>> {
        let definitions = playbook.map(|p| p.fields.as_slice()).unwrap_or_default();
        let mut out = Vec::with_capacity(values.len());
        for (name, raw) in values {
            let value = match definitions.iter().find(|d| match_key(&d.name) == match_key(name)) {
                Some(d) if d.kind == FieldKind::User && !raw.trim().is_empty() => self.field_user(team_id, &d.name, raw)?,
                _ => raw.clone(),
            };
            out.push((name.clone(), value));
        }
        Ok(out)
    }

    /// Sets several fields of an incident in one change (one timeline event each): all of them
    /// or, if one is refused, none. `None` clears a field; a field already as asked is left
    /// alone, and asking nothing new is a conflict.
    pub fn set_fields(&mut self, user_id: &str, incident_id: &str, values: &[(String, Option<String>)]) -> Result<Incident> {
        if values.is_empty() {
            return Err(ServiceError::Invalid("Name at least one field to set.".into()));
        }
        let current = self.incident(user_id, incident_id)?.value;
        self.require_change(&current, user_id)?;
        let mut resolved = Vec::with_capacity(values.len());
        for (name, value) in values {
            let field = current.field(name).ok_or_else(|| current.no_such_field(name))?;
            let value = match value.as_deref().filter(|v| !v.trim().is_empty()) {
                Some(raw) => Some(self.resolved(&current.team_id, field, raw)?),
                None => None,
            };
            resolved.push((field.name.clone(), value));
        }
        let actor = user_id.to_owned();
        let (incident, ()) = self.change(user_id, incident_id, |i, _, now| {
            let mut changed = false;
            for (name, value) in &resolved {
                match i.set_field(&actor, name, value.as_deref(), now) {
                    Ok(()) => changed = true,
                    Err(DomainError::NoChange(_)) if resolved.len() > 1 => {}
                    Err(e) => return Err(e),
                }
            }
            if changed { Ok(()) } else { Err(DomainError::NoChange("the fields already have those values.".into())) }
        })?;
        Ok(incident)
    }

    /// Before a listing filters on severity, status or fields: fills the team's rows stored
    /// before those filters existed, so that none is left out for want of them.
    pub(crate) fn prepare_facets(&self, filter: &IncidentFilter) -> Result<()> {
        if filter.facet_lines().is_empty() {
            return Ok(());
        }
        for _ in 0..FACET_FILL_ROUNDS {
            if self.repo.fill_facets(filter.team_id.as_deref())? == 0 {
                break;
            }
        }
        Ok(())
    }

    /// RunScheduled: fills the facets of a batch of rows from before migration 7.
    pub fn fill_facets(&mut self) -> Result<usize> {
        Ok(self.repo.fill_facets(None)?)
    }
}

/// Incidents the cross-team report reads at most (light rows, read a memory budget at a time).
const MAX_CROSS_TEAM_INCIDENTS: usize = 20_000;

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// Every team's incidents started in the last `periods` weeks or months, counted per team:
    /// for system admins only (they may see every incident of every team).
    pub fn cross_team_report(
        &self,
        user_id: &str,
        period: incident_core::team_report::Period,
        periods: usize,
    ) -> Result<serde_json::Value> {
        use incident_core::team_report::{ReportIncident, cross_team_summaries, first_period_start};
        if !self.mm.is_system_admin(user_id) {
            return Err(ServiceError::Forbidden("Only system admins see the report across teams.".into()));
        }
        let since = first_period_start(period, periods, self.now);
        let filter = IncidentFilter { created_after: Some(since), ..IncidentFilter::default() };
        let mut rows = Vec::new();
        self.repo.visit_incidents(&filter, &crate::store::incident_list::Visible::All, MAX_CROSS_TEAM_INCIDENTS, |i| {
            rows.push((i.team_id.clone(), ReportIncident::of(&i, self.now)));
            Ok(())
        })?;
        Ok(serde_json::json!({
            "since": since,
            "incidents": rows.len(),
            "truncated": rows.len() >= MAX_CROSS_TEAM_INCIDENTS,
            "teams": cross_team_summaries(&rows, since),
        }))
    }
}
