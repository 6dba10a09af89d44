//! Outgoing HTTP through the host (the guest has no network of its own): webhooks.

use crate::wit::mattermost::plugin::outbound as host;

/// POSTs `body` to `url`; the status code, or why there was none. See the WIT file for the
/// host's limits (10 s at most, 64 KiB of answer read).
pub fn http_post(url: &str, headers: &[(String, String)], body: &[u8], timeout_ms: u32) -> Result<u16, String> {
    host::http_post(url, headers, body, timeout_ms)
}
