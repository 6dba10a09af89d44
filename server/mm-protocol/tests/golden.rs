//! Golden bytes: what Go's encoding/gob and net/rpc put on the wire, as measured with Go's own
//! standard library and recorded in docs/protocol.md §4.6. Our encoders must produce
//! these bytes and our decoders must read them.

use std::sync::Arc;

use gobwire::{Decoder, Encoder, Progress, parse_length_prefix};
use mm_model::{AppError, ChannelMember, CommandArgs, CommandResponse, Context, ErrorString, Post, Reaction, User};
use mm_protocol::wire::{ErrorReturn, OnActivateArgs};
use mm_protocol::{HttpRequest, HttpResponse};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Builds a byte vector from hex pieces and quoted ASCII strings.
fn bytes(parts: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        if let Some(s) = p.strip_prefix('"') {
            out.extend_from_slice(s.trim_end_matches('"').as_bytes());
        } else {
            for h in p.split_whitespace() {
                out.push(u8::from_str_radix(h, 16).expect("hex"));
            }
        }
    }
    out
}

fn decode_stream<T: gobwire::Decode + Default>(mut rest: &[u8]) -> T {
    let mut dec = Decoder::new();
    loop {
        let (width, len) = parse_length_prefix(rest).expect("prefix").expect("complete");
        let body = &rest[width..width + len];
        rest = &rest[width + len..];
        if dec.push_message(body).expect("push") == Progress::Ready {
            return dec.decode().expect("decode");
        }
    }
}

fn request_definition() -> Vec<u8> {
    bytes(&[
        "2f ff 81 03 01 01 07",
        "\"Request\"",
        "01 ff 82 00 01 02 01 0d",
        "\"ServiceMethod\"",
        "01 0c 00 01 03",
        "\"Seq\"",
        "01 06 00 00 00",
    ])
}

#[test]
fn request_header_matches_go() {
    let mut enc = Encoder::new();
    let first = enc.encode(&go_netrpc::Request { service_method: "Plugin.Implemented".into(), seq: 0 }).expect("encode");
    let mut want = request_definition();
    want.extend(bytes(&["17 ff 82 01 12", "\"Plugin.Implemented\"", "00"]));
    assert_eq!(first, want);
    // Second use on the same stream: no definition, Seq 1.
    let second = enc.encode(&go_netrpc::Request { service_method: "Plugin.OnActivate".into(), seq: 1 }).expect("encode");
    assert_eq!(second, bytes(&["18 ff 82 01 11", "\"Plugin.OnActivate\"", "01 01 00"]));
}

#[test]
fn on_activate_args_from_go_decode() {
    // §4.6 (b): Z_OnActivateArgs{APIMuxId: 3, DriverMuxId: 4}, as Go's host sends it.
    let wire = bytes(&[
        "3b ff 85 03 01 01 10",
        "\"Z_OnActivateArgs\"",
        "01 ff 86 00 01 02 01 08",
        "\"APIMuxId\"",
        "01 06 00 01 0b",
        "\"DriverMuxId\"",
        "01 06 00 00 00",
        "07 ff 86 01 03 01 04 00",
    ]);
    let args: OnActivateArgs = decode_stream(&wire);
    assert_eq!((args.api_mux_id, args.driver_mux_id), (3, 4));
}

#[test]
fn error_string_spanning_two_messages_decodes() {
    // §4.6 (c): Z_OnActivateReturns{A: &ErrorString{Err: "boom"}}; the value continues in a
    // second message after the inline type definition.
    let wire = bytes(&[
        "27 ff 85 03 01 01 13",
        "\"Z_OnActivateReturns\"",
        "01 ff 86 00 01 01 01 01",
        "\"A\"",
        "01 10 00 00 00",
        "41 ff 86 01 13",
        "\"*plugin.ErrorString\"",
        "ff 87 03 01 01 0b",
        "\"ErrorString\"",
        "01 ff 88 00",
        "01 02 01 04",
        "\"Code\"",
        "01 04 00 01 03",
        "\"Err\"",
        "01 0c 00 00 00",
        "0b ff 88 07 02 04",
        "\"boom\"",
        "00 00",
    ]);
    let ret: ErrorReturn = decode_stream(&wire);
    let err = ret.a.expect("non-nil error");
    assert_eq!(err.name, "*plugin.ErrorString");
    let s: ErrorString = err.downcast().expect("ErrorString");
    assert_eq!(s.err, "boom");
}

#[test]
fn our_error_return_decodes_as_go_would() {
    let bytes = Encoder::new()
        .encode(&ErrorReturn { a: Some(ErrorString::interface("config missing").expect("iface")) })
        .expect("encode");
    let back: ErrorReturn = decode_stream(&bytes);
    let s: ErrorString = back.a.expect("error").downcast().expect("ErrorString");
    assert_eq!((s.code, s.err.as_str()), (0, "config missing"));
    // A nil error is an empty struct: no fields at all.
    let nil = Encoder::new().encode(&ErrorReturn { a: None }).expect("encode");
    assert_eq!(&nil[nil.len() - 4..], &[0x03, 0xff, 0x82, 0x00]);
}

