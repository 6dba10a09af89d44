//! The SQL behind paging (service/paging.rs): the team's settings and the incidents whose
//! resolves are to be retried, both kept in the `meta` key-value table (no migration needed).

use mattermost_plugin_sdk::store::Statement;

use crate::store::db::Database;
use crate::store::repo::{Repo, RepoError};

type Result<T> = std::result::Result<T, RepoError>;

impl<D: Database> Repo<'_, D> {
    /// Up to `limit` (key, value) pairs whose key starts with `prefix`, in key order. An exact
    /// comparison of the key's start: LIKE would read `_` as a wildcard, and a range would
    /// follow the database's collation.
    pub fn meta_with_prefix(&self, prefix: &str, limit: i64) -> Result<Vec<(String, String)>> {
        let sql =
            format!("SELECT key, value FROM meta WHERE substr(key, 1, {}) = ? ORDER BY key LIMIT ?", prefix.chars().count());
        let rows = self.db().query(&sql, &[prefix.into(), limit.into()])?;
        (0..rows.len()).map(|i| Ok((rows.text(i, "key")?, rows.text(i, "value")?))).collect()
    }

    /// Sets `key` unless it is set already.
    pub fn set_meta_if_absent(&self, key: &str, value: &str) -> Result<()> {
        self.db().execute(vec![Statement::new(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            vec![key.into(), value.into()],
        )])?;
        Ok(())
    }
}
