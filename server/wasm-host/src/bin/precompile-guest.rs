//! `precompile-guest <in.wasm> <out.cwasm> [<in.wasm> <out.cwasm> …]`: compiles plugin logic
//! ahead of time with the host's own wasmtime configuration (run by `make dist`; the shipped
//! host loads the result without a compiler). Each output is written beside itself first and
//! renamed into place, so a failed run leaves no half-written file.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() || !args.len().is_multiple_of(2) {
        eprintln!("usage: precompile-guest <in.wasm> <out.cwasm> [<in.wasm> <out.cwasm> ...]");
        return ExitCode::from(2);
    }
    for pair in args.chunks(2) {
        let (input, output) = (Path::new(&pair[0]), Path::new(&pair[1]));
        match precompile(input, output) {
            Ok(bytes) => println!("precompile-guest: {} -> {} ({bytes} bytes)", input.display(), output.display()),
            Err(message) => {
                eprintln!("precompile-guest: {}: {message}", input.display());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

fn precompile(input: &Path, output: &Path) -> Result<usize, String> {
    let wasm = std::fs::read(input).map_err(|e| e.to_string())?;
    let compiled = wasm_host::engine::precompile(&wasm).map_err(|e| e.to_string())?;
    let partial = output.with_extension("cwasm.partial");
    std::fs::write(&partial, &compiled).map_err(|e| format!("{}: {e}", partial.display()))?;
    std::fs::rename(&partial, output).map_err(|e| format!("{}: {e}", output.display()))?;
    Ok(compiled.len())
}
