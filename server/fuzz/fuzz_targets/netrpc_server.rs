//! Arbitrary bytes on a net/rpc connection served by a server with methods registered.
#![no_main]

use std::sync::Arc;
use std::time::Duration;

use go_netrpc::{Server, ServiceError};
use libfuzzer_sys::fuzz_target;
use mm_protocol::wire::{Empty, ExecuteCommandArgs};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fuzz_target!(|data: &[u8]| {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
    rt.block_on(async {
        let mut server = Server::new();
        server.register("Plugin.ExecuteCommand", |_: ExecuteCommandArgs| async { Ok::<_, ServiceError>(Empty {}) });
        server.register("Plugin.Implemented", |_: Empty| async { Ok::<_, ServiceError>(vec![String::from("x")]) });
        let (mut host, plugin) = tokio::io::duplex(1 << 16);
        let serving = tokio::spawn(Arc::new(server).serve(plugin));
        let _ = host.write_all(data).await;
        let _ = host.shutdown().await;
        let mut sink = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(2), host.read_to_end(&mut sink)).await;
        assert!(tokio::time::timeout(Duration::from_secs(2), serving).await.is_ok(), "server hung");
    });
});
