//! Outgoing HTTP through the host (the guest has no network of its own): webhooks, pagers and
//! status pages.

use crate::wit::mattermost::plugin::outbound as host;

/// POSTs `body` to `url`; the status code, or why there was none. See the WIT file for the
/// host's limits (10 s at most, 64 KiB of answer read).
pub fn http_post(url: &str, headers: &[(String, String)], body: &[u8], timeout_ms: u32) -> Result<u16, String> {
    host::http_post(url, headers, body, timeout_ms)
}

/// What a receiver answered: its status and the first 64 KiB of its body.
pub use host::HttpAnswer;

/// One request with `method` (GET, POST, PUT, PATCH or DELETE); the status and the answer's
/// body (at most 64 KiB), or why there was none. The host's checks are those of [`http_post`].
pub fn http_request(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    timeout_ms: u32,
) -> Result<HttpAnswer, String> {
    host::http_request(method, url, headers, body, timeout_ms)
}
