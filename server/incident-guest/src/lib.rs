//! Incident Response's plugin logic. Built for `wasm32-wasip2` and run by the host's wasmtime;
//! also compiles natively so its logic is unit-tested without wasm.

mod command;
mod http_api;

use mattermost_plugin_sdk::model::{AppError, CommandArgs, CommandResponse, Context};
use mattermost_plugin_sdk::{Api, Hook, HttpRequest, HttpResponse, LogLevel, Plugin};

/// The plugin version, which `plugin.json` must match (checked by a test).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const PLUGIN_ID: &str = "incident-response";

#[derive(Default)]
pub struct IncidentResponse;

impl Plugin for IncidentResponse {
    const HOOKS: &'static [Hook] = &[Hook::OnActivate, Hook::ExecuteCommand, Hook::ServeHttp];

    fn on_activate(&self, api: &Api) -> Result<(), String> {
        api.register_command(&command::registration())
            .map_err(|e| format!("cannot register /{}: {e}", command::TRIGGER))?;
        api.log(LogLevel::Info, "Incident Response activated", &[("version", VERSION)]);
        Ok(())
    }

    fn execute_command(&self, api: &Api, _ctx: &Context, args: &CommandArgs) -> Result<CommandResponse, AppError> {
        Ok(command::execute(api, args))
    }

    fn serve_http(&self, _api: &Api, _ctx: &Context, request: &HttpRequest) -> HttpResponse {
        http_api::route(request)
    }
}

#[cfg(target_family = "wasm")]
mattermost_plugin_sdk::export_plugin!(IncidentResponse);

#[cfg(test)]
mod tests {
    /// The manifest and the crate must name the same version: the server shows one, `/incident
    /// ping` and the health endpoint the other.
    #[test]
    fn plugin_json_version_matches_the_crate() {
        let manifest = include_str!("../../../plugin.json");
        let json: serde_json::Value = serde_json::from_str(manifest).expect("plugin.json is JSON");
        assert_eq!(json["version"], super::VERSION);
        assert_eq!(json["id"], super::PLUGIN_ID);
    }
}
