//! Running an incident: severity up and down, the status lifecycle (the last status resolves,
//! and a resolved incident can be reopened), roles besides the commander, and status updates.
//! Each takes the team's [`Conduct`] so names are checked against what the admin configured.

use serde::{Deserialize, Serialize};

use crate::conduct::{Conduct, Level};
use crate::error::DomainError;
use crate::ids::IdGen;
use crate::incident::{Incident, IncidentState, RoleAssignment, require};
use crate::limits::MAX_TEXT_CHARS;
use crate::text;
use crate::timeline::TimelineEventKind;

/// A structured update: where things stand, who is affected, what is next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusUpdate {
    pub id: String,
    pub at: i64,
    pub author_id: String,
    pub status: String,
    pub severity: String,
    #[serde(default)]
    pub impact: String,
    pub message: String,
    /// When the next update is promised, Unix milliseconds.
    #[serde(default)]
    pub next_update_at: Option<i64>,
}

/// What someone writes in an update; the status stays as it is when `status` is `None`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct UpdateDraft {
    pub status: Option<String>,
    pub impact: String,
    pub message: String,
    pub next_update_at: Option<i64>,
    /// Also mirror it to the team's status page (the guest does; the record is the same).
    pub statuspage: bool,
}

fn level<'a>(levels: &'a [Level], found: Option<&'a Level>, kind: &'static str, name: &str) -> Result<&'a Level, DomainError> {
    found.ok_or_else(|| DomainError::UnknownLevel {
        kind,
        name: name.trim().chars().take(40).collect(),
        known: levels.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(", "),
    })
}

impl Incident {
    pub fn change_severity(&mut self, actor_id: &str, conduct: &Conduct, name: &str, now_ms: i64) -> Result<(), DomainError> {
        self.check_mutable(actor_id)?;
        let to = level(&conduct.severities, conduct.severity(name), "severity", name)?.name.clone();
        if to == self.severity {
            return Err(DomainError::NoChange(format!("the severity is already {to}.")));
        }
        let from = std::mem::replace(&mut self.severity, to.clone());
        self.record(actor_id, now_ms, TimelineEventKind::SeverityChanged { from, to });
        Ok(())
    }

    /// Moves through the lifecycle; the final status resolves the incident (it ends, with a
    /// second timeline event saying so).
    pub fn change_status(&mut self, actor_id: &str, conduct: &Conduct, name: &str, now_ms: i64) -> Result<(), DomainError> {
        self.check_mutable(actor_id)?;
        let to = level(&conduct.statuses, conduct.status(name), "status", name)?.name.clone();
        if to == self.status {
            return Err(DomainError::NoChange(format!("the status is already {to}.")));
        }
        let from = std::mem::replace(&mut self.status, to.clone());
        self.record(actor_id, now_ms, TimelineEventKind::StatusChanged { from, to: to.clone() });
        if to == conduct.final_status() {
            self.close(actor_id, now_ms);
        }
        Ok(())
    }

    /// Ending and resolving are one thing: ending sets the final status first.
    pub fn resolve(&mut self, actor_id: &str, conduct: &Conduct, now_ms: i64) -> Result<(), DomainError> {
        self.check_mutable(actor_id)?;
        if self.status == conduct.final_status() || conduct.final_status().is_empty() {
            self.close(actor_id, now_ms);
            return Ok(());
        }
        self.change_status(actor_id, conduct, conduct.final_status(), now_ms)
    }

    fn close(&mut self, actor_id: &str, now_ms: i64) {
        self.state = IncidentState::Ended;
        self.ended_at = Some(now_ms);
        self.record(actor_id, now_ms, TimelineEventKind::IncidentEnded);
    }

    /// Back to work: active again, at the first status. The earlier end stays on the timeline.
    pub fn reopen(&mut self, actor_id: &str, conduct: &Conduct, now_ms: i64) -> Result<(), DomainError> {
        require(actor_id, "actor")?;
        if self.state != IncidentState::Ended {
            return Err(DomainError::NotEnded);
        }
        if self.imported_from.is_some() {
            return Err(DomainError::ImportedHistory);
        }
        self.state = IncidentState::Active;
        self.ended_at = None;
        self.status = conduct.initial_status().to_string();
        self.record(actor_id, now_ms, TimelineEventKind::IncidentReopened);
        Ok(())
    }

