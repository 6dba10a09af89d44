//! The sandbox around the plugin logic, tested with the fault fixture guest
//! (server/fixtures/faulty-guest, built by `make guest`) loaded as the shipped host loads it,
//! precompiled: a crash, an endless loop and a memory blow-up each end one call with a named
//! error, and the next call works.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mm_model::{CommandArgs, Context};
use wasm_host::{GuestError, GuestLimits, GuestRuntime};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/wasm32-wasip2/wasm").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}; build the guests first with `make guest`", path.display()))
}

/// Compiles `wasm` ahead of time as `make dist` does (the host's own configuration) into a file
/// the test owns, so every test runs the shipped loading path: a mapped `.cwasm`.
fn precompiled(wasm: &[u8], config: wasmtime::Config, name: &str) -> PathBuf {
    let engine = wasmtime::Engine::new(&config).expect("engine");
    let compiled = engine.precompile_component(wasm).expect("precompile");
    let path = scratch(name, "cwasm");
    std::fs::write(&path, compiled).expect("write the .cwasm");
    path
}

/// A file name no other test uses: a test's guest stays mapped from its file while it runs,
/// and rewriting a mapped file under it would crash the test process (SIGBUS).
fn scratch(name: &str, extension: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("sandbox-{name}-{}-{n}.{extension}", std::process::id()))
}

fn host_config() -> wasmtime::Config {
    wasm_host::engine::engine_config(GuestLimits::default()).expect("config")
}

fn runtime(limits: GuestLimits) -> (tokio::runtime::Runtime, Arc<GuestRuntime>) {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    // Compiled once per test process (Cranelift in a debug build takes seconds), never rewritten.
    static FAULTY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let path = FAULTY.get_or_init(|| precompiled(&fixture("faulty_guest.wasm"), host_config(), "faulty"));
    let guest = GuestRuntime::load(path, limits, rt.handle().clone()).expect("load");
    (rt, guest)
}

fn run(guest: &GuestRuntime, word: &str) -> Result<Result<String, String>, GuestError> {
    let args = CommandArgs { command: format!("/faulty {word}"), ..CommandArgs::default() };
    guest.execute_command(&Context::default(), &args).map(|r| r.map(|resp| resp.text).map_err(|e| e.message))
}

fn limits() -> GuestLimits {
    GuestLimits { memory_bytes: 64 << 20, call_timeout: Duration::from_millis(500) }
}

#[test]
fn implemented_lists_the_guest_hooks() {
    let (_rt, guest) = runtime(limits());
    let hooks = guest.implemented().expect("implemented");
    assert_eq!(hooks.len(), 11, "{hooks:?}");
    assert_eq!(&hooks[..4], &["OnActivate", "OnDeactivate", "OnConfigurationChange", "ExecuteCommand"]);
    for hook in ["ServeHTTP", "MessageHasBeenDeleted", "OnPluginClusterEvent"] {
        assert!(hooks.contains(&hook.to_owned()), "{hook} missing from {hooks:?}");
    }
}

#[test]
fn a_panic_is_a_trap_and_the_next_call_works() {
    let (_rt, guest) = runtime(limits());
    assert!(matches!(run(&guest, "panic"), Err(GuestError::Trap(_))));
    assert_eq!(run(&guest, "ok").expect("call"), Ok("ok".to_owned()));
}

#[test]
fn an_endless_loop_hits_the_deadline() {
    let (_rt, guest) = runtime(limits());
    let started = Instant::now();
    assert!(matches!(run(&guest, "loop"), Err(GuestError::Deadline(_))));
    assert!(started.elapsed() < Duration::from_secs(5), "stopped late: {:?}", started.elapsed());
    assert_eq!(run(&guest, "ok").expect("call"), Ok("ok".to_owned()));
}

#[test]
fn unbounded_allocation_hits_the_memory_cap() {
    let (_rt, guest) = runtime(limits());
    assert!(matches!(run(&guest, "alloc"), Err(GuestError::OutOfMemory(64))));
    assert_eq!(run(&guest, "ok").expect("call"), Ok("ok".to_owned()));
}

#[test]
fn guest_errors_are_values_not_failures() {
    let (_rt, guest) = runtime(limits());
    let out = run(&guest, "nonsense").expect("the call itself succeeds");
    assert!(out.expect_err("an AppError").contains("usage"));
}

#[test]
fn api_calls_before_activation_fail_cleanly() {
    // OnActivate registers a command; without a connected API that is an error, not a trap.
    let (_rt, guest) = runtime(limits());
    let err = guest.on_activate().expect("no trap").expect_err("no API");
    assert!(err.contains("not connected"), "{err}");
}

#[test]
fn concurrent_calls_are_isolated() {
    let (_rt, guest) = runtime(limits());
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let guest = guest.clone();
            std::thread::spawn(move || {
                let word = if i % 2 == 0 { "panic" } else { "ok" };
                (i, run(&guest, word))
            })
        })
        .collect();
    for t in threads {
        let (i, out) = t.join().expect("thread");
        if i % 2 == 0 {
            assert!(matches!(out, Err(GuestError::Trap(_))));
        } else {
            assert_eq!(out.expect("call"), Ok("ok".to_owned()));
        }
    }
}

