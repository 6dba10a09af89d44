//! REST routes for the incident dossier (docs/api.md, "Dossier"): the ZIP download and the import.

use mattermost_plugin_sdk::{HttpRequest, HttpResponse};
use serde_json::json;

use crate::api::request::query;
use crate::mattermost::Mattermost;
use crate::service::{Service, ServiceError, incident_json};
use crate::store::db::Database;

type Reply = Result<HttpResponse, ServiceError>;

/// The import's path: its body is a whole dossier, bounded by the import's own limits
/// (service/dossier.rs), not by the per-field limits of other requests.
pub fn is_import(path: &[&str]) -> bool {
    path == ["api", "v0", "incidents", "import"]
}

/// `None` when the path is not one of these routes.
pub fn dispatch<M: Mattermost, D: Database>(
    s: &mut Service<'_, M, D>,
    user: &str,
    method: &str,
    path: &[&str],
    request: &HttpRequest,
) -> Option<Reply> {
    Some(match (method, path) {
        ("GET", ["api", "v0", "incidents", id, "dossier"]) => (|| {
            let dossier = s.dossier(user, id)?;
            let zip = dossier.to_zip().map_err(|e| ServiceError::Internal(e.to_string()))?;
            let mut response = HttpResponse::bytes(200, "application/zip", zip);
            response.headers.push(("Content-Disposition".into(), format!("attachment; filename=\"{}\"", dossier.file_name())));
            response.headers.push(("Cache-Control".into(), "no-store".into()));
            Ok(response)
        })(),
        ("POST", ["api", "v0", "incidents", "import"]) => (|| {
            let team = query(request, "team_id").ok_or_else(|| ServiceError::Invalid("`team_id` is required.".into()))?;
            let imported = s.import_dossier(user, &team, &request.body)?;
            let mut v = incident_json(&imported.incident);
            v["unknown_people"] = json!(imported.unknown_people);
            Ok(HttpResponse::json(201, &v))
        })(),
        _ => return None,
    })
}
