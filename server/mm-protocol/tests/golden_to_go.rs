//! Our bytes for the Go side: what our hooks server answers to `ExecuteCommand`, and what our API
//! client (mm-api) sends for `OpenInteractiveDialog` and `PublishWebSocketEvent`, compared with
//! `tests/golden/from-rust/`, which the conformance suite decodes with each release's types
//! (`tests/conformance/gobgolden`). `GOLDEN_UPDATE=1` rewrites those files.

mod golden_values;

use std::sync::Arc;

use gobwire::{Decoder, Progress, parse_length_prefix};
use golden_values::*;
use mm_model::{AppError, ChannelMember, CommandArgs, CommandResponse, Context, OpenDialogRequest, Post, Reaction, User};
use mm_protocol::wire::ExecuteCommandReturns;
use mm_protocol::{HttpRequest, HttpResponse};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct AnswersCommand;

impl mm_protocol::Hooks for AnswersCommand {
    async fn implemented(&self) -> Result<Vec<String>, String> {
        Ok(vec!["ExecuteCommand".into()])
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
    async fn execute_command(&self, _: Context, _: CommandArgs) -> Result<CommandResponse, AppError> {
        Ok(command_response())
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

/// Reads from `r` until `values` complete gob values have arrived; returns their bytes.
async fn read_values<R: tokio::io::AsyncRead + Unpin>(r: &mut R, values: usize) -> Vec<u8> {
    let mut got = Vec::new();
    let mut dec = Decoder::new();
    let (mut at, mut done) = (0, 0);
    while done < values {
        while let Some((width, len)) = parse_length_prefix(&got[at..]).expect("length prefix") {
            if got.len() < at + width + len {
                break;
            }
            if dec.push_message(&got[at + width..at + width + len]).expect("message") == Progress::Ready {
                dec.discard().expect("value");
                done += 1;
            }
            at += width + len;
            if done == values {
                break;
            }
        }
        if done == values {
            break;
        }
        let mut buf = [0u8; 4096];
        let n = tokio::time::timeout(std::time::Duration::from_secs(5), r.read(&mut buf))
            .await
            .expect("an answer in time")
            .expect("read");
        assert!(n > 0, "the stream ended after {done} of {values} values");
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(at, got.len(), "bytes beyond the values");
    got
}

/// Compares `bytes` with the committed `from-rust/<name>.gob`, or writes it with GOLDEN_UPDATE=1.
fn check_from_rust(name: &str, bytes: &[u8]) {
    let path = golden_dir().join("from-rust").join(format!("{name}.gob"));
    if std::env::var_os("GOLDEN_UPDATE").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, bytes).expect("write");
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (GOLDEN_UPDATE=1 writes it)", path.display()));
    assert_eq!(
        bytes,
        committed,
        "{}: our encoder writes other bytes now (GOLDEN_UPDATE=1 rewrites it; the conformance suite checks it)",
        path.display()
    );
}

/// Our hooks server's answer to each release's recorded `ExecuteCommand` call: the same bytes
/// for every release, committed for the conformance suite, which reads them with each
/// release's `CommandResponse`.
#[tokio::test]
async fn our_command_response_for_the_go_side() {
    let mut answers = Vec::new();
    for (name, _) in releases() {
        let request = std::fs::read(golden_dir().join(&name).join("ExecuteCommand.request.gob")).expect("recording");
        let (mut host, plugin) = tokio::io::duplex(1 << 16);
        let server = Arc::new(hooks_server_without_broker());
        let serving = tokio::spawn(server.serve(plugin));
        host.write_all(&request).await.expect("write");
        let answer = read_values(&mut host, 2).await;
        let mut dec = Stream::new(format!("our answer to {name}"), answer.clone());
        dec.response("ExecuteCommand");
        let r: ExecuteCommandReturns = dec.next();
        assert_eq!(r.a, Some(command_response()));
        drop(host);
        let _ = serving.await;
        answers.push((name, answer));
    }
    let (first_name, first) = &answers[0];
    for (name, answer) in &answers {
        assert_eq!(answer, first, "our answer to {name}'s call differs from the one to {first_name}'s");
    }
    check_from_rust("ExecuteCommand.response", first);
}

/// The hooks server needs a broker only for hooks that dial back; ExecuteCommand does not.
fn hooks_server_without_broker() -> go_netrpc::Server {
    let (a, _b) = tokio::io::duplex(64);
    let session = goplugin::yamux::Session::server(a, goplugin::yamux::Config::default()).expect("session");
    let (broker, _run) = goplugin::MuxBroker::new(session);
    mm_protocol::hooks_server(Arc::new(AnswersCommand), broker)
}

/// What our API client (mm-api) writes for the API methods whose argument types changed:
/// request header and arguments, committed for the conformance suite, which serves them to a
/// net/rpc server with each release's argument types.
#[tokio::test]
async fn our_api_requests_for_the_go_side() {
    let (mut host, plugin) = tokio::io::duplex(1 << 16);
    let api = mm_api::ApiClient::new(go_netrpc::Client::new(plugin));
    let call = tokio::spawn({
        let api = api.clone();
        async move { api.open_interactive_dialog(&open_dialog_request()).await }
    });
    let dialog = read_values(&mut host, 2).await;
    call.abort();
    check_from_rust("OpenInteractiveDialog.request", &dialog);

    // A fresh connection, as the recording of each call starts one.
    let (mut host, plugin) = tokio::io::duplex(1 << 16);
    let api = mm_api::ApiClient::new(go_netrpc::Client::new(plugin));
    let call = tokio::spawn(async move {
        api.publish_websocket_event(WEBSOCKET_EVENT, &props("incident_id", "incident-1"), &websocket_broadcast()).await
    });
    let websocket = read_values(&mut host, 2).await;
    call.abort();
    check_from_rust("PublishWebSocketEvent.request", &websocket);

    // And our own decoder reads them back as sent.
    let mut st = Stream::new(s("our OpenInteractiveDialog"), dialog);
    st.request("OpenInteractiveDialog");
    assert_eq!(st.next::<Args1<OpenDialogRequest>>().a, open_dialog_request());
    st.finish();
}