#[test]
fn response_writer_bodies_match_go() {
    // §4.6 (e): Plugin.Write body []byte("hello"); Plugin.WriteHeader body int 200.
    assert_eq!(Encoder::new().encode(&b"hello".to_vec()).expect("encode"), bytes(&["08 0a 00 05", "\"hello\""]));
    assert_eq!(Encoder::new().encode(&200i64).expect("encode"), bytes(&["05 04 00 fe 01 90"]));
}

#[test]
fn control_and_dispense_bodies_match_go() {
    // §4.6 (d): Dispense("hooks") argument, uint32 reply 1, Control.Ping(true).
    assert_eq!(Encoder::new().encode("hooks").expect("encode"), bytes(&["08 0c 00 05", "\"hooks\""]));
    assert_eq!(Encoder::new().encode(&1u32).expect("encode"), bytes(&["03 06 00 01"]));
    assert_eq!(Encoder::new().encode(&true).expect("encode"), bytes(&["03 02 00 01"]));
}

struct TwoHooks;

impl mm_protocol::Hooks for TwoHooks {
    async fn implemented(&self) -> Result<Vec<String>, String> {
        Ok(vec!["OnActivate".into(), "ExecuteCommand".into(), "NotAHook".into()])
    }
    async fn on_activate(&self, _api: go_netrpc::Client, _driver: Option<go_netrpc::Client>) -> Result<(), String> {
        Ok(())
    }
    async fn on_deactivate(&self) -> Result<(), String> {
        Ok(())
    }
    async fn on_configuration_change(&self) -> Result<(), String> {
        Ok(())
    }
    async fn execute_command(&self, _: Context, args: CommandArgs) -> Result<CommandResponse, AppError> {
        Ok(CommandResponse::ephemeral(args.command))
    }
    async fn serve_http(&self, _: Context, _: HttpRequest) -> HttpResponse {
        HttpResponse::json(404, "{}")
    }
    async fn message_has_been_posted(&self, _: Context, _: Post) {}
    async fn message_has_been_deleted(&self, _: Context, _: Post) {}
    async fn message_has_been_updated(&self, _: Context, _: Post, _: Post) {}
    async fn reaction_has_been_added(&self, _: Context, _: Reaction) {}
    async fn user_has_joined_channel(&self, _: Context, _: ChannelMember, _: Option<User>) {}
    async fn on_plugin_cluster_event(&self, _: Context, _: String, _: Vec<u8>) {}
}

/// A whole net/rpc exchange on the hooks stream: Go's `Plugin.Implemented` request in, and out
/// exactly the bytes a Go plugin answers (§4.6 (a) and (c)), names we cannot dispatch dropped.
#[tokio::test]
async fn implemented_exchange_matches_go() {
    let (mut host, plugin) = tokio::io::duplex(1 << 16);
    let server = Arc::new(hooks_server_without_broker());
    let serving = tokio::spawn(server.serve(plugin));

    let mut request = request_definition();
    request.extend(bytes(&["17 ff 82 01 12", "\"Plugin.Implemented\"", "00"]));
    request.extend(bytes(&["0a ff 83 03 01 02 ff 84 00 00 00", "03 ff 84 00"]));
    host.write_all(&request).await.expect("write");

    // Go numbers types from a process-wide counter, so a long-lived Go plugin could use any
    // ids; a fresh one used 65 for Response and 66 for []string. Ours are per stream and happen
    // to be the other way round (the reply is described first). Every other byte is Go's.
    let want = bytes(&[
        "3a ff 83 03 01 01 08",
        "\"Response\"",
        "01 ff 84 00 01 03 01 0d",
        "\"ServiceMethod\"",
        "01 0c 00 01 03",
        "\"Seq\"",
        "01 06 00 01 05",
        "\"Error\"",
        "01 0c 00 00 00",
        "17 ff 84 01 12",
        "\"Plugin.Implemented\"",
        "00",
        "0c ff 81 02 01 02 ff 82 00 01 0c 00 00",
        "1e ff 82 00 02 0a",
        "\"OnActivate\"",
        "0e",
        "\"ExecuteCommand\"",
    ]);
    let mut got = vec![0u8; want.len()];
    tokio::time::timeout(std::time::Duration::from_secs(5), host.read_exact(&mut got))
        .await
        .expect("answer in time")
        .expect("read");
    assert_eq!(got, want);
    drop(host);
    let _ = serving.await;
}

/// The hooks server needs a broker only for hooks that dial back; Implemented does not.
fn hooks_server_without_broker() -> go_netrpc::Server {
    let (a, _b) = tokio::io::duplex(64);
    let session = goplugin::yamux::Session::server(a, goplugin::yamux::Config::default()).expect("session");
    let (broker, _run) = goplugin::MuxBroker::new(session);
    mm_protocol::hooks_server(Arc::new(TwoHooks), broker)
}
