//! Ids in Mattermost's shape, as its `model.NewId` makes them: a random (v4) UUID written in
//! base32 (RFC 4648 bit order) with Mattermost's alphabet and no padding, 26 characters.

use incident_core::IdGen;

pub struct RandomIds;

const ALPHABET: &[u8; 32] = b"ybndrfg8ejkmcpqxot1uwisza345h769";

impl IdGen for RandomIds {
    fn new_id(&mut self) -> String {
        mattermost_id(uuid::Uuid::new_v4().as_bytes())
    }
}

/// 16 bytes as 26 base32 characters: five bits at a time from the most significant, the last
/// character from the remaining three bits and two zero bits.
fn mattermost_id(bytes: &[u8; 16]) -> String {
    let bits = u128::from_be_bytes(*bytes);
    (0..26_i32)
        .map(|i| {
            // Character i holds bits 127-5i down to 123-5i; the 26th reaches past the end.
            let shift = 123 - 5 * i;
            let group = if shift >= 0 { bits >> shift } else { bits << -shift };
            ALPHABET[(group & 31) as usize] as char
        })
        .collect()
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_written_as_mattermost_writes_them() {
        // Expected values from Go's encoding/base32 with Mattermost's alphabet and no padding.
        let hex = |h: &str| -> [u8; 16] {
            let mut out = [0u8; 16];
            for (i, b) in out.iter_mut().enumerate() {
                *b = u8::from_str_radix(&h[2 * i..2 * i + 2], 16).expect("hex");
            }
            out
        };
        assert_eq!(mattermost_id(&hex("0123456789abcdef0123456789abcdef")), "yrtwk3hjixg66yjdeiuauk6p7h");
        assert_eq!(mattermost_id(&[0; 16]), "yyyyyyyyyyyyyyyyyyyyyyyyyy");
        assert_eq!(mattermost_id(&[255; 16]), "9999999999999999999999999h");
    }

    #[test]
    fn ids_are_26_chars_and_distinct() {
        let a = RandomIds.new_id();
        let b = RandomIds.new_id();
        assert_eq!(a.len(), 26);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)));
    }
}
