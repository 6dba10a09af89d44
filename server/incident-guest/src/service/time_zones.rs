//! Which time zone a time is written in, and read in. Posts into channels, digests, reminders
//! and reports are read by many: they use the team's zone (set in its conduct, else the
//! server's). A reply to one person, and a time that person types, use that person's own
//! Mattermost zone (else the team's).

use incident_core::Zone;
use mattermost_plugin_sdk::model::User;

use crate::mattermost::Mattermost;
use crate::service::Service;
use crate::store::db::Database;

/// The zone a user chose in Mattermost (Settings > Display > Timezone; read as
/// `mattermost::user_time_zone` says). None when unset or not a zone this plugin knows.
pub fn user_time_zone(user: &User) -> Option<Zone> {
    Zone::named(&crate::mattermost::user_time_zone(user)?).ok()
}

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// The server's zone as the host found it; UTC when it could not tell or named no zone.
    pub fn server_zone(&self) -> Zone {
        let name = self.mm.server_time_zone();
        if name.trim().is_empty() {
            return Zone::UTC;
        }
        Zone::named(&name).unwrap_or_else(|e| {
            eprintln!("[WARN] the server's time zone is not used, times are written in UTC: {e}");
            Zone::UTC
        })
    }

    /// The zone the team's posts and reports write times in: its own, else the server's.
    pub fn team_zone(&self, team_id: &str) -> Zone {
        match self.team_conduct_texts(team_id).ok().and_then(|t| t.zone().ok().flatten()) {
            Some(zone) => zone,
            None => self.server_zone(),
        }
    }

    /// The zone of a reply to `user_id` and of the times that user types: their own, else the
    /// team's.
    pub fn caller_zone(&self, user_id: &str, team_id: &str) -> Zone {
        match self.mm.user(user_id).as_ref().and_then(user_time_zone) {
            Some(zone) => zone,
            None => self.team_zone(team_id),
        }
    }
}