    /// Gives a role to a user, or takes it back (`user_id: None`).
    pub fn assign_role(
        &mut self,
        actor_id: &str,
        conduct: &Conduct,
        role: &str,
        user_id: Option<&str>,
        now_ms: i64,
    ) -> Result<(), DomainError> {
        self.check_mutable(actor_id)?;
        let role = level(&conduct.roles, conduct.role(role), "role", role)?.name.clone();
        let user_id = user_id.map(str::trim).filter(|u| !u.is_empty());
        let from = self.role_holder(&role).map(str::to_string);
        if from.as_deref() == user_id {
            return Err(DomainError::NoChange(match user_id {
                Some(_) => format!("that user is already the {role}."),
                None => format!("nobody is the {role}."),
            }));
        }
        self.roles.retain(|r| r.role != role);
        if let Some(user) = user_id {
            self.roles.push(RoleAssignment { role: role.clone(), user_id: user.to_string(), assigned_at: now_ms });
        }
        self.record(actor_id, now_ms, TimelineEventKind::RoleAssigned { role, from, to: user_id.map(str::to_string) });
        Ok(())
    }

    /// Who holds a role (by its configured name, any case).
    pub fn role_holder(&self, role: &str) -> Option<&str> {
        self.roles.iter().find(|r| r.role.eq_ignore_ascii_case(role.trim())).map(|r| r.user_id.as_str())
    }

