//! Golden bytes of every supported Mattermost release: what each `server/public` release's host
//! code puts on the plugin RPC for the types that changed between releases, recorded with that
//! release's own Go types by `tests/conformance/cmd/gobgolden` (`build/conformance-versions.sh
//! golden`) into `tests/golden/<release>/`, and checked byte for byte against a new recording by
//! the conformance suite on each release. Here our decoders read them: the fields the plugin
//! reads come out as recorded, and the fields a release added (all filled, so gob sends them)
//! are skipped without error.
//!
//! The other direction: what our hooks server answers to `ExecuteCommand`, and what our API
//! client sends for `OpenInteractiveDialog` and `PublishWebSocketEvent`, is compared with
//! `tests/golden/from-rust/`, which the conformance suite decodes with each release's types
//! (`tests/conformance/gobgolden`). `GOLDEN_UPDATE=1` rewrites those files.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use go_netrpc::{Request, Response};
use gobwire::{Decoder, Gob, Progress, WireType, parse_length_prefix};
use mm_model::{
    AppError, Channel, ChannelMember, CommandArgs, CommandResponse, Context, Dialog, DialogElement, DialogOption,
    OpenDialogRequest, Post, PostList, Props, Reaction, Team, User, WebsocketBroadcast,
};
use mm_protocol::wire::{ExecuteCommandArgs, ExecuteCommandReturns};
use mm_protocol::{HttpRequest, HttpResponse};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `Z_<Method>Returns{A *T, B *model.AppError}`.
#[derive(Gob, Default)]
struct AppReturns<T> {
    a: Option<T>,
    b: Option<AppError>,
}

#[derive(Gob, Default)]
struct Args1<A> {
    a: A,
}

