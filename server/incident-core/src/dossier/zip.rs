//! A minimal ZIP archive (PKWARE APPNOTE 6.3): files stored without compression, UTF-8 names
//! (general purpose flag bit 11), no ZIP64. Enough for a dossier of Markdown and JSON, which
//! every unzip tool reads, without a compression dependency. [`read_stored`] reads back exactly
//! what [`write_stored`] writes (and what other tools write with "store"); a compressed entry
//! is refused with a clear message.

/// Entries and sizes a dossier never comes near; ZIP without ZIP64 stops at 4 GiB and 65,535.
const MAX_ENTRIES: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipError {
    #[error("not a ZIP archive: {0}")]
    Malformed(&'static str),
    #[error(
        "the ZIP entry `{0}` is compressed; this server reads stored (uncompressed) entries only, as its exports write them: send dossier.json itself instead"
    )]
    Compressed(String),
    #[error("the ZIP entry `{0}` is damaged (its checksum does not match)")]
    Checksum(String),
    #[error("the archive is too large for ZIP without ZIP64")]
    TooLarge,
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as ZIP checks entries with it.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// MS-DOS date and time of `ms` (Unix milliseconds, UTC), as ZIP headers carry them.
fn dos_time(ms: i64) -> (u16, u16) {
    use chrono::{Datelike, Timelike};
    let Some(t) = chrono::DateTime::from_timestamp_millis(ms) else {
        return (0, 0x21);
    };
    let year = t.year().clamp(1980, 2107) - 1980;
    let time = (t.hour() << 11) | (t.minute() << 5) | (t.second() / 2);
    let date = (u32::try_from(year).unwrap_or(0) << 9) | (t.month() << 5) | t.day();
    (u16::try_from(time).unwrap_or(0), u16::try_from(date).unwrap_or(0x21))
}

