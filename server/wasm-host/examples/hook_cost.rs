//! What one hook call costs inside the host, without Mattermost or the wire: `make bench` runs
//! it on the precompiled incident guest and prints `hook_…` figures.
//!
//!     cargo run --release -p wasm-host --example hook_cost -- target/wasm32-wasip2/wasm/incident_guest.cwasm
//!
//! It times `/incident ping` (no API call, one small SQL read) end to end and by phase:
//! `hook_ping_p50_us`/`_p99_us` the whole call, `hook_instantiate_p50_us` an instance from the
//! pool, `hook_sql_p50_us` the database, `hook_guest_p50_us` the guest's own work.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use mm_model::{CommandArgs, Context};
use wasm_host::{GuestLimits, GuestRuntime};

const CALLS: usize = 5000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).map(PathBuf::from).ok_or("usage: hook_cost <incident_guest.cwasm>")?;
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let began = std::time::Instant::now();
    let guest = GuestRuntime::load(&path, GuestLimits::default(), rt.handle().clone())?;
    println!("hook_load_ms: {:.2}", began.elapsed().as_secs_f64() * 1e3);
    guest.set_store(Arc::new(host_store::SqliteStore::open_in_memory()?));

    let args = CommandArgs { command: "/incident ping".into(), user_id: "u".into(), ..CommandArgs::default() };
    let ctx = Context::default();
    let mut phases: [Vec<Duration>; 4] = Default::default();
    for i in 0..CALLS + 200 {
        let (out, t) = guest.execute_command_timed(&ctx, &args)?;
        let text = out.map_err(|e| e.message)?.text;
        if !text.contains("is running") {
            return Err(format!("unexpected answer {text:?}").into());
        }
        if i >= 200 {
            for (into, d) in phases.iter_mut().zip([t.total, t.instantiate, t.sql.total, t.guest()]) {
                into.push(d);
            }
        }
    }
    for (name, mut xs) in ["ping", "instantiate", "sql", "guest"].into_iter().zip(phases) {
        xs.sort();
        let us = |p: usize| xs[(xs.len() * p / 100).min(xs.len() - 1)].as_secs_f64() * 1e6;
        println!("hook_{name}_p50_us: {:.1}", us(50));
        if name == "ping" {
            println!("hook_{name}_p99_us: {:.1}", us(99));
        }
    }
    Ok(())
}
