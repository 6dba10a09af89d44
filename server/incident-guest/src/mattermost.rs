//! Mattermost as the incident logic needs it: a small interface defined here, by its consumer
//! (Playbooks' `bot.Poster` style), implemented over the SDK's `Api` in the plugin and by a
//! recording fake in tests (tests/fake_mattermost.rs). The logic never knows which.

use std::cell::RefCell;
use std::collections::HashMap;

use mattermost_plugin_sdk::model::{
    Channel, CommandArgs, OpenDialogRequest, Post, Props, SidebarCategory, SidebarCategoryWithChannels, User, WebsocketBroadcast,
};
use mattermost_plugin_sdk::{Api, ApiError, LogLevel};

/// Settings an admin sets in System Console (plugin.json `settings_schema`).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    /// "members" (any team member), "team_admins" or "system_admins".
    #[serde(rename = "whomaystart")]
    pub who_may_start: String,
    /// New incident channels are private unless a playbook or the starter says otherwise.
    #[serde(rename = "privatechannels")]
    pub private_channels: bool,
    /// Before `TeamChannels`: a channel (id) every new incident of that channel's team is
    /// announced in, besides the playbook's. Still read for teams `TeamChannels` leaves empty.
    #[serde(rename = "announcementchannel")]
    pub announcement_channel: String,
    /// One `Name: description` per line, most severe first; empty means P1–P4.
    #[serde(rename = "severities")]
    pub severities: String,
    /// The status lifecycle, one per line; the last one resolves.
    #[serde(rename = "statuses")]
    pub statuses: String,
    /// The emoji (its name) that offers to start an incident from a message; empty: off.
    #[serde(rename = "declareemoji")]
    pub declare_emoji: String,
    /// Roles besides the commander, one per line.
    #[serde(rename = "roles")]
    pub roles: String,
    /// Before `TeamChannels`: a channel (id) with one post per incident of that channel's team,
    /// edited in place as it changes. Still read for teams `TeamChannels` leaves empty.
    #[serde(rename = "digestchannel")]
    pub digest_channel: String,
    /// Per team, its announcement and digest channels: JSON (text or object), read by
    /// `incident_core::shared_channels::parse_team_channels`; set with the System Console picker.
    #[serde(rename = "teamchannels")]
    pub team_channels: serde_json::Value,
    /// What shared channels get of a private incident: "line" (reference, severity, status) or "none".
    #[serde(rename = "privateincidentsinsharedchannels")]
    pub private_incidents_in_shared_channels: String,
    /// `Severity: minutes` per line: how often status updates are due.
    #[serde(rename = "updatereminders")]
    pub update_reminders: String,
    /// Days after which an active incident is nudged daily; 0 for never.
    #[serde(rename = "staleincidentdays")]
    pub stale_incident_days: String,
    /// Minutes after the start at which empty roles are nudged; 0 for never.
    #[serde(rename = "rolenudgeminutes")]
    pub role_nudge_minutes: String,
    /// Outgoing webhook URLs, one per line.
    #[serde(rename = "webhooks")]
    pub webhooks: String,
    /// `Severity: ~channel @user` per line: who hears of incidents at that severity.
    #[serde(rename = "stakeholders")]
    pub stakeholders: String,
    /// `pagerduty: URL` (and `opsgenie:`, `statuspage:`) per line: other base URLs for the
    /// providers (an EU Opsgenie account, a proxy, a test receiver); empty: their public ones.
    #[serde(rename = "pagingendpoints")]
    pub paging_endpoints: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            who_may_start: "members".into(),
            private_channels: false,
            announcement_channel: String::new(),
            severities: String::new(),
            statuses: String::new(),
            roles: String::new(),
            declare_emoji: "rotating_light".into(),
            digest_channel: String::new(),
            team_channels: serde_json::Value::Null,
            private_incidents_in_shared_channels: "line".into(),
            update_reminders: String::new(),
            stale_incident_days: String::new(),
            role_nudge_minutes: String::new(),
            stakeholders: String::new(),
            paging_endpoints: String::new(),
            webhooks: String::new(),
        }
    }
}

