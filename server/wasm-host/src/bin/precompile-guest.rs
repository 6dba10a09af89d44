//! `precompile-guest [--target linux-amd64|linux-arm64] <in.wasm> <out.cwasm> [<in.wasm> <out.cwasm> …]`:
//! compiles plugin logic ahead of time with the host's own wasmtime configuration for the target
//! (default: this machine's), as `make dist` does for each platform the bundle ships; the shipped
//! host loads the result without a compiler. Each output is written beside itself first and
//! renamed into place, so a failed run leaves no half-written file.

use std::path::Path;
use std::process::ExitCode;

use wasm_host::engine::Target;

const USAGE: &str =
    "usage: precompile-guest [--target linux-amd64|linux-arm64] <in.wasm> <out.cwasm> [<in.wasm> <out.cwasm> ...]";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut target = Target::host();
    if args.first().map(String::as_str) == Some("--target") {
        let Some(name) = args.get(1) else {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        };
        match Target::from_name(name) {
            Some(t) => target = Some(t),
            None => {
                eprintln!("precompile-guest: unknown target {name:?}; {USAGE}");
                return ExitCode::from(2);
            }
        }
        args.drain(..2);
    }
    let Some(target) = target else {
        eprintln!(
            "precompile-guest: this machine ({}) is not a target the bundle ships; name one with --target",
            std::env::consts::ARCH
        );
        return ExitCode::from(2);
    };
    if args.is_empty() || !args.len().is_multiple_of(2) {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    for pair in args.chunks(2) {
        let (input, output) = (Path::new(&pair[0]), Path::new(&pair[1]));
        match precompile(input, output, target) {
            Ok(bytes) => {
                println!("precompile-guest: {} -> {} ({}, {bytes} bytes)", input.display(), output.display(), target.name())
            }
            Err(message) => {
                eprintln!("precompile-guest: {}: {message}", input.display());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

fn precompile(input: &Path, output: &Path, target: Target) -> Result<usize, String> {
    let wasm = std::fs::read(input).map_err(|e| e.to_string())?;
    let compiled = wasm_host::engine::precompile(&wasm, target).map_err(|e| e.to_string())?;
    let partial = output.with_extension("cwasm.partial");
    std::fs::write(&partial, &compiled).map_err(|e| format!("{}: {e}", partial.display()))?;
    std::fs::rename(&partial, output).map_err(|e| format!("{}: {e}", output.display()))?;
    Ok(compiled.len())
}
