//! The plugin logic's native tests: scenarios that drive commands and REST end to end against
//! the real SQL and a recording fake Mattermost (`fake_mattermost`). Test code may depend on
//! every layer; no production module depends on it.

pub(crate) mod dossier;
pub(crate) mod edit;
pub(crate) mod fake_mattermost;
pub(crate) mod fields;
mod here;
mod load;
pub(crate) mod paging;
pub(crate) mod playbook_conduct;
pub(crate) mod privacy;
pub(crate) mod reminders;
pub(crate) mod scenarios;
pub(crate) mod security;
pub(crate) mod shared_channels;
mod similar;
mod start_commands;
pub(crate) mod tasks;
mod team_conduct;
mod time_zones;
pub(crate) mod unicode;
pub(crate) mod webhooks;

/// The manifest and the crate must name the same version: the server shows one, `/incident
/// ping` and the health endpoint the other.
#[test]
fn plugin_json_version_matches_the_crate() {
    let manifest = include_str!("../../../../plugin.json");
    let json: serde_json::Value = serde_json::from_str(manifest).expect("plugin.json is JSON");
    assert_eq!(json["version"], crate::manifest::VERSION);
    assert_eq!(json["id"], crate::manifest::PLUGIN_ID);
}
