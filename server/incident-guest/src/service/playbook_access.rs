//! Who may point a playbook's announcements where: kept apart from the playbook operations in
//! service.rs, which call it on create and update.

use crate::mattermost::Mattermost;
use crate::service::{Result, Service, ServiceError, short};
use crate::store::db::Database;

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// The bot announces every incident of a playbook, and posts its status updates and report,
    /// in the playbook's announcement channels. So an editor may only name channels of the
    /// playbook's team that they can read and post in themselves (`create_post`): a channel made
    /// read-only through channel moderation, or one they are not a member of, is refused, or
    /// editing a playbook would let anyone post as the bot where they may not (security review
    /// #1). Channels already on the playbook (set by an admin) may stay. Duplicates are removed
    /// (`Playbook::normalised` drops them too), and at most
    /// [`MAX_ANNOUNCEMENT_CHANNELS`](incident_core::playbook::MAX_ANNOUNCEMENT_CHANNELS) remain.
    pub(crate) fn check_announcement_channels(
        &self,
        user_id: &str,
        team_id: &str,
        wanted: &[String],
        kept: &[String],
    ) -> Result<()> {
        let distinct = incident_core::playbook::distinct_channel_ids(wanted);
        let max = incident_core::playbook::MAX_ANNOUNCEMENT_CHANNELS;
        if distinct.len() > max {
            return Err(ServiceError::Invalid(format!(
                "`announcement_channel_ids` names {} channels; the limit is {max}.",
                distinct.len()
            )));
        }
        for channel_id in distinct.iter().filter(|c| !kept.contains(c)) {
            let readable =
                self.mm.channel(channel_id).is_some_and(|c| c.team_id == team_id) && self.may_read_channel(channel_id, user_id);
            if !readable {
                return Err(ServiceError::Invalid(format!(
                    "`announcement_channel_ids`: {} is not a channel of this team that you can read.",
                    short(channel_id)
                )));
            }
            if !self.mm.may_post(channel_id, user_id) {
                return Err(ServiceError::Invalid(format!(
                    "`announcement_channel_ids`: you cannot post in {} (it is read-only for you, or you are not a member), so the bot may not announce there for you.",
                    short(channel_id)
                )));
            }
        }
        Ok(())
    }
}
