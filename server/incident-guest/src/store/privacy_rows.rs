//! The SQL behind privacy following the channel (service/privacy.rs): the incident rows it
//! re-checks, and the stored `private` column it corrects.

use mattermost_plugin_sdk::store::Statement;

use crate::store::db::Database;
use crate::store::repo::{Repo, RepoError};

/// An incident row as the privacy checks need it.
pub struct PrivacyRow {
    pub id: String,
    pub team_id: String,
    pub channel_id: String,
}

impl<D: Database> Repo<'_, D> {
    /// Sets the `private` column; true when it changed.
    pub fn set_private(&self, incident_id: &str, private: bool) -> std::result::Result<bool, RepoError> {
        let value = i64::from(private);
        let changed = self.db().execute(vec![Statement::new(
            "UPDATE incidents SET private = ? WHERE id = ? AND state != 'starting' AND (private IS NULL OR private != ?)",
            vec![value.into(), incident_id.into(), value.into()],
        )])?;
        Ok(changed.first().copied().unwrap_or(0) > 0)
    }

    /// The incidents whose channel is `channel_id` (one, unless data was copied by hand).
    pub fn privacy_rows_of_channel(&self, channel_id: &str) -> std::result::Result<Vec<PrivacyRow>, RepoError> {
        let rows = self.db().query(
            "SELECT id, team_id, channel_id FROM incidents WHERE channel_id = ? AND state != 'starting' LIMIT 10",
            &[channel_id.into()],
        )?;
        privacy_rows(&rows)
    }

    /// The next `limit` incidents after `after_id`, by id, with their stored `private`
    /// (None while not yet known).
    pub fn privacy_rows_after(
        &self,
        after_id: &str,
        limit: i64,
    ) -> std::result::Result<Vec<(PrivacyRow, Option<bool>)>, RepoError> {
        let rows = self.db().query(
            "SELECT id, team_id, channel_id, private FROM incidents WHERE state != 'starting' AND id > ? ORDER BY id LIMIT ?",
            &[after_id.into(), limit.into()],
        )?;
        let stored: Vec<Option<bool>> = (0..rows.len()).map(|i| rows.integer(i, "private").ok().map(|p| p != 0)).collect();
        Ok(privacy_rows(&rows)?.into_iter().zip(stored).collect())
    }
}

fn privacy_rows(rows: &mattermost_plugin_sdk::store::Rows) -> std::result::Result<Vec<PrivacyRow>, RepoError> {
    (0..rows.len())
        .map(|i| {
            Ok(PrivacyRow { id: rows.text(i, "id")?, team_id: rows.text(i, "team_id")?, channel_id: rows.text(i, "channel_id")? })
        })
        .collect()
}