fn u16le(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn u32le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// The archive of `files` (name, content), each stored, dated `modified_ms`.
pub fn write_stored(files: &[(String, Vec<u8>)], modified_ms: i64) -> Result<Vec<u8>, ZipError> {
    let too_large = |_| ZipError::TooLarge;
    let (time, date) = dos_time(modified_ms);
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let offset = u32::try_from(out.len()).map_err(too_large)?;
        let size = u32::try_from(data.len()).map_err(too_large)?;
        let name_len = u16::try_from(name.len()).map_err(too_large)?;
        let crc = crc32(data);
        // Local file header.
        u32le(&mut out, 0x0403_4b50);
        for v in [20, 0x0800, 0, time, date] {
            u16le(&mut out, v);
        }
        for v in [crc, size, size] {
            u32le(&mut out, v);
        }
        u16le(&mut out, name_len);
        u16le(&mut out, 0);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        // Its central directory entry.
        u32le(&mut central, 0x0201_4b50);
        for v in [20, 20, 0x0800, 0, time, date] {
            u16le(&mut central, v);
        }
        for v in [crc, size, size] {
            u32le(&mut central, v);
        }
        for v in [name_len, 0, 0, 0, 0] {
            u16le(&mut central, v);
        }
        u32le(&mut central, 0o100_644 << 16);
        u32le(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let central_at = u32::try_from(out.len()).map_err(too_large)?;
    let central_len = u32::try_from(central.len()).map_err(too_large)?;
    let count = u16::try_from(files.len()).map_err(too_large)?;
    out.extend_from_slice(&central);
    u32le(&mut out, 0x0605_4b50);
    for v in [0, 0, count, count] {
        u16le(&mut out, v);
    }
    u32le(&mut out, central_len);
    u32le(&mut out, central_at);
    u16le(&mut out, 0);
    Ok(out)
}

fn le16(data: &[u8], at: usize) -> Result<u16, ZipError> {
    let bytes = data.get(at..at + 2).ok_or(ZipError::Malformed("it ends early"))?;
    Ok(u16::from_le_bytes([bytes[0], bytes[1]]))
}
fn le32(data: &[u8], at: usize) -> Result<u32, ZipError> {
    let bytes = data.get(at..at + 4).ok_or(ZipError::Malformed("it ends early"))?;
    Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}
fn usize_of(v: u32) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

/// Whether `data` starts like a ZIP archive.
pub fn looks_like_zip(data: &[u8]) -> bool {
    data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06")
}

/// The entries of a ZIP archive (name, content), read through its central directory.
pub fn read_stored(data: &[u8]) -> Result<Vec<(String, Vec<u8>)>, ZipError> {
    // The end of central directory record is in the last 22 + 65,535 bytes (its comment).
    let earliest = data.len().saturating_sub(22 + 0xFFFF);
    let end = (earliest..=data.len().saturating_sub(22))
        .rev()
        .find(|&at| data.get(at..at + 4) == Some(b"PK\x05\x06"))
        .ok_or(ZipError::Malformed("no end of central directory"))?;
    let count = usize::from(le16(data, end + 10)?);
    if count > MAX_ENTRIES {
        return Err(ZipError::Malformed("too many entries"));
    }
    let mut at = usize_of(le32(data, end + 16)?);
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        let at_entry = at;
        if le32(data, at)? != 0x0201_4b50 {
            return Err(ZipError::Malformed("a central directory entry is damaged"));
        }
        let method = le16(data, at + 10)?;
        let crc = le32(data, at + 16)?;
        let size = usize_of(le32(data, at + 20)?);
        let name_len = usize::from(le16(data, at + 28)?);
        let skip = usize::from(le16(data, at + 30)?) + usize::from(le16(data, at + 32)?);
        let local = usize_of(le32(data, at + 42)?);
        let name_bytes = data.get(at + 46..at + 46 + name_len).ok_or(ZipError::Malformed("it ends early"))?;
        let name = String::from_utf8(name_bytes.to_vec()).map_err(|_| ZipError::Malformed("an entry's name is not UTF-8"))?;
        at += 46 + name_len + skip;
        if method != 0 {
            return Err(ZipError::Compressed(name));
        }
        // The local header repeats the central entry (version needed, flags, method, time, date,
        // checksum, sizes, then the name): any difference is damage the checksum would not see.
        let central_fields = data.get(at_entry + 6..at_entry + 28).ok_or(ZipError::Malformed("it ends early"))?;
        let local_fields = data.get(local + 4..local + 26);
        let local_name = data.get(local + 30..local + 30 + name_len);
        if le32(data, local)? != 0x0403_4b50
            || local_fields != Some(central_fields)
            || usize::from(le16(data, local + 26)?) != name_len
            || local_name != Some(name_bytes)
        {
            return Err(ZipError::Malformed("a local header is damaged"));
        }
        let start = local + 30 + usize::from(le16(data, local + 26)?) + usize::from(le16(data, local + 28)?);
        let content = data.get(start..start.saturating_add(size)).ok_or(ZipError::Malformed("an entry ends early"))?;
        if crc32(content) != crc {
            return Err(ZipError::Checksum(name));
        }
        entries.push((name, content.to_vec()));
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn reads_back_what_it_writes() {
        let files = vec![("a.md".to_string(), b"# A\n".to_vec()), ("d/\u{e9}t\u{e9}.json".to_string(), vec![0, 255, 10])];
        let zip = write_stored(&files, 1_780_000_000_000).expect("written");
        assert!(looks_like_zip(&zip));
        assert_eq!(read_stored(&zip).expect("read"), files);
    }

    #[test]
    fn refuses_damaged_archives_clearly() {
        let files = vec![("a.md".to_string(), b"hello".to_vec())];
        let mut zip = write_stored(&files, 0).expect("written");
        assert_eq!(read_stored(&zip[..10]), Err(ZipError::Malformed("no end of central directory")));
        let at = zip.windows(5).position(|w| w == b"hello").expect("content");
        zip[at] = b'j';
        assert_eq!(read_stored(&zip), Err(ZipError::Checksum("a.md".into())));
        assert!(read_stored(b"PK\x05\x06").is_err());
    }

    #[test]
    fn any_changed_byte_of_the_entries_is_refused() {
        let files = vec![("a.md".to_string(), b"# A\n".to_vec()), ("dossier.json".to_string(), b"{\"x\": 1}".to_vec())];
        let zip = write_stored(&files, 1_780_000_000_000).expect("written");
        let central = zip.windows(4).position(|w| w == b"PK\x01\x02").expect("central directory");
        for at in 0..central {
            let mut damaged = zip.clone();
            damaged[at] ^= 0xFF;
            assert!(read_stored(&damaged).is_err(), "byte {at} of the local headers and contents changed, and it was read");
        }
    }

    #[test]
    fn dos_time_is_the_utc_date() {
        // 2026-12-07 16:12:58 UTC.
        let (time, date) = dos_time(1_796_659_978_000);
        assert_eq!(date >> 9, 46);
        assert_eq!((date >> 5) & 15, 12);
        assert_eq!(date & 31, 7);
        assert_eq!(time >> 11, 16);
    }
}
