//! The binary pack: one byte blob a pack ships as, loadable without std.
//!
//! Layout (all integers little-endian):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic `FANZHAPK` |
//! | 8 | 2 | format version ([`FORMAT_VERSION`]) |
//! | 10 | 2 | reserved, zero |
//! | 12 | 4 | length of everything after the checksum field |
//! | 16 | 4 | CRC-32 of everything after this field |
//! | 20 | 1 | length `n` of the pack version string |
//! | 21 | n | pack version (UTF-8) |
//! | 21+n | … | body: the [`Pack`] without examples, serialised with postcard |
//!
//! CRC-32 detects every single-byte corruption of the checked bytes; corruptions of the header
//! fields before it are caught by the magic, version, reserved and length checks.

use alloc::vec::Vec;

use super::Pack;
use crate::error::LoadError;

/// The first bytes of every binary pack.
pub const MAGIC: &[u8; 8] = b"FANZHAPK";
/// The binary format version this library writes and reads.
pub const FORMAT_VERSION: u16 = 1;
const HEADER: usize = 20;

/// Serialises a pack (examples stripped). The output is deterministic.
pub fn encode(pack: &Pack) -> Vec<u8> {
    let mut pack = pack.clone();
    pack.strip_examples();
    let version = pack.version().as_bytes();
    let version = &version[..version.len().min(255)];
    let body = postcard::to_allocvec(&pack).unwrap_or_default();
    let mut checked = Vec::with_capacity(1 + version.len() + body.len());
    checked.push(version.len() as u8);
    checked.extend_from_slice(version);
    checked.extend_from_slice(&body);
    let mut out = Vec::with_capacity(HEADER + checked.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&(checked.len() as u32).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&checked).to_le_bytes());
    out.extend_from_slice(&checked);
    out
}

/// Reads the pack version from a binary pack's header without decoding the body.
pub fn peek_version(bytes: &[u8]) -> Result<&str, LoadError> {
    let checked = check_header(bytes)?;
    let n = checked[0] as usize;
    checked
        .get(1..1 + n)
        .and_then(|v| core::str::from_utf8(v).ok())
        .ok_or(LoadError::Malformed)
}

/// Decodes and validates a binary pack.
pub fn decode(bytes: &[u8]) -> Result<Pack, LoadError> {
    let checked = check_header(bytes)?;
    if crc32fast::hash(checked) != u32::from_le_bytes(bytes[16..20].try_into().unwrap_or_default())
    {
        return Err(LoadError::ChecksumMismatch);
    }
    let n = checked[0] as usize;
    let version = checked.get(1..1 + n).ok_or(LoadError::Malformed)?;
    let body = &checked[1 + n..];
    let pack: Pack = match postcard::take_from_bytes::<Pack>(body) {
        Ok((pack, [])) => pack,
        _ => return Err(LoadError::Malformed),
    };
    if pack.version().as_bytes() != version {
        return Err(LoadError::Malformed);
    }
    pack.validate().map_err(LoadError::Invalid)?;
    Ok(pack)
}

/// Checks magic, version, reserved bytes and length; returns the checked bytes.
fn check_header(bytes: &[u8]) -> Result<&[u8], LoadError> {
    if bytes.len() < MAGIC.len() {
        return Err(if MAGIC.starts_with(bytes) {
            LoadError::Truncated
        } else {
            LoadError::BadMagic
        });
    }
    if &bytes[..8] != MAGIC {
        return Err(LoadError::BadMagic);
    }
    if bytes.len() < HEADER + 1 {
        return Err(LoadError::Truncated);
    }
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    if version != FORMAT_VERSION {
        return Err(LoadError::UnsupportedVersion {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    if bytes[10] != 0 || bytes[11] != 0 {
        return Err(LoadError::BadHeader);
    }
    let len = u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]) as usize;
    let rest = &bytes[HEADER..];
    if rest.len() < len {
        return Err(LoadError::Truncated);
    }
    if rest.len() > len || len == 0 {
        return Err(LoadError::BadHeader);
    }
    Ok(rest)
}
