//! The sandbox around the plugin logic, tested with the fault fixture guest
//! (server/fixtures/faulty-guest, built by `make guest`): a crash, an endless loop and a memory
//! blow-up each end one call with a named error, and the next call works.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mm_model::{CommandArgs, Context};
use wasm_host::{GuestError, GuestLimits, GuestRuntime};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/wasm32-wasip2/wasm").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}; build the guests first with `make guest`", path.display()))
}

fn runtime(limits: GuestLimits) -> (tokio::runtime::Runtime, Arc<GuestRuntime>) {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let guest = GuestRuntime::from_bytes(&fixture("faulty_guest.wasm"), limits, rt.handle().clone()).expect("load");
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
fn not_a_component_is_refused_with_a_message() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let err = GuestRuntime::from_bytes(b"\0asm\x01\0\0\0", limits(), rt.handle().clone()).err().expect("refused");
    assert!(matches!(err, GuestError::Compile(_)), "{err}");
    let err = GuestRuntime::from_bytes(b"not wasm at all", limits(), rt.handle().clone()).err().expect("refused");
    assert!(err.to_string().contains("not a valid WebAssembly component"), "{err}");
}

#[test]
fn a_guest_for_another_interface_version_is_refused_by_name() {
    // A minimal component importing a function from an interface version this host lacks.
    let wat = r#"(component
        (import "mattermost:plugin/api@9.0.0" (instance (export "get-server-version" (func))))
    )"#;
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let err = GuestRuntime::from_bytes(wat.as_bytes(), limits(), rt.handle().clone()).err().expect("refused");
    match err {
        GuestError::UnsupportedInterface { found, supported } => {
            assert_eq!(found, "mattermost:plugin@9.0.0");
            assert!(supported.contains("0.1.0"));
        }
        other => panic!("wrong error: {other}"),
    }
}
