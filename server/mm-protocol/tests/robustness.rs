//! Malformed input never panics and never hangs: gob, net/rpc and yamux each answer garbage
//! with an error, and a broken connection ends the session.

use std::sync::Arc;
use std::time::Duration;

use gobwire::{Decoder, Encoder, Progress, parse_length_prefix};
use goplugin::yamux::{Config, Session};
use mm_model::{Command, CommandArgs, Context, Post};
use mm_protocol::wire::{ContextPostArgs, ErrorReturn, ExecuteCommandArgs, OnActivateArgs, ServeHttpArgs};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A small deterministic generator, so a failure is reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Feeds a byte stream to a fresh decoder; any outcome but a panic is acceptable.
fn try_decode<T: gobwire::Decode + Default>(mut rest: &[u8]) -> bool {
    let mut dec = Decoder::new();
    while let Ok(Some((width, len))) = parse_length_prefix(rest) {
        if width + len > rest.len() {
            return false;
        }
        let body = &rest[width..width + len];
        rest = &rest[width + len..];
        match dec.push_message(body) {
            Ok(Progress::Ready) => return dec.decode::<T>().is_ok(),
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    false
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..=rng.below(4) {
        if v.is_empty() {
            break;
        }
        let i = rng.below(v.len());
        match rng.below(4) {
            0 => v[i] = rng.next() as u8,
            1 => {
                v.remove(i);
            }
            2 => v.insert(i, rng.next() as u8),
            _ => v.truncate(i),
        }
    }
    v
}

#[test]
fn mutated_hook_arguments_never_panic() {
    let ctx = Some(Context { session_id: "s".into(), ..Context::default() });
    let seeds = [
        Encoder::new()
            .encode(&ExecuteCommandArgs {
                a: ctx.clone(),
                b: Some(CommandArgs { command: "/incident ping".into(), user_id: "u".into(), ..CommandArgs::default() }),
            })
            .expect("encode"),
        Encoder::new()
            .encode(&ContextPostArgs { a: ctx, b: Some(Post { message: "m".into(), ..Post::default() }) })
            .expect("encode"),
        Encoder::new().encode(&OnActivateArgs { api_mux_id: 1, driver_mux_id: 2 }).expect("encode"),
        Encoder::new()
            .encode(&Command { trigger: "x".into(), autocomplete_data: Some(Default::default()), ..Command::default() })
            .expect("encode"),
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut decoded = 0;
    for round in 0..20_000 {
        let seed = &seeds[round % seeds.len()];
        let input = mutate(&mut rng, seed);
        decoded += usize::from(try_decode::<ExecuteCommandArgs>(&input));
        decoded += usize::from(try_decode::<ContextPostArgs>(&input));
        decoded += usize::from(try_decode::<ServeHttpArgs>(&input));
        decoded += usize::from(try_decode::<ErrorReturn>(&input));
        decoded += usize::from(try_decode::<Command>(&input));
    }
    // Some mutations stay valid (a changed letter in a string); most must be refused.
    assert!(decoded > 0 && decoded < 100_000, "decoded {decoded}");
}

#[test]
fn absurd_lengths_are_refused_not_allocated() {
    // A message claiming 2^62 bytes, and a string claiming 2^40 bytes inside a tiny message.
    assert!(!try_decode::<ExecuteCommandArgs>(&[0xf8, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]));
    assert!(!try_decode::<ExecuteCommandArgs>(&[0x09, 0xff, 0x82, 0x01, 0xfb, 0x01, 0, 0, 0, 0]));
}

async fn serve_garbage(garbage: Vec<u8>) {
    let (mut host, plugin) = tokio::io::duplex(1 << 16);
    let server = Arc::new(go_netrpc::Server::new());
    let serving = tokio::spawn(server.serve(plugin));
    host.write_all(&garbage).await.expect("write");
    host.shutdown().await.expect("shutdown");
    let mut sink = Vec::new();
    let _ = host.read_to_end(&mut sink).await;
    let ended = tokio::time::timeout(Duration::from_secs(5), serving).await;
    assert!(ended.is_ok(), "the net/rpc server must stop on garbage, not hang");
}

#[tokio::test]
async fn net_rpc_server_survives_garbage() {
    let mut rng = Rng(7);
    let mut request =
        Encoder::new().encode(&go_netrpc::Request { service_method: "Plugin.ExecuteCommand".into(), seq: 3 }).expect("encode");
    request.extend(Encoder::new().encode(&OnActivateArgs::default()).expect("encode"));
    for _ in 0..200 {
        serve_garbage(mutate(&mut rng, &request)).await;
    }
    serve_garbage((0..4096).map(|_| rng.next() as u8).collect()).await;
    serve_garbage(vec![0xf8, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).await;
}

/// A yamux session fed `frames` must end (accept fails) promptly, without panicking.
async fn yamux_session_ends_on(frames: Vec<u8>) {
    let (mut host, plugin) = tokio::io::duplex(1 << 20);
    let session = Session::server(plugin, Config::default()).expect("session");
    let writer = tokio::spawn(async move {
        let _ = host.write_all(&frames).await;
        // Keep the host end open: the session must end because of what it read.
        tokio::time::sleep(Duration::from_secs(10)).await;
        drop(host);
    });
    let outcome = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if session.accept().await.is_err() {
                return;
            }
        }
    })
    .await;
    writer.abort();
    assert!(outcome.is_ok(), "the session must close on a protocol error");
}

fn frame(version: u8, kind: u8, flags: u16, stream: u32, length: u32) -> Vec<u8> {
    let mut f = vec![version, kind];
    f.extend(flags.to_be_bytes());
    f.extend(stream.to_be_bytes());
    f.extend(length.to_be_bytes());
    f
}

#[tokio::test]
async fn yamux_protocol_errors_close_the_session() {
    // Wrong version.
    yamux_session_ends_on(frame(1, 0, 0, 1, 0)).await;
    // Unknown frame type.
    yamux_session_ends_on(frame(0, 9, 0, 1, 0)).await;
    // Go Away with "protocol error".
    yamux_session_ends_on(frame(0, 3, 0, 0, 1)).await;
    // More data than the 256 KiB window allows on one stream.
    let mut over = frame(0, 1, 1, 1, 0);
    over.extend(frame(0, 0, 0, 1, 256 * 1024 + 1));
    over.extend(vec![0u8; 256 * 1024 + 1]);
    yamux_session_ends_on(over).await;
    // The same stream opened twice.
    let mut dup = frame(0, 1, 1, 1, 0);
    dup.extend(frame(0, 1, 1, 1, 0));
    yamux_session_ends_on(dup).await;
}
