//! Upper bounds on every text a request carries (a slash command's whole length is checked in
//! command/router.rs), checked before anything runs, so an
//! oversized value is refused with the field's name and its limit and changes nothing. The
//! domain (incident-core) keeps the tighter, field-specific limits (an incident name is at most
//! 100 characters, a note 4,000...); this is the floor under everything else: ids, level names,
//! query values, fields the domain only looks up, and fields nobody thought of yet.

use mattermost_plugin_sdk::HttpRequest;
use serde_json::Value;

use super::request::decode;
use crate::service::ServiceError;

/// Mattermost ids are 26 characters; anything much longer cannot name a thing.
pub const MAX_ID_CHARS: usize = 64;
/// Severity, status and role names, categories, kinds, states and other one-word choices (a
/// section may also be named by its title, up to 100 characters).
pub const MAX_WORD_CHARS: usize = 100;
/// The longest text the API keeps, an edited incident report, is the service's limit.
pub use crate::service::learning_review::MAX_REPORT_CHARS;
/// The search text of the incident list.
pub const MAX_SEARCH_CHARS: usize = 200;
/// Entries of any JSON list (people, channels, sections...).
pub const MAX_LIST_ENTRIES: usize = 1_000;

/// Mattermost's own opaque tokens: a trigger id is longer than an id, and a dialog's
/// callback id is ours to choose.
const TOKENS: &[&str] = &["trigger_id", "callback_id"];
const WORDS: &[&str] =
    &["severity", "status", "role", "category", "kind", "state", "section", "action", "format", "event", "period"];

fn limit_for(key: &str) -> usize {
    if TOKENS.contains(&key) {
        1_000
    } else if key.ends_with("_id") || key.ends_with("_ids") {
        MAX_ID_CHARS
    } else if WORDS.contains(&key) {
        MAX_WORD_CHARS
    } else if key == "q" {
        MAX_SEARCH_CHARS
    } else {
        MAX_REPORT_CHARS
    }
}

/// A refused request: which field (its path in the body, `context.role`), and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct TooLong {
    pub field: String,
    pub message: String,
}

impl From<TooLong> for ServiceError {
    fn from(e: TooLong) -> Self {
        ServiceError::Invalid(e.message)
    }
}

fn too_long(field: &str, chars: usize, max: usize) -> TooLong {
    TooLong { field: field.to_owned(), message: format!("`{field}` is too long: it has {chars} characters; the limit is {max}.") }
}

/// Checks the path, the query and, when the body is JSON, every string and list in it.
pub fn check_request(request: &HttpRequest) -> Result<(), TooLong> {
    for segment in request.path().split('/') {
        let chars = segment.chars().count();
        if chars > MAX_ID_CHARS {
            return Err(too_long("id in the path", chars, MAX_ID_CHARS));
        }
    }
    if let Some((_, query)) = request.url.split_once('?') {
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let chars = decode(value).chars().count();
            let max = limit_for(key);
            if chars > max {
                return Err(too_long(&short_key(key), chars, max));
            }
        }
    }
    // Bodies that are not JSON are refused (or read as text) by the route itself.
    if let Ok(body) = serde_json::from_slice::<Value>(&request.body) {
        check_value("", &body, MAX_REPORT_CHARS)?;
    }
    Ok(())
}

/// Walks a JSON value; `field` is its path (`checklists[0].title`), `max` the limit its key set.
pub fn check_value(field: &str, value: &Value, max: usize) -> Result<(), TooLong> {
    match value {
        Value::String(text) => {
            let chars = text.chars().count();
            if chars > max {
                return Err(too_long(if field.is_empty() { "body" } else { field }, chars, max));
            }
        }
        Value::Array(entries) => {
            if entries.len() > MAX_LIST_ENTRIES {
                return Err(TooLong {
                    field: field.to_owned(),
                    message: format!("`{field}` has {} entries; the limit is {MAX_LIST_ENTRIES}.", entries.len()),
                });
            }
            for (i, entry) in entries.iter().enumerate() {
                check_value(&format!("{field}[{i}]"), entry, max)?;
            }
        }
        Value::Object(map) => {
            for (key, entry) in map {
                let key_chars = key.chars().count();
                if key_chars > MAX_WORD_CHARS {
                    return Err(too_long("a field name", key_chars, MAX_WORD_CHARS));
                }
                let path = if field.is_empty() { key.clone() } else { format!("{field}.{key}") };
                check_value(&path, entry, limit_for(key))?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn short_key(key: &str) -> String {
    key.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(url: &str, body: Value) -> HttpRequest {
        HttpRequest {
            method: "POST".into(),
            url: url.into(),
            headers: Vec::new(),
            body: body.to_string().into_bytes(),
            user_id: Some("u".into()),
        }
    }

    #[test]
    fn names_the_field_and_the_limit() {
        let long_id = "x".repeat(MAX_ID_CHARS + 1);
        let err = check_request(&request("/api/v0/incidents", json!({"team_id": long_id}))).expect_err("long id");
        assert_eq!(err.to_string(), "`team_id` is too long: it has 65 characters; the limit is 64.");
        assert_eq!(err.field, "team_id");
        let err = check_request(&request("/api/v0/incidents", json!({"severity": "s".repeat(101)}))).expect_err("long word");
        assert!(err.to_string().starts_with("`severity` is too long"), "{err}");
        let deep = json!({"checklists": [{"items": [{"title": "t", "description": "d".repeat(MAX_REPORT_CHARS + 1)}]}]});
        let err = check_request(&request("/api/v0/playbooks", deep)).expect_err("long description");
        assert!(err.to_string().starts_with("`checklists[0].items[0].description` is too long"), "{err}");
        let err =
            check_request(&request("/api/v0/playbooks", json!({"member_ids": ["a".repeat(65)]}))).expect_err("long member id");
        assert!(err.to_string().starts_with("`member_ids[0]` is too long"), "{err}");
    }

    #[test]
    fn checks_path_query_and_lists() {
        let path = format!("/api/v0/incidents/{}", "i".repeat(65));
        assert!(check_request(&request(&path, Value::Null)).is_err());
        let query = format!("/api/v0/incidents?team_id=t&q={}", "%C3%A9".repeat(MAX_SEARCH_CHARS + 1));
        assert_eq!(
            check_request(&request(&query, Value::Null)).map_err(|e| e.to_string()),
            Err("`q` is too long: it has 201 characters; the limit is 200.".to_owned()),
            "counted as decoded"
        );
        let fits = format!("/api/v0/incidents?team_id=t&q={}", "%C3%A9".repeat(MAX_SEARCH_CHARS));
        assert_eq!(check_request(&request(&fits, Value::Null)), Ok(()));
        let many: Vec<Value> = (0..=MAX_LIST_ENTRIES).map(|_| json!("id")).collect();
        assert!(check_request(&request("/api/v0/playbooks", json!({ "editor_ids": many }))).is_err());
    }

    #[test]
    fn accepts_what_is_within_bounds() {
        let ok = json!({"team_id": "t".repeat(26), "name": "Database down", "trigger_id": "x".repeat(200),
            "markdown": "m".repeat(MAX_REPORT_CHARS)});
        assert_eq!(check_request(&request("/api/v0/incidents?team_id=abc&q=db", ok)), Ok(()));
        assert_eq!(check_request(&request("/api/v0/playbooks/import?team_id=t", Value::Null)), Ok(()));
    }
}
