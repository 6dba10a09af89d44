//! A recording, in-memory Mattermost for the logic's native tests.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use mattermost_plugin_sdk::model::{Channel, OpenDialogRequest, Post, User};

use crate::mattermost::{ChannelError, EventAudience, Mattermost, Settings};

#[derive(Default)]
pub struct FakeMattermost {
    pub users: Vec<User>,
    pub team_members: HashSet<(String, String)>,
    pub system_admins: HashSet<String>,
    /// (team, user): team admins who are not system admins.
    pub team_admins: HashSet<(String, String)>,
    /// Guest accounts (they are also in `team_members` for the teams they were invited to).
    pub guests: HashSet<String>,
    pub channels: RefCell<HashMap<String, Channel>>,
    pub channel_members: RefCell<HashSet<(String, String)>>,
    /// Channels whose members may not post (channel moderation, "Create Posts" off); system
    /// admins still may.
    pub read_only_channels: RefCell<HashSet<String>>,
    pub posts: RefCell<Vec<Post>>,
    /// Websocket events: (event, payload, audience).
    pub events: RefCell<Vec<(String, serde_json::Value, EventAudience)>>,
    /// Direct messages: (to user, text).
    pub dms: RefCell<Vec<(String, String)>>,
    pub claims: RefCell<HashSet<String>>,
    /// User groups: name -> member ids.
    pub groups: HashMap<String, Vec<String>>,
    /// Ephemeral posts: (to user, post).
    pub ephemerals: RefCell<Vec<(String, Post)>>,
    pub dialogs: RefCell<Vec<OpenDialogRequest>>,
    /// Slash commands run for users: (user, channel, command). A command starting `/fail`
    /// fails, as an unknown trigger does on a real server.
    pub slash_commands: RefCell<Vec<(String, String, String)>>,
    /// Webhook calls (url, body); per URL, the answers to give in order, then `webhook_default`
    /// (200 unless set).
    pub webhook_calls: RefCell<Vec<(String, serde_json::Value)>>,
    pub webhook_answers: RefCell<HashMap<String, std::collections::VecDeque<Result<u16, String>>>>,
    pub webhook_default: RefCell<Option<Result<u16, String>>>,
    /// The headers and exact body of each webhook call, in the order of `webhook_calls`.
    pub webhook_requests: RefCell<Vec<WebhookRequest>>,
    /// How long the receiver takes to answer: a call whose timeout is shorter waits out the
    /// timeout and fails, as a real one does.
    pub webhook_delay: std::cell::Cell<std::time::Duration>,
    /// Pager and status page requests (method, URL, headers, body), in order; answers queued in
    /// `http_answers` come first, then the providers' usual answers (see `provider_answer`).
    pub http_requests: RefCell<Vec<HttpCall>>,
    pub http_answers: RefCell<std::collections::VecDeque<HttpAnswer>>,
    pub settings: Settings,
    /// Channel permissions taken away from someone who would hold them by default:
    /// (user, channel, permission), as channel moderation or a scheme would.
    pub denied_channel_permissions: RefCell<HashSet<(String, String, String)>>,
    /// `ExperimentalViewArchivedChannels` switched off.
    pub hide_archived_channels: bool,
    /// Mattermost's message retention, in hours, when on.
    pub message_retention_hours: Option<i64>,
    /// The server's time zone as the host tells it (empty: unknown, so UTC).
    pub server_time_zone: String,
    /// Custom sidebar categories per (user, team), in sidebar order.
    pub sidebar_categories: RefCell<HashMap<(String, String), Vec<SidebarCategory>>>,
    /// Users whose sidebar cannot be read (as when the server fails).
    pub sidebar_failures: HashSet<String>,
    /// Server log warnings: (message, error).
    pub warnings: RefCell<Vec<(String, String)>>,
}

pub const TEAM: &str = "team1";

/// A custom channel sidebar category: its name and channel ids.
pub type SidebarCategory = (String, Vec<String>);

/// A webhook call's headers and its body, byte for byte (what a signature covers).
pub type WebhookRequest = (Vec<(String, String)>, Vec<u8>);

