//! Hook argument and return structs as Mattermost's host sends and expects them
//! (`server/public/plugin/client_rpc.go`; protocol.md §5). Field names are the contract.

use std::collections::HashMap;

use crate::lossy::LossyString;
use gobwire::{BinaryBytes, Gob, Interface};
use mm_model::{AppError, ChannelMember, CommandArgs, CommandResponse, Context, Post, Reaction, User};

/// `struct{}`: the argument of `Implemented` and the reply of void hooks.
#[derive(Gob, Default, Debug)]
pub struct Empty {}

#[derive(Gob, Default, Debug)]
#[gob(name = "Z_OnActivateArgs")]
pub struct OnActivateArgs {
    #[gob(name = "APIMuxId")]
    pub api_mux_id: u32,
    pub driver_mux_id: u32,
}

/// `Z_<Hook>Returns{A error}` of OnActivate, OnDeactivate and OnConfigurationChange.
#[derive(Gob, Default, Debug)]
pub struct ErrorReturn {
    pub a: Option<Interface>,
}

#[derive(Gob, Default, Debug)]
#[gob(name = "Z_ExecuteCommandArgs")]
pub struct ExecuteCommandArgs {
    pub a: Option<Context>,
    pub b: Option<CommandArgs>,
}

#[derive(Gob, Default, Debug)]
#[gob(name = "Z_ExecuteCommandReturns")]
pub struct ExecuteCommandReturns {
    pub a: Option<CommandResponse>,
    pub b: Option<AppError>,
}

/// `http.Header`.
pub type Header = HashMap<String, Vec<String>>;

/// `http.Header` of an incoming request, whose values may hold bytes that are not UTF-8.
pub type RequestHeader = HashMap<LossyString, Vec<LossyString>>;

/// `plugin.HTTPRequestSubset` (older servers send a whole `*http.Request` in the same field;
/// its extra fields are skipped by name).
#[derive(Gob, Default, Debug)]
#[gob(name = "HTTPRequestSubset")]
pub struct HttpRequestSubset {
    pub method: LossyString,
    /// `*url.URL`, a BinaryMarshaler: the URL text.
    #[gob(name = "URL")]
    pub url: BinaryBytes,
    pub header: RequestHeader,
    pub host: LossyString,
    pub remote_addr: LossyString,
    #[gob(name = "RequestURI")]
    pub request_uri: LossyString,
}

#[derive(Gob, Default, Debug)]
#[gob(name = "Z_ServeHTTPArgs")]
pub struct ServeHttpArgs {
    pub response_writer_stream: u32,
    pub request: Option<HttpRequestSubset>,
    pub context: Option<Context>,
    pub request_body_stream: u32,
}

#[derive(Gob, Default, Debug)]
pub struct ContextPostArgs {
    pub a: Option<Context>,
    pub b: Option<Post>,
}

#[derive(Gob, Default, Debug)]
pub struct ContextPostPostArgs {
    pub a: Option<Context>,
    pub b: Option<Post>,
    pub c: Option<Post>,
}

#[derive(Gob, Default, Debug)]
pub struct ContextReactionArgs {
    pub a: Option<Context>,
    pub b: Option<Reaction>,
}

#[derive(Gob, Default, Debug)]
pub struct ContextMemberActorArgs {
    pub a: Option<Context>,
    pub b: Option<ChannelMember>,
    pub c: Option<User>,
}

#[derive(Gob, Default, Debug)]
#[gob(name = "PluginClusterEvent")]
pub struct PluginClusterEvent {
    pub id: String,
    pub data: Vec<u8>,
}

#[derive(Gob, Default, Debug)]
pub struct ContextClusterEventArgs {
    pub a: Option<Context>,
    pub b: PluginClusterEvent,
}
