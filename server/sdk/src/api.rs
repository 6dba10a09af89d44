//! The typed Mattermost plugin API, as a guest calls it.

use mm_model::{
    AppError, Bot, Channel, ChannelMember, Command, CommandArgs, CommandResponse, Group, OpenDialogRequest,
    OrderedSidebarCategories, Post, PostList, Props, SidebarCategoryWithChannels, Team, TeamMember, User, WebsocketBroadcast,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::wit::mattermost::plugin::{api as host, types};

/// Why an API call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server refused (`*model.AppError`).
    App(Box<AppError>),
    /// The server refused with a plain error message.
    Remote(String),
    /// The call did not reach the server, or its answer was unreadable.
    Transport(String),
    /// The host could not read what we passed.
    InvalidArgument(String),
}

impl ApiError {
    /// The HTTP-like status of a server refusal (404 for a missing user, ...).
    pub fn status_code(&self) -> Option<i64> {
        match self {
            ApiError::App(e) => Some(e.status_code),
            _ => None,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::App(e) => write!(f, "{e}"),
            ApiError::Remote(m) => write!(f, "{m}"),
            ApiError::Transport(m) => write!(f, "Mattermost API unavailable: {m}"),
            ApiError::InvalidArgument(m) => write!(f, "invalid API argument: {m}"),
        }
    }
}

impl std::error::Error for ApiError {}

