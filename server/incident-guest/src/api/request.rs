//! Reading a request: its JSON body, and its query values as URLs carry them (`%xx` and `+`
//! decoded). Shared by the route files and the input limits.

use mattermost_plugin_sdk::HttpRequest;

use crate::service::ServiceError;

/// `%xx` and `+` decoding of one query value.
pub(crate) fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) fn body<T: serde::de::DeserializeOwned>(request: &HttpRequest) -> Result<T, ServiceError> {
    mattermost_plugin_sdk::timing::json(|| serde_json::from_slice(&request.body))
        .map_err(|e| ServiceError::Invalid(format!("The request body is not valid JSON for this call: {e}")))
}

pub(crate) fn query(request: &HttpRequest, key: &str) -> Option<String> {
    request.query(key).map(decode).filter(|v| !v.is_empty())
}

pub(crate) fn number(request: &HttpRequest, key: &str, default: usize, max: usize) -> Result<usize, ServiceError> {
    match query(request, key) {
        None => Ok(default),
        Some(v) => {
            v.parse::<usize>().map(|n| n.min(max)).map_err(|_| ServiceError::Invalid(format!("`{key}` must be a whole number.")))
        }
    }
}

/// Every value of a query key that may repeat (`field=Region=EU&field=Tier=Gold`), decoded.
pub(crate) fn query_all(request: &HttpRequest, key: &str) -> Vec<String> {
    let Some((_, query)) = request.url.split_once('?') else {
        return Vec::new();
    };
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(k, _)| *k == key)
        .map(|(_, v)| decode(v))
        .filter(|v| !v.is_empty())
        .collect()
}
