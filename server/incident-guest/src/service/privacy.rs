//! Privacy follows the channel. Whether team members outside an incident's channel may see the
//! incident is Mattermost's decision about the channel: public, not archived (unless the server
//! keeps archived channels readable), still in the incident's team. Lists filter in SQL on the
//! stored `private` column (store/incident_list.rs), so that column is kept in step three ways:
//!
//! - Mattermost's system messages for a converted, archived, restored or moved channel
//!   (`MessageHasBeenPosted`; there is no channel-updated hook);
//! - every request re-checks the rows it would show as public against their channel now, and
//!   corrects the column (then asks again, so pages and counts come from corrected data);
//! - `RunScheduled` re-checks a batch of incidents a tick, in a cycle over all of them.

use mattermost_plugin_sdk::model::{Channel, Post};

use crate::mattermost::Mattermost;
use crate::service::{Result, Service};
use crate::store::db::Database;
use crate::store::incident_list::Visible;
use crate::store::privacy_rows::PrivacyRow;

/// Mattermost's post types for changes that can change who sees a channel.
const CHANNEL_CHANGE_POSTS: &[&str] =
    &["system_change_chan_privacy", "system_channel_deleted", "system_channel_restored", "system_move_channel"];

/// Incidents re-checked per `RunScheduled` tick: one channel lookup each, so a tick stays
/// short; a team with 6,000 incidents is covered in an hour.
pub const RECHECK_BATCH: i64 = 100;
const RECHECK_CURSOR_KEY: &str = "privacy_recheck_after";

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// Whether team members outside the channel must not see the incident, because Mattermost
    /// would not show them the channel: it is not public, it is gone, it was moved to another
    /// team (the incident keeps its team and number), or it is archived while the server hides
    /// archived channels (`ExperimentalViewArchivedChannels` off).
    pub(crate) fn channel_hides_incident(&self, incident_team_id: &str, channel: Option<&Channel>) -> bool {
        match channel {
            None => true,
            Some(c) => {
                c.channel_type != "O" || c.team_id != incident_team_id || (c.delete_at != 0 && !self.mm.view_archived_channels())
            }
        }
    }

    /// Brings one incident's `private` column in step with its channel; true when it changed,
    /// or, with `stored` known, when what was read is out of date: another hook (the channel's
    /// system message) may have corrected the column between the caller's read and this write,
    /// which then changes no row, yet the caller still holds the stale page and must read again.
    /// `stored` is the column as read, when known: nothing is written when it is right.
    /// A channel that cannot be looked up changes nothing: the lookup fails while the server
    /// stops or is busy, and taking that for "gone" would hide every public incident until the
    /// next cycle (detail views still treat it as hidden, `may_view`).
    pub(crate) fn refresh_privacy(&self, row: &PrivacyRow, stored: Option<bool>) -> Result<bool> {
        let Some(channel) = self.mm.channel(&row.channel_id) else {
            return Ok(false);
        };
        let hidden = self.channel_hides_incident(&row.team_id, Some(&channel));
        if stored == Some(hidden) {
            return Ok(false);
        }
        let changed = self.repo.set_private(&row.id, hidden)?;
        Ok(changed || stored.is_some())
    }

    /// MessageHasBeenPosted: Mattermost's own message in a channel that was converted,
    /// archived, restored or moved; answers whether an incident's privacy changed.
    pub fn follow_channel_change(&mut self, post: &Post) -> Result<bool> {
        if !CHANNEL_CHANGE_POSTS.contains(&post.post_type.as_str()) {
            return Ok(false);
        }
        let mut changed = false;
        for row in self.repo.privacy_rows_of_channel(&post.channel_id)? {
            changed |= self.refresh_privacy(&row, None)?;
        }
        Ok(changed)
    }

    /// RunScheduled: re-checks the next batch of incidents' channels (all incidents, in a
    /// cycle: a conversion whose system message was missed is caught within the cycle).
    /// Answers how many it corrected.
    pub fn recheck_privacy(&mut self) -> Result<usize> {
        let after = self.repo.meta(RECHECK_CURSOR_KEY)?.unwrap_or_default();
        let batch = self.repo.privacy_rows_after(&after, RECHECK_BATCH)?;
        let mut corrected = 0;
        for (row, stored) in &batch {
            if self.refresh_privacy(row, *stored)? {
                corrected += 1;
            }
        }
        // A short batch ends the cycle: the next tick starts from the beginning. The cursor is
        // written only when it moves, so a quiet server's ticks write nothing.
        let next = if (batch.len() as i64) < RECHECK_BATCH {
            String::new()
        } else {
            batch.last().map(|(r, _)| r.id.clone()).unwrap_or_default()
        };
        if next != after {
            self.repo.set_meta(RECHECK_CURSOR_KEY, &next)?;
        }
        Ok(corrected)
    }

    /// The rows of a page that passed the SQL filter as public (not among `visible`'s checked
    /// ids), each re-checked against its channel now; a hidden one has its column corrected.
    /// True when any was: the caller asks again.
    pub(crate) fn correct_public_rows<'r>(
        &self,
        rows: impl IntoIterator<Item = PrivacyRowRef<'r>>,
        visible: &Visible,
    ) -> Result<bool> {
        let Visible::PublicAnd(checked) = visible else {
            // Admins see every incident; guests only those of their channels.
            return Ok(false);
        };
        let mut corrected = false;
        for row in rows {
            if checked.iter().any(|id| id == row.id) {
                continue;
            }
            let owned =
                PrivacyRow { id: row.id.to_owned(), team_id: row.team_id.to_owned(), channel_id: row.channel_id.to_owned() };
            // It passed the SQL filter as public: its column says 0.
            corrected |= self.refresh_privacy(&owned, Some(false))?;
        }
        Ok(corrected)
    }
}

/// A borrowed [`PrivacyRow`], from an incident already loaded.
#[derive(Clone, Copy)]
pub struct PrivacyRowRef<'r> {
    pub id: &'r str,
    pub team_id: &'r str,
    pub channel_id: &'r str,
}

impl<'r> From<&'r PrivacyRow> for PrivacyRowRef<'r> {
    fn from(r: &'r PrivacyRow) -> Self {
        PrivacyRowRef { id: &r.id, team_id: &r.team_id, channel_id: &r.channel_id }
    }
}

impl<'r> From<&'r incident_core::Incident> for PrivacyRowRef<'r> {
    fn from(i: &'r incident_core::Incident) -> Self {
        PrivacyRowRef { id: &i.id, team_id: &i.team_id, channel_id: &i.channel_id }
    }
}
