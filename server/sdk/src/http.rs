//! HTTP requests and responses as a plugin's `serve_http` sees them.

use serde::Serialize;

use crate::dispatch::WitHttpResponse;
use crate::wit::mattermost::plugin::types::Header;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct HttpRequest {
    pub method: String,
    /// Path and query, without `/plugins/<id>`: `/api/v0/health?x=1`.
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The Mattermost user the server authenticated, if any.
    pub user_id: Option<String>,
}

impl HttpRequest {
    /// The path without the query string.
    pub fn path(&self) -> &str {
        self.url.split('?').next().unwrap_or("")
    }

    /// The first value of a header, case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// A query parameter's raw value.
    pub fn query(&self, key: &str) -> Option<&str> {
        let query = self.url.split_once('?')?.1;
        query.split('&').filter_map(|pair| pair.split_once('=').or(Some((pair, "")))).find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A JSON response.
    pub fn json<T: Serialize + ?Sized>(status: u16, value: &T) -> Self {
        match crate::timing::json(|| serde_json::to_vec(value)) {
            Ok(body) => Self { status, headers: vec![("Content-Type".into(), "application/json".into())], body },
            Err(e) => Self::error(500, &format!("cannot encode the response: {e}")),
        }
    }

    /// `{"error": message}` with the status.
    pub fn error(status: u16, message: &str) -> Self {
        Self::json(status, &serde_json::json!({ "error": message }))
    }

    pub fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Self { status, headers: vec![("Content-Type".into(), content_type.into())], body }
    }

    pub(crate) fn into_wit(self) -> WitHttpResponse {
        WitHttpResponse {
            status: self.status,
            headers: self.headers.into_iter().map(|(name, value)| Header { name, value }).collect(),
            body: self.body,
        }
    }
}
