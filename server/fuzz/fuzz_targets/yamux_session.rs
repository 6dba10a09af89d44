//! Arbitrary bytes as the host's side of a yamux session.
#![no_main]

use std::time::Duration;

use goplugin::yamux::{Config, Session};
use libfuzzer_sys::fuzz_target;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fuzz_target!(|data: &[u8]| {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
    rt.block_on(async {
        let (mut host, plugin) = tokio::io::duplex(1 << 20);
        let Ok(session) = Session::server(plugin, Config::default()) else { return };
        let _ = host.write_all(data).await;
        let _ = host.shutdown().await;
        // Accept and drain whatever streams the input opened, then let the session end.
        let _ = tokio::time::timeout(Duration::from_millis(200), async {
            while let Ok(mut stream) = session.accept().await {
                let mut buf = Vec::new();
                let _ = stream.read_to_end(&mut buf).await;
            }
        })
        .await;
        session.close();
    });
});
