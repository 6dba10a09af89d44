//! Mattermost models as the plugin sees them.
//!
//! Each struct has Mattermost's own JSON form (serde, snake_case keys as the REST API uses) so the
//! guest can read and write them, and — with the `gob` feature, host side only — the gob form the
//! plugin RPC carries, with Go's field names. Only the fields the plugin uses are declared: gob
//! matches fields by name and skips the rest, so newer servers with more fields decode fine.

#[macro_use]
mod macros;
mod command;
mod props;
mod social;

#[cfg(feature = "gob")]
pub mod gob_json;

pub use command::*;
#[cfg(feature = "gob")]
pub use gob_json::ErrorString;
pub use props::Props;
pub use social::*;

model! {
    /// A `*model.AppError`: the server's (and a plugin's) typed error.
    pub struct AppError {
        pub id: String,
        pub message: String,
        pub detailed_error: String,
        pub request_id: String,
        pub status_code: i64,
        #[cfg_attr(feature = "gob", gob(name = "Where"))]
        #[serde(rename = "where")]
        pub where_: String,
        #[cfg_attr(feature = "gob", gob(name = "IsOAuth"))]
        #[serde(rename = "is_oauth")]
        pub is_oauth: bool,
    }
}

impl AppError {
    pub fn new(id: &str, message: impl Into<String>, status_code: i64) -> Self {
        Self { id: id.to_owned(), message: message.into(), status_code, ..Self::default() }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)?;
        if !self.detailed_error.is_empty() {
            write!(f, " ({})", self.detailed_error)?;
        }
        if self.status_code != 0 {
            write!(f, " [status {}]", self.status_code)?;
        }
        Ok(())
    }
}

impl std::error::Error for AppError {}

model! {
    /// `plugin.Context`: who and what a hook call comes from.
    pub struct Context {
        pub session_id: String,
        pub request_id: String,
        #[cfg_attr(feature = "gob", gob(name = "IPAddress"))]
        pub ip_address: String,
        pub accept_language: String,
        pub user_agent: String,
        pub connection_id: String,
    }
}
