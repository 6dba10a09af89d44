//! REST routes for paging and the status page (docs/api.md, "Paging and status pages"): the
//! team's configuration (team and system admins; keys are accepted, never answered), the
//! services a member may page, paging one, and retrying resolves.

use incident_core::paging::PagingConfigUpdate;
use mattermost_plugin_sdk::HttpResponse;
use serde_json::{Value, json};

use crate::api::request::{body, query};
use crate::mattermost::Mattermost;
use crate::service::{Service, ServiceError, incident_json};
use crate::store::db::Database;

type Reply = Result<HttpResponse, ServiceError>;

fn team(request: &mattermost_plugin_sdk::HttpRequest) -> Result<String, ServiceError> {
    query(request, "team_id").ok_or_else(|| ServiceError::Invalid("`team_id` is required.".into()))
}

/// `None` when the path is not one of these routes.
pub fn dispatch<M: Mattermost, D: Database>(
    s: &mut Service<'_, M, D>,
    user: &str,
    method: &str,
    path: &[&str],
    request: &mattermost_plugin_sdk::HttpRequest,
) -> Option<Reply> {
    let ok = |v: Value| Ok(HttpResponse::json(200, &v));
    let reply = match (method, path) {
        ("GET", ["api", "v0", "paging"]) => team(request).and_then(|t| s.paging_settings(user, &t)).and_then(ok),
        ("PUT", ["api", "v0", "paging"]) => team(request)
            .and_then(|t| Ok((t, body::<PagingConfigUpdate>(request)?)))
            .and_then(|(t, update)| s.set_paging_settings(user, &t, update))
            .and_then(ok),
        ("GET", ["api", "v0", "paging", "services"]) => team(request)
            .and_then(|t| s.pageable_services(user, &t))
            .and_then(|(names, statuspage)| ok(json!({"services": names, "statuspage": statuspage}))),
        ("POST", ["api", "v0", "incidents", id, "page"]) => body::<Value>(request)
            .and_then(|b| {
                b.get("service")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| ServiceError::Invalid("`service` is required: the name of a service to page.".into()))
            })
            .and_then(|service| s.page(user, id, &service))
            .and_then(|incident| ok(incident_json(&incident))),
        ("POST", ["api", "v0", "incidents", id, "pages", "resolve"]) => {
            s.retry_resolves(user, id).and_then(|incident| ok(incident_json(&incident)))
        }
        _ => return None,
    };
    Some(reply)
}
