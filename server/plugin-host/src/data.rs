//! Where the plugin keeps its database, and opening it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use host_store::{SqliteStore, StoreError};
use mm_api::ApiClient;

const DEFAULT_PLUGIN_ID: &str = "incident-response";
const DB_FILE: &str = "incident-response.db";

/// The plugin id from the bundle's manifest (`<bundle>/plugin.json`, two folders above the
/// executable), so a renamed build keeps its own database.
pub fn plugin_id(exe_dir: &Path) -> String {
    let manifest = exe_dir.join("../../plugin.json");
    std::fs::read(&manifest)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|json| json.get("id").and_then(|v| v.as_str()).map(str::to_owned))
        .unwrap_or_else(|| DEFAULT_PLUGIN_ID.to_owned())
}

/// `<FileSettings.Directory>/plugins/<plugin id>/incident-response.db`: the server's own data
/// folder (relative paths resolve against the server's working directory, which is ours), and
/// not the plugin folder, which an upgrade replaces.
pub fn database_path(config: &serde_json::Value, plugin_id: &str) -> PathBuf {
    let dir = config
        .pointer("/FileSettings/Directory")
        .and_then(|v| v.as_str())
        .filter(|d| !d.is_empty())
        .unwrap_or("./data/");
    PathBuf::from(dir).join("plugins").join(plugin_id).join(DB_FILE)
}

pub async fn open_store(api: &ApiClient, plugin_id: &str) -> Result<Arc<SqliteStore>, String> {
    let config = api.get_config().await.map_err(|e| format!("cannot read the server configuration: {e}"))?;
    let path = database_path(&config, plugin_id);
    let shown = path.display().to_string();
    let store = tokio::task::spawn_blocking(move || SqliteStore::open(&path))
        .await
        .map_err(|e| format!("opening the database: {e}"))?
        .map_err(|e| match e {
            // Already names the file and the fix (host-store's fault.rs).
            StoreError::Unavailable(m) => m,
            other => format!("cannot open the plugin database {shown}: {other}"),
        })?;
    crate::log::info(&format!("database: {shown}"));
    Ok(Arc::new(store))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_lives_in_the_servers_data_folder() {
        let config = serde_json::json!({"FileSettings": {"Directory": "/var/mm/data/"}});
        assert_eq!(
            database_path(&config, "incident-response"),
            PathBuf::from("/var/mm/data/plugins/incident-response/incident-response.db")
        );
        assert_eq!(
            database_path(&serde_json::json!({}), "x"),
            PathBuf::from("./data/plugins/x/incident-response.db")
        );
    }
}