impl FakeMattermost {
    /// A team with alice (member), bob (member), root (system admin); carol is on no team.
    pub fn new() -> Self {
        let mut fake = FakeMattermost::default();
        for name in ["alice", "bob", "root", "carol"] {
            fake.users.push(User { id: format!("u-{name}"), username: name.into(), ..User::default() });
            if name != "carol" {
                fake.team_members.insert((TEAM.into(), format!("u-{name}")));
            }
        }
        fake.system_admins.insert("u-root".into());
        fake.channels.borrow_mut().insert(
            "town".into(),
            Channel {
                id: "town".into(),
                team_id: TEAM.into(),
                name: "town-square".into(),
                channel_type: "O".into(),
                ..Channel::default()
            },
        );
        fake
    }

    pub fn posts_in(&self, channel_id: &str) -> Vec<String> {
        self.posts.borrow().iter().filter(|p| p.channel_id == channel_id).map(|p| p.message.clone()).collect()
    }

    /// The posts of a channel that were not deleted.
    pub fn live_posts_in(&self, channel_id: &str) -> Vec<String> {
        self.posts.borrow().iter().filter(|p| p.channel_id == channel_id && p.delete_at == 0).map(|p| p.message.clone()).collect()
    }

    pub fn channel_count(&self) -> usize {
        self.channels.borrow().len()
    }
}

impl Mattermost for FakeMattermost {
    // Deactivated accounts are not found, as in the real implementation.
    fn user(&self, id: &str) -> Option<User> {
        self.users.iter().find(|u| u.id == id && u.delete_at == 0).cloned()
    }

    fn user_by_username(&self, username: &str) -> Option<User> {
        let name = username.trim_start_matches('@');
        self.users.iter().find(|u| u.username == name && u.delete_at == 0).cloned()
    }

    fn is_team_member(&self, team_id: &str, user_id: &str) -> bool {
        self.team_members.contains(&(team_id.to_owned(), user_id.to_owned()))
    }

    fn is_team_admin(&self, team_id: &str, user_id: &str) -> bool {
        self.system_admins.contains(user_id) || self.team_admins.contains(&(team_id.to_owned(), user_id.to_owned()))
    }

    fn is_system_admin(&self, user_id: &str) -> bool {
        self.system_admins.contains(user_id)
    }

    fn is_guest(&self, user_id: &str) -> bool {
        self.guests.contains(user_id)
    }

    fn is_channel_member(&self, channel_id: &str, user_id: &str) -> bool {
        self.channel_members.borrow().contains(&(channel_id.to_owned(), user_id.to_owned()))
    }

    fn may_post(&self, channel_id: &str, user_id: &str) -> bool {
        self.system_admins.contains(user_id)
            || (self.is_channel_member(channel_id, user_id) && !self.read_only_channels.borrow().contains(channel_id))
    }

    fn channel(&self, channel_id: &str) -> Option<Channel> {
        self.channels.borrow().get(channel_id).cloned()
    }

    fn channel_by_name(&self, team_id: &str, name: &str) -> Option<Channel> {
        self.channels.borrow().values().find(|c| c.team_id == team_id && c.name == name).cloned()
    }

    fn group_members(&self, name: &str, limit: usize) -> Option<Vec<String>> {
        self.groups.get(name).map(|m| m.iter().take(limit).cloned().collect())
    }

    fn create_channel(&self, channel: &Channel) -> Result<Channel, ChannelError> {
        let mut channels = self.channels.borrow_mut();
        if channels.values().any(|c| c.team_id == channel.team_id && c.name == channel.name) {
            return Err(ChannelError::NameTaken);
        }
        let mut created = channel.clone();
        created.id = format!("ch-{}", channels.len() + 1);
        channels.insert(created.id.clone(), created.clone());
        Ok(created)
    }

    fn add_channel_member(&self, channel_id: &str, user_id: &str) -> Result<(), String> {
        self.channel_members.borrow_mut().insert((channel_id.to_owned(), user_id.to_owned()));
        Ok(())
    }

