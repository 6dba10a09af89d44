//! The incident itself: starting one (optionally from a playbook), changing the commander,
//! ending it. Checklist mutations live in `checklist_edits.rs`, addressing in `checklist.rs`.

use serde::{Deserialize, Serialize};

use crate::checklist::{ChecklistItem, ChecklistSection};
use crate::error::DomainError;
use crate::ids::IdGen;
use crate::limits::{MAX_NAME_CHARS, MAX_TEXT_CHARS};
use crate::playbook::Playbook;
use crate::text;
use crate::timeline::{TimelineEvent, TimelineEventKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentState {
    #[default]
    Active,
    Ended,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: String,
    pub team_id: String,
    /// Per-team sequence number, shown as `INC-0042` (see [`Incident::reference`]).
    pub number: u32,
    pub name: String,
    #[serde(default)]
    pub summary: String,
    pub channel_id: String,
    pub commander_id: String,
    pub reporter_id: String,
    #[serde(default)]
    pub playbook_id: Option<String>,
    pub created_at: i64,
    #[serde(default)]
    pub ended_at: Option<i64>,
    #[serde(default)]
    pub state: IncidentState,
    #[serde(default)]
    pub checklists: Vec<ChecklistSection>,
    #[serde(default)]
    pub timeline: Vec<TimelineEvent>,
    /// A severity of the team's [`Conduct`](crate::conduct::Conduct) (empty for incidents from
    /// before severities existed).
    #[serde(default)]
    pub severity: String,
    /// A status of the lifecycle; the last one ends the incident.
    #[serde(default)]
    pub status: String,
    /// Who holds which role besides the commander.
    #[serde(default)]
    pub roles: Vec<RoleAssignment>,
    /// Status updates, oldest first.
    #[serde(default)]
    pub updates: Vec<crate::lifecycle::StatusUpdate>,
    /// No update reminders before this time.
    #[serde(default)]
    pub reminders_snoozed_until: Option<i64>,
    /// Reminders stopped for this incident.
    #[serde(default)]
    pub reminders_off: bool,
    /// When customers were affected, as the team recorded it.
    #[serde(default)]
    pub impact_started_at: Option<i64>,
    #[serde(default)]
    pub impact_ended_at: Option<i64>,
    /// While paused (`/incident pause`): since when and why. No reminders or nudges then.
    #[serde(default)]
    pub paused: Option<crate::pause::Pause>,
    /// Time spent paused in earlier, finished pauses (ms): left out of time to resolve.
    #[serde(default)]
    pub paused_ms: i64,
    /// Custom fields from the playbook (definitions copied at the start) and their values.
    #[serde(default)]
    pub fields: Vec<crate::fields::IncidentField>,
    /// The on-call pages sent for it (PagerDuty, Opsgenie), open until resolved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<crate::paging::Page>,
    /// Its public incident on the team's status page, once an update was mirrored there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_page: Option<crate::paging::StatusPageIncident>,
    /// Copied from its playbook at the start, so later edits of the playbook do not change a
    /// running incident: the welcome for people who join its channel, the update template.
    #[serde(default)]
    pub welcome_message: String,
    #[serde(default)]
    pub update_template: String,
    /// The retrospective's outline, at the end of the report draft (and reminded about).
    #[serde(default)]
    pub retrospective_template: String,
    /// The playbook's announcement channels the starter kept ticked; `None`: all of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announcement_channel_ids: Option<Vec<String>>,
    /// Runs in a channel that was there before it (`/incident start --here`), which the plugin
    /// therefore never renames, re-heads, files in the sidebar or archives. False for incidents
    /// that created their channel (and for every incident from before this existed).
    #[serde(default)]
    pub existing_channel: bool,
    /// For an incident imported from a dossier: where it came from (`INC-0042 of
    /// https://chat.example.com, exported 2026-12-01 14:00:00 UTC`). Such an incident is history:
    /// it has no channel and is ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_from: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleAssignment {
    pub role: String,
    pub user_id: String,
    pub assigned_at: i64,
}

/// What the caller has decided before an incident exists: the store allocates `id` and
/// `number`, Mattermost creates the channel, and the reporter is who asked.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StartIncident {
    pub id: String,
    pub team_id: String,
    pub number: u32,
    pub name: String,
    #[serde(default)]
    pub summary: String,
    pub channel_id: String,
    pub commander_id: String,
    pub reporter_id: String,
    /// Where it starts; the service fills both from the team's conduct.
    #[serde(default)]
    pub severity: String,
    #[serde(default)]
    pub status: String,
    /// Values for the playbook's custom fields (name, value as typed; a user field's value is a
    /// user id the caller resolved). Empty values leave the field empty.
    #[serde(default)]
    pub field_values: Vec<(String, String)>,
}

