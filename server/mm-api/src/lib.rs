//! Typed client for the Mattermost plugin API.
//!
//! Every method is one net/rpc call `Plugin.<Method>` on the API stream the host offered in
//! OnActivate (protocol.md §6). Server errors come back as [`ApiError`] values, never panics:
//! `*model.AppError` results as [`ApiError::App`], Go `error` results as [`ApiError::Remote`].

mod driver;
mod error;
mod wire;

use gobwire::{Decode, Dynamic, Encode, Interface};
use mm_model::{
    AppError, Bot, Channel, ChannelMember, Command, CommandArgs, CommandResponse, Group, OpenDialogRequest,
    OrderedSidebarCategories, Post, PostList, Props, SidebarCategoryWithChannels, Team, TeamMember, User, WebsocketBroadcast,
};

pub use driver::{DriverClient, DriverError, DriverValue, QueryResult};
pub use error::ApiError;
use wire::*;

/// Log levels of the `Log*` API methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Debug,
    Info,
    Warn,
    Error,
}

/// A connected Mattermost plugin API. Cheap to clone; clones share the connection and may call
/// concurrently (the host serves each call in its own goroutine).
#[derive(Clone)]
pub struct ApiClient {
    rpc: go_netrpc::Client,
}

type Res<T> = Result<T, ApiError>;

impl ApiClient {
    pub fn new(rpc: go_netrpc::Client) -> Self {
        Self { rpc }
    }

