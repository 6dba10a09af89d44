//! Mattermost's server-plugin protocol, plugin side.
//!
//! Transport, handshake, yamux and the MuxBroker come from the `goplugin` crate; gob and net/rpc
//! from `gobwire` and `go-netrpc` (why: docs/ARCHITECTURE.md). This crate adds what is
//! Mattermost's own: the handshake constants, the hook argument structs, dispatch of each hook
//! RPC to a [`Hooks`] implementation, and the ServeHTTP streams.

pub mod http;
pub mod lossy;
pub mod wire;

use std::future::Future;
use std::sync::Arc;

use go_netrpc::{Server, ServiceError};
use goplugin::{HandshakeConfig, MuxBroker};
use mm_model::{AppError, ChannelMember, CommandArgs, CommandResponse, Context, ErrorString, Post, Reaction, User};

pub use http::{HttpRequest, HttpResponse};
use wire::*;

/// Mattermost's go-plugin handshake (`server/public/plugin/api.go`).
pub const MAGIC_COOKIE_KEY: &str = "MATTERMOST_PLUGIN";
pub const MAGIC_COOKIE_VALUE: &str = "Securely message teams, anywhere.";

/// Largest request body ServeHTTP reads; a longer one is answered 413 without reaching the logic.
/// Mattermost puts no limit on plugin request bodies (its `/plugins/{id}` routes are outside
/// the `MaximumPayloadSizeBytes` reader of its own API), so this is the only one: twice the
/// largest body the plugin accepts (a 4 MiB playbook import).
pub const MAX_REQUEST_BODY: usize = 8 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    #[error(transparent)]
    Rpc(#[from] go_netrpc::Error),
    #[error(transparent)]
    Broker(#[from] goplugin::broker::BrokerError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The hooks this plugin answers, as async methods. The protocol layer decodes each hook RPC,
/// calls the matching method and encodes its answer; nothing here knows what the plugin does.
pub trait Hooks: Send + Sync + 'static {
    /// Hook names in Mattermost's spelling. Only these are advertised to the server.
    fn implemented(&self) -> impl Future<Output = Result<Vec<String>, String>> + Send;
    /// `api` is a net/rpc client on the API stream the server offered; `driver` one on its
    /// database driver stream (`None` if dialling it failed).
    fn on_activate(
        &self,
        api: go_netrpc::Client,
        driver: Option<go_netrpc::Client>,
    ) -> impl Future<Output = Result<(), String>> + Send;
    fn on_deactivate(&self) -> impl Future<Output = Result<(), String>> + Send;
    fn on_configuration_change(&self) -> impl Future<Output = Result<(), String>> + Send;
    fn execute_command(&self, ctx: Context, args: CommandArgs) -> impl Future<Output = Result<CommandResponse, AppError>> + Send;
    fn serve_http(&self, ctx: Context, request: HttpRequest) -> impl Future<Output = HttpResponse> + Send;
    /// The answer to a request that needs no body, decided from its method, URL and headers
    /// (`request.body` is empty) before the body is read: `None` reads it and calls
    /// [`Hooks::serve_http`]. An unauthenticated request is refused here, so its body is
    /// never taken in.
    fn answer_before_body(&self, _request: &HttpRequest) -> Option<HttpResponse> {
        None
    }
    fn message_has_been_posted(&self, ctx: Context, post: Post) -> impl Future<Output = ()> + Send;
    fn message_has_been_deleted(&self, ctx: Context, post: Post) -> impl Future<Output = ()> + Send;
    fn message_has_been_updated(&self, ctx: Context, new_post: Post, old_post: Post) -> impl Future<Output = ()> + Send;
    fn reaction_has_been_added(&self, ctx: Context, reaction: Reaction) -> impl Future<Output = ()> + Send;
    fn user_has_joined_channel(
        &self,
        ctx: Context,
        member: ChannelMember,
        actor: Option<User>,
    ) -> impl Future<Output = ()> + Send;
    fn on_plugin_cluster_event(&self, ctx: Context, id: String, data: Vec<u8>) -> impl Future<Output = ()> + Send;
}

/// Every hook name this protocol layer can dispatch. [`Hooks::implemented`] must be a subset.
pub const DISPATCHED_HOOKS: &[&str] = &[
    "OnActivate",
    "OnDeactivate",
    "OnConfigurationChange",
    "ExecuteCommand",
    "ServeHTTP",
    "MessageHasBeenPosted",
    "MessageHasBeenDeleted",
    "MessageHasBeenUpdated",
    "ReactionHasBeenAdded",
    "UserHasJoinedChannel",
    "OnPluginClusterEvent",
];

/// How long the server has to connect after the handshake line before we give up.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Serves `hooks` to the Mattermost server that launched this process: listens on a fresh unix
/// socket, prints the handshake line, serves the one connection Mattermost makes, and returns
/// when that connection ends — by `Control.Quit` (`Ok`) or because it broke (`Err`). Unlike a
/// generic go-plugin server it does not wait for further connections: Mattermost never makes a
/// second one, so a broken connection means this process is done and should exit.
pub async fn serve<H: Hooks>(hooks: Arc<H>) -> Result<(), ProtocolError> {
    serve_after_handshake(hooks, || {}).await
}

/// [`serve`], calling `after_handshake` as soon as the handshake line is out. Mattermost gives a
/// plugin 3 s to print it: work that competes with it for the process (loading the plugin logic,
/// which under an emulator such as qemu-user holds the process's memory-map lock for seconds)
/// starts only then.
pub async fn serve_after_handshake<H: Hooks>(hooks: Arc<H>, after_handshake: impl FnOnce()) -> Result<(), ProtocolError> {
    let (listener, path) = bind_socket()?;
    let cleanup = SocketFile(path.clone());
    {
        use std::io::Write as _;
        let line = format!("1|1|unix|{}|netrpc|\n", path.display());
        let mut out = std::io::stdout().lock();
        out.write_all(line.as_bytes())?;
        out.flush()?;
    }
    after_handshake();
    // Like Go plugins, ignore Ctrl-C sent to the server's process group: the server shuts
    // plugins down itself, in order, with Control.Quit.
    tokio::spawn(async { while tokio::signal::ctrl_c().await.is_ok() {} });
    let (conn, _) = tokio::time::timeout(CONNECT_TIMEOUT, listener.accept())
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "the server never connected"))??;
    drop(listener);
    drop(cleanup);

    let mut plugins: std::collections::HashMap<String, Arc<dyn goplugin::PluginServer>> = std::collections::HashMap::new();
    plugins.insert("hooks".into(), Arc::new(move |broker: MuxBroker| Ok::<_, String>(hooks_server(hooks.clone(), broker))));
    let (done, _done_rx) = tokio::sync::watch::channel(false);
    let mut stdio = None;
    let served =
        goplugin::rpc::serve_conn(conn, goplugin::yamux::Config::default(), Arc::new(plugins), done, |s| stdio = Some(s)).await;
    drop(stdio);
    served.map_err(|e| std::io::Error::other(e.to_string()).into())
}