    fn add_team_member(&self, _team_id: &str, _user_id: &str) -> Result<(), String> {
        Ok(())
    }

    fn create_post(&self, post: &Post) -> Result<Post, String> {
        let mut posts = self.posts.borrow_mut();
        let mut created = post.clone();
        if created.id.is_empty() {
            created.id = format!("p-{}", posts.len() + 1);
        }
        posts.push(created.clone());
        Ok(created)
    }

    fn claim_once(&self, key: &str, _ttl_seconds: i64) -> bool {
        self.claims.borrow_mut().insert(key.to_owned())
    }

    fn update_post(&self, post_id: &str, message: &str) -> Result<(), String> {
        let mut posts = self.posts.borrow_mut();
        let post = posts.iter_mut().find(|p| p.id == post_id && p.delete_at == 0).ok_or_else(|| format!("no post {post_id}"))?;
        post.message = message.to_owned();
        Ok(())
    }

    fn delete_post(&self, post_id: &str) -> Result<(), String> {
        let mut posts = self.posts.borrow_mut();
        let post = posts.iter_mut().find(|p| p.id == post_id && p.delete_at == 0).ok_or_else(|| format!("no post {post_id}"))?;
        post.delete_at = 1;
        Ok(())
    }

    fn update_channel(&self, channel: &Channel) -> Result<(), String> {
        let mut channels = self.channels.borrow_mut();
        let stored = channels.get_mut(&channel.id).ok_or_else(|| format!("no channel {}", channel.id))?;
        *stored = channel.clone();
        Ok(())
    }

    fn archive_channel(&self, channel_id: &str) -> Result<(), String> {
        let mut channels = self.channels.borrow_mut();
        let channel = channels.get_mut(channel_id).ok_or_else(|| format!("no channel {channel_id}"))?;
        channel.delete_at = 1;
        Ok(())
    }

    fn add_to_sidebar_category(&self, user_id: &str, team_id: &str, channel_id: &str, category_name: &str) -> Result<(), String> {
        if self.sidebar_failures.contains(user_id) {
            return Err(format!("cannot read the sidebar of {user_id}"));
        }
        let mut sidebars = self.sidebar_categories.borrow_mut();
        let categories = sidebars.entry((user_id.to_owned(), team_id.to_owned())).or_default();
        for (_, channels) in categories.iter_mut() {
            channels.retain(|c| c != channel_id);
        }
        let wanted = category_name.to_lowercase();
        match categories.iter_mut().find(|(name, _)| name.to_lowercase() == wanted) {
            Some((_, channels)) => channels.insert(0, channel_id.to_owned()),
            // Mattermost puts a new category first (after Favorites).
            None => categories.insert(0, (category_name.to_owned(), vec![channel_id.to_owned()])),
        }
        Ok(())
    }

    fn warn(&self, message: &str, error: &str) {
        self.warnings.borrow_mut().push((message.to_owned(), error.to_owned()));
    }

    fn set_channel_header(&self, channel_id: &str, header: &str) -> Result<(), String> {
        let mut channels = self.channels.borrow_mut();
        let channel = channels.get_mut(channel_id).ok_or_else(|| format!("no channel {channel_id}"))?;
        channel.header = header.to_owned();
        Ok(())
    }

    fn permalink(&self, _team_id: &str, post_id: &str) -> String {
        format!("https://chat.example.com/ops/pl/{post_id}")
    }

    fn http_post(&self, url: &str, headers: &[(String, String)], body: &[u8], timeout_ms: u32) -> Result<u16, String> {
        let value = serde_json::from_slice(body).unwrap_or(serde_json::Value::Null);
        self.webhook_calls.borrow_mut().push((url.to_owned(), value));
        self.webhook_requests.borrow_mut().push((headers.to_vec(), body.to_vec()));
        let timeout = std::time::Duration::from_millis(u64::from(timeout_ms));
        let delay = self.webhook_delay.get();
        if !delay.is_zero() {
            std::thread::sleep(delay.min(timeout));
            if delay > timeout {
                return Err(format!("timed out after {timeout_ms} ms"));
            }
        }
        let queued = self.webhook_answers.borrow_mut().get_mut(url).and_then(|q| q.pop_front());
        queued.or_else(|| self.webhook_default.borrow().clone()).unwrap_or(Ok(200))
    }

