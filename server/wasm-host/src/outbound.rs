//! The `outbound` interface: one HTTP POST on the guest's behalf (outgoing webhooks). Runs on
//! the guest call's blocking thread, bounded by its own timeout, so a slow receiver cannot hold
//! a hook longer than that.

use std::io::Read;
use std::time::Duration;

use crate::state::HostState;
use crate::v0_1::mattermost::plugin::outbound::Host;

const MAX_TIMEOUT_MS: u32 = 10_000;
const MAX_ANSWER_BYTES: u64 = 64 * 1024;
const MAX_BODY_BYTES: usize = 1024 * 1024;

impl Host for HostState {
    fn http_post(&mut self, url: String, headers: Vec<(String, String)>, body: Vec<u8>, timeout_ms: u32) -> Result<u16, String> {
        post(&url, &headers, &body, timeout_ms)
    }
}

pub(crate) fn post(url: &str, headers: &[(String, String)], body: &[u8], timeout_ms: u32) -> Result<u16, String> {
    let lower = url.trim().to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err("only http and https URLs can be called".into());
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(format!("the body has {} bytes; the limit is {MAX_BODY_BYTES}", body.len()));
    }
    let timeout = Duration::from_millis(u64::from(timeout_ms.clamp(1, MAX_TIMEOUT_MS)));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut request = agent.post(url.trim());
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let mut response = request.send(body).map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    // Read (a bounded part of) the answer so the connection ends cleanly.
    let mut sink = Vec::new();
    let _ = response.body_mut().as_reader().take(MAX_ANSWER_BYTES).read_to_end(&mut sink);
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    /// A one-shot HTTP server that answers `status` and hands back what it received.
    fn receiver(status: u16) -> (String, std::thread::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        let handle = std::thread::spawn(move || {
            let (stream, _) = listener.accept().expect("accept");
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).expect("line");
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
                if line == "\r\n" {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).expect("body");
            let mut stream = reader.into_inner();
            write!(stream, "HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok").expect("answer");
            format!("{head}{}", String::from_utf8_lossy(&body))
        });
        (url, handle)
    }

    #[test]
    fn posts_the_body_and_headers_and_answers_any_status() {
        let (url, seen) = receiver(503);
        let status = post(&url, &[("X-Event".into(), "incident_started".into())], br#"{"a":1}"#, 5_000).expect("sent");
        assert_eq!(status, 503);
        let request = seen.join().expect("receiver");
        assert!(request.starts_with("POST /hook HTTP/1.1"), "{request}");
        assert!(request.to_ascii_lowercase().contains("x-event: incident_started"), "{request}");
        assert!(request.ends_with(r#"{"a":1}"#), "{request}");
    }

    #[test]
    fn refuses_other_schemes_and_reports_unreachable_hosts_in_words() {
        assert_eq!(post("file:///etc/passwd", &[], b"", 1000), Err("only http and https URLs can be called".into()));
        let closed = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr");
        let err = post(&format!("http://{closed}/"), &[], b"", 1000).expect_err("nobody listens");
        assert!(!err.is_empty());
    }
}
