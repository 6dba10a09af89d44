//! The one wasmtime configuration, and how the plugin logic gets from a file into it.
//!
//! `make dist` compiles the guest ahead of time (`guest-compiler`, [`precompile`]) with the very
//! [`engine_config`] the host runs with, for each target the bundle ships, without host-inferred CPU
//! features (so a bundle built on a new CPU runs on an older one). The shipped host loads that
//! `.cwasm` with [`Component::deserialize_file`]: the code is mapped from the file, not copied
//! or compiled, and wasmtime refuses a file made by another wasmtime version or configuration,
//! which the host turns into a message naming the file and the rebuild. The shipped host has no
//! compiler at all (no Cranelift: a smaller executable, no code generator in the process); a host
//! built with the `compiler` feature also runs a plain `.wasm`, for guests built outside
//! `make dist`.

use std::path::Path;

use wasmtime::component::Component;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::{GuestError, GuestLimits};

/// How many guest instances may exist at once: hook calls beyond this wait for a free slot
/// (see `Slots` in lib.rs). Mattermost rarely has more than a handful of hooks of one plugin in
/// flight; the slots are address space reserved up front, not memory.
pub const MAX_INSTANCES: u32 = 32;

/// Core modules, memories and tables one instance of the guest may hold: a Rust wasip2 component
/// has a few of each (its own module plus the WASI adapter's shims); the margin lets a larger
/// guest still run, and an instance needing more fails with wasmtime's message naming the limit.
const CORE_INSTANCES_PER_COMPONENT: u32 = 16;
const MEMORIES_PER_COMPONENT: u32 = 4;
const TABLES_PER_COMPONENT: u32 = 8;

/// Bytes of a reused slot's memory and tables kept resident between calls (see below).
const KEEP_RESIDENT: usize = 4 << 20;

/// A platform the bundle ships a host for, by Mattermost's (Go's) name as in plugin.json's
/// executables. The precompiler makes the guest for each; a host loads the one for its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    LinuxAmd64,
    LinuxArm64,
}

impl Target {
    pub const ALL: [Target; 2] = [Target::LinuxAmd64, Target::LinuxArm64];

    /// The target this host was built for. Only the two the bundle ships are known; a host built
    /// for another architecture has no precompiled guest to load (and says so at activation).
    pub fn host() -> Option<Target> {
        match std::env::consts::ARCH {
            "x86_64" => Some(Target::LinuxAmd64),
            "aarch64" => Some(Target::LinuxArm64),
            _ => None,
        }
    }

    /// Go's name, as in plugin.json and the file names: `linux-amd64`.
    pub fn name(self) -> &'static str {
        match self {
            Target::LinuxAmd64 => "linux-amd64",
            Target::LinuxArm64 => "linux-arm64",
        }
    }

    /// From Go's name (`linux-arm64`), as `precompile-guest --target` takes it.
    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The triple the guest is compiled for, named explicitly so that Cranelift uses the
    /// architecture's baseline features instead of the build machine's CPU.
    fn triple(self) -> &'static str {
        match self {
            Target::LinuxAmd64 => "x86_64-unknown-linux-gnu",
            Target::LinuxArm64 => "aarch64-unknown-linux-gnu",
        }
    }

    /// The precompiled guest's file name for this target, e.g. `incident-linux-arm64.cwasm`.
    pub fn precompiled_name(self, stem: &str) -> String {
        format!("{stem}-{}.cwasm", self.name())
    }
}

/// The precompiled guest's file name for the target this host was built for, e.g.
/// `incident-linux-amd64.cwasm`: one per target, beside the portable `incident.wasm`.
pub fn precompiled_name(stem: &str) -> String {
    match Target::host() {
        Some(target) => target.precompiled_name(stem),
        None => format!("{stem}-linux-{}.cwasm", std::env::consts::ARCH),
    }
}

/// This host's own configuration: [`engine_config_for`] its [`Target::host`].
pub fn engine_config(limits: GuestLimits) -> Result<Config, GuestError> {
    let target = Target::host().ok_or_else(|| {
        GuestError::Instantiate(format!(
            "this host was built for {}, a platform the bundle ships no precompiled plugin logic for",
            std::env::consts::ARCH
        ))
    })?;
    engine_config_for(limits, target)
}