/// Who receives a websocket event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventAudience {
    /// Every member of the team (a public incident, which any team member may see).
    Team(String),
    /// The members of one channel (a private incident's channel).
    Channel(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ChannelError {
    NameTaken,
    Other(String),
}

pub trait Mattermost {
    fn user(&self, id: &str) -> Option<User>;
    fn user_by_username(&self, username: &str) -> Option<User>;
    fn is_team_member(&self, team_id: &str, user_id: &str) -> bool;
    fn is_team_admin(&self, team_id: &str, user_id: &str) -> bool;
    fn is_system_admin(&self, user_id: &str) -> bool;
    /// A guest account (system role `system_guest`): it sees only the channels it was added to.
    fn is_guest(&self, user_id: &str) -> bool;
    fn is_channel_member(&self, channel_id: &str, user_id: &str) -> bool;
    /// Whether the user may post in the channel themselves (`create_post`): false for a channel
    /// made read-only through channel moderation, or one they are not a member of.
    fn may_post(&self, channel_id: &str, user_id: &str) -> bool;
    fn channel(&self, channel_id: &str) -> Option<Channel>;
    fn channel_by_name(&self, team_id: &str, name: &str) -> Option<Channel>;
    /// The members (user ids) of a user group, by the group's name; at most `limit`.
    fn group_members(&self, name: &str, limit: usize) -> Option<Vec<String>>;
    fn create_channel(&self, channel: &Channel) -> Result<Channel, ChannelError>;
    fn add_channel_member(&self, channel_id: &str, user_id: &str) -> Result<(), String>;
    /// Joins a user (the bot) to a team; already a member is success.
    fn add_team_member(&self, team_id: &str, user_id: &str) -> Result<(), String>;
    fn create_post(&self, post: &Post) -> Result<Post, String>;
    /// A post that exists and is not deleted.
    fn post(&self, post_id: &str) -> Option<Post>;
    /// True for the first caller across all plugin processes to claim `key` (Mattermost's
    /// key-value store, atomically); the claim lapses after `ttl_seconds`.
    fn claim_once(&self, key: &str, ttl_seconds: i64) -> bool;
    /// Replaces a post's message (the digest post is edited in place).
    fn update_post(&self, post_id: &str, message: &str) -> Result<(), String>;
    /// Deletes a post (a digest post the channel may no longer show).
    fn delete_post(&self, post_id: &str) -> Result<(), String>;
    /// Saves a changed channel (display name, purpose) as it is given.
    fn update_channel(&self, channel: &Channel) -> Result<(), String>;
    /// Archives a channel.
    fn archive_channel(&self, channel_id: &str) -> Result<(), String>;
    /// Puts the channel first in the user's custom sidebar category of that name on the team
    /// (names match ignoring case, as Mattermost's own default categories do), making the
    /// category if the user has none; the channel leaves the user's other custom categories.
    fn add_to_sidebar_category(&self, user_id: &str, team_id: &str, channel_id: &str, category_name: &str) -> Result<(), String>;
    /// A warning in the server log, for a best-effort step that failed.
    fn warn(&self, message: &str, error: &str);
    /// Sets a channel's header (the incident channel shows severity and status there).
    fn set_channel_header(&self, channel_id: &str, header: &str) -> Result<(), String>;
    /// `<site URL>/<team name>/pl/<post id>`, Mattermost's link to a post; empty if unknown.
    fn permalink(&self, team_id: &str, post_id: &str) -> String;
    /// One outgoing webhook call: the status code, or why there was none.
    fn http_post(&self, url: &str, headers: &[(String, String)], body: &[u8], timeout_ms: u32) -> Result<u16, String>;
    /// One request to a pager or status page: the status and the answer's body (at most 64
    /// KiB), or why there was none.
    fn http_request(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: &[u8],
        timeout_ms: u32,
    ) -> Result<(u16, Vec<u8>), String>;
    /// A post only `user_id` sees, in a channel, from the bot.
    fn ephemeral(&self, user_id: &str, post: &Post);
    /// Opens an interactive dialog for the user whose action carried the trigger id.
    fn open_dialog(&self, request: &OpenDialogRequest) -> Result<(), String>;
    /// Runs a slash command as `user_id` in a channel of a team, as if they had typed it; the
    /// reply text, or why it failed.
    fn run_slash_command(&self, user_id: &str, channel_id: &str, team_id: &str, command: &str) -> Result<String, String>;
    /// A direct message from the bot to a user.
    fn direct_message(&self, bot_id: &str, user_id: &str, message: &str) -> Result<(), String>;
    /// A websocket event to a team or a channel (the webapp's panels listen for it).
    fn publish(&self, event: &str, payload: &serde_json::Value, audience: &EventAudience);
    fn settings(&self) -> Settings;
    /// Whether the user holds `permission` in the channel, as Mattermost decides it (the
    /// channel's scheme and moderation, the team's and the system's roles).
    fn has_channel_permission(&self, user_id: &str, channel_id: &str, permission: &str) -> bool;
    /// `TeamSettings.ExperimentalViewArchivedChannels` (Mattermost's default: true): whether
    /// archived channels stay readable to those who could read them before.
    fn view_archived_channels(&self) -> bool;
    /// Hours after which Mattermost's global data retention deletes messages, when message
    /// deletion is on (`DataRetentionSettings`); None when it is off.
    fn message_retention_hours(&self) -> Option<i64>;
    /// The IANA name of the server's time zone as the host found it (`Europe/London`), empty
    /// when it could not tell.
    fn server_time_zone(&self) -> String;
}

/// Mattermost's system role of guest accounts.
pub const GUEST_ROLE: &str = "system_guest";

/// A user's IANA time zone name from Mattermost's `User.timezone`, as Mattermost's own
/// `model.GetPreferredTimezone` reads it: `automaticTimezone` when `useAutomaticTimezone` is
/// `"true"`, else `manualTimezone`; `None` when that is empty. The name is as stored: callers
/// check it (`service::time_zones::user_time_zone`, incident-core's `working_hours::parse_zone`).
pub fn user_time_zone(user: &User) -> Option<String> {
    let setting = |key: &str| user.timezone.get(key).map(|v| v.trim()).unwrap_or_default();
    let automatic = user.timezone.get("useAutomaticTimezone").is_some_and(|v| v.trim() == "true");
    let zone = if automatic { setting("automaticTimezone") } else { setting("manualTimezone") };
    (!zone.is_empty()).then(|| zone.to_owned())
}

/// The real thing, over the plugin API.
pub struct ServerApi(pub Api);

/// Answers already read in this hook call. Each hook call runs in a fresh instance of the guest,
/// so this lives exactly as long as one request or one timer run, and a request that asks about
/// the same user, channel or membership several times (a start asks about its channel four
/// times) makes one API call for it. The plugin's own writes update or drop what they change.
#[derive(Default)]
struct CallMemo {
    users: HashMap<String, Option<User>>,
    channels: HashMap<String, Option<Channel>>,
    team_members: HashMap<(String, String), bool>,
    channel_members: HashMap<(String, String), bool>,
    /// (user, team or channel, permission): cleared by any membership change.
    permissions: HashMap<(String, String, String), bool>,
}

thread_local! {
    static MEMO: RefCell<CallMemo> = RefCell::new(CallMemo::default());
}

/// The memoised answer for `key` in the map `pick` chooses, or `read` it and remember it.
fn memo<K, V>(pick: impl Fn(&mut CallMemo) -> &mut HashMap<K, V>, key: K, read: impl FnOnce() -> V) -> V
where
    K: std::hash::Hash + Eq,
    V: Clone,
{
    if let Some(v) = MEMO.with_borrow_mut(|m| pick(m).get(&key).cloned()) {
        return v;
    }
    let v = read();
    MEMO.with_borrow_mut(|m| pick(m).insert(key, v.clone()));
    v
}

fn forget_channel(channel_id: &str) {
    MEMO.with_borrow_mut(|m| m.channels.remove(channel_id));
}

fn forget_permissions() {
    MEMO.with_borrow_mut(|m| m.permissions.clear());
}

impl ServerApi {
    fn user_any(&self, id: &str) -> Option<User> {
        memo(|m| &mut m.users, id.to_owned(), || self.0.get_user(id).ok())
    }

    fn permission(&self, user_id: &str, scope: &str, permission: &str, check: impl FnOnce() -> bool) -> bool {
        memo(|m| &mut m.permissions, (user_id.to_owned(), scope.to_owned(), permission.to_owned()), check)
    }
}

impl Mattermost for ServerApi {
    fn user(&self, id: &str) -> Option<User> {
        self.user_any(id).filter(|u| u.delete_at == 0)
    }

    fn user_by_username(&self, username: &str) -> Option<User> {
        self.0.get_user_by_username(username.trim_start_matches('@')).ok().filter(|u| u.delete_at == 0)
    }

    fn is_team_member(&self, team_id: &str, user_id: &str) -> bool {
        memo(
            |m| &mut m.team_members,
            (team_id.to_owned(), user_id.to_owned()),
            || self.0.get_team_member(team_id, user_id).is_ok_and(|m| m.delete_at == 0),
        )
    }

    fn is_team_admin(&self, team_id: &str, user_id: &str) -> bool {
        self.permission(user_id, team_id, "manage_team", || self.0.has_permission_to_team(user_id, team_id, "manage_team"))
    }

    fn is_system_admin(&self, user_id: &str) -> bool {
        self.permission(user_id, "", "manage_system", || self.0.has_permission_to(user_id, "manage_system"))
    }

    fn is_guest(&self, user_id: &str) -> bool {
        // Unknown users are not guests; every check that matters also needs a membership.
        self.user_any(user_id).is_some_and(|u| u.roles.split_whitespace().any(|r| r == GUEST_ROLE))
    }

    fn is_channel_member(&self, channel_id: &str, user_id: &str) -> bool {
        memo(
            |m| &mut m.channel_members,
            (channel_id.to_owned(), user_id.to_owned()),
            || self.0.get_channel_member(channel_id, user_id).is_ok(),
        )
    }

    fn may_post(&self, channel_id: &str, user_id: &str) -> bool {
        self.has_channel_permission(user_id, channel_id, "create_post")
    }

    fn channel(&self, channel_id: &str) -> Option<Channel> {
        memo(|m| &mut m.channels, channel_id.to_owned(), || self.0.get_channel(channel_id).ok())
    }

    fn channel_by_name(&self, team_id: &str, name: &str) -> Option<Channel> {
        self.0.get_channel_by_name(team_id, name, false).ok()
    }

    fn group_members(&self, name: &str, limit: usize) -> Option<Vec<String>> {
        let group = self.0.get_group_by_name(name).ok().filter(|g| g.delete_at == 0)?;
        let mut out = Vec::new();
        for page in 0..10 {
            let users = self.0.get_group_member_users(&group.id, page, 100).ok()?;
            let last = users.len() < 100;
            out.extend(users.into_iter().filter(|u| u.delete_at == 0).map(|u| u.id));
            if last || out.len() >= limit {
                break;
            }
        }
        out.truncate(limit);
        Some(out)
    }

    fn create_channel(&self, channel: &Channel) -> Result<Channel, ChannelError> {
        let created = self.0.create_channel(channel).map_err(|e| match &e {
            // The server refuses a taken name with "store.sql_channel.save_channel.exists.app_error".
            ApiError::App(app) if app.id.contains("exists") => ChannelError::NameTaken,
            _ => ChannelError::Other(e.to_string()),
        })?;
        forget_channel(&created.id);
        forget_permissions();
        Ok(created)
    }

    fn add_channel_member(&self, channel_id: &str, user_id: &str) -> Result<(), String> {
        let added = self.0.add_channel_member(channel_id, user_id).map(|_| ()).map_err(|e| e.to_string());
        MEMO.with_borrow_mut(|m| m.channel_members.remove(&(channel_id.to_owned(), user_id.to_owned())));
        forget_permissions();
        added
    }

    fn add_team_member(&self, team_id: &str, user_id: &str) -> Result<(), String> {
        if self.is_team_member(team_id, user_id) {
            return Ok(());
        }
        let added = self.0.create_team_member(team_id, user_id).map(|_| ()).map_err(|e| e.to_string());
        MEMO.with_borrow_mut(|m| m.team_members.remove(&(team_id.to_owned(), user_id.to_owned())));
        forget_permissions();
        added
    }

    fn create_post(&self, post: &Post) -> Result<Post, String> {
        self.0.create_post(post).map_err(|e| e.to_string())
    }

    fn post(&self, post_id: &str) -> Option<Post> {
        self.0.get_post(post_id).ok().filter(|p| p.delete_at == 0)
    }

    fn claim_once(&self, key: &str, ttl_seconds: i64) -> bool {
        self.0.kv_set_with_options(key, b"1", true, None, ttl_seconds).unwrap_or(false)
    }

    fn update_post(&self, post_id: &str, message: &str) -> Result<(), String> {
        let mut post = self.0.get_post(post_id).map_err(|e| e.to_string())?;
        if post.delete_at != 0 {
            return Err("the post was deleted".into());
        }
        post.message = message.to_owned();
        self.0.update_post(&post).map(|_| ()).map_err(|e| e.to_string())
    }

    fn delete_post(&self, post_id: &str) -> Result<(), String> {
        self.0.delete_post(post_id).map_err(|e| e.to_string())
    }

    fn update_channel(&self, channel: &Channel) -> Result<(), String> {
        forget_channel(&channel.id);
        self.0.update_channel(channel).map(|_| ()).map_err(|e| e.to_string())
    }

    fn archive_channel(&self, channel_id: &str) -> Result<(), String> {
        forget_channel(channel_id);
        self.0.delete_channel(channel_id).map_err(|e| e.to_string())
    }

    fn add_to_sidebar_category(&self, user_id: &str, team_id: &str, channel_id: &str, category_name: &str) -> Result<(), String> {
        let sidebar = self.0.get_channel_sidebar_categories(user_id, team_id).map_err(|e| e.to_string())?;
        let wanted = category_name.to_lowercase();
        let (mut named, others): (Vec<SidebarCategoryWithChannels>, Vec<SidebarCategoryWithChannels>) = sidebar
            .categories
            .into_iter()
            .filter(|c| c.sidebar_category.category_type == SidebarCategory::CUSTOM)
            .partition(|c| c.sidebar_category.display_name.to_lowercase() == wanted);
        if named.is_empty() {
            // Creating moves the channel out of any other category, on the server's side.
            let category = SidebarCategoryWithChannels {
                sidebar_category: SidebarCategory {
                    user_id: user_id.to_owned(),
                    team_id: team_id.to_owned(),
                    category_type: SidebarCategory::CUSTOM.to_owned(),
                    display_name: category_name.to_owned(),
                    ..SidebarCategory::default()
                },
                channels: vec![channel_id.to_owned()],
            };
            return self.0.create_channel_sidebar_category(user_id, team_id, &category).map(|_| ()).map_err(|e| e.to_string());
        }
        let mut target = named.swap_remove(0);
        if target.channels.first().is_some_and(|c| c == channel_id) {
            return Ok(());
        }
        target.channels.retain(|c| c != channel_id);
        target.channels.insert(0, channel_id.to_owned());
        // Updating saves each list as given and keeps other lists as they are: the category the
        // channel leaves is saved with it (a channel shown in two categories confuses everyone).
        let mut changed = vec![target];
        for mut other in others.into_iter().chain(named) {
            if other.channels.iter().any(|c| c == channel_id) {
                other.channels.retain(|c| c != channel_id);
                changed.push(other);
            }
        }
        self.0.update_channel_sidebar_categories(user_id, team_id, &changed).map(|_| ()).map_err(|e| e.to_string())
    }

    fn warn(&self, message: &str, error: &str) {
        self.0.log(LogLevel::Warn, message, &[("error", error)]);
    }

    fn set_channel_header(&self, channel_id: &str, header: &str) -> Result<(), String> {
        // Read fresh: the header is written back whole, so it must not come from the memo.
        forget_channel(channel_id);
        let mut channel = self.0.get_channel(channel_id).map_err(|e| e.to_string())?;
        if channel.header == header {
            return Ok(());
        }
        channel.header = header.to_owned();
        self.0.update_channel(&channel).map(|_| ()).map_err(|e| e.to_string())
    }

    fn permalink(&self, team_id: &str, post_id: &str) -> String {
        let site = self
            .0
            .get_config()
            .ok()
            .and_then(|c| c["ServiceSettings"]["SiteURL"].as_str().map(str::to_owned))
            .unwrap_or_default();
        match self.0.get_team(team_id) {
            Ok(team) if !site.is_empty() => format!("{}/{}/pl/{post_id}", site.trim_end_matches('/'), team.name),
            _ => String::new(),
        }
    }

    fn http_post(&self, url: &str, headers: &[(String, String)], body: &[u8], timeout_ms: u32) -> Result<u16, String> {
        mattermost_plugin_sdk::outbound::http_post(url, headers, body, timeout_ms)
    }

    fn http_request(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: &[u8],
        timeout_ms: u32,
    ) -> Result<(u16, Vec<u8>), String> {
        mattermost_plugin_sdk::outbound::http_request(method, url, headers, body, timeout_ms).map(|a| (a.status, a.body))
    }

    fn ephemeral(&self, user_id: &str, post: &Post) {
        let _ = self.0.send_ephemeral_post(user_id, post);
    }

    fn open_dialog(&self, request: &OpenDialogRequest) -> Result<(), String> {
        self.0.open_interactive_dialog(request).map_err(|e| e.to_string())
    }

    fn run_slash_command(&self, user_id: &str, channel_id: &str, team_id: &str, command: &str) -> Result<String, String> {
        let args = CommandArgs {
            user_id: user_id.to_owned(),
            channel_id: channel_id.to_owned(),
            team_id: team_id.to_owned(),
            command: command.to_owned(),
            ..CommandArgs::default()
        };
        self.0.execute_slash_command(&args).map(|r| r.text).map_err(|e| e.to_string())
    }

    fn direct_message(&self, bot_id: &str, user_id: &str, message: &str) -> Result<(), String> {
        let channel = self.0.get_direct_channel(bot_id, user_id).map_err(|e| e.to_string())?;
        let post = Post { channel_id: channel.id, user_id: bot_id.to_owned(), message: message.to_owned(), ..Post::default() };
        self.0.create_post(&post).map(|_| ()).map_err(|e| e.to_string())
    }

    fn publish(&self, event: &str, payload: &serde_json::Value, audience: &EventAudience) {
        let mut props = Props::default();
        if let serde_json::Value::Object(map) = payload {
            props.0 = map.clone();
        }
        let broadcast = match audience {
            EventAudience::Team(team_id) => WebsocketBroadcast { team_id: team_id.clone(), ..WebsocketBroadcast::default() },
            EventAudience::Channel(channel_id) => {
                WebsocketBroadcast { channel_id: channel_id.clone(), ..WebsocketBroadcast::default() }
            }
        };
        let _ = self.0.publish_websocket_event(event, &props, &broadcast);
    }

    fn settings(&self) -> Settings {
        self.0.load_plugin_configuration().unwrap_or_default()
    }

    fn has_channel_permission(&self, user_id: &str, channel_id: &str, permission: &str) -> bool {
        self.permission(user_id, channel_id, permission, || self.0.has_permission_to_channel(user_id, channel_id, permission))
    }

    fn view_archived_channels(&self) -> bool {
        // Unreadable config: Mattermost's default.
        self.0.get_config().ok().and_then(|c| c["TeamSettings"]["ExperimentalViewArchivedChannels"].as_bool()).unwrap_or(true)
    }

    fn message_retention_hours(&self) -> Option<i64> {
        let config = self.0.get_config().ok()?;
        let settings = &config["DataRetentionSettings"];
        if settings["EnableMessageDeletion"].as_bool() != Some(true) {
            return None;
        }
        // As Mattermost's GetMessageRetentionHours: hours first, then the deprecated days, then
        // its default of 365 days.
        let hours = settings["MessageRetentionHours"].as_i64().filter(|h| *h > 0);
        let days = settings["MessageRetentionDays"].as_i64().filter(|d| *d > 0);
        Some(hours.or(days.map(|d| d * 24)).unwrap_or(365 * 24))
    }

    fn server_time_zone(&self) -> String {
        // The guest has no OS zone: the host gives it the server's as `TZ`, as a process is given
        // its zone (wasm-host's server_zone.rs).
        std::env::var("TZ").unwrap_or_default()
    }
}
