//! Where the plugin keeps its data, and opening it: its own SQLite file (one server), or its
//! schema in Mattermost's own database (a cluster), as the `StorageBackend` setting says.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use host_store::{SharedDbStore, SqliteStore, Store, StoreError};
use mm_api::{ApiClient, DriverClient};

use crate::db_driver::DriverConnector;

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
    let dir = config.pointer("/FileSettings/Directory").and_then(|v| v.as_str()).filter(|d| !d.is_empty()).unwrap_or("./data/");
    PathBuf::from(dir).join("plugins").join(plugin_id).join(DB_FILE)
}

/// The storage the admin chose (`StorageBackend` in System Console), read at activation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Database,
}

pub fn backend(settings: &serde_json::Value) -> Result<Backend, String> {
    // Mattermost stores plugin setting keys in lower case.
    match settings.get("storagebackend").and_then(|v| v.as_str()).map(str::trim) {
        None | Some("") | Some("sqlite") => Ok(Backend::Sqlite),
        Some("database") => Ok(Backend::Database),
        Some(other) => Err(format!(
            "StorageBackend is {other:?}; it must be \"sqlite\" or \"database\" (System Console > Plugins > Incident Response)"
        )),
    }
}

pub async fn open_store(api: &ApiClient, driver: Option<DriverClient>, plugin_id: &str) -> Result<Arc<dyn Store>, String> {
    let settings = api.load_plugin_configuration().await.map_err(|e| format!("cannot read the plugin's settings: {e}"))?;
    let config = api.get_config().await.map_err(|e| format!("cannot read the server configuration: {e}"))?;
    match backend(&settings)? {
        Backend::Sqlite if clustered(&config) => {
            Err("Mattermost runs as a cluster (ClusterSettings.Enable), and each server would keep its own incidents \
             in its own file. Set \"Where incidents are stored\" to \"Mattermost's database\" in System Console > \
             Plugins > Incident Response, then enable the plugin again."
                .into())
        }
        Backend::Sqlite => open_sqlite(&config, plugin_id).await,
        Backend::Database => open_shared(&config, driver, plugin_id),
    }
}

fn clustered(config: &serde_json::Value) -> bool {
    config.pointer("/ClusterSettings/Enable").and_then(|v| v.as_bool()).unwrap_or(false)
}

async fn open_sqlite(config: &serde_json::Value, plugin_id: &str) -> Result<Arc<dyn Store>, String> {
    let path = database_path(config, plugin_id);
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

fn open_shared(config: &serde_json::Value, driver: Option<DriverClient>, plugin_id: &str) -> Result<Arc<dyn Store>, String> {
    let driver_name = config.pointer("/SqlSettings/DriverName").and_then(|v| v.as_str()).unwrap_or("postgres");
    if driver_name != "postgres" {
        return Err(format!(
            "StorageBackend \"database\" needs Mattermost on PostgreSQL; this server uses {driver_name}. \
             Choose \"sqlite\" in System Console > Plugins > Incident Response."
        ));
    }
    let driver = driver.ok_or("Mattermost did not offer its database driver to the plugin; choose StorageBackend \"sqlite\"")?;
    let connector = DriverConnector::new(driver, tokio::runtime::Handle::current());
    let store = SharedDbStore::new(Box::new(connector), plugin_id);
    crate::log::info(&format!("database: {}", store.describe()));
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
        assert_eq!(database_path(&serde_json::json!({}), "x"), PathBuf::from("./data/plugins/x/incident-response.db"));
    }

    #[test]
    fn the_backend_setting_defaults_to_sqlite_and_refuses_unknown_values() {
        assert_eq!(backend(&serde_json::json!({})), Ok(Backend::Sqlite));
        assert_eq!(backend(&serde_json::json!({"storagebackend": "database"})), Ok(Backend::Database));
        let err = backend(&serde_json::json!({"storagebackend": "mysql"})).expect_err("mysql is refused");
        assert!(err.contains("must be \"sqlite\" or \"database\""), "{err}");
    }

    #[test]
    fn a_cluster_is_recognised_from_the_server_configuration() {
        assert!(clustered(&serde_json::json!({"ClusterSettings": {"Enable": true}})));
        assert!(!clustered(&serde_json::json!({"ClusterSettings": {"Enable": false}})));
        assert!(!clustered(&serde_json::json!({})));
    }
}
