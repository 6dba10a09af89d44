//! Shared by the golden-byte tests (golden_releases.rs, golden_to_go.rs): where the recordings
//! are, how to read one, and the values the Go recorder sets
//! (tests/conformance/gobgolden/values.go), which both directions check.
#![allow(dead_code)] // each test target uses its part

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use go_netrpc::{Request, Response};
use gobwire::{Decoder, Gob, Progress, WireType, parse_length_prefix};
use mm_model::{
    AppError, Channel, ChannelMember, CommandArgs, CommandResponse, Context, Dialog, DialogElement, DialogOption,
    OpenDialogRequest, Post, PostList, Props, Team, WebsocketBroadcast,
};

#[derive(Gob, Default)]
pub struct AppReturns<T> {
    pub a: Option<T>,
    pub b: Option<AppError>,
}

#[derive(Gob, Default)]
pub struct Args1<A> {
    pub a: A,
}

#[derive(Gob, Default)]
pub struct Args3<A, B, C> {
    pub a: A,
    pub b: B,
    pub c: C,
}

pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

pub type Release = (u32, u32, u32);

pub fn parse_release(name: &str) -> Option<Release> {
    let mut parts = name.strip_prefix('v')?.split('.').map(|p| p.parse::<u32>().ok());
    let release = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(release)
}

/// Every recorded release, oldest first.
pub fn releases() -> Vec<(String, Release)> {
    let mut out: Vec<(String, Release)> = std::fs::read_dir(golden_dir())
        .expect("tests/golden")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let release = parse_release(&name)?;
            Some((name, release))
        })
        .collect();
    out.sort_by_key(|(_, r)| *r);
    out
}

/// One recorded net/rpc stream, decoded value by value, keeping the name of every type it
/// defines and the fields of its named struct types.
pub struct Stream {
    what: String,
    bytes: Vec<u8>,
    at: usize,
    dec: Decoder,
    structs: HashMap<String, Vec<String>>,
    names: Vec<String>,
}