impl From<types::ApiError> for ApiError {
    fn from(e: types::ApiError) -> Self {
        match e {
            types::ApiError::App(a) => ApiError::App(Box::new(AppError {
                id: a.id,
                message: a.message,
                detailed_error: a.detailed_error,
                status_code: i64::from(a.status_code),
                where_: a.where_,
                ..AppError::default()
            })),
            types::ApiError::Remote(m) => ApiError::Remote(m),
            types::ApiError::Transport(m) => ApiError::Transport(m),
            types::ApiError::InvalidArgument(m) => ApiError::InvalidArgument(m),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Debug,
    Info,
    Warn,
    Error,
}

type Result<T> = std::result::Result<T, ApiError>;

fn enc<T: Serialize>(v: &T) -> Result<String> {
    crate::timing::json(|| serde_json::to_string(v)).map_err(|e| ApiError::InvalidArgument(e.to_string()))
}

fn dec<T: DeserializeOwned>(r: std::result::Result<String, types::ApiError>) -> Result<T> {
    let json = r?;
    crate::timing::json(|| serde_json::from_str(&json)).map_err(|e| ApiError::Transport(format!("unreadable answer: {e}")))
}

/// The Mattermost plugin API. Every call is a synchronous round trip to the server.
#[derive(Debug, Clone, Copy, Default)]
pub struct Api;

impl Api {
    pub fn log(&self, level: LogLevel, message: &str, fields: &[(&str, &str)]) {
        let level = match level {
            LogLevel::Debug => types::LogLevel::Debug,
            LogLevel::Info => types::LogLevel::Info,
            LogLevel::Warn => types::LogLevel::Warn,
            LogLevel::Error => types::LogLevel::Error,
        };
        let fields: Vec<(String, String)> = fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        host::log(level, message, &fields);
    }

    pub fn get_server_version(&self) -> String {
        host::get_server_version()
    }

    pub fn get_bundle_path(&self) -> Result<String> {
        Ok(host::get_bundle_path()?)
    }

    /// The server's `model.Config` (Go field names).
    pub fn get_config(&self) -> Result<serde_json::Value> {
        dec(host::get_config())
    }

    /// This plugin's System Console settings, read into `T`.
    pub fn load_plugin_configuration<T: DeserializeOwned>(&self) -> Result<T> {
        dec(host::load_plugin_configuration())
    }

    pub fn register_command(&self, command: &Command) -> Result<()> {
        Ok(host::register_command(&enc(command)?)?)
    }

    pub fn unregister_command(&self, team_id: &str, trigger: &str) -> Result<()> {
        Ok(host::unregister_command(team_id, trigger)?)
    }

    pub fn create_post(&self, post: &Post) -> Result<Post> {
        dec(host::create_post(&enc(post)?))
    }

    pub fn update_post(&self, post: &Post) -> Result<Post> {
        dec(host::update_post(&enc(post)?))
    }

    pub fn get_post(&self, post_id: &str) -> Result<Post> {
        dec(host::get_post(post_id))
    }

    pub fn get_post_thread(&self, post_id: &str) -> Result<PostList> {
        dec(host::get_post_thread(post_id))
    }

    pub fn send_ephemeral_post(&self, user_id: &str, post: &Post) -> Result<Post> {
        dec(host::send_ephemeral_post(user_id, &enc(post)?))
    }

    pub fn delete_post(&self, post_id: &str) -> Result<()> {
        Ok(host::delete_post(post_id)?)
    }

    pub fn create_channel(&self, channel: &Channel) -> Result<Channel> {
        dec(host::create_channel(&enc(channel)?))
    }

    pub fn get_channel(&self, channel_id: &str) -> Result<Channel> {
        dec(host::get_channel(channel_id))
    }

    pub fn get_channel_by_name(&self, team_id: &str, name: &str, include_deleted: bool) -> Result<Channel> {
        dec(host::get_channel_by_name(team_id, name, include_deleted))
    }

    pub fn update_channel(&self, channel: &Channel) -> Result<Channel> {
        dec(host::update_channel(&enc(channel)?))
    }

    /// Archives the channel.
    pub fn delete_channel(&self, channel_id: &str) -> Result<()> {
        Ok(host::delete_channel(channel_id)?)
    }

    /// The user's channel sidebar on a team, categories in order.
    pub fn get_channel_sidebar_categories(&self, user_id: &str, team_id: &str) -> Result<OrderedSidebarCategories> {
        dec(host::get_channel_sidebar_categories(user_id, team_id))
    }

    /// Creates a custom sidebar category; its channels leave their other categories.
    pub fn create_channel_sidebar_category(
        &self,
        user_id: &str,
        team_id: &str,
        category: &SidebarCategoryWithChannels,
    ) -> Result<SidebarCategoryWithChannels> {
        dec(host::create_channel_sidebar_category(user_id, team_id, &enc(category)?))
    }

    /// Saves sidebar categories (names, channel lists) as given.
    pub fn update_channel_sidebar_categories(
        &self,
        user_id: &str,
        team_id: &str,
        categories: &[SidebarCategoryWithChannels],
    ) -> Result<Vec<SidebarCategoryWithChannels>> {
        dec(host::update_channel_sidebar_categories(user_id, team_id, &enc(&categories)?))
    }

    pub fn add_channel_member(&self, channel_id: &str, user_id: &str) -> Result<ChannelMember> {
        dec(host::add_channel_member(channel_id, user_id))
    }

    pub fn get_channel_member(&self, channel_id: &str, user_id: &str) -> Result<ChannelMember> {
        dec(host::get_channel_member(channel_id, user_id))
    }

    pub fn get_direct_channel(&self, user_id1: &str, user_id2: &str) -> Result<Channel> {
        dec(host::get_direct_channel(user_id1, user_id2))
    }

    pub fn get_user(&self, user_id: &str) -> Result<User> {
        dec(host::get_user(user_id))
    }

    pub fn get_user_by_username(&self, username: &str) -> Result<User> {
        dec(host::get_user_by_username(username))
    }

    pub fn get_users_in_channel(&self, channel_id: &str, sort_by: &str, page: i32, per_page: i32) -> Result<Vec<User>> {
        dec(host::get_users_in_channel(channel_id, sort_by, page, per_page))
    }

    pub fn get_group_by_name(&self, name: &str) -> Result<Group> {
        dec(host::get_group_by_name(name))
    }

    pub fn get_group_member_users(&self, group_id: &str, page: i32, per_page: i32) -> Result<Vec<User>> {
        dec(host::get_group_member_users(group_id, page, per_page))
    }

    pub fn get_team(&self, team_id: &str) -> Result<Team> {
        dec(host::get_team(team_id))
    }

    pub fn get_team_member(&self, team_id: &str, user_id: &str) -> Result<TeamMember> {
        dec(host::get_team_member(team_id, user_id))
    }

    /// Adds a user (or bot) to a team.
    pub fn create_team_member(&self, team_id: &str, user_id: &str) -> Result<TeamMember> {
        dec(host::create_team_member(team_id, user_id))
    }

    /// Permission ids as Mattermost names them ("manage_system", "create_public_channel", ...).
    pub fn has_permission_to(&self, user_id: &str, permission_id: &str) -> bool {
        host::has_permission_to(user_id, permission_id)
    }

    pub fn has_permission_to_team(&self, user_id: &str, team_id: &str, permission_id: &str) -> bool {
        host::has_permission_to_team(user_id, team_id, permission_id)
    }

    pub fn has_permission_to_channel(&self, user_id: &str, channel_id: &str, permission_id: &str) -> bool {
        host::has_permission_to_channel(user_id, channel_id, permission_id)
    }

    /// Creates the bot if it does not exist; returns its user id.
    pub fn ensure_bot_user(&self, bot: &Bot) -> Result<String> {
        Ok(host::ensure_bot_user(&enc(bot)?)?)
    }

    /// A PNG or JPEG as the user's (or bot's) profile picture.
    pub fn set_profile_image(&self, user_id: &str, image: &[u8]) -> Result<()> {
        Ok(host::set_profile_image(user_id, image)?)
    }

    /// The server prefixes `event` with `custom_<plugin id>_`.
    pub fn publish_websocket_event(&self, event: &str, payload: &Props, broadcast: &WebsocketBroadcast) -> Result<()> {
        host::publish_websocket_event(event, &enc(payload)?, &enc(broadcast)?);
        Ok(())
    }

    pub fn publish_plugin_cluster_event(&self, id: &str, data: &[u8], send_type: &str, target_id: &str) -> Result<()> {
        Ok(host::publish_plugin_cluster_event(id, data, send_type, target_id)?)
    }

    pub fn open_interactive_dialog(&self, request: &OpenDialogRequest) -> Result<()> {
        Ok(host::open_interactive_dialog(&enc(request)?)?)
    }

    /// Runs a slash command as `args.user_id`, in `args.channel_id`.
    pub fn execute_slash_command(&self, args: &CommandArgs) -> Result<CommandResponse> {
        dec(host::execute_slash_command(&enc(args)?))
    }

    pub fn kv_get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(host::kv_get(key)?)
    }

    pub fn kv_set(&self, key: &str, value: &[u8]) -> Result<()> {
        Ok(host::kv_set(key, value)?)
    }

    pub fn kv_delete(&self, key: &str) -> Result<()> {
        Ok(host::kv_delete(key)?)
    }

    /// Sets `key` to `new_value` only if it currently holds `old_value` (`None`: absent).
    pub fn kv_compare_and_set(&self, key: &str, old_value: Option<&[u8]>, new_value: &[u8]) -> Result<bool> {
        Ok(host::kv_compare_and_set(key, old_value, new_value)?)
    }

    pub fn kv_set_with_options(
        &self,
        key: &str,
        value: &[u8],
        atomic: bool,
        old_value: Option<&[u8]>,
        expire_in_seconds: i64,
    ) -> Result<bool> {
        Ok(host::kv_set_with_options(key, value, atomic, old_value, expire_in_seconds)?)
    }
}