/// Normalises an incident name (trim, collapse whitespace) and checks it: 1 to 100 characters,
/// no control characters. Emoji and right-to-left scripts are welcome. Call it before creating
/// the channel, so a bad name fails before anything exists.
pub fn validate_incident_name(raw: &str) -> Result<String, DomainError> {
    text::single_line(raw, MAX_NAME_CHARS).map_err(DomainError::InvalidName)
}

/// Reads what a user types to name an incident: `INC-0042`, `inc-42`, `#42` or `42`.
pub fn parse_reference(text: &str) -> Option<u32> {
    let text = text.trim();
    let digits = match text.get(..4) {
        Some(prefix) if prefix.eq_ignore_ascii_case("inc-") => text.get(4..).unwrap_or_default(),
        _ => text.strip_prefix('#').unwrap_or(text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

pub(crate) fn require(value: &str, what: &'static str) -> Result<(), DomainError> {
    if value.trim().is_empty() { Err(DomainError::MissingField(what)) } else { Ok(()) }
}

impl Incident {
    /// Starts an incident, copying the playbook's checklist (fresh ids, default assignees
    /// become assignees). The reporter is recorded as the actor of the first timeline event.
    pub fn start(
        request: StartIncident,
        playbook: Option<&Playbook>,
        ids: &mut dyn IdGen,
        now_ms: i64,
    ) -> Result<Incident, DomainError> {
        require(&request.id, "incident id")?;
        require(&request.team_id, "team id")?;
        require(&request.channel_id, "channel id")?;
        require(&request.commander_id, "commander")?;
        require(&request.reporter_id, "reporter")?;
        let name = validate_incident_name(&request.name)?;
        let summary = text::multi_line(&request.summary, MAX_TEXT_CHARS).map_err(DomainError::InvalidSummary)?;
        if let Some(playbook) = playbook {
            if playbook.team_id != request.team_id {
                return Err(DomainError::InvalidPlaybook("it belongs to another team.".to_string()));
            }
            playbook.validate()?;
        }

        let checklists = playbook.map(|p| copy_checklists(p, ids, now_ms)).unwrap_or_default();
        let mut incident = Incident {
            id: request.id,
            team_id: request.team_id,
            number: request.number,
            name: name.clone(),
            summary,
            channel_id: request.channel_id,
            commander_id: request.commander_id,
            reporter_id: request.reporter_id,
            playbook_id: playbook.map(|p| p.id.clone()),
            created_at: now_ms,
            ended_at: None,
            state: IncidentState::Active,
            checklists,
            timeline: Vec::new(),
            severity: request.severity.trim().to_string(),
            status: request.status.trim().to_string(),
            roles: Vec::new(),
            updates: Vec::new(),
            reminders_snoozed_until: None,
            reminders_off: false,
            impact_started_at: None,
            impact_ended_at: None,
            paused: None,
            paused_ms: 0,
            fields: playbook.map(|p| crate::fields::fields_from(&p.fields)).unwrap_or_default(),
            pages: Vec::new(),
            status_page: None,
            welcome_message: playbook.map(|p| p.welcome_message.clone()).unwrap_or_default(),
            update_template: playbook.map(|p| p.update_template.clone()).unwrap_or_default(),
            retrospective_template: playbook.map(|p| p.retrospective_template.clone()).unwrap_or_default(),
            announcement_channel_ids: None,
            existing_channel: false,
            imported_from: None,
        };
        incident.fill_fields(&request.field_values)?;
        let reporter = incident.reporter_id.clone();
        incident.record(
            &reporter,
            now_ms,
            TimelineEventKind::IncidentStarted { name, playbook: playbook.map(|p| p.title.clone()) },
        );
        Ok(incident)
    }

    /// `INC-0042`: at least four digits, more once past 9999.
    pub fn reference(&self) -> String {
        format!("INC-{:04}", self.number)
    }

    pub fn is_active(&self) -> bool {
        self.state == IncidentState::Active
    }

    /// How long it ran (or has run so far); never negative, whatever the clocks say.
    pub fn duration_ms(&self, now_ms: i64) -> i64 {
        (self.ended_at.unwrap_or(now_ms) - self.created_at).max(0)
    }

    pub fn end(&mut self, actor_id: &str, now_ms: i64) -> Result<(), DomainError> {
        self.check_mutable(actor_id)?;
        // Ending a paused incident ends the pause first, so its time is counted as paused.
        if self.paused.is_some() {
            self.resume(actor_id, now_ms)?;
        }
        self.state = IncidentState::Ended;
        self.ended_at = Some(now_ms);
        self.record(actor_id, now_ms, TimelineEventKind::IncidentEnded);
        Ok(())
    }

    pub fn change_commander(&mut self, actor_id: &str, new_commander_id: &str, now_ms: i64) -> Result<(), DomainError> {
        self.check_mutable(actor_id)?;
        require(new_commander_id, "new commander")?;
        if new_commander_id == self.commander_id {
            return Err(DomainError::AlreadyCommander);
        }
        let from = std::mem::replace(&mut self.commander_id, new_commander_id.to_string());
        self.record(actor_id, now_ms, TimelineEventKind::CommanderChanged { from, to: new_commander_id.to_string() });
        Ok(())
    }

    /// Renames the incident (same rules as at the start: one line, 1 to 100 characters).
    pub fn rename(&mut self, actor_id: &str, name: &str, now_ms: i64) -> Result<(), DomainError> {
        self.check_mutable(actor_id)?;
        let name = validate_incident_name(name)?;
        if name == self.name {
            return Err(DomainError::NoChange("the incident already has that name.".to_string()));
        }
        let from = std::mem::replace(&mut self.name, name.clone());
        self.record(actor_id, now_ms, TimelineEventKind::Renamed { from, to: name });
        Ok(())
    }

    /// Replaces the summary (same rules as at the start: up to 4,000 characters, line breaks
    /// kept; empty clears it). The old text stays in the timeline event.
    pub fn change_summary(&mut self, actor_id: &str, summary: &str, now_ms: i64) -> Result<(), DomainError> {
        self.check_mutable(actor_id)?;
        let summary = text::multi_line(summary, MAX_TEXT_CHARS).map_err(DomainError::InvalidSummary)?;
        if summary == self.summary {
            return Err(DomainError::NoChange("the summary already reads that way.".to_string()));
        }
        let from = std::mem::replace(&mut self.summary, summary.clone());
        self.record(actor_id, now_ms, TimelineEventKind::SummaryChanged { from, to: summary });
        Ok(())
    }

    /// The checks every mutation starts with: someone did it, and the incident is still open.
    pub(crate) fn check_mutable(&self, actor_id: &str) -> Result<(), DomainError> {
        require(actor_id, "actor")?;
        if self.state == IncidentState::Ended {
            return Err(DomainError::IncidentEnded);
        }
        Ok(())
    }
}

/// The playbook's checklists as a new incident's: fresh ids, default assignees, and due times
/// counted from the start.
fn copy_checklists(playbook: &Playbook, ids: &mut dyn IdGen, started_at: i64) -> Vec<ChecklistSection> {
    playbook
        .checklists
        .iter()
        .map(|section| ChecklistSection {
            id: ids.new_id(),
            title: section.title.clone(),
            items: section
                .items
                .iter()
                .map(|template| ChecklistItem {
                    description: template.description.clone(),
                    assignee_ids: template.default_assignee_id.iter().cloned().collect(),
                    due_at: template.due_after_minutes.map(|m| started_at + i64::from(m) * 60_000),
                    command: template.command.clone(),
                    condition: template.condition.clone(),
                    ..ChecklistItem::new(ids.new_id(), template.title.clone())
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests;