    async fn call<A, R>(&self, method: &'static str, args: &A) -> Res<R>
    where
        A: Encode,
        R: Decode + Default + Send + 'static,
    {
        self.rpc.call(&format!("Plugin.{method}"), args).await.map_err(|source| ApiError::Transport { method, source })
    }

    /// Calls returning `(*T, *model.AppError)`.
    async fn call_app<A, T>(&self, method: &'static str, args: &A) -> Res<T>
    where
        A: Encode,
        T: Decode + Default + Send + 'static,
    {
        let ret: Ret2<Option<T>, Option<AppError>> = self.call(method, args).await?;
        match ret.b {
            Some(error) => Err(ApiError::App { method, error: Box::new(error) }),
            None => Ok(ret.a.unwrap_or_default()),
        }
    }

    /// Calls returning only `*model.AppError`.
    async fn call_app_only<A: Encode>(&self, method: &'static str, args: &A) -> Res<()> {
        let ret: Ret1<Option<AppError>> = self.call(method, args).await?;
        ret.a.map_or(Ok(()), |error| Err(ApiError::App { method, error: Box::new(error) }))
    }

    /// Calls returning only a Go `error`.
    async fn call_err_only<A: Encode>(&self, method: &'static str, args: &A) -> Res<()> {
        let ret: Ret1<GoError> = self.call(method, args).await?;
        ApiError::from_go_error(method, ret.a).map_or(Ok(()), Err)
    }

    pub async fn log(&self, level: LogLevel, message: &str, fields: &[(String, String)]) -> Res<()> {
        let method = match level {
            LogLevel::Debug => "LogDebug",
            LogLevel::Info => "LogInfo",
            LogLevel::Warn => "LogWarn",
            LogLevel::Error => "LogError",
        };
        // Go plugins stringify every pair before sending; so do we (protocol.md §6 row 32).
        let pairs: Vec<Option<Interface>> =
            fields.iter().flat_map(|(k, v)| [Some(Interface::string(k.clone())), Some(Interface::string(v.clone()))]).collect();
        let _: Ret0 = self.call(method, &Args2 { a: message.to_owned(), b: pairs }).await?;
        Ok(())
    }

    pub async fn get_server_version(&self) -> Res<String> {
        let r: Ret1<String> = self.call("GetServerVersion", &Args0 {}).await?;
        Ok(r.a)
    }

    pub async fn get_bundle_path(&self) -> Res<String> {
        let r: Ret2<String, GoError> = self.call("GetBundlePath", &Args0 {}).await?;
        ApiError::from_go_error("GetBundlePath", r.b).map_or(Ok(r.a), Err)
    }

    /// `model.Config` as JSON with Go field names.
    pub async fn get_config(&self) -> Res<serde_json::Value> {
        let r: Ret1<Option<Dynamic>> = self.call("GetConfig", &Args0 {}).await?;
        Ok(r.a.map_or(serde_json::Value::Null, |d| mm_model::gob_json::dynamic_to_json(&d)))
    }

    /// The plugin's System Console settings, as the JSON object the server stores.
    pub async fn load_plugin_configuration(&self) -> Res<serde_json::Value> {
        let r: Ret1<Vec<u8>> = self.call("LoadPluginConfiguration", &Args0 {}).await?;
        if r.a.is_empty() {
            return Ok(serde_json::Value::Object(serde_json::Map::new()));
        }
        serde_json::from_slice(&r.a)
            .map_err(|e| ApiError::Remote { method: "LoadPluginConfiguration", message: format!("settings are not JSON: {e}") })
    }

    pub async fn register_command(&self, command: &Command) -> Res<()> {
        self.call_err_only("RegisterCommand", &Args1 { a: command }).await
    }

    pub async fn unregister_command(&self, team_id: &str, trigger: &str) -> Res<()> {
        self.call_err_only("UnregisterCommand", &Args2 { a: team_id, b: trigger }).await
    }

    pub async fn create_post(&self, post: &Post) -> Res<Post> {
        self.call_app("CreatePost", &Args1 { a: post }).await
    }

    pub async fn update_post(&self, post: &Post) -> Res<Post> {
        self.call_app("UpdatePost", &Args1 { a: post }).await
    }

    pub async fn get_post(&self, post_id: &str) -> Res<Post> {
        self.call_app("GetPost", &Args1 { a: post_id }).await
    }

    pub async fn get_post_thread(&self, post_id: &str) -> Res<PostList> {
        self.call_app("GetPostThread", &Args1 { a: post_id }).await
    }

    pub async fn delete_post(&self, post_id: &str) -> Res<()> {
        self.call_app_only("DeletePost", &Args1 { a: post_id }).await
    }

    pub async fn send_ephemeral_post(&self, user_id: &str, post: &Post) -> Res<Post> {
        let r: Ret1<Option<Post>> = self.call("SendEphemeralPost", &Args2 { a: user_id, b: post }).await?;
        Ok(r.a.unwrap_or_default())
    }

    pub async fn create_channel(&self, channel: &Channel) -> Res<Channel> {
        self.call_app("CreateChannel", &Args1 { a: channel }).await
    }

    pub async fn get_channel(&self, channel_id: &str) -> Res<Channel> {
        self.call_app("GetChannel", &Args1 { a: channel_id }).await
    }

    pub async fn get_channel_by_name(&self, team_id: &str, name: &str, include_deleted: bool) -> Res<Channel> {
        self.call_app("GetChannelByName", &Args3 { a: team_id, b: name, c: include_deleted }).await
    }

    pub async fn update_channel(&self, channel: &Channel) -> Res<Channel> {
        self.call_app("UpdateChannel", &Args1 { a: channel }).await
    }

    /// Archives the channel.
    pub async fn delete_channel(&self, channel_id: &str) -> Res<()> {
        self.call_app_only("DeleteChannel", &Args1 { a: channel_id }).await
    }

    /// The user's sidebar categories on the team, in order (the server makes the default ones
    /// for a user who has none yet).
    pub async fn get_channel_sidebar_categories(&self, user_id: &str, team_id: &str) -> Res<OrderedSidebarCategories> {
        self.call_app("GetChannelSidebarCategories", &Args2 { a: user_id, b: team_id }).await
    }

    /// Creates a custom category holding `category.channels` (moved out of their other categories).
    pub async fn create_channel_sidebar_category(
        &self,
        user_id: &str,
        team_id: &str,
        category: &SidebarCategoryWithChannels,
    ) -> Res<SidebarCategoryWithChannels> {
        self.call_app("CreateChannelSidebarCategory", &Args3 { a: user_id, b: team_id, c: category }).await
    }

    /// Saves the categories' names and channel lists as given.
    pub async fn update_channel_sidebar_categories(
        &self,
        user_id: &str,
        team_id: &str,
        categories: &[SidebarCategoryWithChannels],
    ) -> Res<Vec<SidebarCategoryWithChannels>> {
        let args = Args3 { a: user_id, b: team_id, c: categories };
        let r: Ret2<Vec<SidebarCategoryWithChannels>, Option<AppError>> =
            self.call("UpdateChannelSidebarCategories", &args).await?;
        match r.b {
            Some(error) => Err(ApiError::App { method: "UpdateChannelSidebarCategories", error: Box::new(error) }),
            None => Ok(r.a),
        }
    }

    pub async fn add_channel_member(&self, channel_id: &str, user_id: &str) -> Res<ChannelMember> {
        self.call_app("AddChannelMember", &Args2 { a: channel_id, b: user_id }).await
    }

    pub async fn get_channel_member(&self, channel_id: &str, user_id: &str) -> Res<ChannelMember> {
        self.call_app("GetChannelMember", &Args2 { a: channel_id, b: user_id }).await
    }

    pub async fn get_direct_channel(&self, user_id1: &str, user_id2: &str) -> Res<Channel> {
        self.call_app("GetDirectChannel", &Args2 { a: user_id1, b: user_id2 }).await
    }

    pub async fn get_user(&self, user_id: &str) -> Res<User> {
        self.call_app("GetUser", &Args1 { a: user_id }).await
    }

    pub async fn get_user_by_username(&self, username: &str) -> Res<User> {
        self.call_app("GetUserByUsername", &Args1 { a: username }).await
    }

    pub async fn get_users_in_channel(&self, channel_id: &str, sort_by: &str, page: i64, per_page: i64) -> Res<Vec<User>> {
        let args = Args4 { a: channel_id, b: sort_by, c: page, d: per_page };
        let r: Ret2<Vec<User>, Option<AppError>> = self.call("GetUsersInChannel", &args).await?;
        r.b.map_or(Ok(r.a), |error| Err(ApiError::App { method: "GetUsersInChannel", error: Box::new(error) }))
    }

    pub async fn get_group_by_name(&self, name: &str) -> Res<Group> {
        self.call_app("GetGroupByName", &Args1 { a: name }).await
    }

    pub async fn get_group_member_users(&self, group_id: &str, page: i64, per_page: i64) -> Res<Vec<User>> {
        let args = Args3 { a: group_id, b: page, c: per_page };
        let r: Ret2<Vec<User>, Option<AppError>> = self.call("GetGroupMemberUsers", &args).await?;
        r.b.map_or(Ok(r.a), |error| Err(ApiError::App { method: "GetGroupMemberUsers", error: Box::new(error) }))
    }

    pub async fn get_team(&self, team_id: &str) -> Res<Team> {
        self.call_app("GetTeam", &Args1 { a: team_id }).await
    }

    pub async fn get_team_member(&self, team_id: &str, user_id: &str) -> Res<TeamMember> {
        self.call_app("GetTeamMember", &Args2 { a: team_id, b: user_id }).await
    }

    pub async fn create_team_member(&self, team_id: &str, user_id: &str) -> Res<TeamMember> {
        self.call_app("CreateTeamMember", &Args2 { a: team_id, b: user_id }).await
    }

    pub async fn has_permission_to(&self, user_id: &str, permission_id: &str) -> Res<bool> {
        let perm = Permission { id: permission_id.to_owned() };
        let r: Ret1<bool> = self.call("HasPermissionTo", &Args2 { a: user_id, b: perm }).await?;
        Ok(r.a)
    }

    pub async fn has_permission_to_team(&self, user_id: &str, team_id: &str, permission_id: &str) -> Res<bool> {
        let perm = Permission { id: permission_id.to_owned() };
        let r: Ret1<bool> = self.call("HasPermissionToTeam", &Args3 { a: user_id, b: team_id, c: perm }).await?;
        Ok(r.a)
    }

    pub async fn has_permission_to_channel(&self, user_id: &str, channel_id: &str, permission_id: &str) -> Res<bool> {
        let perm = Permission { id: permission_id.to_owned() };
        let r: Ret1<bool> = self.call("HasPermissionToChannel", &Args3 { a: user_id, b: channel_id, c: perm }).await?;
        Ok(r.a)
    }

    /// Creates the bot if needed; returns its user id.
    pub async fn ensure_bot_user(&self, bot: &Bot) -> Res<String> {
        let r: Ret2<String, GoError> = self.call("EnsureBotUser", &Args1 { a: bot }).await?;
        ApiError::from_go_error("EnsureBotUser", r.b).map_or(Ok(r.a), Err)
    }

    pub async fn set_profile_image(&self, user_id: &str, image: &[u8]) -> Res<()> {
        self.call_app_only("SetProfileImage", &Args2 { a: user_id, b: image.to_vec() }).await
    }

    pub async fn publish_websocket_event(&self, event: &str, payload: &Props, broadcast: &WebsocketBroadcast) -> Res<()> {
        let _: Ret0 = self.call("PublishWebSocketEvent", &Args3 { a: event, b: payload, c: broadcast }).await?;
        Ok(())
    }

    pub async fn publish_plugin_cluster_event(&self, id: &str, data: &[u8], send_type: &str, target_id: &str) -> Res<()> {
        let args = Args2 {
            a: ClusterEvent { id: id.to_owned(), data: data.to_vec() },
            b: ClusterEventSendOptions { send_type: send_type.to_owned(), target_id: target_id.to_owned() },
        };
        self.call_err_only("PublishPluginClusterEvent", &args).await
    }

    pub async fn open_interactive_dialog(&self, request: &OpenDialogRequest) -> Res<()> {
        self.call_app_only("OpenInteractiveDialog", &Args1 { a: request }).await
    }

    /// A missing key, and (gob cannot tell them apart) a key holding an empty value, read as `None`.
    /// Runs a slash command as `args.user_id` would (the server checks nothing more: the caller
    /// decides whose command may run).
    pub async fn execute_slash_command(&self, args: &CommandArgs) -> Res<CommandResponse> {
        let r: Ret2<Option<CommandResponse>, GoError> = self.call("ExecuteSlashCommand", &Args1 { a: args }).await?;
        ApiError::from_go_error("ExecuteSlashCommand", r.b).map_or(Ok(r.a.unwrap_or_default()), Err)
    }

    pub async fn kv_get(&self, key: &str) -> Res<Option<Vec<u8>>> {
        let r: Ret2<Vec<u8>, Option<AppError>> = self.call("KVGet", &Args1 { a: key }).await?;
        match r.b {
            Some(error) => Err(ApiError::App { method: "KVGet", error: Box::new(error) }),
            None => Ok((!r.a.is_empty()).then_some(r.a)),
        }
    }

    pub async fn kv_set(&self, key: &str, value: &[u8]) -> Res<()> {
        self.call_app_only("KVSet", &Args2 { a: key, b: value.to_vec() }).await
    }

    pub async fn kv_delete(&self, key: &str) -> Res<()> {
        self.call_app_only("KVDelete", &Args1 { a: key }).await
    }

    /// `old_value: None` means "only if the key is absent".
    pub async fn kv_compare_and_set(&self, key: &str, old_value: Option<&[u8]>, new_value: &[u8]) -> Res<bool> {
        let args = Args3 { a: key, b: old_value.unwrap_or_default().to_vec(), c: new_value.to_vec() };
        let r: Ret2<bool, Option<AppError>> = self.call("KVCompareAndSet", &args).await?;
        r.b.map_or(Ok(r.a), |error| Err(ApiError::App { method: "KVCompareAndSet", error: Box::new(error) }))
    }

    pub async fn kv_set_with_options(
        &self,
        key: &str,
        value: &[u8],
        atomic: bool,
        old_value: Option<&[u8]>,
        expire_in_seconds: i64,
    ) -> Res<bool> {
        let options = KvSetOptions { atomic, old_value: old_value.unwrap_or_default().to_vec(), expire_in_seconds };
        let args = Args3 { a: key, b: value.to_vec(), c: options };
        let r: Ret2<bool, Option<AppError>> = self.call("KVSetWithOptions", &args).await?;
        r.b.map_or(Ok(r.a), |error| Err(ApiError::App { method: "KVSetWithOptions", error: Box::new(error) }))
    }
}
