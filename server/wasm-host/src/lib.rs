//! Runs the plugin logic — a WebAssembly component — under wasmtime.
//!
//! One [`GuestRuntime`] per plugin process: the component is loaded once (mapped from the
//! precompiled `.cwasm` that `make dist` ships, see [`engine`]), then every hook call gets a fresh
//! instance (a `Store`) from a pre-linked `InstancePre` and a pooled instance slot, with a
//! memory cap and a deadline. A trap, a deadline or running out of memory ends that instance only: the hook gets
//! a [`GuestError`] and the next call starts clean. Guest state that must outlive a call lives
//! in the server (KV store, posts) or in the host's store (the plugin's SQLite file or Mattermost's
//! PostgreSQL) — never in guest memory.

pub mod engine;
mod limits;
mod server_zone;
mod slots;
mod state;
pub mod timing;
mod v0_1;

use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use host_store::Store as DataStore;
use mm_api::ApiClient;
use mm_model::{AppError, ChannelMember, CommandArgs, CommandResponse, Context, Post, Reaction, User};
use mm_protocol::{HttpRequest, HttpResponse};
use wasmtime::component::{Component, Linker};
use wasmtime::{Engine, Store};

pub use state::HostState;

/// The host/guest interface versions this host can run (wit/ folders).
pub const SUPPORTED_INTERFACES: &[&str] = &["mattermost:plugin@0.1.0"];

/// How often the epoch advances; deadlines are counted in these ticks.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// The epoch thread only sleeps and increments a counter.
const EPOCH_THREAD_STACK: usize = 64 << 10;

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
    #[error(
        "the precompiled plugin logic {path} was not made for this host ({reason}); rebuild the bundle with `make dist`, \
         which compiles it with this host's wasmtime version and configuration"
    )]
    Precompiled { path: String, reason: String },
    #[error(
        "{path} is a plain WebAssembly module, and this host runs only precompiled plugin logic (.cwasm, made by \
         `make dist`); precompile it with `cargo run --release -p wasm-host --features compiler --bin precompile-guest`, \
         or build the host with `--features compiler` to compile it at start"
    )]
    NeedsCompiler { path: String },
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
    /// Instance slots free in the pool; a call waits for one.
    slots: slots::Slots,
    /// Host states of finished calls (their WASI context built once), for the next calls.
    spare_states: Mutex<Vec<HostState>>,
    /// The server's and the plugin's configuration as last read, shared by every call.
    configs: Arc<state::ConfigCache>,
}

impl GuestRuntime {
    /// Loads the plugin logic at `path` (a precompiled `.cwasm`, mapped; or a `.wasm` with the
    /// `compiler` feature) and links it. Blocking: call it off the async runtime.
    pub fn load(path: &Path, limits: GuestLimits, runtime: tokio::runtime::Handle) -> Result<Arc<Self>, GuestError> {
        let engine = engine::engine(limits)?;
        let component = engine::load_component(&engine, path)?;
        Self::link(engine, component, limits, runtime)
    }

    /// Compiles a component from memory (tests and tools; the shipped host has no compiler).
    #[cfg(feature = "compiler")]
    pub fn from_bytes(bytes: &[u8], limits: GuestLimits, runtime: tokio::runtime::Handle) -> Result<Arc<Self>, GuestError> {
        let engine = engine::engine(limits)?;
        let component = Component::new(&engine, bytes).map_err(|e| GuestError::Compile(format!("{e:#}")))?;
        Self::link(engine, component, limits, runtime)
    }

    fn link(
        engine: Engine,
        component: Component,
        limits: GuestLimits,
        runtime: tokio::runtime::Handle,
    ) -> Result<Arc<Self>, GuestError> {
        check_interface(&engine, &component)?;

        let mut linker = Linker::<HostState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(|e| GuestError::Instantiate(e.to_string()))?;
        v0_1::add_to_linker(&mut linker).map_err(|e| GuestError::Instantiate(e.to_string()))?;
        let pre = linker.instantiate_pre(&component).map_err(|e| GuestError::Instantiate(format!("{e:#}")))?;
        let pre = v0_1::PluginPre::new(pre).map_err(|e| GuestError::Instantiate(format!("{e:#}")))?;

        let weak = engine.weak();
        std::thread::Builder::new()
            .name("wasm-epoch".into())
            .stack_size(EPOCH_THREAD_STACK)
            .spawn(move || {
                while let Some(engine) = weak.upgrade() {
                    engine.increment_epoch();
                    drop(engine);
                    std::thread::sleep(EPOCH_TICK);
                }
            })
            .map_err(|e| GuestError::Instantiate(e.to_string()))?;

        Ok(Arc::new(Self {
            engine,
            pre,
            limits,
            api: RwLock::new(None),
            store: RwLock::new(None),
            runtime,
            slots: slots::Slots::new(engine::MAX_INSTANCES as usize),
            spare_states: Mutex::new(Vec::new()),
            configs: Arc::new(state::ConfigCache::default()),
        }))
    }

