//! What one guest instance's host side holds.

use std::future::Future;

use host_store::Store as DataStore;
use mm_api::{ApiClient, ApiError};
use std::sync::Arc;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use crate::GuestLimits;
use crate::limits::MemoryCap;

pub struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(crate) limiter: MemoryCap,
    api: Option<ApiClient>,
    pub(crate) store: Option<Arc<dyn DataStore>>,
    runtime: tokio::runtime::Handle,
    limits: GuestLimits,
}

impl HostState {
    pub(crate) fn new(
        api: Option<ApiClient>,
        store: Option<Arc<dyn DataStore>>,
        runtime: tokio::runtime::Handle,
        limits: GuestLimits,
    ) -> Self {
        // No files, no network, no environment: the guest reaches the world only through the
        // typed API. Its stderr (panic messages) goes to ours, which the server logs.
        let wasi = WasiCtxBuilder::new().inherit_stderr().build();
        Self { wasi, table: ResourceTable::new(), limiter: MemoryCap::new(limits.memory_bytes), api, store, runtime, limits }
    }

    /// Runs one API call to completion from the (blocking) guest thread, bounded by the hook's
    /// deadline so a stuck server call cannot pin the guest forever.
    pub(crate) fn block_on<T, F, Fut>(&self, method: &'static str, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(ApiClient) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        self.block_on_within(method, self.limits.call_timeout, f)
    }

    /// [`HostState::block_on`] with a shorter bound (an outgoing call's own timeout).
    pub(crate) fn block_on_within<T, F, Fut>(
        &self,
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
        self.runtime.block_on(async move {
            tokio::time::timeout(timeout, f(api))
                .await
                .unwrap_or(Err(ApiError::Remote { method, message: format!("no answer within {timeout:?}") }))
        })
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}