/// The configuration both the precompiler and the host use. What affects compiled code (wasm
/// features, memory reservation and guards, epoch interruption, the target) must be identical on
/// both sides, and is; the pooling sizes only matter at run time. One function for every
/// target, so that what an arm64 host runs with (via [`engine_config`]) is exactly what its guest
/// was precompiled with on an amd64 build machine.
pub fn engine_config_for(limits: GuestLimits, target: Target) -> Result<Config, GuestError> {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.epoch_interruption(true);
    config.target(target.triple()).map_err(|e| GuestError::Compile(format!("{e:#}")))?;

    // Every hook runs on a fresh instance. The pooling allocator keeps instance slots reserved
    // and reuses them, so an instance costs a few system calls less; copy-on-write memory
    // images (wasmtime's default, mapped straight from the .cwasm) make the guest's initial
    // memory free to set up and free to throw away.
    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(MAX_INSTANCES);
    pool.total_core_instances(MAX_INSTANCES * CORE_INSTANCES_PER_COMPONENT);
    pool.total_memories(MAX_INSTANCES * MEMORIES_PER_COMPONENT);
    pool.total_tables(MAX_INSTANCES * TABLES_PER_COMPONENT);
    pool.max_core_instances_per_component(CORE_INSTANCES_PER_COMPONENT);
    pool.max_memories_per_component(MEMORIES_PER_COMPONENT);
    pool.max_tables_per_component(TABLES_PER_COMPONENT);
    // A slot is as large as the memory cap: the cap (the limiter) is what refuses growth.
    pool.max_memory_size(limits.memory_bytes.max(1 << 16));
    // The guest's instance state and tables are small; wasmtime's defaults (1 MiB and 20,000
    // elements) hold it.
    // A reused slot keeps the first 4 MiB of its memory resident and resets only the pages the
    // last call wrote (Linux 6.7+ reports them; older kernels reset the whole 4 MiB), instead
    // of handing every page back and faulting it in again on the next call: measured with
    // `hook_cost`, a ping went from 33 to 21 µs. The price is memory: the pages a slot's calls
    // touched stay resident (about 1 MiB idle, more under concurrent load; README, Benchmark).
    pool.linear_memory_keep_resident(KEEP_RESIDENT);
    pool.table_keep_resident(KEEP_RESIDENT);
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    config.memory_init_cow(true);
    Ok(config)
}

/// An engine with [`engine_config`].
pub fn engine(limits: GuestLimits) -> Result<Engine, GuestError> {
    Engine::new(&engine_config(limits)?).map_err(|e| GuestError::Instantiate(format!("{e:#}")))
}

/// Compiles a guest `.wasm` into the precompiled form a host for `target` loads (for
/// `make dist`; the compiler holds both backends, wasm-host's `compiler` feature).
#[cfg(feature = "compiler")]
pub fn precompile(wasm: &[u8], target: Target) -> Result<Vec<u8>, GuestError> {
    let engine = Engine::new(&engine_config_for(GuestLimits::default(), target)?)
        .map_err(|e| GuestError::Compile(format!("{}: {e:#}", target.name())))?;
    engine.precompile_component(wasm).map_err(|e| GuestError::Compile(format!("{e:#}")))
}

/// Loads the guest from `path`: a precompiled `.cwasm` (mapped), or with the `compiler` feature
/// a `.wasm` (compiled now).
pub fn load_component(engine: &Engine, path: &Path) -> Result<Component, GuestError> {
    let shown = path.display().to_string();
    let read_err = |e: &dyn std::fmt::Display| GuestError::Read { path: shown.clone(), message: e.to_string() };
    let mut magic = [0u8; 4];
    std::fs::File::open(path).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic)).map_err(|e| read_err(&e))?;
    if magic == *b"\0asm" {
        return compile_wasm(engine, path, &shown);
    }
    if magic != *b"\x7fELF" {
        return Err(GuestError::Compile(format!(
            "{shown} is neither a WebAssembly component (.wasm) nor one precompiled by wasmtime (.cwasm)"
        )));
    }
    match Engine::detect_precompiled_file(path).map_err(|e| read_err(&e))? {
        Some(wasmtime::Precompiled::Component) => {
            // SAFETY: the file is the precompiled guest of the installed bundle, as trusted as
            // this executable next to it; wasmtime checks its version and configuration before
            // using it. The file stays mapped while we run, so it must not change under us:
            // Mattermost stops the plugin and removes its folder before copying a new version
            // in (app/plugin_install.go, installExtractedPlugin and removePluginLocally).
            #[allow(unsafe_code)]
            let loaded = unsafe { Component::deserialize_file(engine, path) };
            loaded.map_err(|e| GuestError::Precompiled { path: shown.clone(), reason: format!("{e:#}") })
        }
        Some(wasmtime::Precompiled::Module) => {
            Err(GuestError::Precompiled { path: shown, reason: "it is a precompiled core module, not a component".into() })
        }
        None => Err(GuestError::Precompiled { path: shown, reason: "it is an executable file, not one made by wasmtime".into() }),
    }
}

#[cfg(feature = "compiler")]
fn compile_wasm(engine: &Engine, path: &Path, shown: &str) -> Result<Component, GuestError> {
    let bytes = std::fs::read(path).map_err(|e| GuestError::Read { path: shown.to_owned(), message: e.to_string() })?;
    Component::new(engine, &bytes).map_err(|e| GuestError::Compile(format!("{e:#}")))
}

#[cfg(not(feature = "compiler"))]
fn compile_wasm(_engine: &Engine, _path: &Path, shown: &str) -> Result<Component, GuestError> {
    Err(GuestError::NeedsCompiler { path: shown.to_owned() })
}
