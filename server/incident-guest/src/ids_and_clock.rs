//! Ids in Mattermost's shape: 26 characters of lowercase base32 from 128 random bits.

use incident_core::IdGen;

pub struct RandomIds;

const ALPHABET: &[u8; 32] = b"ybndrfg8ejkmcpqxot1uwisza345h769";

impl IdGen for RandomIds {
    fn new_id(&mut self) -> String {
        let mut bytes = [0u8; 16];
        // WASI's random source; should it ever fail, the clock still gives distinct ids.
        if getrandom::fill(&mut bytes).is_err() {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
            bytes = nanos.to_le_bytes();
        }
        let mut bits = u128::from_le_bytes(bytes);
        (0..26)
            .map(|_| {
                let c = ALPHABET[(bits & 31) as usize] as char;
                bits >>= 5;
                c
            })
            .collect()
    }
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
    fn ids_are_26_chars_and_distinct() {
        let a = RandomIds.new_id();
        let b = RandomIds.new_id();
        assert_eq!(a.len(), 26);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)));
    }
}