    /// Hands the connected Mattermost API to the guest's imports (from OnActivate on).
    pub fn set_api(&self, api: ApiClient) {
        if let Ok(mut slot) = self.api.write() {
            *slot = Some(api);
        }
        self.configs.forget();
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
        self.call_timed(f).map(|(r, _)| r)
    }

    /// [`GuestRuntime::call`], also saying where the call's time went.
    fn call_timed<R>(
        &self,
        f: impl FnOnce(&v0_1::Plugin, &mut Store<HostState>) -> wasmtime::Result<R>,
    ) -> Result<(R, timing::HookTiming), GuestError> {
        let _slot = self.slots.acquire();
        let began = std::time::Instant::now();
        let api = self.api.read().ok().and_then(|a| a.clone());
        let data = self.store.read().ok().and_then(|s| s.clone());
        let spare = self.spare_states.lock().ok().and_then(|mut spares| spares.pop());
        let state = match spare {
            Some(state) => state.renew(api, data),
            None => HostState::new(api, data, self.configs.clone(), self.runtime.clone(), self.limits),
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limiter);
        let ticks = (self.limits.call_timeout.as_millis() / EPOCH_TICK.as_millis()).max(1) as u64;
        store.set_epoch_deadline(ticks);
        let instance = self.pre.instantiate(&mut store);
        store.data_mut().timing.instantiated(began.elapsed());
        let outcome = instance.and_then(|plugin| f(&plugin, &mut store));
        let outcome = outcome.map_err(|e| classify(e, &store, self.limits));
        let mut state = store.into_data();
        let hook_timing = state.timing.finish(began.elapsed());
        if outcome.is_ok()
            && let Ok(mut spares) = self.spare_states.lock()
            && spares.len() < engine::MAX_INSTANCES as usize
        {
            spares.push(state);
        }
        outcome.map(|r| (r, hook_timing))
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

    /// Mattermost calls this on every server of a cluster when its configuration or the
    /// plugin's settings change: the cached copies are dropped before the guest reads them again.
    pub fn on_configuration_change(&self) -> Result<Result<(), String>, GuestError> {
        self.configs.forget();
        self.call(|p, s| p.hooks().call_on_configuration_change(s))
    }

    #[allow(clippy::result_large_err)] // AppError is Mattermost's own answer type, passed on as is.
    pub fn execute_command(&self, ctx: &Context, args: &CommandArgs) -> Result<Result<CommandResponse, AppError>, GuestError> {
        self.execute_command_timed(ctx, args).map(|(out, _)| out)
    }

    /// [`GuestRuntime::execute_command`], also saying where its time went.
    #[allow(clippy::type_complexity)]
    pub fn execute_command_timed(
        &self,
        ctx: &Context,
        args: &CommandArgs,
    ) -> Result<(Result<CommandResponse, AppError>, timing::HookTiming), GuestError> {
        let (ctx, args) = (to_json(ctx)?, to_json(args)?);
        let (out, timing) = self.call_timed(|p, s| p.hooks().call_execute_command(s, &ctx, &args))?;
        let out = match out {
            Ok(json) => Ok(from_json(&json)?),
            Err(e) => Err(v0_1::app_error_from_guest(e)),
        };
        Ok((out, timing))
    }

    /// Answers one HTTP request, and says where its time went (see [`timing`]).
    pub fn serve_http(
        &self,
        ctx: &Context,
        user_id: Option<&str>,
        request: &HttpRequest,
    ) -> Result<(HttpResponse, timing::HookTiming), GuestError> {
        let ctx = to_json(ctx)?;
        let request = v0_1::http_request_to_guest(request);
        let (response, timing) = self.call_timed(|p, s| p.hooks().call_serve_http(s, &ctx, user_id, &request))?;
        Ok((v0_1::http_response_from_guest(response), timing))
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
