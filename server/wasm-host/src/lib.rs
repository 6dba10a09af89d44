//! Runs the plugin logic — a WebAssembly component — under wasmtime.
//!
//! One [`GuestRuntime`] per plugin process: the component is compiled once, then every hook call
//! gets a fresh instance (a `Store`) from a pre-linked `InstancePre`, with a memory cap and a
//! deadline. A trap, a deadline or running out of memory ends that instance only: the hook gets
//! a [`GuestError`] and the next call starts clean. Guest state that must outlive a call lives
//! in the server (KV store, posts) or in the host's store (the plugin's SQLite file or Mattermost's
//! PostgreSQL) — never in guest memory.

mod limits;
mod state;
mod v0_1;

use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use host_store::Store as DataStore;
use mm_api::ApiClient;
use mm_model::{AppError, ChannelMember, CommandArgs, CommandResponse, Context, Post, Reaction, User};
use mm_protocol::{HttpRequest, HttpResponse};
use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Engine, Store};

pub use state::HostState;

/// The host/guest interface versions this host can run (wit/ folders).
pub const SUPPORTED_INTERFACES: &[&str] = &["mattermost:plugin@0.1.0"];

/// How often the epoch advances; deadlines are counted in these ticks.
const EPOCH_TICK: Duration = Duration::from_millis(10);

#[derive(Debug, Clone, Copy)]
pub struct GuestLimits {
    /// Linear memory one instance may grow to.
    pub memory_bytes: usize,
    /// Wall time one hook call may take, API calls included.
    pub call_timeout: Duration,
}

impl Default for GuestLimits {
    fn default() -> Self {
        Self { memory_bytes: 128 << 20, call_timeout: Duration::from_secs(10) }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GuestError {
    #[error("cannot read the plugin logic module {path}: {message}")]
    Read { path: String, message: String },
    #[error("the plugin logic module is not a valid WebAssembly component: {0}")]
    Compile(String),
    #[error("the plugin logic was built for host interface {found}; this host supports {supported}")]
    UnsupportedInterface { found: String, supported: String },
    #[error("the plugin logic could not be started: {0}")]
    Instantiate(String),
    #[error("the plugin logic did not finish within {0:?} and was stopped")]
    Deadline(Duration),
    #[error("the plugin logic ran out of memory (limit {0} MiB) and was stopped")]
    OutOfMemory(usize),
    #[error("the plugin logic crashed: {0}")]
    Trap(String),
    #[error("the plugin logic answered with unreadable data: {0}")]
    BadOutput(String),
}

/// The compiled plugin logic, ready to instantiate per call.
pub struct GuestRuntime {
    engine: Engine,
    pre: v0_1::PluginPre<HostState>,
    limits: GuestLimits,
    api: RwLock<Option<ApiClient>>,
    store: RwLock<Option<Arc<dyn DataStore>>>,
    runtime: tokio::runtime::Handle,
}

impl GuestRuntime {
    /// Compiles the component at `path` and links it. Blocking (Cranelift): call it off the
    /// async runtime, after the handshake.
    pub fn load(path: &Path, limits: GuestLimits, runtime: tokio::runtime::Handle) -> Result<Arc<Self>, GuestError> {
        let bytes =
            std::fs::read(path).map_err(|e| GuestError::Read { path: path.display().to_string(), message: e.to_string() })?;
        Self::from_bytes(&bytes, limits, runtime)
    }

    pub fn from_bytes(bytes: &[u8], limits: GuestLimits, runtime: tokio::runtime::Handle) -> Result<Arc<Self>, GuestError> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        config.epoch_interruption(true);
        let engine = Engine::new(&config).map_err(|e| GuestError::Compile(e.to_string()))?;
        let component = Component::new(&engine, bytes).map_err(|e| GuestError::Compile(format!("{e:#}")))?;
        check_interface(&engine, &component)?;

        let mut linker = Linker::<HostState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(|e| GuestError::Instantiate(e.to_string()))?;
        v0_1::add_to_linker(&mut linker).map_err(|e| GuestError::Instantiate(e.to_string()))?;
        let pre = linker.instantiate_pre(&component).map_err(|e| GuestError::Instantiate(format!("{e:#}")))?;
        let pre = v0_1::PluginPre::new(pre).map_err(|e| GuestError::Instantiate(format!("{e:#}")))?;

        let weak = engine.weak();
        std::thread::Builder::new()
            .name("wasm-epoch".into())
            .spawn(move || {
                while let Some(engine) = weak.upgrade() {
                    engine.increment_epoch();
                    drop(engine);
                    std::thread::sleep(EPOCH_TICK);
                }
            })
            .map_err(|e| GuestError::Instantiate(e.to_string()))?;

        Ok(Arc::new(Self { engine, pre, limits, api: RwLock::new(None), store: RwLock::new(None), runtime }))
    }

    /// Hands the connected Mattermost API to the guest's imports (from OnActivate on).
    pub fn set_api(&self, api: ApiClient) {
        if let Ok(mut slot) = self.api.write() {
            *slot = Some(api);
        }
    }

    /// Hands the plugin's database to the guest's `store` imports.
    pub fn set_store(&self, store: Arc<dyn DataStore>) {
        if let Ok(mut slot) = self.store.write() {
            *slot = Some(store);
        }
    }

    pub fn limits(&self) -> GuestLimits {
        self.limits
    }

    /// Runs `f` on a fresh instance under the limits, turning every failure into a `GuestError`.
    fn call<R>(&self, f: impl FnOnce(&v0_1::Plugin, &mut Store<HostState>) -> wasmtime::Result<R>) -> Result<R, GuestError> {
        let api = self.api.read().ok().and_then(|a| a.clone());
        let store = self.store.read().ok().and_then(|s| s.clone());
        let state = HostState::new(api, store, self.runtime.clone(), self.limits);
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limiter);
        let ticks = (self.limits.call_timeout.as_millis() / EPOCH_TICK.as_millis()).max(1) as u64;
        store.set_epoch_deadline(ticks);
        let outcome = self.pre.instantiate(&mut store).and_then(|plugin| f(&plugin, &mut store));
        outcome.map_err(|e| classify(e, &store, self.limits))
    }

