//! What one guest instance's host side holds.

use std::future::Future;

use host_store::Store as DataStore;
use mm_api::{ApiClient, ApiError};
use std::sync::Arc;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use crate::GuestLimits;
use crate::limits::MemoryCap;
use crate::timing::Recorder;

/// Built once and then reused by later calls (see `GuestRuntime::call`): the WASI context holds
/// nothing of a call (no files, no arguments; its environment is the server's zone), so only the per-call parts are
/// renewed.
pub struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(crate) limiter: MemoryCap,
    api: Option<ApiClient>,
    pub(crate) store: Option<Arc<dyn DataStore>>,
    runtime: tokio::runtime::Handle,
    limits: GuestLimits,
    pub(crate) timing: Recorder,
    pub(crate) configs: Arc<ConfigCache>,
}

/// `GetConfig` and `LoadPluginConfiguration` answers, kept between calls as a Go plugin keeps
/// its configuration in memory: both change only through the System Console or config file, and
/// Mattermost then calls `OnConfigurationChange` on every server (app/plugin.go, the config
/// listener), which empties this (`GuestRuntime::on_configuration_change`), as does activation.
/// The host lists `OnConfigurationChange` among the implemented hooks whatever the guest does,
/// so the call always comes.
#[derive(Default)]
pub struct ConfigCache {
    server: std::sync::RwLock<Option<String>>,
    plugin: std::sync::RwLock<Option<String>>,
    /// Counts `forget`s: an answer read before a change must not be stored after it (a call
    /// that started reading just before `OnConfigurationChange` would cache the old settings).
    generation: std::sync::atomic::AtomicU64,
}

/// Which configuration.
#[derive(Clone, Copy)]
pub(crate) enum ConfigKind {
    Server,
    Plugin,
}

impl ConfigCache {
    fn slot(&self, kind: ConfigKind) -> &std::sync::RwLock<Option<String>> {
        match kind {
            ConfigKind::Server => &self.server,
            ConfigKind::Plugin => &self.plugin,
        }
    }

    pub(crate) fn get(&self, kind: ConfigKind) -> Option<String> {
        self.slot(kind).read().ok().and_then(|c| c.clone())
    }

    /// Where the cache stands; pass it to [`ConfigCache::put`] with what was read after it.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Stores an answer read since `generation`, unless the configuration changed meanwhile.
    pub(crate) fn put(&self, kind: ConfigKind, json: &str, generation: u64) {
        if let Ok(mut c) = self.slot(kind).write()
            && self.generation() == generation
        {
            *c = Some(json.to_owned());
        }
    }

    pub fn forget(&self) {
        self.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        for kind in [ConfigKind::Server, ConfigKind::Plugin] {
            if let Ok(mut c) = self.slot(kind).write() {
                *c = None;
            }
        }
    }
}

impl HostState {
    pub(crate) fn new(
        api: Option<ApiClient>,
        store: Option<Arc<dyn DataStore>>,
        configs: Arc<ConfigCache>,
        runtime: tokio::runtime::Handle,
        limits: GuestLimits,
    ) -> Self {
        // No files, no network: the guest reaches the world only through the typed API. Its
        // environment holds one variable, `TZ`, the server's zone (server_zone.rs), as a process
        // is told its zone. Its stderr (panic messages) goes to ours, which the server logs.
        let wasi = WasiCtxBuilder::new().inherit_stderr().env("TZ", crate::server_zone::server_time_zone()).build();
        Self {
            wasi,
            table: ResourceTable::new(),
            limiter: MemoryCap::new(limits.memory_bytes),
            api,
            store,
            runtime,
            limits,
            timing: Recorder::default(),
            configs,
        }
    }

    /// The state of a finished call, made ready for the next one: a fresh resource table and
    /// memory cap, the current API and store.
    pub(crate) fn renew(mut self, api: Option<ApiClient>, store: Option<Arc<dyn DataStore>>) -> Self {
        self.table = ResourceTable::new();
        self.limiter = MemoryCap::new(self.limits.memory_bytes);
        self.api = api;
        self.store = store;
        self.timing = Recorder::default();
        self
    }

    /// Runs one API call to completion from the (blocking) guest thread, bounded by the hook's
    /// deadline so a stuck server call cannot pin the guest forever.
    pub(crate) fn block_on<T, F, Fut>(&mut self, method: &'static str, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(ApiClient) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        self.block_on_within(method, self.limits.call_timeout, f)
    }

    /// [`HostState::block_on`] with a shorter bound (an outgoing call's own timeout).
    pub(crate) fn block_on_within<T, F, Fut>(
        &mut self,
        method: &'static str,
        timeout: std::time::Duration,
        f: F,
    ) -> Result<T, ApiError>
    where
        F: FnOnce(ApiClient) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let api = self.api.clone().ok_or(ApiError::NotConnected(method))?;
        let timeout = timeout.min(self.limits.call_timeout);
        let began = std::time::Instant::now();
        let answer = self.runtime.block_on(async move {
            tokio::time::timeout(timeout, f(api))
                .await
                .unwrap_or(Err(ApiError::Remote { method, message: format!("no answer within {timeout:?}") }))
        });
        self.timing.api_call(method, began.elapsed());
        answer
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_read_before_a_change_is_not_kept_after_it() {
        let cache = ConfigCache::default();
        let before = cache.generation();
        // A call reads the old settings; meanwhile OnConfigurationChange empties the cache.
        cache.forget();
        cache.put(ConfigKind::Plugin, r#"{"whomaystart":"members"}"#, before);
        assert_eq!(cache.get(ConfigKind::Plugin), None);
        // Read after the change: kept until the next one.
        let now = cache.generation();
        cache.put(ConfigKind::Plugin, r#"{"whomaystart":"system_admins"}"#, now);
        assert_eq!(cache.get(ConfigKind::Plugin).as_deref(), Some(r#"{"whomaystart":"system_admins"}"#));
        assert_eq!(cache.get(ConfigKind::Server), None);
        cache.forget();
        assert_eq!(cache.get(ConfigKind::Plugin), None);
    }
}
