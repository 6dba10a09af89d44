//! Edits after the start (issue 13): the incident's name and summary, a checklist section's
//! title, and the record of an item's slash command being run. Each is one [`Service::change`]
//! (same permission as any change to a running incident: its channel's members and admins),
//! so each edit is a timeline event, a bot line in the channel and a websocket event.

use incident_core::{DomainError, Incident, ItemRef};

use crate::mattermost::Mattermost;
use crate::service::{Result, Service, ServiceError, channel_display_name, channel_purpose};
use crate::store::db::Database;

/// What `PATCH /incidents/{id}` and `/incident rename|summary` ask for; absent fields stay.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncidentEdit {
    pub name: Option<String>,
    pub summary: Option<String>,
}

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// Renames the incident and/or replaces its summary, with the start's rules for each. A
    /// field already as asked is left alone (no event); nothing new at all is a conflict. A
    /// refused field refuses the whole edit.
    pub fn edit_incident(&mut self, user_id: &str, incident_id: &str, edit: &IncidentEdit) -> Result<Incident> {
        if edit.name.is_none() && edit.summary.is_none() {
            return Err(ServiceError::Invalid("Nothing to change: send `name`, `summary` or both.".into()));
        }
        let actor = user_id.to_owned();
        let mut old_name: Option<String> = None;
        let (incident, ()) = self.change(user_id, incident_id, |i, _, now| {
            old_name = None;
            let before = i.name.clone();
            let mut changed = false;
            if let Some(name) = &edit.name {
                match i.rename(&actor, name, now) {
                    Ok(()) => {
                        changed = true;
                        old_name = Some(before);
                    }
                    Err(DomainError::NoChange(_)) => {}
                    Err(e) => return Err(e),
                }
            }
            if let Some(summary) = &edit.summary {
                match i.change_summary(&actor, summary, now) {
                    Ok(()) => changed = true,
                    Err(DomainError::NoChange(_)) => {}
                    Err(e) => return Err(e),
                }
            }
            if changed { Ok(()) } else { Err(DomainError::NoChange("the incident already has that name and summary.".into())) }
        })?;
        if let Some(old) = old_name {
            self.follow_name_in_channel(&incident, &old);
        }
        Ok(incident)
    }

    /// The start names the channel after the incident (display name `INC-0042 <name>`, purpose
    /// `Incident INC-0042: <name>`), so a rename renames the channel's display name too. The
    /// purpose follows only while it is still the one the start wrote (someone may have
    /// rewritten it). The channel's URL name stays: links to it keep working. Best effort, like
    /// the header: the rename itself is saved.
    /// A channel the incident did not create (`--here`) keeps its names.
    fn follow_name_in_channel(&self, incident: &Incident, old_name: &str) {
        if incident.existing_channel {
            return;
        }
        let Some(mut channel) = self.mm.channel(&incident.channel_id) else {
            return;
        };
        let display = channel_display_name(incident.number, &incident.name);
        let purpose_was_ours = channel.purpose == channel_purpose(incident.number, old_name);
        if channel.display_name == display && !purpose_was_ours {
            return;
        }
        channel.display_name = display;
        if purpose_was_ours {
            channel.purpose = channel_purpose(incident.number, &incident.name);
        }
        let _ = self.mm.update_channel(&channel);
    }

    /// Renames a checklist section named by id or 1-based number.
    pub fn rename_section(&mut self, user_id: &str, incident_id: &str, section: &str, title: &str) -> Result<Incident> {
        let actor = user_id.to_owned();
        Ok(self.change(user_id, incident_id, |i, _, now| i.rename_section(&actor, section, title, now))?.0)
    }

    /// Records that the user ran the item's slash command (the webapp ran it through
    /// Mattermost's own command API first). Same permission as checking the item.
    pub fn record_command_run(&mut self, user_id: &str, incident_id: &str, item: ItemRef) -> Result<Incident> {
        let actor = user_id.to_owned();
        Ok(self.change(user_id, incident_id, |i, _, now| i.record_command_run(&actor, item.clone(), now))?.0)
    }
}