/// A unix socket in `$PLUGIN_UNIX_SOCKET_DIR` or the temp dir, as go-plugin makes it.
fn bind_socket() -> Result<(tokio::net::UnixListener, std::path::PathBuf), ProtocolError> {
    let dir = std::env::var_os("PLUGIN_UNIX_SOCKET_DIR").map(std::path::PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let pid = std::process::id();
    for attempt in 0..100u32 {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let path = dir.join(format!("plugin{pid}-{nanos:x}-{attempt}"));
        match tokio::net::UnixListener::bind(&path) {
            Ok(l) => return Ok((l, path)),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(std::io::Error::other("cannot create a unique plugin socket").into())
}

/// Removes the socket file when the listener is no longer needed.
struct SocketFile(std::path::PathBuf);

impl Drop for SocketFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

pub fn handshake() -> HandshakeConfig {
    HandshakeConfig {
        protocol_version: 1,
        magic_cookie_key: MAGIC_COOKIE_KEY.into(),
        magic_cookie_value: MAGIC_COOKIE_VALUE.into(),
    }
}

/// A Go `error` value for a hook result (`*plugin.ErrorString`), `None` on success.
fn go_error(result: Result<(), String>) -> ErrorReturn {
    ErrorReturn { a: result.err().and_then(|msg| ErrorString::interface(msg).ok()) }
}

/// The net/rpc server for the dispensed "hooks" object: service `Plugin`, one method a hook.
pub fn hooks_server<H: Hooks>(hooks: Arc<H>, broker: MuxBroker) -> Server {
    let mut s = Server::new();

    let h = hooks.clone();
    s.register("Plugin.Implemented", move |_: Empty| {
        let h = h.clone();
        async move {
            let mut names = h.implemented().await.map_err(ServiceError)?;
            names.retain(|n| DISPATCHED_HOOKS.contains(&n.as_str()));
            Ok::<_, ServiceError>(names)
        }
    });

    let (h, b) = (hooks.clone(), broker.clone());
    s.register("Plugin.OnActivate", move |args: OnActivateArgs| {
        let (h, b) = (h.clone(), b.clone());
        async move {
            // Dial both streams the server reserved, within its 5 s accept window, as Go
            // plugins do (an undialled id logs an error). The driver is only needed when the
            // data lives in Mattermost's database, so failing to reach it is not fatal here.
            let api = b.dial(args.api_mux_id).await.map_err(|e| ServiceError(e.to_string()))?;
            let driver = b.dial(args.driver_mux_id).await.ok().map(go_netrpc::Client::new);
            Ok::<_, ServiceError>(go_error(h.on_activate(go_netrpc::Client::new(api), driver).await))
        }
    });

    let h = hooks.clone();
    s.register("Plugin.OnDeactivate", move |_: Empty| {
        let h = h.clone();
        async move { Ok::<_, ServiceError>(go_error(h.on_deactivate().await)) }
    });

    let h = hooks.clone();
    s.register("Plugin.OnConfigurationChange", move |_: Empty| {
        let h = h.clone();
        async move { Ok::<_, ServiceError>(go_error(h.on_configuration_change().await)) }
    });

    let h = hooks.clone();
    s.register("Plugin.ExecuteCommand", move |args: ExecuteCommandArgs| {
        let h = h.clone();
        async move {
            let result = h.execute_command(args.a.unwrap_or_default(), args.b.unwrap_or_default()).await;
            Ok::<_, ServiceError>(match result {
                Ok(resp) => ExecuteCommandReturns { a: Some(resp), b: None },
                Err(err) => ExecuteCommandReturns { a: None, b: Some(err) },
            })
        }
    });

    let (h, b) = (hooks.clone(), broker.clone());
    s.register("Plugin.ServeHTTP", move |args: ServeHttpArgs| {
        let (h, b) = (h.clone(), b.clone());
        async move {
            serve_http(&*h, &b, args).await.map_err(|e| ServiceError(e.to_string()))?;
            Ok::<_, ServiceError>(Empty {})
        }
    });

    let h = hooks.clone();
    s.register("Plugin.MessageHasBeenPosted", move |args: ContextPostArgs| {
        let h = h.clone();
        async move {
            h.message_has_been_posted(args.a.unwrap_or_default(), args.b.unwrap_or_default()).await;
            Ok::<_, ServiceError>(Empty {})
        }
    });

    let h = hooks.clone();
    s.register("Plugin.MessageHasBeenDeleted", move |args: ContextPostArgs| {
        let h = h.clone();
        async move {
            h.message_has_been_deleted(args.a.unwrap_or_default(), args.b.unwrap_or_default()).await;
            Ok::<_, ServiceError>(Empty {})
        }
    });

    let h = hooks.clone();
    s.register("Plugin.MessageHasBeenUpdated", move |args: ContextPostPostArgs| {
        let h = h.clone();
        async move {
            h.message_has_been_updated(args.a.unwrap_or_default(), args.b.unwrap_or_default(), args.c.unwrap_or_default()).await;
            Ok::<_, ServiceError>(Empty {})
        }
    });

    let h = hooks.clone();
    s.register("Plugin.ReactionHasBeenAdded", move |args: ContextReactionArgs| {
        let h = h.clone();
        async move {
            h.reaction_has_been_added(args.a.unwrap_or_default(), args.b.unwrap_or_default()).await;
            Ok::<_, ServiceError>(Empty {})
        }
    });

    let h = hooks.clone();
    s.register("Plugin.UserHasJoinedChannel", move |args: ContextMemberActorArgs| {
        let h = h.clone();
        async move {
            h.user_has_joined_channel(args.a.unwrap_or_default(), args.b.unwrap_or_default(), args.c).await;
            Ok::<_, ServiceError>(Empty {})
        }
    });

    let h = hooks;
    s.register("Plugin.OnPluginClusterEvent", move |args: ContextClusterEventArgs| {
        let h = h.clone();
        async move {
            h.on_plugin_cluster_event(args.a.unwrap_or_default(), args.b.id, args.b.data).await;
            Ok::<_, ServiceError>(Empty {})
        }
    });

    s
}

async fn serve_http<H: Hooks>(hooks: &H, broker: &MuxBroker, args: ServeHttpArgs) -> Result<(), ProtocolError> {
    // Dial first: the server's accept on both ids gives up after 5 s (protocol.md §7.5).
    let writer_stream = broker.dial(args.response_writer_stream).await?;
    let writer = go_netrpc::Client::new(writer_stream);
    let mut body_stream = match args.request_body_stream {
        0 => None,
        id => Some(broker.dial(id).await?),
    };
    let req = args.request.unwrap_or_default();
    let mut headers: Vec<(String, String)> =
        req.header.into_iter().flat_map(|(k, vs)| vs.into_iter().map(move |v| (k.0.clone(), v.0))).collect();
    headers.sort();
    let mut request =
        HttpRequest { method: req.method.0, url: String::from_utf8_lossy(&req.url.0).into_owned(), headers, body: Vec::new() };
    // The server sends body bytes only when asked for them: a request answered from its head
    // leaves its body unread, however long it is.
    let early = hooks.answer_before_body(&request);
    let body = match (&early, body_stream.as_mut()) {
        (Some(_), _) | (None, None) => Ok(Vec::new()),
        (None, Some(stream)) => http::read_body(stream, MAX_REQUEST_BODY).await?,
    };
    drop(body_stream);
    let response = match (early, body) {
        (Some(answer), _) => answer,
        (None, Err(http::BodyTooLarge)) => {
            HttpResponse::json(413, &format!(r#"{{"error":"request body is larger than {} MiB"}}"#, MAX_REQUEST_BODY >> 20))
        }
        (None, Ok(body)) => {
            request.body = body;
            hooks.serve_http(args.context.unwrap_or_default(), request).await
        }
    };
    let written = http::write_response(&writer, &response).await;
    let _ = writer.close().await;
    written
}
