//! The binary pack: one byte blob a pack ships as, loadable without std.
//!
//! Layout (all integers little-endian):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic `FANZHAPK` |
//! | 8 | 2 | format version ([`FORMAT_VERSION`]) |
//! | 10 | 2 | flags: bit 0 = signed; other bits zero |
//! | 12 | 4 | length of everything after the checksum field |
//! | 16 | 4 | CRC-32 of the flags followed by everything after this field |
//! | 20 | 1 | length `n` of the pack version string |
//! | 21 | n | pack version (UTF-8) |
//! | 21+n | … | body: the [`Pack`] without examples and rule descriptions, serialised with postcard (read back by hand: `decode.rs`) |
//! | end-64 | 64 | signed packs only: Ed25519 signature |
//!
//! CRC-32 detects every single-byte corruption of the checked bytes (the signature included);
//! corruptions of the header fields before it are caught by the magic, version, flags and length
//! checks. The signature covers bytes 0..12 followed by the checked bytes before the signature,
//! so a tampered pack fails verification even when its checksum was recomputed.
//!
//! # Signed packs
//!
//! Integrators who ship pack updates sign them with [`sign`] (`fanzha pack sign`) and build
//! engines with [`crate::EngineBuilder::verify_key`]: such an engine refuses unsigned packs
//! ([`LoadError::Unsigned`]) and packs whose signature does not verify
//! ([`LoadError::BadSignature`]). Keep the 32-byte secret key offline (on the build machine
//! that publishes packs); ship only the 32-byte public key inside the app. Without a key
//! configured, signatures are not checked and unsigned packs load as before.

use alloc::vec::Vec;

use super::Pack;
use crate::error::LoadError;

/// The first bytes of every binary pack.
pub const MAGIC: &[u8; 8] = b"FANZHAPK";
/// The binary format version this library writes and reads. History: 1 = first release;
/// 2 = rules gained link/entity/sender fields and packs a `[links]` table (version 1 blobs are
/// rejected as unsupported, never misread).
pub const FORMAT_VERSION: u16 = 2;
const HEADER: usize = 20;
const SIGNED: u16 = 1;
/// Length of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;

/// Serialises a pack (examples and rule descriptions stripped: [`Pack::strip_examples`]).
/// The output is deterministic.
pub fn encode(pack: &Pack) -> Vec<u8> {
    let mut pack = pack.clone();
    pack.strip_examples();
    let version = pack.version().as_bytes();
    let version = &version[..version.len().min(255)];
    // Cannot fail: every field of `Pack` serialises.
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
    out.extend_from_slice(&checksum(&[0, 0], &checked).to_le_bytes());
    out.extend_from_slice(&checked);
    out
}

/// CRC-32 (IEEE 802.3: reflected, polynomial `0xEDB88320`) of the flags followed by the checked
/// bytes. Bytewise with a 1 KiB table built at compile time for short inputs; slice-by-8 for
/// long ones (a pack), with the 7 further tables derived on the heap at each call (some 2,000
/// table steps, against 8 KiB of tables in the WASM module or crc32fast's 16 KiB).
fn checksum(flags: &[u8], checked: &[u8]) -> u32 {
    !crc32_update(crc32_update(!0, flags), checked)
}

const CRC32_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// Below this many bytes the bytewise loop is cheaper than deriving the slice-by-8 tables.
const SLICE_BY_8_MIN: usize = 4096;

fn crc32_update(mut crc: u32, bytes: &[u8]) -> u32 {
    let mut rest = bytes;
    if bytes.len() >= SLICE_BY_8_MIN {
        // t[k][b]: the CRC of byte b followed by k zero bytes.
        let mut t = alloc::vec![CRC32_TABLE; 8];
        for k in 1..8 {
            let prev = t[k - 1];
            for (x, c) in t[k].iter_mut().zip(prev) {
                *x = (c >> 8) ^ CRC32_TABLE[(c & 0xFF) as usize];
            }
        }
        if let [t0, t1, t2, t3, t4, t5, t6, t7] = &t[..] {
            let at = |t: &[u32; 256], x: u32| t[(x & 0xFF) as usize];
            let mut chunks = bytes.chunks_exact(8);
            for c in &mut chunks {
                let lo = crc ^ u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                let hi = u32::from_le_bytes([c[4], c[5], c[6], c[7]]);
                crc = at(t7, lo)
                    ^ at(t6, lo >> 8)
                    ^ at(t5, lo >> 16)
                    ^ at(t4, lo >> 24)
                    ^ at(t3, hi)
                    ^ at(t2, hi >> 8)
                    ^ at(t1, hi >> 16)
                    ^ at(t0, hi >> 24);
            }
            rest = chunks.remainder();
        }
    }
    for &b in rest {
        crc = CRC32_TABLE[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8);
    }
    crc
}

fn stored_checksum(bytes: &[u8]) -> u32 {
    u32::from_le_bytes([bytes[16], bytes[17], bytes[18], bytes[19]])
}

/// Reads the pack version from a binary pack's header without decoding the body.
pub fn peek_version(bytes: &[u8]) -> Result<&str, LoadError> {
    let (checked, _) = check_header(bytes)?;
    let n = checked[0] as usize;
    checked
        .get(1..1 + n)
        .and_then(|v| core::str::from_utf8(v).ok())
        .ok_or(LoadError::Malformed)
}

/// Whether the bytes carry a signature (header check only).
pub fn is_signed(bytes: &[u8]) -> Result<bool, LoadError> {
    check_header(bytes).map(|(_, signed)| signed)
}