    /// Posts a status update; it may move the status (the final one resolves the incident).
    /// Answers the new update's id.
    pub fn post_update(
        &mut self,
        actor_id: &str,
        conduct: &Conduct,
        draft: &UpdateDraft,
        ids: &mut dyn IdGen,
        now_ms: i64,
    ) -> Result<String, DomainError> {
        self.check_mutable(actor_id)?;
        let invalid = DomainError::InvalidUpdate;
        let message = text::multi_line(&draft.message, MAX_TEXT_CHARS).map_err(|r| invalid(format!("the message: {r}")))?;
        if message.is_empty() {
            return Err(invalid("write what has happened and what is next.".to_string()));
        }
        let impact = text::multi_line(&draft.impact, MAX_TEXT_CHARS).map_err(|r| invalid(format!("the impact: {r}")))?;
        let status = match draft.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(name) => level(&conduct.statuses, conduct.status(name), "status", name)?.name.clone(),
            None => self.status.clone(),
        };
        if draft.next_update_at.is_some_and(|next| next <= now_ms) {
            return Err(invalid("the next update must be in the future.".to_string()));
        }
        let id = ids.new_id();
        self.updates.push(StatusUpdate {
            id: id.clone(),
            at: now_ms,
            author_id: actor_id.to_string(),
            status: status.clone(),
            severity: self.severity.clone(),
            impact,
            message,
            next_update_at: draft.next_update_at,
        });
        let resolves = status != self.status && status == conduct.final_status();
        self.status = status.clone();
        self.record(actor_id, now_ms, TimelineEventKind::UpdatePosted { update_id: id.clone(), status });
        if resolves {
            self.close(actor_id, now_ms);
        }
        Ok(id)
    }

    pub fn last_update(&self) -> Option<&StatusUpdate> {
        self.updates.last()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SequentialIds;
    use crate::test_support::incident;

    fn conduct() -> Conduct {
        Conduct::default()
    }

    fn started() -> Incident {
        let mut i = incident();
        i.severity = "P4".into();
        i.status = "Investigating".into();
        i
    }

    fn kinds(i: &Incident, from: usize) -> Vec<TimelineEventKind> {
        i.timeline[from..].iter().map(|e| e.kind.clone()).collect()
    }

    #[test]
    fn severity_goes_up_and_down_by_configured_names_only() {
        let mut i = started();
        let n = i.timeline.len();
        i.change_severity("alice", &conduct(), "p2", 10).expect("raise");
        assert_eq!(i.severity, "P2");
        i.change_severity("bob", &conduct(), "P3", 11).expect("lower");
        assert_eq!(
            kinds(&i, n),
            [
                TimelineEventKind::SeverityChanged { from: "P4".into(), to: "P2".into() },
                TimelineEventKind::SeverityChanged { from: "P2".into(), to: "P3".into() },
            ]
        );
        let before = i.clone();
        assert_eq!(
            i.change_severity("bob", &conduct(), "P3", 12),
            Err(DomainError::NoChange("the severity is already P3.".into()))
        );
        let unknown = i.change_severity("bob", &conduct(), "sev1", 12).expect_err("unknown");
        assert_eq!(unknown.to_string(), "There is no severity \"sev1\"; choose one of P1, P2, P3, P4.");
        assert_eq!(i, before, "refusals change nothing");
    }

    #[test]
    fn the_final_status_resolves_and_reopening_starts_over() {
        let mut i = started();
        let n = i.timeline.len();
        i.change_status("alice", &conduct(), "identified", 10).expect("identified");
        i.change_status("alice", &conduct(), "Resolved", 20).expect("resolved");
        assert_eq!((i.state, i.ended_at, i.status.as_str()), (IncidentState::Ended, Some(20), "Resolved"));
        assert_eq!(i.change_status("alice", &conduct(), "Monitoring", 21), Err(DomainError::IncidentEnded));
        assert_eq!(i.change_severity("alice", &conduct(), "P1", 21), Err(DomainError::IncidentEnded));
        i.reopen("bob", &conduct(), 30).expect("reopen");
        assert_eq!((i.state, i.ended_at, i.status.as_str()), (IncidentState::Active, None, "Investigating"));
        assert_eq!(i.reopen("bob", &conduct(), 31), Err(DomainError::NotEnded));
        assert_eq!(
            kinds(&i, n),
            [
                TimelineEventKind::StatusChanged { from: "Investigating".into(), to: "Identified".into() },
                TimelineEventKind::StatusChanged { from: "Identified".into(), to: "Resolved".into() },
                TimelineEventKind::IncidentEnded,
                TimelineEventKind::IncidentReopened,
            ]
        );
    }

    #[test]
    fn resolving_sets_the_final_status_once() {
        let mut i = started();
        i.resolve("alice", &conduct(), 5).expect("resolve");
        assert_eq!((i.state, i.status.as_str()), (IncidentState::Ended, "Resolved"));
        let mut legacy = incident(); // from before statuses: no status at all
        legacy.resolve("alice", &conduct(), 5).expect("resolve");
        assert_eq!(legacy.status, "Resolved");
    }

    #[test]
    fn roles_are_given_passed_on_and_taken_back() {
        let mut i = started();
        let n = i.timeline.len();
        i.assign_role("alice", &conduct(), "comms LEAD", Some("bob"), 1).expect("give");
        assert_eq!(i.role_holder("Comms lead"), Some("bob"));
        assert_eq!(
            i.assign_role("alice", &conduct(), "Comms lead", Some("bob"), 2),
            Err(DomainError::NoChange("that user is already the Comms lead.".into()))
        );
        i.assign_role("alice", &conduct(), "Comms lead", Some("carol"), 3).expect("pass on");
        i.assign_role("alice", &conduct(), "Comms lead", None, 4).expect("take back");
        assert_eq!(i.role_holder("Comms lead"), None);
        assert!(
            i.assign_role("alice", &conduct(), "Scribe", Some("bob"), 5)
                .is_err_and(|e| matches!(e, DomainError::UnknownLevel { .. }))
        );
        assert_eq!(
            kinds(&i, n),
            [
                TimelineEventKind::RoleAssigned { role: "Comms lead".into(), from: None, to: Some("bob".into()) },
                TimelineEventKind::RoleAssigned { role: "Comms lead".into(), from: Some("bob".into()), to: Some("carol".into()) },
                TimelineEventKind::RoleAssigned { role: "Comms lead".into(), from: Some("carol".into()), to: None },
            ]
        );
    }

    #[test]
    fn updates_carry_status_severity_impact_and_the_next_time() {
        let mut i = started();
        let mut ids = SequentialIds::new("u");
        let draft = UpdateDraft {
            status: Some("identified".into()),
            impact: "Checkout fails for 5% of users".into(),
            message: "  Rolled back the 14:05 deploy.  ".into(),
            next_update_at: Some(1_000),
            statuspage: false,
        };
        let id = i.post_update("bob", &conduct(), &draft, &mut ids, 100).expect("update");
        let u = i.last_update().expect("kept");
        assert_eq!(
            (u.id.as_str(), u.status.as_str(), u.severity.as_str(), u.message.as_str()),
            (id.as_str(), "Identified", "P4", "Rolled back the 14:05 deploy.")
        );
        assert_eq!((i.status.as_str(), u.next_update_at), ("Identified", Some(1_000)));
        // An update that resolves ends the incident.
        let last = UpdateDraft { status: Some("Resolved".into()), message: "Fixed.".into(), ..UpdateDraft::default() };
        i.post_update("bob", &conduct(), &last, &mut ids, 200).expect("resolving update");
        assert_eq!(i.state, IncidentState::Ended);
        assert!(matches!(i.timeline.last().map(|e| &e.kind), Some(TimelineEventKind::IncidentEnded)));
    }

    #[test]
    fn bad_updates_change_nothing() {
        let mut i = started();
        let before = i.clone();
        let mut ids = SequentialIds::new("u");
        let cases = [
            UpdateDraft { message: "   ".into(), ..UpdateDraft::default() },
            UpdateDraft { message: "x".repeat(MAX_TEXT_CHARS + 1), ..UpdateDraft::default() },
            UpdateDraft { message: "ok".into(), status: Some("Panicking".into()), ..UpdateDraft::default() },
            UpdateDraft { message: "ok".into(), next_update_at: Some(100), ..UpdateDraft::default() },
            UpdateDraft { message: "ok".into(), impact: "bell\u{7}".into(), ..UpdateDraft::default() },
        ];
        for draft in cases {
            assert!(i.post_update("bob", &conduct(), &draft, &mut ids, 100).is_err(), "{draft:?}");
        }
        assert_eq!(i, before);
    }
}
