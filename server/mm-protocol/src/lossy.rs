//! A Go `string` read as text even when it is not UTF-8. Go strings are byte strings, and a
//! request can carry any byte: Go's HTTP server accepts bytes 0x80–0xFF in header values
//! (obs-text) and in the request target, and Mattermost forwards them as they came. Decoded
//! into a Rust `String`, one such byte failed the whole ServeHTTP call, which the server
//! answered 500. Invalid sequences become
//! U+FFFD instead; the wire type stays gob's `string`, so Go sees no difference.

use gobwire::{Decode, Describer, Encode, GobType, Result, TypeTable, ValueDecoder, ValueEncoder, ids};

#[derive(Debug, Default, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LossyString(pub String);

impl GobType for LossyString {
    fn describe(_: &mut Describer<'_>) -> Result<i64> {
        Ok(ids::STRING)
    }
    fn compatible(_: &TypeTable, wire: i64) -> bool {
        wire == ids::STRING
    }
}

impl Encode for LossyString {
    fn describe_value(&self, d: &mut Describer<'_>) -> Result<i64> {
        Self::describe(d)
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
    fn encode(&self, e: &mut ValueEncoder<'_>) -> Result<()> {
        e.bytes(self.0.as_bytes());
        Ok(())
    }
}

impl Decode for LossyString {
    fn decode_into(&mut self, d: &mut ValueDecoder<'_>, wire: i64) -> Result<()> {
        if wire != ids::STRING {
            return Err(d.mismatch::<Self>(wire));
        }
        self.0 = String::from_utf8_lossy(d.read_bytes()?).into_owned();
        Ok(())
    }
}

impl From<LossyString> for String {
    fn from(s: LossyString) -> Self {
        s.0
    }
}

#[cfg(test)]
mod tests {
    use gobwire::{BinaryBytes, Decoder, Encoder, Progress, parse_length_prefix};

    use super::LossyString;
    use crate::wire::{HttpRequestSubset, ServeHttpArgs};

    fn decode(mut rest: &[u8]) -> Result<ServeHttpArgs, gobwire::Error> {
        let mut dec = Decoder::new();
        loop {
            let (width, len) = parse_length_prefix(rest)?.expect("a complete message");
            let body = &rest[width..width + len];
            rest = &rest[width + len..];
            if dec.push_message(body)? == Progress::Ready {
                return dec.decode();
            }
        }
    }

    /// Go sends the bytes of a header value as they came; here one holds 0xFF 0xFE, which no
    /// UTF-8 text does. (Encoded as "é" and then overwritten: same length, so the frame holds.)
    #[test]
    fn a_request_with_bytes_that_are_not_utf8_still_decodes() {
        let marker = LossyString("caf\u{e9}".into());
        let args = ServeHttpArgs {
            response_writer_stream: 3,
            request: Some(HttpRequestSubset {
                method: LossyString("GET".into()),
                url: BinaryBytes(b"/api/v0/health".to_vec()),
                header: [(LossyString("X-Name".into()), vec![marker.clone()])].into(),
                request_uri: marker,
                ..HttpRequestSubset::default()
            }),
            context: None,
            request_body_stream: 0,
        };
        let mut bytes = Encoder::new().encode(&args).expect("encode");
        let mut replaced = 0;
        for i in 0..bytes.len() - 1 {
            if bytes[i..i + 2] == [0xC3, 0xA9] {
                bytes[i..i + 2].copy_from_slice(&[0xFF, 0xFE]);
                replaced += 1;
            }
        }
        assert_eq!(replaced, 2, "the header value and the request URI");
        let back = decode(&bytes).expect("decodes despite the bytes");
        let request = back.request.expect("request");
        assert_eq!(request.request_uri.0, "caf\u{fffd}\u{fffd}");
        assert_eq!(request.header[&LossyString("X-Name".into())][0].0, "caf\u{fffd}\u{fffd}");
        assert_eq!(request.method.0, "GET");
    }
}
