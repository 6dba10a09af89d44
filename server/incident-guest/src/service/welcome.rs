//! A playbook's welcome message (issue 17): whoever joins an active incident's channel gets it,
//! as a message only they see, from the bot.

use incident_core::render;
use mattermost_plugin_sdk::model::Post;

use crate::mattermost::Mattermost;
use crate::service::{Result, Service};
use crate::store::db::Database;

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// Called for every channel join on the server (`UserHasJoinedChannel`); answers whether a
    /// welcome was shown.
    pub fn welcome(&self, channel_id: &str, user_id: &str) -> Result<bool> {
        if user_id.is_empty() || user_id == self.bot_id {
            return Ok(false);
        }
        let Some(found) = self.repo.incident_by_channel(channel_id)? else { return Ok(false) };
        let incident = found.value;
        if !incident.is_active() || incident.welcome_message.trim().is_empty() {
            return Ok(false);
        }
        let message = format!(
            "#### Welcome to {} · {}\n{}",
            incident.reference(),
            render::safe(&incident.name),
            render::safe(&incident.welcome_message)
        );
        let post = Post { channel_id: channel_id.to_owned(), user_id: self.bot_id.clone(), message, ..Post::default() };
        self.mm.ephemeral(user_id, &post);
        Ok(true)
    }
}
