//! Host side of interface `mattermost:plugin@0.1.0` (wit/v0.1; frozen once the plugin's first
//! release ships, docs/ARCHITECTURE.md): the `api` and `types` imports here, `store` and
//! `outbound` beside it.
//!
//! A later version gets a folder of its own (`v0_2/`) with its own `bindgen!`; the runtime then
//! picks the module by the version the guest imports (see `check_interface`).

mod outbound;
mod store;

use mm_api::{ApiClient, ApiError, LogLevel};
use mm_model::{
    Bot, Channel, Command, CommandArgs, OpenDialogRequest, Post, Props, SidebarCategoryWithChannels, WebsocketBroadcast,
};
use mm_protocol::{HttpRequest, HttpResponse};
use wasmtime::component::{HasSelf, Linker};

use crate::HostState;
use crate::state::ConfigKind;

wasmtime::component::bindgen!({
    path: "../wit/v0.1",
    world: "plugin",
});

use exports::mattermost::plugin::hooks::Guest as HooksGuest;
use mattermost::plugin::types as wit;

pub(crate) fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    Plugin::add_to_linker::<HostState, HasSelf<HostState>>(linker, |s| s)
}

impl Plugin {
    pub(crate) fn hooks(&self) -> &HooksGuest {
        self.mattermost_plugin_hooks()
    }
}

pub(crate) fn app_error_from_guest(e: wit::AppError) -> mm_model::AppError {
    mm_model::AppError {
        id: e.id,
        message: e.message,
        detailed_error: e.detailed_error,
        status_code: i64::from(e.status_code),
        where_: e.where_,
        ..mm_model::AppError::default()
    }
}

pub(crate) fn http_request_to_guest(r: &HttpRequest) -> wit::HttpRequest {
    wit::HttpRequest {
        method: r.method.clone(),
        url: r.url.clone(),
        headers: r.headers.iter().map(|(name, value)| wit::Header { name: name.clone(), value: value.clone() }).collect(),
        body: r.body.clone(),
    }
}

pub(crate) fn http_response_from_guest(r: wit::HttpResponse) -> HttpResponse {
    HttpResponse { status: r.status, headers: r.headers.into_iter().map(|h| (h.name, h.value)).collect(), body: r.body }
}

fn to_wit(e: ApiError) -> wit::ApiError {
    match e {
        ApiError::App { error, .. } => {
            let error = *error;
            wit::ApiError::App(wit::AppError {
                id: error.id,
                message: error.message,
                detailed_error: error.detailed_error,
                status_code: i32::try_from(error.status_code).unwrap_or(500),
                where_: error.where_,
            })
        }
        ApiError::Remote { method, message } => wit::ApiError::Remote(format!("{method}: {message}")),
        other => wit::ApiError::Transport(other.to_string()),
    }
}