/// Decodes and validates a binary pack, without checking any signature.
pub fn decode(bytes: &[u8]) -> Result<Pack, LoadError> {
    decode_verified(bytes, None)
}

/// Decodes and validates a binary pack; with `key` (an Ed25519 public key), also requires a
/// valid signature by the matching secret key.
pub fn decode_verified(bytes: &[u8], key: Option<&[u8; 32]>) -> Result<Pack, LoadError> {
    let (checked, signed) = check_header(bytes)?;
    if checksum(&bytes[10..12], checked) != stored_checksum(bytes) {
        return Err(LoadError::ChecksumMismatch);
    }
    let content = if signed {
        let split = checked
            .len()
            .checked_sub(SIGNATURE_LEN)
            .ok_or(LoadError::Malformed)?;
        if let Some(key) = key {
            verify(&bytes[..12], &checked[..split], &checked[split..], key)?;
        }
        &checked[..split]
    } else {
        if key.is_some() {
            return Err(LoadError::Unsigned);
        }
        checked
    };
    let n = *content.first().ok_or(LoadError::Malformed)? as usize;
    let version = content.get(1..1 + n).ok_or(LoadError::Malformed)?;
    let body = &content[1 + n..];
    let pack = super::decode::pack(body).ok_or(LoadError::Malformed)?;
    if pack.version().as_bytes() != version {
        return Err(LoadError::Malformed);
    }
    pack.validate().map_err(LoadError::Invalid)?;
    Ok(pack)
}

fn verify(head: &[u8], content: &[u8], sig: &[u8], key: &[u8; 32]) -> Result<(), LoadError> {
    use ed25519_dalek::{Signature, VerifyingKey};
    let key = VerifyingKey::from_bytes(key).map_err(|_| LoadError::BadKey)?;
    let sig = Signature::from_slice(sig).map_err(|_| LoadError::BadSignature)?;
    let mut msg = Vec::with_capacity(head.len() + content.len());
    msg.extend_from_slice(head);
    msg.extend_from_slice(content);
    key.verify_strict(&msg, &sig)
        .map_err(|_| LoadError::BadSignature)
}

/// Signs a binary pack with an Ed25519 secret key (32 bytes), replacing any old signature.
/// The input must be an intact binary pack (its checksum is checked first).
pub fn sign(bytes: &[u8], secret: &[u8; 32]) -> Result<Vec<u8>, LoadError> {
    use ed25519_dalek::{Signer, SigningKey};
    let (checked, signed) = check_header(bytes)?;
    if checksum(&bytes[10..12], checked) != stored_checksum(bytes) {
        return Err(LoadError::ChecksumMismatch);
    }
    let content = if signed {
        &checked[..checked.len() - SIGNATURE_LEN]
    } else {
        checked
    };
    let mut head = [0u8; 12];
    head[..10].copy_from_slice(&bytes[..10]);
    head[10..12].copy_from_slice(&SIGNED.to_le_bytes());
    let mut msg = Vec::with_capacity(12 + content.len());
    msg.extend_from_slice(&head);
    msg.extend_from_slice(content);
    let sig = SigningKey::from_bytes(secret).sign(&msg).to_bytes();
    let mut new_checked = Vec::with_capacity(content.len() + SIGNATURE_LEN);
    new_checked.extend_from_slice(content);
    new_checked.extend_from_slice(&sig);
    let mut out = Vec::with_capacity(HEADER + new_checked.len());
    out.extend_from_slice(&head);
    out.extend_from_slice(&(new_checked.len() as u32).to_le_bytes());
    out.extend_from_slice(&checksum(&head[10..12], &new_checked).to_le_bytes());
    out.extend_from_slice(&new_checked);
    Ok(out)
}

/// The Ed25519 public key of a secret key, to configure engines with.
pub fn public_key(secret: &[u8; 32]) -> [u8; 32] {
    ed25519_dalek::SigningKey::from_bytes(secret)
        .verifying_key()
        .to_bytes()
}

/// Checks magic, version, flags and length; returns the checked bytes and the signed flag.
fn check_header(bytes: &[u8]) -> Result<(&[u8], bool), LoadError> {
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
    let flags = u16::from_le_bytes([bytes[10], bytes[11]]);
    if flags & !SIGNED != 0 {
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
    Ok((rest, flags & SIGNED != 0))
}

#[cfg(test)]
mod tests {
    use super::checksum;

    #[test]
    fn checksum_is_ieee_crc32() {
        // The standard check value of CRC-32/ISO-HDLC, split anywhere.
        assert_eq!(checksum(b"", b"123456789"), 0xCBF4_3926);
        assert_eq!(checksum(b"1234", b"56789"), 0xCBF4_3926);
        assert_eq!(checksum(b"", b""), 0);
    }

    #[test]
    fn slice_by_8_agrees_with_bytewise() {
        // Long enough for slice-by-8, with every length of the bytewise tail.
        let bytes: alloc::vec::Vec<u8> = (0..super::SLICE_BY_8_MIN as u32 * 3)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let bytewise = |b: &[u8]| {
            !b.iter().fold(!0u32, |crc, &x| {
                super::CRC32_TABLE[((crc ^ u32::from(x)) & 0xFF) as usize] ^ (crc >> 8)
            })
        };
        for n in (super::SLICE_BY_8_MIN..super::SLICE_BY_8_MIN + 9).chain([bytes.len()]) {
            assert_eq!(checksum(b"", &bytes[..n]), bytewise(&bytes[..n]), "{n}");
        }
        assert_eq!(
            checksum(&bytes[..2], &bytes[2..]),
            bytewise(&bytes),
            "split"
        );
    }
}
