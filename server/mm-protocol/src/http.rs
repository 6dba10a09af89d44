//! ServeHTTP plumbing: pulling the request body through the host's reader stream and writing
//! the response through the host's response-writer RPC (protocol.md §7).

use go_netrpc::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::ProtocolError;
use crate::wire::{Empty, Header};

/// How much of the body one read asks for (the host copies in 32 KiB buffers).
const READ_CHUNK: usize = 64 * 1024;
/// How much one `Plugin.Write` carries: below one yamux window, so a write never waits on a
/// half-consumed window.
const WRITE_CHUNK: usize = 128 * 1024;

/// A request as the plugin logic sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HttpRequest {
    pub method: String,
    /// Path and query, without `/plugins/<id>`.
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The first value of a header, case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn json(status: u16, body: &str) -> Self {
        Self { status, headers: vec![("Content-Type".into(), "application/json".into())], body: body.as_bytes().to_vec() }
    }
}

/// The body was longer than the limit: the caller answers 413.
#[derive(Debug)]
pub struct BodyTooLarge;

/// Reads a request body with Mattermost's remote reader protocol: before each read, send the
/// wanted byte count as a zig-zag varint; the host then sends up to that many bytes, and closes
/// the stream at the end of the body.
pub async fn read_body<S>(stream: &mut S, limit: usize) -> Result<Result<Vec<u8>, BodyTooLarge>, ProtocolError>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut body = Vec::new();
    loop {
        if body.len() > limit {
            return Ok(Err(BodyTooLarge));
        }
        let want = READ_CHUNK;
        stream.write_all(&varint(want as i64)).await?;
        let mut got = 0;
        let start = body.len();
        body.resize(start + want, 0);
        while got < want {
            let n = stream.read(&mut body[start + got..]).await?;
            if n == 0 {
                body.truncate(start + got);
                return Ok(if body.len() > limit { Err(BodyTooLarge) } else { Ok(body) });
            }
            got += n;
        }
    }
}

/// Go's `binary.PutVarint`.
pub fn varint(v: i64) -> Vec<u8> {
    let mut u = ((v << 1) ^ (v >> 63)) as u64;
    let mut out = Vec::with_capacity(10);
    while u >= 0x80 {
        out.push((u as u8) | 0x80);
        u >>= 7;
    }
    out.push(u as u8);
    out
}

/// Writes `response` through the host's `http.ResponseWriter`, served as net/rpc on `writer`.
pub async fn write_response(writer: &Client, response: &HttpResponse) -> Result<(), ProtocolError> {
    // Keep headers the server already set (security headers); ours win on conflict.
    let mut header: Header = writer.call("Plugin.Header", &Empty {}).await?;
    for (name, _) in &response.headers {
        header.remove(&canonical_header_name(name));
    }
    for (name, value) in &response.headers {
        header.entry(canonical_header_name(name)).or_default().push(value.clone());
    }
    let _: Empty = writer.call("Plugin.SyncHeader", &header).await?;
    let _: Empty = writer.call("Plugin.WriteHeader", &i64::from(response.status)).await?;
    for chunk in response.body.chunks(WRITE_CHUNK) {
        let _: Empty = writer.call("Plugin.Write", &chunk.to_vec()).await?;
    }
    Ok(())
}

/// Go's `textproto.CanonicalMIMEHeaderKey` for the ASCII names we use.
pub fn canonical_header_name(name: &str) -> String {
    let mut upper = true;
    name.chars()
        .map(|c| {
            let out = if upper { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() };
            upper = c == '-';
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_matches_go() {
        // binary.PutVarint(32768) = 80 80 04 (protocol.md §7.3)
        assert_eq!(varint(32768), vec![0x80, 0x80, 0x04]);
        assert_eq!(varint(0), vec![0]);
        assert_eq!(varint(-1), vec![1]);
        assert_eq!(varint(65536), vec![0x80, 0x80, 0x08]);
    }

    #[test]
    fn canonical_names() {
        assert_eq!(canonical_header_name("content-type"), "Content-Type");
        assert_eq!(canonical_header_name("X-CONTENT-type-options"), "X-Content-Type-Options");
    }

    #[tokio::test]
    async fn reads_body_across_chunks_until_eof() {
        let (mut plugin, mut host) = tokio::io::duplex(1 << 20);
        let body: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let expected = body.clone();
        // The host side of serveIOReader: read a varint, send up to that many bytes.
        let server = tokio::spawn(async move {
            let mut sent = 0;
            loop {
                let mut buf = [0u8; 3];
                if host.read_exact(&mut buf).await.is_err() {
                    return;
                }
                let want = 65536;
                let end = (sent + want).min(body.len());
                host.write_all(&body[sent..end]).await.expect("write");
                let short = end - sent < want;
                sent = end;
                if short {
                    return; // EOF: dropping the stream closes it
                }
            }
        });
        let got = read_body(&mut plugin, 1 << 20).await.expect("io").expect("within limit");
        server.await.expect("server");
        assert_eq!(got, expected);
    }

    #[tokio::test]
    async fn body_over_limit_is_refused() {
        let (mut plugin, mut host) = tokio::io::duplex(1 << 20);
        tokio::spawn(async move {
            let mut buf = [0u8; 3];
            while host.read_exact(&mut buf).await.is_ok() {
                if host.write_all(&[7u8; 65536]).await.is_err() {
                    return;
                }
            }
        });
        let got = read_body(&mut plugin, 100_000).await.expect("io");
        assert!(got.is_err());
    }
}
