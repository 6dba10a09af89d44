//! The plugin's REST API under `/plugins/incident-response/api/v0/`.

use mattermost_plugin_sdk::{HttpRequest, HttpResponse};
use serde_json::json;

use crate::{PLUGIN_ID, VERSION};

pub fn route(request: &HttpRequest) -> HttpResponse {
    // The server sets Mattermost-User-Id only for an authenticated session (and strips any
    // client-sent copy), so its absence means an anonymous request.
    if request.user_id.is_none() {
        return HttpResponse::error(401, "not authenticated: log in to Mattermost");
    }
    match (request.method.as_str(), request.path()) {
        ("GET", "/api/v0/health") => HttpResponse::json(
            200,
            &json!({
                "status": "ok",
                "plugin_id": PLUGIN_ID,
                "version": VERSION,
                "interface": mattermost_plugin_sdk::INTERFACE_VERSION,
            }),
        ),
        ("POST", "/api/v0/echo") => {
            let content_type = request.header("Content-Type").unwrap_or("application/octet-stream");
            HttpResponse::bytes(200, content_type, request.body.clone())
        }
        (_, "/api/v0/health" | "/api/v0/echo") => HttpResponse::error(405, "method not allowed"),
        (_, path) => HttpResponse::error(404, &format!("no such endpoint: {}", path.chars().take(200).collect::<String>())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, url: &str, user: Option<&str>) -> HttpRequest {
        HttpRequest {
            method: method.into(),
            url: url.into(),
            user_id: user.map(str::to_owned),
            ..HttpRequest::default()
        }
    }

    #[test]
    fn anonymous_requests_get_401_json() {
        let r = route(&req("GET", "/api/v0/health", None));
        assert_eq!(r.status, 401);
        let body: serde_json::Value = serde_json::from_slice(&r.body).expect("json");
        assert!(body["error"].is_string());
    }

    #[test]
    fn health_reports_version() {
        let r = route(&req("GET", "/api/v0/health?verbose=1", Some("u1")));
        assert_eq!(r.status, 200);
        let body: serde_json::Value = serde_json::from_slice(&r.body).expect("json");
        assert_eq!(body["status"], "ok");
        assert_eq!(body["version"], VERSION);
    }

    #[test]
    fn echo_returns_the_body() {
        let mut r = req("POST", "/api/v0/echo", Some("u1"));
        r.body = vec![1, 2, 3];
        let resp = route(&r);
        assert_eq!((resp.status, resp.body), (200, vec![1, 2, 3]));
    }

    #[test]
    fn unknown_and_wrong_method() {
        assert_eq!(route(&req("GET", "/api/v0/nope", Some("u1"))).status, 404);
        assert_eq!(route(&req("DELETE", "/api/v0/health", Some("u1"))).status, 405);
    }
}
