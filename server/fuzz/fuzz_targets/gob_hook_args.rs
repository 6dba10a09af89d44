//! Arbitrary bytes as a gob stream of every hook argument type and a dynamic value.
#![no_main]

use gobwire::{Decoder, Dynamic, Progress, parse_length_prefix};
use libfuzzer_sys::fuzz_target;
use mm_model::Command;
use mm_protocol::wire::{ContextMemberActorArgs, ContextPostPostArgs, ErrorReturn, ExecuteCommandArgs, ServeHttpArgs};

fn decode<T: gobwire::Decode + Default>(mut rest: &[u8]) {
    let mut dec = Decoder::new();
    while let Ok(Some((width, len))) = parse_length_prefix(rest) {
        let Some(body) = rest.get(width..width + len) else { return };
        rest = &rest[width + len..];
        match dec.push_message(body) {
            Ok(Progress::Ready) => {
                let _ = dec.decode::<T>();
                return;
            }
            Ok(_) => {}
            Err(_) => return,
        }
    }
}

fuzz_target!(|data: &[u8]| {
    decode::<ExecuteCommandArgs>(data);
    decode::<ServeHttpArgs>(data);
    decode::<ContextPostPostArgs>(data);
    decode::<ContextMemberActorArgs>(data);
    decode::<ErrorReturn>(data);
    decode::<Command>(data);
    decode::<Dynamic>(data);
});