impl Stream {
    pub fn open(release: &str, name: &str) -> Self {
        let path = golden_dir().join(release).join(format!("{name}.gob"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Self::new(format!("{release}/{name}"), bytes)
    }

    pub fn new(what: String, bytes: Vec<u8>) -> Self {
        Self { what, bytes, at: 0, dec: Decoder::new(), structs: HashMap::new(), names: Vec::new() }
    }

    pub fn next<T: gobwire::Decode + Default>(&mut self) -> T {
        loop {
            let rest = &self.bytes[self.at..];
            let (width, len) = parse_length_prefix(rest)
                .unwrap_or_else(|e| panic!("{}: {e}", self.what))
                .unwrap_or_else(|| panic!("{}: ends inside a message", self.what));
            let body = &rest[width..width + len];
            self.at += width + len;
            match self.dec.push_message(body).unwrap_or_else(|e| panic!("{}: {e}", self.what)) {
                Progress::TypeDefinition(id) => {
                    let defined = self.dec.types().get(id).map(|t| &**t);
                    if let Some(WireType::Struct { name, fields }) = defined {
                        self.structs.insert(name.clone(), fields.iter().map(|f| f.name.clone()).collect());
                    }
                    self.names.extend(defined.map(|t| t.name().to_owned()));
                }
                Progress::NeedMore => {}
                Progress::Ready => {
                    return self.dec.decode().unwrap_or_else(|e| panic!("{}: decoding: {e}", self.what));
                }
            }
        }
    }

    pub fn request(&mut self, method: &str) {
        let header: Request = self.next();
        assert_eq!(header.service_method, format!("Plugin.{method}"), "{}", self.what);
    }

    pub fn response(&mut self, method: &str) {
        let header: Response = self.next();
        assert_eq!(header.service_method, format!("Plugin.{method}"), "{}", self.what);
        assert_eq!(header.error, "", "{}", self.what);
    }

    pub fn finish(&self) {
        assert_eq!(self.at, self.bytes.len(), "{}: bytes left after the call", self.what);
    }

    /// `field` empty: whether the stream defines a type of that name.
    pub fn has_field(&self, go_type: &str, field: &str) -> bool {
        if field.is_empty() {
            return self.names.iter().any(|n| n == go_type);
        }
        self.structs.get(go_type).is_some_and(|fields| fields.iter().any(|f| f == field))
    }
}

// --- The values the recorder sets (tests/conformance/gobgolden/values.go) ----------------

pub fn s(v: &str) -> String {
    v.to_owned()
}

pub fn map(k: &str, v: &str) -> HashMap<String, String> {
    HashMap::from([(s(k), s(v))])
}

pub fn props(k: &str, v: &str) -> Props {
    let mut p = Props::default();
    p.insert(k, v);
    p
}

pub fn context(connection_id: bool) -> Context {
    Context {
        session_id: s("session-1"),
        request_id: s("request-1"),
        ip_address: s("192.0.2.7"),
        accept_language: s("fr-FR"),
        user_agent: s("golden/1"),
        connection_id: if connection_id { s("connection-1") } else { String::new() },
    }
}

pub fn command_args() -> CommandArgs {
    CommandArgs {
        user_id: s("user-1"),
        channel_id: s("channel-1"),
        team_id: s("team-1"),
        root_id: s("root-1"),
        parent_id: s("parent-1"),
        trigger_id: s("trigger-1"),
        command: s("/incident start Disk full"),
        site_url: s("https://chat.example.com"),
        user_mentions: map("alice", "user-2"),
        channel_mentions: map("town-square", "channel-2"),
    }
}

pub fn team() -> Team {
    Team {
        id: s("team-1"),
        create_at: 1_700_000_000_001,
        update_at: 1_700_000_000_002,
        delete_at: 1_700_000_000_003,
        display_name: s("Operations"),
        name: s("ops"),
        description: s("Keeps things up"),
        email: s("ops@example.com"),
        team_type: s("I"),
        allow_open_invite: true,
    }
}

pub fn channel() -> Channel {
    Channel {
        id: s("channel-1"),
        create_at: 1_700_000_000_011,
        update_at: 1_700_000_000_012,
        delete_at: 1_700_000_000_013,
        team_id: s("team-1"),
        channel_type: s("P"),
        display_name: s("Incident: Disk full"),
        name: s("incident-disk-full"),
        header: s("Header"),
        purpose: s("Purpose"),
        last_post_at: 1_700_000_000_014,
        total_msg_count: 15,
        creator_id: s("user-1"),
    }
}

pub fn channel_member() -> ChannelMember {
    ChannelMember {
        channel_id: s("channel-1"),
        user_id: s("user-1"),
        roles: s("channel_user channel_admin"),
        last_viewed_at: 1_700_000_000_021,
        msg_count: 22,
        mention_count: 23,
        notify_props: map("desktop", "mention"),
        last_update_at: 1_700_000_000_024,
        scheme_guest: true,
        scheme_user: true,
        scheme_admin: true,
    }
}

pub fn post() -> Post {
    Post {
        id: s("post-1"),
        create_at: 1_700_000_000_031,
        update_at: 1_700_000_000_032,
        edit_at: 1_700_000_000_033,
        delete_at: 1_700_000_000_034,
        is_pinned: true,
        user_id: s("user-1"),
        channel_id: s("channel-1"),
        root_id: s("root-1"),
        original_id: s("original-1"),
        message: s("Checkout is failing"),
        post_type: s("custom_incident"),
        props: props("from_bot", "true"),
        hashtags: s("#ops"),
        file_ids: vec![s("file-1")],
        pending_post_id: s("pending-1"),
        reply_count: 35,
    }
}

pub fn post_list() -> PostList {
    PostList {
        order: vec![s("post-1")],
        posts: HashMap::from([(s("post-1"), post())]),
        next_post_id: s("post-2"),
        prev_post_id: s("post-0"),
        has_next: true,
    }
}

/// The types the plugin sends, with the fields it sets: the same values as the Go side's
/// `...Sent()` functions, which the conformance suite expects from our bytes.
pub fn command_response() -> CommandResponse {
    CommandResponse {
        response_type: s("ephemeral"),
        text: s("Started"),
        username: s("incident"),
        channel_id: s("channel-1"),
        icon_url: s("https://chat.example.com/icon.svg"),
        response_kind: s("custom_incident"),
        props: props("incident_id", "incident-1"),
        goto_location: s("https://chat.example.com/ops"),
        trigger_id: s("trigger-1"),
        skip_slack_parsing: true,
    }
}

pub fn open_dialog_request() -> OpenDialogRequest {
    OpenDialogRequest {
        trigger_id: s("trigger-1"),
        url: s("/plugins/incident-response/api/v0/dialogs/start"),
        dialog: Dialog {
            callback_id: s("start"),
            title: s("Start incident"),
            introduction_text: s("Intro"),
            icon_url: s("https://chat.example.com/icon.svg"),
            elements: vec![DialogElement {
                display_name: s("Name"),
                name: s("name"),
                element_type: s("text"),
                subtype: s("text"),
                default: s("Disk full"),
                placeholder: s("What is broken?"),
                help_text: s("Short"),
                optional: true,
                min_length: 3,
                max_length: 64,
                data_source: s("users"),
                options: vec![DialogOption { text: s("Sev 1"), value: s("1") }],
            }],
            submit_label: s("Start"),
            notify_on_cancel: true,
            state: s("state-1"),
        },
    }
}

pub const WEBSOCKET_EVENT: &str = "custom_incident-response_incident_updated";

pub fn websocket_broadcast() -> WebsocketBroadcast {
    WebsocketBroadcast {
        omit_users: HashMap::from([(s("user-3"), true)]),
        user_id: s("user-1"),
        channel_id: s("channel-1"),
        team_id: s("team-1"),
        connection_id: s("connection-1"),
        omit_connection_id: s("connection-2"),
    }
}
