//! Who may point a playbook's announcements where: kept apart from the playbook operations in
//! service.rs, which call it on create and update.

use crate::db::Database;
use crate::platform::Mattermost;
use crate::service::{Result, Service, ServiceError, short};

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// The bot announces every incident of a playbook in its announcement channels, so an
    /// editor may only name channels of the playbook's team that they can read themselves;
    /// otherwise editing a playbook would post incident names into channels the editor cannot
    /// see, or into another team. Channels already on the playbook (set by an admin) may stay.
    pub(crate) fn check_announcement_channels(&self, user_id: &str, team_id: &str, wanted: &[String], kept: &[String]) -> Result<()> {
        for channel_id in wanted.iter().filter(|c| !kept.contains(c)) {
            let readable = self.mm.channel(channel_id).is_some_and(|c| c.team_id == team_id) && self.may_read_channel(channel_id, user_id);
            if !readable {
                return Err(ServiceError::Invalid(format!(
                    "`announcement_channel_ids`: {} is not a channel of this team that you can read.",
                    short(channel_id)
                )));
            }
        }
        Ok(())
    }
}