    pub fn implemented(&self) -> Result<Vec<String>, GuestError> {
        self.call(|p, s| p.hooks().call_implemented(s))
    }

    pub fn on_activate(&self) -> Result<Result<(), String>, GuestError> {
        self.call(|p, s| p.hooks().call_on_activate(s))
    }

    pub fn on_deactivate(&self) -> Result<Result<(), String>, GuestError> {
        self.call(|p, s| p.hooks().call_on_deactivate(s))
    }

    pub fn on_configuration_change(&self) -> Result<Result<(), String>, GuestError> {
        self.call(|p, s| p.hooks().call_on_configuration_change(s))
    }

    pub fn execute_command(&self, ctx: &Context, args: &CommandArgs) -> Result<Result<CommandResponse, AppError>, GuestError> {
        let (ctx, args) = (to_json(ctx)?, to_json(args)?);
        let out = self.call(|p, s| p.hooks().call_execute_command(s, &ctx, &args))?;
        match out {
            Ok(json) => from_json(&json).map(Ok),
            Err(e) => Ok(Err(v0_1::app_error_from_guest(e))),
        }
    }

    pub fn serve_http(&self, ctx: &Context, user_id: Option<&str>, request: &HttpRequest) -> Result<HttpResponse, GuestError> {
        let ctx = to_json(ctx)?;
        let request = v0_1::http_request_to_guest(request);
        let response = self.call(|p, s| p.hooks().call_serve_http(s, &ctx, user_id, &request))?;
        Ok(v0_1::http_response_from_guest(response))
    }

    pub fn message_has_been_posted(&self, ctx: &Context, post: &Post) -> Result<(), GuestError> {
        let (ctx, post) = (to_json(ctx)?, to_json(post)?);
        self.call(|p, s| p.hooks().call_message_has_been_posted(s, &ctx, &post))
    }

    pub fn message_has_been_deleted(&self, ctx: &Context, post: &Post) -> Result<(), GuestError> {
        let (ctx, post) = (to_json(ctx)?, to_json(post)?);
        self.call(|p, s| p.hooks().call_message_has_been_deleted(s, &ctx, &post))
    }

    pub fn message_has_been_updated(&self, ctx: &Context, new_post: &Post, old_post: &Post) -> Result<(), GuestError> {
        let (ctx, new_post, old_post) = (to_json(ctx)?, to_json(new_post)?, to_json(old_post)?);
        self.call(|p, s| p.hooks().call_message_has_been_updated(s, &ctx, &new_post, &old_post))
    }

    pub fn reaction_has_been_added(&self, ctx: &Context, reaction: &Reaction) -> Result<(), GuestError> {
        let (ctx, reaction) = (to_json(ctx)?, to_json(reaction)?);
        self.call(|p, s| p.hooks().call_reaction_has_been_added(s, &ctx, &reaction))
    }

    pub fn user_has_joined_channel(&self, ctx: &Context, member: &ChannelMember, actor: Option<&User>) -> Result<(), GuestError> {
        let (ctx, member) = (to_json(ctx)?, to_json(member)?);
        let actor = actor.map(to_json).transpose()?;
        self.call(|p, s| p.hooks().call_user_has_joined_channel(s, &ctx, &member, actor.as_deref()))
    }

    pub fn on_plugin_cluster_event(&self, ctx: &Context, id: &str, data: &[u8]) -> Result<(), GuestError> {
        let ctx = to_json(ctx)?;
        self.call(|p, s| p.hooks().call_on_plugin_cluster_event(s, &ctx, id, data))
    }

    pub fn run_scheduled(&self) -> Result<(), GuestError> {
        self.call(|p, s| p.hooks().call_run_scheduled(s))
    }
}

/// Names the guest's imported interface versions and refuses ones this host does not link,
/// with a message an admin can act on, before instantiation fails with a linker error.
fn check_interface(engine: &Engine, component: &Component) -> Result<(), GuestError> {
    let ty = component.component_type();
    for (name, _) in ty.imports(engine) {
        if let Some(rest) = name.strip_prefix("mattermost:plugin/") {
            let version = rest.split('@').nth(1).unwrap_or("unversioned");
            let package = format!("mattermost:plugin@{version}");
            if !SUPPORTED_INTERFACES.contains(&package.as_str()) {
                return Err(GuestError::UnsupportedInterface { found: package, supported: SUPPORTED_INTERFACES.join(", ") });
            }
        }
    }
    Ok(())
}

fn classify(e: wasmtime::Error, store: &Store<HostState>, limits: GuestLimits) -> GuestError {
    if store.data().limiter.hit() {
        return GuestError::OutOfMemory(limits.memory_bytes >> 20);
    }
    match e.downcast_ref::<wasmtime::Trap>() {
        Some(wasmtime::Trap::Interrupt) => GuestError::Deadline(limits.call_timeout),
        Some(trap) => GuestError::Trap(trap.to_string()),
        None => GuestError::Trap(format!("{e:#}")),
    }
}

fn to_json<T: serde::Serialize + ?Sized>(v: &T) -> Result<String, GuestError> {
    serde_json::to_string(v).map_err(|e| GuestError::BadOutput(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, GuestError> {
    serde_json::from_str(s).map_err(|e| GuestError::BadOutput(e.to_string()))
}