#[derive(Gob, Default)]
struct Args3<A, B, C> {
    a: A,
    b: B,
    c: C,
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

type Release = (u32, u32, u32);

fn parse_release(name: &str) -> Option<Release> {
    let mut parts = name.strip_prefix('v')?.split('.').map(|p| p.parse::<u32>().ok());
    let release = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(release)
}

/// Every recorded release, oldest first.
fn releases() -> Vec<(String, Release)> {
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
struct Stream {
    what: String,
    bytes: Vec<u8>,
    at: usize,
    dec: Decoder,
    structs: HashMap<String, Vec<String>>,
    names: Vec<String>,
}

impl Stream {
    fn open(release: &str, name: &str) -> Self {
        let path = golden_dir().join(release).join(format!("{name}.gob"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Self::new(format!("{release}/{name}"), bytes)
    }

    fn new(what: String, bytes: Vec<u8>) -> Self {
        Self { what, bytes, at: 0, dec: Decoder::new(), structs: HashMap::new(), names: Vec::new() }
    }

    fn next<T: gobwire::Decode + Default>(&mut self) -> T {
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

    fn request(&mut self, method: &str) {
        let header: Request = self.next();
        assert_eq!(header.service_method, format!("Plugin.{method}"), "{}", self.what);
    }

    fn response(&mut self, method: &str) {
        let header: Response = self.next();
        assert_eq!(header.service_method, format!("Plugin.{method}"), "{}", self.what);
        assert_eq!(header.error, "", "{}", self.what);
    }

    fn finish(&self) {
        assert_eq!(self.at, self.bytes.len(), "{}: bytes left after the call", self.what);
    }

    /// `field` empty: whether the stream defines a type of that name.
    fn has_field(&self, go_type: &str, field: &str) -> bool {
        if field.is_empty() {
            return self.names.iter().any(|n| n == go_type);
        }
        self.structs.get(go_type).is_some_and(|fields| fields.iter().any(|f| f == field))
    }
}

// --- The values the recorder sets (tests/conformance/gobgolden/values.go) ----------------

fn s(v: &str) -> String {
    v.to_owned()
}

fn map(k: &str, v: &str) -> HashMap<String, String> {
    HashMap::from([(s(k), s(v))])
}

fn props(k: &str, v: &str) -> Props {
    let mut p = Props::default();
    p.insert(k, v);
    p
}

fn context(connection_id: bool) -> Context {
    Context {
        session_id: s("session-1"),
        request_id: s("request-1"),
        ip_address: s("192.0.2.7"),
        accept_language: s("fr-FR"),
        user_agent: s("golden/1"),
        connection_id: if connection_id { s("connection-1") } else { String::new() },
    }
}

fn command_args() -> CommandArgs {
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

fn team() -> Team {
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

fn channel() -> Channel {
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

fn channel_member() -> ChannelMember {
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

fn post() -> Post {
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

fn post_list() -> PostList {
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
fn command_response() -> CommandResponse {
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

fn open_dialog_request() -> OpenDialogRequest {
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

const WEBSOCKET_EVENT: &str = "custom_incident-response_incident_updated";

fn websocket_broadcast() -> WebsocketBroadcast {
    WebsocketBroadcast {
        omit_users: HashMap::from([(s("user-3"), true)]),
        user_id: s("user-1"),
        channel_id: s("channel-1"),
        team_id: s("team-1"),
        connection_id: s("connection-1"),
        omit_connection_id: s("connection-2"),
    }
}

// --- What changed between releases (docs/compatibility.md) -------------------------------

/// A field of a Go struct type (or, `field` empty, a type) that releases added (`since`) or
/// removed (`until`, the first release without it). Our models declare none of them.
struct Change {
    go_type: &'static str,
    field: &'static str,
    since: Release,
    until: Option<Release>,
}

const fn added(go_type: &'static str, field: &'static str, since: Release) -> Change {
    Change { go_type, field, since, until: None }
}

const CHANGES: &[Change] = &[
    added("Context", "ConnectionId", (0, 4, 0)),
    added("CommandArgs", "ConnectionId", (0, 4, 0)),
    added("Channel", "BannerInfo", (0, 1, 11)),
    added("Channel", "PolicyEnforced", (0, 1, 13)),
    added("Channel", "DefaultCategoryName", (0, 1, 16)),
    added("Channel", "AutoTranslation", (0, 1, 22)),
    added("Channel", "PolicyIsActive", (0, 1, 22)),
    added("Channel", "ManagedCategoryName", (0, 4, 0)),
    added("Channel", "Discoverable", (0, 4, 1)),
    added("Channel", "PolicyActions", (0, 4, 1)),
    added("ChannelMember", "AutoTranslationDisabled", (0, 2, 0)),
    added("Team", "PolicyActions", (0, 4, 3)),
    added("Team", "PolicyEnforced", (0, 4, 3)),
    added("Team", "PolicyIsActive", (0, 4, 3)),
    added("Team", "Recommended", (0, 4, 4)),
    added("PostList", "BurnOnReadPosts", (0, 1, 22)),
    added("PostMetadata", "ExpireAt", (0, 1, 22)),
    added("PostMetadata", "Recipients", (0, 1, 22)),
    added("PostMetadata", "Translations", (0, 1, 22)),
    added("PostMetadata", "RedactedFileCount", (0, 4, 0)),
    added("WebsocketBroadcast", "RequiredPermissions", (0, 4, 4)),
    added("DialogElement", "DataSourceURL", (0, 1, 17)),
    added("DialogElement", "MultiSelect", (0, 1, 17)),
    added("DialogElement", "Refresh", (0, 1, 20)),
    Change { go_type: "DialogElement", field: "MinDate", since: (0, 1, 20), until: Some((0, 4, 4)) },
    Change { go_type: "DialogElement", field: "MaxDate", since: (0, 1, 20), until: Some((0, 4, 4)) },
    Change { go_type: "DialogElement", field: "TimeInterval", since: (0, 1, 20), until: Some((0, 4, 4)) },
    added("DialogElement", "DateTimeConfig", (0, 2, 1)),
    added("DialogElement", "AllowMultiple", (0, 4, 4)),
    added("DialogDateTimeConfig", "MinDate", (0, 4, 0)),
    added("DialogElement", "ActionButton", (0, 4, 4)),
    added("Dialog", "SourceURL", (0, 1, 20)),
    // CommandResponse.Attachments' element type (gob sends these structs without a name; the
    // slice type's name tells them apart): SlackAttachment, MessageAttachment from v0.2.1.
    Change { go_type: "[]*model.SlackAttachment", field: "", since: (0, 0, 0), until: Some((0, 2, 1)) },
    added("[]*model.MessageAttachment", "", (0, 2, 1)),
];

fn present_in(c: &Change, release: Release) -> bool {
    release >= c.since && c.until.is_none_or(|u| release < u)
}

/// Every recording of every release decodes into what the recorder set; the changed fields are
/// in the recordings exactly from the release that added them (so the skipping above is
/// exercised, and the list of changes is the releases' own).
#[test]
fn every_release_decodes_with_our_types() {
    let releases = releases();
    assert!(releases.len() >= 2, "recordings of at least the oldest and newest release: {releases:?}");
    let mut seen: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (name, release) in &releases {
        let mut streams = Vec::new();

        let mut st = Stream::open(name, "ExecuteCommand.request");
        st.request("ExecuteCommand");
        let args: ExecuteCommandArgs = st.next();
        let has_connection_id = st.has_field("Context", "ConnectionId");
        assert_eq!(args.a, Some(context(has_connection_id)), "{name}: hook context");
        assert_eq!(args.b, Some(command_args()), "{name}: command arguments");
        streams.push(st);

        let mut st = Stream::open(name, "GetTeam.response");
        st.response("GetTeam");
        let r: AppReturns<Team> = st.next();
        assert_eq!((r.a, r.b), (Some(team()), None), "{name}: GetTeam");
        streams.push(st);

        let mut st = Stream::open(name, "GetChannel.response");
        st.response("GetChannel");
        let r: AppReturns<Channel> = st.next();
        assert_eq!((r.a, r.b), (Some(channel()), None), "{name}: GetChannel");
        streams.push(st);

        let mut st = Stream::open(name, "GetChannelMember.response");
        st.response("GetChannelMember");
        let r: AppReturns<ChannelMember> = st.next();
        assert_eq!((r.a, r.b), (Some(channel_member()), None), "{name}: GetChannelMember");
        streams.push(st);

        let mut st = Stream::open(name, "GetPostThread.response");
        st.response("GetPostThread");
        let r: AppReturns<PostList> = st.next();
        assert_eq!((r.a, r.b), (Some(post_list()), None), "{name}: GetPostThread");
        streams.push(st);

        // The types we send, as a Go plugin of that release sends them with every field set:
        // our decoders read them too.
        let mut st = Stream::open(name, "ExecuteCommand.response");
        st.response("ExecuteCommand");
        let r: ExecuteCommandReturns = st.next();
        assert_eq!(r.a, Some(command_response()), "{name}: CommandResponse");
        assert!(r.b.is_none(), "{name}: no AppError");
        streams.push(st);

        let mut st = Stream::open(name, "OpenInteractiveDialog.request");
        st.request("OpenInteractiveDialog");
        let r: Args1<OpenDialogRequest> = st.next();
        assert_eq!(r.a, open_dialog_request(), "{name}: OpenDialogRequest");
        streams.push(st);

        let mut st = Stream::open(name, "PublishWebSocketEvent.request");
        st.request("PublishWebSocketEvent");
        let r: Args3<String, Props, Option<WebsocketBroadcast>> = st.next();
        assert_eq!(r.a, WEBSOCKET_EVENT, "{name}: event");
        assert_eq!(r.b, props("incident_id", "incident-1"), "{name}: payload");
        assert_eq!(r.c, Some(websocket_broadcast()), "{name}: broadcast");
        streams.push(st);

        for st in &streams {
            st.finish();
        }
        for c in CHANGES {
            let in_recording = streams.iter().any(|st| st.has_field(c.go_type, c.field));
            assert_eq!(
                in_recording,
                present_in(c, *release),
                "{name}: {}.{} {} the recordings",
                c.go_type,
                c.field,
                if in_recording { "is in" } else { "is not in" }
            );
            if in_recording {
                *seen.entry((c.go_type, c.field)).or_default() += 1;
            }
        }
    }
    // Every listed change is in at least one recording.
    for c in CHANGES {
        assert!(seen.contains_key(&(c.go_type, c.field)), "{}.{} is in no recording", c.go_type, c.field);
    }
}

#[test]
fn oldest_and_newest_supported_releases_are_recorded() {
    let names: Vec<String> = releases().into_iter().map(|(n, _)| n).collect();
    for want in ["v0.1.16", "v0.2.1", "v0.4.0", "v0.4.3", "v0.4.4"] {
        assert!(names.iter().any(|n| n == want), "no recordings of {want}: {names:?}");
    }
}

// --- Our bytes, for the Go side ------------------------------------------------------------

struct AnswersCommand;

impl mm_protocol::Hooks for AnswersCommand {
    async fn implemented(&self) -> Result<Vec<String>, String> {
        Ok(vec!["ExecuteCommand".into()])
    }
    async fn on_activate(&self, _api: go_netrpc::Client, _driver: Option<go_netrpc::Client>) -> Result<(), String> {
        Ok(())
    }
    async fn on_deactivate(&self) -> Result<(), String> {
        Ok(())
    }
    async fn on_configuration_change(&self) -> Result<(), String> {
        Ok(())
    }
    async fn execute_command(&self, _: Context, _: CommandArgs) -> Result<CommandResponse, AppError> {
        Ok(command_response())
    }
    async fn serve_http(&self, _: Context, _: HttpRequest) -> HttpResponse {
        HttpResponse::json(404, "{}")
    }
    async fn message_has_been_posted(&self, _: Context, _: Post) {}
    async fn message_has_been_deleted(&self, _: Context, _: Post) {}
    async fn message_has_been_updated(&self, _: Context, _: Post, _: Post) {}
    async fn reaction_has_been_added(&self, _: Context, _: Reaction) {}
    async fn user_has_joined_channel(&self, _: Context, _: ChannelMember, _: Option<User>) {}
    async fn on_plugin_cluster_event(&self, _: Context, _: String, _: Vec<u8>) {}
}

/// Reads from `r` until `values` complete gob values have arrived; returns their bytes.
async fn read_values<R: tokio::io::AsyncRead + Unpin>(r: &mut R, values: usize) -> Vec<u8> {
    let mut got = Vec::new();
    let mut dec = Decoder::new();
    let (mut at, mut done) = (0, 0);
    while done < values {
        while let Some((width, len)) = parse_length_prefix(&got[at..]).expect("length prefix") {
            if got.len() < at + width + len {
                break;
            }
            if dec.push_message(&got[at + width..at + width + len]).expect("message") == Progress::Ready {
                dec.discard().expect("value");
                done += 1;
            }
            at += width + len;
            if done == values {
                break;
            }
        }
        if done == values {
            break;
        }
        let mut buf = [0u8; 4096];
        let n = tokio::time::timeout(std::time::Duration::from_secs(5), r.read(&mut buf))
            .await
            .expect("an answer in time")
            .expect("read");
        assert!(n > 0, "the stream ended after {done} of {values} values");
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(at, got.len(), "bytes beyond the values");
    got
}

/// Compares `bytes` with the committed `from-rust/<name>.gob`, or writes it with GOLDEN_UPDATE=1.
fn check_from_rust(name: &str, bytes: &[u8]) {
    let path = golden_dir().join("from-rust").join(format!("{name}.gob"));
    if std::env::var_os("GOLDEN_UPDATE").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, bytes).expect("write");
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (GOLDEN_UPDATE=1 writes it)", path.display()));
    assert_eq!(
        bytes,
        committed,
        "{}: our encoder writes other bytes now (GOLDEN_UPDATE=1 rewrites it; the conformance suite checks it)",
        path.display()
    );
}

/// Our hooks server's answer to each release's recorded `ExecuteCommand` call: the same bytes
/// for every release, committed for the conformance suite, which reads them with each
/// release's `CommandResponse`.
#[tokio::test]
async fn our_command_response_for_the_go_side() {
    let mut answers = Vec::new();
    for (name, _) in releases() {
        let request = std::fs::read(golden_dir().join(&name).join("ExecuteCommand.request.gob")).expect("recording");
        let (mut host, plugin) = tokio::io::duplex(1 << 16);
        let server = Arc::new(hooks_server_without_broker());
        let serving = tokio::spawn(server.serve(plugin));
        host.write_all(&request).await.expect("write");
        let answer = read_values(&mut host, 2).await;
        let mut dec = Stream::new(format!("our answer to {name}"), answer.clone());
        dec.response("ExecuteCommand");
        let r: ExecuteCommandReturns = dec.next();
        assert_eq!(r.a, Some(command_response()));
        drop(host);
        let _ = serving.await;
        answers.push((name, answer));
    }
    let (first_name, first) = &answers[0];
    for (name, answer) in &answers {
        assert_eq!(answer, first, "our answer to {name}'s call differs from the one to {first_name}'s");
    }
    check_from_rust("ExecuteCommand.response", first);
}

/// The hooks server needs a broker only for hooks that dial back; ExecuteCommand does not.
fn hooks_server_without_broker() -> go_netrpc::Server {
    let (a, _b) = tokio::io::duplex(64);
    let session = goplugin::yamux::Session::server(a, goplugin::yamux::Config::default()).expect("session");
    let (broker, _run) = goplugin::MuxBroker::new(session);
    mm_protocol::hooks_server(Arc::new(AnswersCommand), broker)
}

/// What our API client (mm-api) writes for the API methods whose argument types changed:
/// request header and arguments, committed for the conformance suite, which serves them to a
/// net/rpc server with each release's argument types.
#[tokio::test]
async fn our_api_requests_for_the_go_side() {
    let (mut host, plugin) = tokio::io::duplex(1 << 16);
    let api = mm_api::ApiClient::new(go_netrpc::Client::new(plugin));
    let call = tokio::spawn({
        let api = api.clone();
        async move { api.open_interactive_dialog(&open_dialog_request()).await }
    });
    let dialog = read_values(&mut host, 2).await;
    call.abort();
    check_from_rust("OpenInteractiveDialog.request", &dialog);

    // A fresh connection, as the recording of each call starts one.
    let (mut host, plugin) = tokio::io::duplex(1 << 16);
    let api = mm_api::ApiClient::new(go_netrpc::Client::new(plugin));
    let call = tokio::spawn(async move {
        api.publish_websocket_event(WEBSOCKET_EVENT, &props("incident_id", "incident-1"), &websocket_broadcast()).await
    });
    let websocket = read_values(&mut host, 2).await;
    call.abort();
    check_from_rust("PublishWebSocketEvent.request", &websocket);

    // And our own decoder reads them back as sent.
    let mut st = Stream::new(s("our OpenInteractiveDialog"), dialog);
    st.request("OpenInteractiveDialog");
    assert_eq!(st.next::<Args1<OpenDialogRequest>>().a, open_dialog_request());
    st.finish();
}