    fn http_request(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: &[u8],
        _timeout_ms: u32,
    ) -> Result<(u16, Vec<u8>), String> {
        let call = HttpCall {
            method: method.to_owned(),
            url: url.to_owned(),
            headers: headers.to_vec(),
            body: serde_json::from_slice(body).unwrap_or(serde_json::Value::Null),
        };
        let answer = self.http_answers.borrow_mut().pop_front().unwrap_or_else(|| Ok(provider_answer(&call)));
        self.http_requests.borrow_mut().push(call);
        answer
    }

    fn ephemeral(&self, user_id: &str, post: &Post) {
        self.ephemerals.borrow_mut().push((user_id.to_owned(), post.clone()));
    }

    fn open_dialog(&self, request: &OpenDialogRequest) -> Result<(), String> {
        self.dialogs.borrow_mut().push(request.clone());
        Ok(())
    }

    fn run_slash_command(&self, user_id: &str, channel_id: &str, _team_id: &str, command: &str) -> Result<String, String> {
        self.slash_commands.borrow_mut().push((user_id.to_owned(), channel_id.to_owned(), command.to_owned()));
        if command.starts_with("/fail") {
            let trigger = command.split_whitespace().next().unwrap_or("").trim_start_matches('/');
            return Err(format!("Command with a trigger of '{trigger}' not found."));
        }
        Ok(String::new())
    }

    fn direct_message(&self, _bot_id: &str, user_id: &str, message: &str) -> Result<(), String> {
        self.dms.borrow_mut().push((user_id.to_owned(), message.to_owned()));
        Ok(())
    }

    fn post(&self, post_id: &str) -> Option<Post> {
        self.posts.borrow().iter().find(|p| p.id == post_id && p.delete_at == 0).cloned()
    }

    fn publish(&self, event: &str, payload: &serde_json::Value, audience: &EventAudience) {
        self.events.borrow_mut().push((event.to_owned(), payload.clone(), audience.clone()));
    }

    fn settings(&self) -> Settings {
        self.settings.clone()
    }

    /// Mattermost's defaults: system admins hold every permission; other members of a channel
    /// (guests aside) manage its members; nobody else does.
    fn has_channel_permission(&self, user_id: &str, channel_id: &str, permission: &str) -> bool {
        if self.denied_channel_permissions.borrow().contains(&(user_id.to_owned(), channel_id.to_owned(), permission.to_owned()))
        {
            return false;
        }
        self.is_system_admin(user_id) || (self.is_channel_member(channel_id, user_id) && !self.is_guest(user_id))
    }

    fn view_archived_channels(&self) -> bool {
        !self.hide_archived_channels
    }

    fn message_retention_hours(&self) -> Option<i64> {
        self.message_retention_hours
    }

    fn server_time_zone(&self) -> String {
        self.server_time_zone.clone()
    }
}

/// What the fake answers a pager or status page request: status and body, or why none.
pub type HttpAnswer = Result<(u16, Vec<u8>), String>;

/// One pager or status page request as the fake received it.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpCall {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: serde_json::Value,
}

impl HttpCall {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What the providers answer an accepted request: PagerDuty 202 with its status line, Opsgenie
/// 202 with a request id, Statuspage the incident (201 created, 200 updated) with an id.
fn provider_answer(call: &HttpCall) -> (u16, Vec<u8>) {
    if call.url.ends_with("/v2/enqueue") {
        (202, br#"{"status":"success","message":"Event processed"}"#.to_vec())
    } else if call.url.contains("/v2/alerts") {
        (202, br#"{"result":"Request will be processed","took":0.01,"requestId":"r1"}"#.to_vec())
    } else if call.method == "POST" {
        (201, br#"{"id":"sp0incident1","status":"investigating"}"#.to_vec())
    } else {
        (200, br#"{"id":"sp0incident1"}"#.to_vec())
    }
}
