//! Argument and return envelopes of the API RPCs.
//!
//! Mattermost's generator names them `Z_<Method>Args` / `Z_<Method>Returns` with fields `A`, `B`,
//! `C`, ... in parameter order (protocol.md §5). gob matches structs by field name only, so one
//! generic envelope per arity serves every method.

use gobwire::{Gob, Interface};

#[derive(Gob, Default)]
pub(crate) struct Args0 {}

#[derive(Gob, Default)]
pub(crate) struct Args1<A> {
    pub a: A,
}

#[derive(Gob, Default)]
pub(crate) struct Args2<A, B> {
    pub a: A,
    pub b: B,
}

#[derive(Gob, Default)]
pub(crate) struct Args3<A, B, C> {
    pub a: A,
    pub b: B,
    pub c: C,
}

#[derive(Gob, Default)]
pub(crate) struct Args4<A, B, C, D> {
    pub a: A,
    pub b: B,
    pub c: C,
    pub d: D,
}

#[derive(Gob, Default)]
pub(crate) struct Ret0 {}

#[derive(Gob, Default)]
pub(crate) struct Ret1<A> {
    pub a: A,
}

#[derive(Gob, Default)]
pub(crate) struct Ret2<A, B> {
    pub a: A,
    pub b: B,
}

/// A Go `error` result.
pub(crate) type GoError = Option<Interface>;

/// `model.Permission`; the server looks permissions up by `Id`.
#[derive(Gob, Default)]
#[gob(name = "Permission")]
pub(crate) struct Permission {
    pub id: String,
}

#[derive(Gob, Default)]
#[gob(name = "PluginKVSetOptions")]
pub(crate) struct KvSetOptions {
    pub atomic: bool,
    pub old_value: Vec<u8>,
    pub expire_in_seconds: i64,
}

#[derive(Gob, Default)]
#[gob(name = "PluginClusterEvent")]
pub(crate) struct ClusterEvent {
    pub id: String,
    pub data: Vec<u8>,
}

#[derive(Gob, Default)]
#[gob(name = "PluginClusterEventSendOptions")]
pub(crate) struct ClusterEventSendOptions {
    pub send_type: String,
    pub target_id: String,
}
