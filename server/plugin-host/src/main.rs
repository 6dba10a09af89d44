//! The executable Mattermost launches for the Incident Response plugin.
//!
//! Composition root: it prints the go-plugin handshake at once (Mattermost allows 3 s), loads
//! the plugin logic (a precompiled wasm component next to this executable) in the background, and serves
//! every hook by running it in the guest. Errors stop at this edge as log lines and error answers.

mod db_driver;
mod hooks;
mod log;
mod storage;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use wasm_host::GuestLimits;

use crate::hooks::{GuestSlot, HostHooks};

/// The plugin logic's file names, in the same folder as this executable: `incident.wasm`, and
/// the same precompiled for each target by `make dist` (`incident-linux-amd64.cwasm`,
/// `incident-linux-arm64.cwasm`); the shipped host runs the one for its own.
const GUEST_STEM: &str = "incident";

/// Threads of the async runtime. They only move bytes between Mattermost and the hooks (the
/// hooks themselves run on blocking threads, at most one per guest instance slot, which exit
/// after 10 s idle), so two are plenty whatever the number of cores.
const ASYNC_WORKERS: usize = 2;

/// Longest wait, once Mattermost has ended the connection, for hooks still running.
const QUIT_WAIT: Duration = Duration::from_millis(1500);

fn main() -> ExitCode {
    if std::env::var(mm_protocol::MAGIC_COOKIE_KEY).ok().as_deref() != Some(mm_protocol::MAGIC_COOKIE_VALUE) {
        eprintln!(
            "This is the server part of the Incident Response plugin for Mattermost; Mattermost \
             starts it. To use it, upload the plugin bundle in System Console > Plugins."
        );
        return ExitCode::FAILURE;
    }
    exit_on_panic();
    watch_parent();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(ASYNC_WORKERS)
        .max_blocking_threads(wasm_host::engine::MAX_INSTANCES as usize + 8)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            log::error(&format!("cannot start the async runtime: {e}"));
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            log::error(&format!("{e:#}"));
            ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    let guest = guest_path().context("cannot locate the plugin logic module")?;
    let limits = limits_from_env();
    let slot = GuestSlot::new();
    let loader = slot.clone();
    let handle = tokio::runtime::Handle::current();
    let plugin_id = storage::plugin_id(&guest_dir()?);
    // Load off the async threads, once the handshake line is out (Mattermost allows it 3 s).
    let load = move || {
        tokio::task::spawn_blocking(move || {
            let loaded = wasm_host::GuestRuntime::load(&guest.path, limits, handle).map_err(|e| match &guest.missing {
                Some(missing) => format!("the bundle has no precompiled plugin logic for this platform ({missing}): {e}"),
                None => e.to_string(),
            });
            match &loaded {
                Ok(_) => log::info(&format!("plugin logic loaded from {}", guest.path.display())),
                Err(e) => log::error(e),
            }
            loader.set(loaded);
        });
    };
    let hooks = Arc::new(HostHooks::new(slot, plugin_id));
    let served = mm_protocol::serve_after_handshake(hooks.clone(), load).await;
    // The runtime stops when this returns; let the hooks still running in the guest finish
    // first (go-plugin kills the process 2 s after Control.Quit).
    if !hooks.wait_for_calls(QUIT_WAIT).await {
        log::warn(&format!("hooks were still running {QUIT_WAIT:?} after the connection ended; stopping anyway"));
    }
    served.context("plugin protocol")?;
    Ok(())
}

/// A panic in the host (not the guest: guest faults are traps, handled per call) would leave a
/// task dead and the process half-working, answering health checks but not hooks. Log it and
/// exit instead, so Mattermost sees the plugin stop and restarts it.
fn exit_on_panic() {
    std::panic::set_hook(Box::new(|info| {
        log::error(&format!("internal error, exiting so that Mattermost restarts the plugin: {info}"));
        std::process::exit(2);
    }));
}

/// Exits if the server that started us goes away without saying Quit (killed, crashed): we
/// are then reparented, and nobody will ever call us again.
fn watch_parent() {
    let parent = std::os::unix::process::parent_id();
    let spawned = std::thread::Builder::new().name("parent-watch".into()).spawn(move || {
        loop {
            std::thread::sleep(Duration::from_secs(1));
            if std::os::unix::process::parent_id() != parent {
                log::warn("the Mattermost server process is gone; exiting");
                std::process::exit(0);
            }
        }
    });
    if let Err(e) = spawned {
        log::warn(&format!("cannot watch the server process: {e}"));
    }
}

/// The folder of this executable: `<bundle>/server/dist`.
fn guest_dir() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    Ok(exe.parent().context("the executable has no folder")?.to_path_buf())
}

/// Where the plugin logic is, and which precompiled file was looked for in vain.
struct GuestFile {
    path: PathBuf,
    /// The precompiled guest for this platform, when the bundle lacks it.
    missing: Option<String>,
}

/// The precompiled guest when the bundle has one for this target (`incident-linux-arm64.cwasm`
/// on arm64), else the portable `.wasm` (which only a host built with the `compiler` feature
/// runs; the shipped one says so, naming the file it missed).
fn guest_path() -> anyhow::Result<GuestFile> {
    let dir = guest_dir()?;
    let precompiled = dir.join(wasm_host::engine::precompiled_name(GUEST_STEM));
    if precompiled.is_file() {
        return Ok(GuestFile { path: precompiled, missing: None });
    }
    Ok(GuestFile { path: dir.join(format!("{GUEST_STEM}.wasm")), missing: Some(precompiled.display().to_string()) })
}

/// Limits can be lowered for tests and raised for big installations without a rebuild.
fn limits_from_env() -> GuestLimits {
    let mut limits = GuestLimits::default();
    if let Some(ms) = env_number("INCIDENT_HOOK_TIMEOUT_MS") {
        limits.call_timeout = Duration::from_millis(ms);
    }
    if let Some(mb) = env_number("INCIDENT_GUEST_MEMORY_MB") {
        limits.memory_bytes = usize::try_from(mb).unwrap_or(usize::MAX).saturating_mul(1 << 20);
    }
    limits
}

fn env_number(name: &str) -> Option<u64> {
    let raw = std::env::var(name).ok()?;
    match raw.trim().parse() {
        Ok(n) if n > 0 => Some(n),
        _ => {
            log::warn(&format!("ignoring {name}={raw:?}: not a positive number"));
            None
        }
    }
}