#[test]
fn a_higher_memory_cap_than_at_precompile_time_still_loads() {
    // The pool's slot size follows the cap at run time; it is not part of what the .cwasm
    // was compiled for, so an admin raising INCIDENT_GUEST_MEMORY_MB needs no rebuild.
    let limits = GuestLimits { memory_bytes: 512 << 20, call_timeout: Duration::from_secs(2) };
    let (_rt, guest) = runtime(limits);
    assert_eq!(run(&guest, "ok").expect("call"), Ok("ok".to_owned()));
}

#[test]
fn a_cwasm_made_with_another_configuration_is_refused_by_name() {
    let mut other = host_config();
    other.epoch_interruption(false);
    let path = precompiled(&fixture("faulty_guest.wasm"), other, "other-config");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let err = GuestRuntime::load(&path, limits(), rt.handle().clone()).err().expect("refused");
    assert!(matches!(err, GuestError::Precompiled { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("make dist"), "{message}");
}

/// The bundle ships a .cwasm per platform; one made for the other architecture (a bundle put
/// together by hand, a file renamed) is refused at load with the file's name, never run.
#[cfg(feature = "compiler")]
#[test]
fn a_cwasm_for_the_other_architecture_is_refused_by_name() {
    use wasm_host::engine::Target;
    let here = Target::host().expect("tests run on a platform the bundle ships");
    let other = Target::ALL.into_iter().find(|t| *t != here).expect("two targets");
    let compiled = wasm_host::engine::precompile(&fixture("faulty_guest.wasm"), other).expect("precompile for the other target");
    let path = scratch(other.name(), "cwasm");
    std::fs::write(&path, compiled).expect("write");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let err = GuestRuntime::load(&path, limits(), rt.handle().clone()).err().expect("refused");
    assert!(matches!(err, GuestError::Precompiled { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()) && message.contains("make dist"), "{message}");
}

/// `precompile-guest --target` takes plugin.json's platform names, and the file names follow them.
#[test]
fn targets_are_named_as_in_plugin_json() {
    use wasm_host::engine::Target;
    for target in Target::ALL {
        assert_eq!(Target::from_name(target.name()), Some(target));
    }
    assert_eq!(Target::LinuxArm64.precompiled_name("incident"), "incident-linux-arm64.cwasm");
    assert_eq!(Target::from_name("linux-riscv64"), None);
    let here = Target::host().expect("tests run on a platform the bundle ships");
    assert_eq!(wasm_host::engine::precompiled_name("incident"), here.precompiled_name("incident"));
}

#[test]
fn a_precompiled_core_module_is_refused() {
    let engine = wasmtime::Engine::new(&host_config()).expect("engine");
    let module = engine.precompile_module(b"(module)").expect("precompile");
    let path = scratch("module", "cwasm");
    std::fs::write(&path, module).expect("write");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let err = GuestRuntime::load(&path, limits(), rt.handle().clone()).err().expect("refused");
    assert!(err.to_string().contains("not a component"), "{err}");
}

#[test]
fn a_missing_file_is_named() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let err = GuestRuntime::load(std::path::Path::new("/nonexistent/incident.cwasm"), limits(), rt.handle().clone())
        .err()
        .expect("refused");
    assert!(matches!(err, GuestError::Read { .. }) && err.to_string().contains("/nonexistent/incident.cwasm"), "{err}");
}

/// What a host without the compiler (the shipped one) says about a plain `.wasm`, and what a
/// developer host (`--features compiler`) does with one.
#[test]
fn a_plain_wasm_needs_the_compiler_feature() {
    let path = scratch("plain", "wasm");
    std::fs::write(&path, fixture("faulty_guest.wasm")).expect("write");
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let loaded = GuestRuntime::load(&path, limits(), rt.handle().clone());
    if cfg!(feature = "compiler") {
        let guest = loaded.expect("a developer host compiles it");
        assert_eq!(run(&guest, "ok").expect("call"), Ok("ok".to_owned()));
    } else {
        let err = loaded.err().expect("refused");
        assert!(matches!(err, GuestError::NeedsCompiler { .. }), "{err}");
        assert!(err.to_string().contains("precompile-guest"), "{err}");
    }
    let path = scratch("garbage", "wasm");
    std::fs::write(&path, b"not wasm at all").expect("write");
    let err = GuestRuntime::load(&path, limits(), rt.handle().clone()).err().expect("refused");
    assert!(err.to_string().contains("neither a WebAssembly component (.wasm) nor one precompiled"), "{err}");
    let path = scratch("core", "wasm");
    std::fs::write(&path, b"\0asm\x01\0\0\0").expect("write");
    let err = GuestRuntime::load(&path, limits(), rt.handle().clone()).err().expect("refused");
    if cfg!(feature = "compiler") {
        assert!(err.to_string().contains("not a valid WebAssembly component"), "{err}");
    } else {
        assert!(matches!(err, GuestError::NeedsCompiler { .. }), "{err}");
    }
}

#[test]
fn a_guest_for_another_interface_version_is_refused_by_name() {
    // A minimal component importing a function from an interface version this host lacks.
    let wat = r#"(component
        (import "mattermost:plugin/api@9.0.0" (instance (export "get-server-version" (func))))
    )"#;
    let path = precompiled(wat.as_bytes(), host_config(), "interface");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let err = GuestRuntime::load(&path, limits(), rt.handle().clone()).err().expect("refused");
    match err {
        GuestError::UnsupportedInterface { found, supported } => {
            assert_eq!(found, "mattermost:plugin@9.0.0");
            assert!(supported.contains("0.1.0"));
        }
        other => panic!("wrong error: {other}"),
    }
}
