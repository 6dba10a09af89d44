//! Glue between the generated exports and a [`Plugin`]: JSON in, models out, and back.
//! Used by [`export_plugin!`](crate::export_plugin); not meant to be called directly.

use mm_model::{AppError, Context};
use serde::de::DeserializeOwned;

use crate::wit::exports::mattermost::plugin::hooks as exports;
use crate::{Api, HttpRequest, HttpResponse, Plugin};

pub type WitAppError = crate::wit::mattermost::plugin::types::AppError;
pub type WitHttpRequest = crate::wit::mattermost::plugin::types::HttpRequest;
pub type WitHttpResponse = crate::wit::mattermost::plugin::types::HttpResponse;

// Keeps the generated trait path checked by the compiler where the macro expands.
#[allow(unused_imports)]
use exports::Guest as _;

/// Parses what the host sent; the host writes these, so a failure is a host/guest mismatch.
fn parse<T: DeserializeOwned + Default>(what: &str, json: &str) -> Result<T, String> {
    crate::timing::json(|| serde_json::from_str(json)).map_err(|e| format!("the host sent an unreadable {what}: {e}"))
}

fn log_bad_input(hook: &str, message: &str) {
    Api.log(crate::LogLevel::Error, &format!("{hook}: {message}"), &[]);
}

pub fn implemented<P: Plugin>() -> Vec<String> {
    P::HOOKS.iter().map(|h| h.name().to_owned()).collect()
}

pub fn on_activate<P: Plugin>() -> Result<(), String> {
    P::default().on_activate(&Api)
}

pub fn on_deactivate<P: Plugin>() -> Result<(), String> {
    P::default().on_deactivate(&Api)
}

pub fn on_configuration_change<P: Plugin>() -> Result<(), String> {
    P::default().on_configuration_change(&Api)
}

fn to_wit_app_error(e: AppError) -> WitAppError {
    WitAppError {
        id: e.id,
        message: e.message,
        detailed_error: e.detailed_error,
        status_code: i32::try_from(e.status_code).unwrap_or(500),
        where_: e.where_,
    }
}

pub fn execute_command<P: Plugin>(context: &str, args: &str) -> Result<String, WitAppError> {
    let parsed = parse::<Context>("context", context).and_then(|c| Ok((c, parse("command", args)?)));
    let (ctx, args) = parsed.map_err(|m| to_wit_app_error(AppError::new("plugin.command.bad_input", m, 500)))?;
    let response = P::default().execute_command(&Api, &ctx, &args).map_err(to_wit_app_error)?;
    serde_json::to_string(&response).map_err(|e| to_wit_app_error(AppError::new("plugin.command.bad_output", e.to_string(), 500)))
}

pub fn serve_http<P: Plugin>(context: &str, user_id: Option<String>, request: WitHttpRequest) -> WitHttpResponse {
    let timed = request.headers.iter().any(|h| h.name.eq_ignore_ascii_case(crate::timing::TIMING_REQUEST_HEADER));
    if timed {
        crate::timing::start();
    }
    let mut response = match parse::<Context>("context", context) {
        Err(m) => HttpResponse::error(500, &m),
        Ok(ctx) => {
            let request = HttpRequest {
                method: request.method,
                url: request.url,
                headers: request.headers.into_iter().map(|h| (h.name, h.value)).collect(),
                body: request.body,
                user_id: user_id.filter(|u| !u.is_empty()),
            };
            P::default().serve_http(&Api, &ctx, &request)
        }
    };
    if let Some(value) = crate::timing::header_value() {
        response.headers.push(("Server-Timing".into(), value));
    }
    response.into_wit()
}

pub fn message_has_been_deleted<P: Plugin>(context: &str, post: &str) {
    match parse::<Context>("context", context).and_then(|c| Ok((c, parse::<mm_model::Post>("post", post)?))) {
        Ok((ctx, post)) => P::default().message_has_been_deleted(&Api, &ctx, &post),
        Err(m) => log_bad_input("MessageHasBeenDeleted", &m),
    }
}

pub fn message_has_been_posted<P: Plugin>(context: &str, post: &str) {
    match parse::<Context>("context", context).and_then(|c| Ok((c, parse::<mm_model::Post>("post", post)?))) {
        Ok((ctx, post)) => P::default().message_has_been_posted(&Api, &ctx, &post),
        Err(m) => log_bad_input("MessageHasBeenPosted", &m),
    }
}

pub fn message_has_been_updated<P: Plugin>(context: &str, new_post: &str, old_post: &str) {
    let parsed = parse::<Context>("context", context)
        .and_then(|c| Ok((c, parse::<mm_model::Post>("new post", new_post)?, parse::<mm_model::Post>("old post", old_post)?)));
    match parsed {
        Ok((ctx, new_post, old_post)) => P::default().message_has_been_updated(&Api, &ctx, &new_post, &old_post),
        Err(m) => log_bad_input("MessageHasBeenUpdated", &m),
    }
}

pub fn reaction_has_been_added<P: Plugin>(context: &str, reaction: &str) {
    match parse::<Context>("context", context).and_then(|c| Ok((c, parse::<mm_model::Reaction>("reaction", reaction)?))) {
        Ok((ctx, reaction)) => P::default().reaction_has_been_added(&Api, &ctx, &reaction),
        Err(m) => log_bad_input("ReactionHasBeenAdded", &m),
    }
}

pub fn user_has_joined_channel<P: Plugin>(context: &str, member: &str, actor: Option<&str>) {
    let parsed = parse::<Context>("context", context).and_then(|c| {
        let actor = actor.map(|a| parse::<mm_model::User>("actor", a)).transpose()?;
        Ok((c, parse::<mm_model::ChannelMember>("member", member)?, actor))
    });
    match parsed {
        Ok((ctx, member, actor)) => P::default().user_has_joined_channel(&Api, &ctx, &member, actor.as_ref()),
        Err(m) => log_bad_input("UserHasJoinedChannel", &m),
    }
}

pub fn on_plugin_cluster_event<P: Plugin>(context: &str, id: &str, data: &[u8]) {
    match parse::<Context>("context", context) {
        Ok(ctx) => P::default().on_plugin_cluster_event(&Api, &ctx, id, data),
        Err(m) => log_bad_input("OnPluginClusterEvent", &m),
    }
}

pub fn run_scheduled<P: Plugin>() {
    P::default().run_scheduled(&Api)
}