/// Reads a model the guest passed as JSON.
fn parse<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> Result<T, wit::ApiError> {
    serde_json::from_str(json).map_err(|e| wit::ApiError::InvalidArgument(format!("{what}: {e}")))
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, wit::ApiError> {
    serde_json::to_string(v).map_err(|e| wit::ApiError::Transport(e.to_string()))
}

type R<T> = Result<T, wit::ApiError>;

impl HostState {
    /// One API call returning a model, answered to the guest as JSON.
    fn model_call<T, F, Fut>(&mut self, method: &'static str, f: F) -> R<String>
    where
        T: serde::Serialize,
        F: FnOnce(ApiClient) -> Fut,
        Fut: std::future::Future<Output = Result<T, ApiError>>,
    {
        let value = self.block_on(method, f).map_err(to_wit)?;
        json(&value)
    }

    fn unit_call<F, Fut>(&mut self, method: &'static str, f: F) -> R<()>
    where
        F: FnOnce(ApiClient) -> Fut,
        Fut: std::future::Future<Output = Result<(), ApiError>>,
    {
        self.block_on(method, f).map_err(to_wit)
    }
}

impl HostState {
    /// A configuration from the cache, or read from the server and cached (see `ConfigCache`).
    fn cached_config(&mut self, kind: ConfigKind, read: impl FnOnce(&mut Self) -> R<String>) -> R<String> {
        if let Some(json) = self.configs.get(kind) {
            return Ok(json);
        }
        let generation = self.configs.generation();
        let json = read(self)?;
        self.configs.put(kind, &json, generation);
        Ok(json)
    }
}

impl wit::Host for HostState {}

impl mattermost::plugin::api::Host for HostState {
    fn log(&mut self, level: wit::LogLevel, message: String, fields: Vec<(String, String)>) {
        let level = match level {
            wit::LogLevel::Debug => LogLevel::Debug,
            wit::LogLevel::Info => LogLevel::Info,
            wit::LogLevel::Warn => LogLevel::Warn,
            wit::LogLevel::Error => LogLevel::Error,
        };
        // Logging never fails the guest; a lost log line is reported on our stderr.
        if let Err(e) = self.block_on("Log", |api| async move { api.log(level, &message, &fields).await }) {
            eprintln!("[WARN] plugin log call failed: {e}");
        }
    }

    fn get_server_version(&mut self) -> String {
        self.block_on("GetServerVersion", |api| async move { api.get_server_version().await }).unwrap_or_default()
    }

    fn get_bundle_path(&mut self) -> R<String> {
        self.block_on("GetBundlePath", |api| async move { api.get_bundle_path().await }).map_err(to_wit)
    }

    fn get_config(&mut self) -> R<String> {
        self.cached_config(ConfigKind::Server, |s| s.model_call("GetConfig", |api| async move { api.get_config().await }))
    }

    fn load_plugin_configuration(&mut self) -> R<String> {
        self.cached_config(ConfigKind::Plugin, |s| {
            s.model_call("LoadPluginConfiguration", |api| async move { api.load_plugin_configuration().await })
        })
    }

    fn register_command(&mut self, command: String) -> R<()> {
        let command: Command = parse("command", &command)?;
        self.unit_call("RegisterCommand", |api| async move { api.register_command(&command).await })
    }

    fn unregister_command(&mut self, team_id: String, trigger: String) -> R<()> {
        self.unit_call("UnregisterCommand", |api| async move { api.unregister_command(&team_id, &trigger).await })
    }

    fn create_post(&mut self, post: String) -> R<String> {
        let post: Post = parse("post", &post)?;
        self.model_call("CreatePost", |api| async move { api.create_post(&post).await })
    }

    fn update_post(&mut self, post: String) -> R<String> {
        let post: Post = parse("post", &post)?;
        self.model_call("UpdatePost", |api| async move { api.update_post(&post).await })
    }

    fn get_post(&mut self, post_id: String) -> R<String> {
        self.model_call("GetPost", |api| async move { api.get_post(&post_id).await })
    }

    fn get_post_thread(&mut self, post_id: String) -> R<String> {
        self.model_call("GetPostThread", |api| async move { api.get_post_thread(&post_id).await })
    }

    fn send_ephemeral_post(&mut self, user_id: String, post: String) -> R<String> {
        let post: Post = parse("post", &post)?;
        self.model_call("SendEphemeralPost", |api| async move { api.send_ephemeral_post(&user_id, &post).await })
    }

    fn delete_post(&mut self, post_id: String) -> R<()> {
        self.unit_call("DeletePost", |api| async move { api.delete_post(&post_id).await })
    }

    fn create_channel(&mut self, channel: String) -> R<String> {
        let channel: Channel = parse("channel", &channel)?;
        self.model_call("CreateChannel", |api| async move { api.create_channel(&channel).await })
    }

    fn get_channel(&mut self, channel_id: String) -> R<String> {
        self.model_call("GetChannel", |api| async move { api.get_channel(&channel_id).await })
    }

    fn get_channel_by_name(&mut self, team_id: String, name: String, include_deleted: bool) -> R<String> {
        self.model_call("GetChannelByName", |api| async move { api.get_channel_by_name(&team_id, &name, include_deleted).await })
    }

    fn update_channel(&mut self, channel: String) -> R<String> {
        let channel: Channel = parse("channel", &channel)?;
        self.model_call("UpdateChannel", |api| async move { api.update_channel(&channel).await })
    }

    fn delete_channel(&mut self, channel_id: String) -> R<()> {
        self.unit_call("DeleteChannel", |api| async move { api.delete_channel(&channel_id).await })
    }

    fn get_channel_sidebar_categories(&mut self, user_id: String, team_id: String) -> R<String> {
        self.model_call("GetChannelSidebarCategories", |api| async move {
            api.get_channel_sidebar_categories(&user_id, &team_id).await
        })
    }

    fn create_channel_sidebar_category(&mut self, user_id: String, team_id: String, category: String) -> R<String> {
        let category: SidebarCategoryWithChannels = parse("sidebar category", &category)?;
        self.model_call("CreateChannelSidebarCategory", |api| async move {
            api.create_channel_sidebar_category(&user_id, &team_id, &category).await
        })
    }

    fn update_channel_sidebar_categories(&mut self, user_id: String, team_id: String, categories: String) -> R<String> {
        let categories: Vec<SidebarCategoryWithChannels> = parse("sidebar categories", &categories)?;
        self.model_call("UpdateChannelSidebarCategories", |api| async move {
            api.update_channel_sidebar_categories(&user_id, &team_id, &categories).await
        })
    }

    fn add_channel_member(&mut self, channel_id: String, user_id: String) -> R<String> {
        self.model_call("AddChannelMember", |api| async move { api.add_channel_member(&channel_id, &user_id).await })
    }

    fn get_channel_member(&mut self, channel_id: String, user_id: String) -> R<String> {
        self.model_call("GetChannelMember", |api| async move { api.get_channel_member(&channel_id, &user_id).await })
    }

    fn get_direct_channel(&mut self, user_id1: String, user_id2: String) -> R<String> {
        self.model_call("GetDirectChannel", |api| async move { api.get_direct_channel(&user_id1, &user_id2).await })
    }

    fn get_user(&mut self, user_id: String) -> R<String> {
        self.model_call("GetUser", |api| async move { api.get_user(&user_id).await })
    }

    fn get_user_by_username(&mut self, username: String) -> R<String> {
        self.model_call("GetUserByUsername", |api| async move { api.get_user_by_username(&username).await })
    }

    fn get_users_in_channel(&mut self, channel_id: String, sort_by: String, page: i32, per_page: i32) -> R<String> {
        self.model_call("GetUsersInChannel", |api| async move {
            api.get_users_in_channel(&channel_id, &sort_by, i64::from(page), i64::from(per_page)).await
        })
    }

    fn get_group_by_name(&mut self, name: String) -> R<String> {
        self.model_call("GetGroupByName", |api| async move { api.get_group_by_name(&name).await })
    }

    fn get_group_member_users(&mut self, group_id: String, page: i32, per_page: i32) -> R<String> {
        self.model_call("GetGroupMemberUsers", |api| async move {
            api.get_group_member_users(&group_id, i64::from(page), i64::from(per_page)).await
        })
    }

    fn get_team(&mut self, team_id: String) -> R<String> {
        self.model_call("GetTeam", |api| async move { api.get_team(&team_id).await })
    }

    fn get_team_member(&mut self, team_id: String, user_id: String) -> R<String> {
        self.model_call("GetTeamMember", |api| async move { api.get_team_member(&team_id, &user_id).await })
    }

    fn create_team_member(&mut self, team_id: String, user_id: String) -> R<String> {
        self.model_call("CreateTeamMember", |api| async move { api.create_team_member(&team_id, &user_id).await })
    }

    fn has_permission_to(&mut self, user_id: String, permission_id: String) -> bool {
        // A failed check is a denial: never grant on error.
        self.block_on("HasPermissionTo", |api| async move { api.has_permission_to(&user_id, &permission_id).await })
            .unwrap_or(false)
    }

    fn has_permission_to_team(&mut self, user_id: String, team_id: String, permission_id: String) -> bool {
        self.block_on(
            "HasPermissionToTeam",
            |api| async move { api.has_permission_to_team(&user_id, &team_id, &permission_id).await },
        )
        .unwrap_or(false)
    }

    fn has_permission_to_channel(&mut self, user_id: String, channel_id: String, permission_id: String) -> bool {
        self.block_on("HasPermissionToChannel", |api| async move {
            api.has_permission_to_channel(&user_id, &channel_id, &permission_id).await
        })
        .unwrap_or(false)
    }

    fn ensure_bot_user(&mut self, bot: String) -> R<String> {
        let bot: Bot = parse("bot", &bot)?;
        self.block_on("EnsureBotUser", |api| async move { api.ensure_bot_user(&bot).await }).map_err(to_wit)
    }

    fn set_profile_image(&mut self, user_id: String, image: Vec<u8>) -> R<()> {
        self.unit_call("SetProfileImage", |api| async move { api.set_profile_image(&user_id, &image).await })
    }

    fn publish_websocket_event(&mut self, event: String, payload: String, broadcast: String) {
        let payload: Props = match serde_json::from_str(&payload) {
            Ok(p) => p,
            Err(e) => return eprintln!("[WARN] websocket event {event}: payload is not a JSON object: {e}"),
        };
        let broadcast: WebsocketBroadcast = serde_json::from_str(&broadcast).unwrap_or_default();
        if let Err(e) = self.block_on("PublishWebSocketEvent", |api| async move {
            api.publish_websocket_event(&event, &payload, &broadcast).await
        }) {
            eprintln!("[WARN] {e}");
        }
    }

    fn publish_plugin_cluster_event(&mut self, id: String, data: Vec<u8>, send_type: String, target_id: String) -> R<()> {
        self.unit_call("PublishPluginClusterEvent", |api| async move {
            api.publish_plugin_cluster_event(&id, &data, &send_type, &target_id).await
        })
    }

    fn open_interactive_dialog(&mut self, request: String) -> R<()> {
        let request: OpenDialogRequest = parse("dialog request", &request)?;
        self.unit_call("OpenInteractiveDialog", |api| async move { api.open_interactive_dialog(&request).await })
    }

    fn execute_slash_command(&mut self, args: String) -> R<String> {
        let args: CommandArgs = parse("command args", &args)?;
        self.model_call("ExecuteSlashCommand", |api| async move { api.execute_slash_command(&args).await })
    }

    fn kv_get(&mut self, key: String) -> R<Option<Vec<u8>>> {
        self.block_on("KVGet", |api| async move { api.kv_get(&key).await }).map_err(to_wit)
    }

    fn kv_set(&mut self, key: String, value: Vec<u8>) -> R<()> {
        self.unit_call("KVSet", |api| async move { api.kv_set(&key, &value).await })
    }

    fn kv_delete(&mut self, key: String) -> R<()> {
        self.unit_call("KVDelete", |api| async move { api.kv_delete(&key).await })
    }

    fn kv_compare_and_set(&mut self, key: String, old_value: Option<Vec<u8>>, new_value: Vec<u8>) -> R<bool> {
        self.block_on(
            "KVCompareAndSet",
            |api| async move { api.kv_compare_and_set(&key, old_value.as_deref(), &new_value).await },
        )
        .map_err(to_wit)
    }

    fn kv_set_with_options(
        &mut self,
        key: String,
        value: Vec<u8>,
        atomic: bool,
        old_value: Option<Vec<u8>>,
        expire_in_seconds: i64,
    ) -> R<bool> {
        self.block_on("KVSetWithOptions", |api| async move {
            api.kv_set_with_options(&key, &value, atomic, old_value.as_deref(), expire_in_seconds).await
        })
        .map_err(to_wit)
    }
}
