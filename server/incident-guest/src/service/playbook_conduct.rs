//! Per-playbook conduct (issue 17): the welcome message whoever joins an active incident's
//! channel gets (only they see it, from the bot), the people and groups a playbook brings
//! into the channel at the start, and the sidebar category the channel is filed under for them.

use incident_core::{Incident, Playbook, render};
use mattermost_plugin_sdk::model::Post;

use crate::mattermost::Mattermost;
use crate::service::{Result, Service, ServiceError};

/// A group brings at most this many people into an incident channel (as stakeholder groups).
const MAX_GROUP_INVITES: usize = 200;
use crate::store::db::Database;

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// Called for every channel join on the server (`UserHasJoinedChannel`); answers whether a
    /// welcome was shown. A channel several active incidents share gives one welcome each.
    pub fn welcome(&self, channel_id: &str, user_id: &str) -> Result<bool> {
        if user_id.is_empty() || user_id == self.bot_id {
            return Ok(false);
        }
        let mut shown = false;
        for found in self.repo.active_incidents_by_channel(channel_id)? {
            let incident = found.value;
            if incident.welcome_message.trim().is_empty() {
                continue;
            }
            let message = format!(
                "#### Welcome to {} · {}\n{}",
                incident.reference(),
                render::safe(&incident.name),
                render::safe(&incident.welcome_message)
            );
            let post = Post { channel_id: channel_id.to_owned(), user_id: self.bot_id.clone(), message, ..Post::default() };
            self.mm.ephemeral(user_id, &post);
            shown = true;
        }
        Ok(shown)
    }
}

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// A playbook's invited people must be active members of its team.
    pub(crate) fn check_invited_users(&self, team_id: &str, user_ids: &[String]) -> Result<()> {
        match user_ids.iter().map(|id| id.trim()).find(|id| !id.is_empty() && !self.is_active_team_member(team_id, id)) {
            Some(id) => Err(ServiceError::Invalid(format!(
                "`invited_user_ids`: {} is not an active member of this team.",
                crate::service::short(id)
            ))),
            None => Ok(()),
        }
    }

    /// Adds the playbook's invited people and its groups' members (on the team, up to a bound
    /// per group) to a new incident's channel. Best effort: a group that no longer exists or a
    /// person who left the team is skipped, never a reason to fail the start. Returns who was added.
    pub(crate) fn invite_from_playbook(&self, incident: &Incident, playbook: &Playbook) -> Vec<String> {
        let mut people: Vec<String> = playbook.invited_user_ids.clone();
        for group in &playbook.invited_groups {
            people.extend(self.mm.group_members(group, MAX_GROUP_INVITES).unwrap_or_default());
        }
        let mut added = Vec::new();
        for user_id in people {
            if self.is_active_team_member(&incident.team_id, &user_id)
                && !self.mm.is_channel_member(&incident.channel_id, &user_id)
                && self.mm.add_channel_member(&incident.channel_id, &user_id).is_ok()
            {
                added.push(user_id);
            }
        }
        added
    }

    /// Files a new incident's channel under the playbook's sidebar category for the people the
    /// start added to it (not the bot). Best effort: a sidebar that cannot be changed is logged
    /// and skipped; the incident has started.
    pub(crate) fn file_in_sidebar(&self, incident: &Incident, category: &str, people: &[&str]) {
        if category.trim().is_empty() {
            return;
        }
        let mut done: Vec<&str> = Vec::new();
        for &user_id in people {
            if user_id.is_empty() || user_id == self.bot_id || done.contains(&user_id) {
                continue;
            }
            done.push(user_id);
            if let Err(e) = self.mm.add_to_sidebar_category(user_id, &incident.team_id, &incident.channel_id, category) {
                self.mm.warn(
                    "cannot put the incident channel in the playbook's sidebar category",
                    &format!("{} for user {user_id}: {e}", incident.reference()),
                );
            }
        }
    }
}
