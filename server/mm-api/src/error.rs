use gobwire::Interface;
use mm_model::AppError;

use mm_model::ErrorString;

/// Why a plugin API call failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The server refused, with its own typed error.
    #[error("{method}: {error}")]
    App { method: &'static str, error: Box<AppError> },
    /// The server returned a plain Go `error`.
    #[error("{method}: {message}")]
    Remote { method: &'static str, message: String },
    /// The RPC itself failed: connection lost, or an answer we could not read.
    #[error("{method}: plugin RPC failed: {source}")]
    Transport {
        method: &'static str,
        #[source]
        source: go_netrpc::Error,
    },
    /// A value could not be put on the wire.
    #[error("{method}: cannot encode the request: {message}")]
    Encode { method: &'static str, message: String },
    /// The API client is not connected yet (before OnActivate).
    #[error("{0}: the Mattermost API is not connected yet")]
    NotConnected(&'static str),
}

impl ApiError {
    /// The AppError, if the server sent one.
    pub fn app_error(&self) -> Option<&AppError> {
        match self {
            ApiError::App { error, .. } => Some(error.as_ref()),
            _ => None,
        }
    }

    /// Turn a Go `error` interface value into an `ApiError`; `None` means success.
    pub(crate) fn from_go_error(method: &'static str, err: Option<Interface>) -> Option<Self> {
        let err = err?;
        Some(match err.name.as_str() {
            "*model.AppError" => match err.downcast::<AppError>() {
                Ok(error) => ApiError::App { method, error: Box::new(error) },
                Err(e) => ApiError::Remote { method, message: format!("unreadable AppError: {e}") },
            },
            "*plugin.ErrorString" => match err.downcast::<ErrorString>() {
                Ok(s) => ApiError::Remote { method, message: s.err },
                Err(e) => ApiError::Remote { method, message: format!("unreadable error: {e}") },
            },
            other => ApiError::Remote { method, message: format!("error of type {other}") },
        })
    }
}
