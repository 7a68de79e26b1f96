//! The fanzha C library: a small, stable C API over the [`fanzha`] crate, for mobile apps (JNI,
//! Swift) and SMS gateways. All logic lives in `fanzha`; this crate only translates.
//!
//! The C header is `ffi/include/fanzha.h`, generated from this crate by a pinned cbindgen
//! (`ffi/scripts/header.sh`). Read it, or `ffi/README.md`, for the C-side documentation.
//!
//! # Conventions
//!
//! - Opaque handles: [`fanzha_engine`] (shared, thread-safe, its pack can be swapped) and
//!   [`fanzha_result`] (one scan's verdict, immutable). Every handle has a `_free` function that
//!   accepts NULL.
//! - Functions that can fail return a [`fanzha_status`]: `#[repr(u32)]` codes that are never
//!   renumbered. Out-parameters are written only on success (an error-message buffer only on
//!   failure).
//! - Getters return a value directly; for a NULL handle or an index out of range they return the
//!   documented default (NULL, 0, `FANZHA_RISK_NONE`, `FANZHA_ENTITY_TYPE_NONE`), never crash.
//!   Spans (of hits, links, entities) are out-parameters behind a status, like other fallible
//!   calls.
//! - Every exported function runs its body inside a panic boundary: a panic becomes
//!   `FANZHA_STATUS_PANIC` (or the getter's default) and never unwinds into C.
//! - Text is `(const uint8_t *, size_t)` bytes, meant to be UTF-8. Invalid UTF-8 is not an error:
//!   the scanner reads each invalid sequence as a word break, and hit offsets stay exact byte
//!   offsets into the caller's bytes.
#![allow(non_camel_case_types)]
#![warn(missing_docs)]

mod engine;
mod result;

use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

pub use engine::*;
pub use result::*;

/// Status codes. Values are part of the ABI: they are never renumbered or reused; new codes are
/// only ever added.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum fanzha_status {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// An internal error (a Rust panic) was caught; the call had no effect. Please report it.
    Panic = 2,
    /// An index is not below the matching `_count`.
    OutOfRange = 3,
    /// An argument is out of its domain (a length above `PTRDIFF_MAX`, an unknown enum value).
    InvalidArgument = 4,
    /// The output buffer is too small; nothing was written.
    BufferTooSmall = 5,
    /// Pack bytes do not start with the binary pack magic (not a fanzha pack).
    PackBadMagic = 100,
    /// Pack bytes end before the header or body does.
    PackTruncated = 101,
    /// The pack is in a binary format version this library does not read.
    PackUnsupportedVersion = 102,
    /// The pack header is corrupt.
    PackBadHeader = 103,
    /// The pack body does not match its checksum (corrupted in transit or storage).
    PackChecksumMismatch = 104,
    /// The pack body passed the checksum but does not decode.
    PackMalformed = 105,
    /// The pack decoded but is invalid, or does not compile within the engine's limits.
    PackInvalid = 106,
    /// The pack was rejected for a reason this version of the C library has no code for.
    PackRejected = 107,
    /// A signature is required (`fanzha_engine_require_signature`) but the pack is unsigned.
    PackUnsigned = 108,
    /// The pack's signature does not verify with the required key: tampered with, or signed
    /// with another key.
    PackBadSignature = 109,
    /// The required public key is not a valid Ed25519 key.
    PackBadKey = 110,
}

impl fanzha_status {
    fn as_str(self) -> &'static CStr {
        match self {
            fanzha_status::Ok => c"ok",
            fanzha_status::NullArgument => c"a required argument is NULL",
            fanzha_status::Panic => c"internal error (caught panic)",
            fanzha_status::OutOfRange => c"index out of range",
            fanzha_status::InvalidArgument => c"invalid argument",
            fanzha_status::BufferTooSmall => c"buffer too small",
            fanzha_status::PackBadMagic => c"not a fanzha binary pack (bad magic)",
            fanzha_status::PackTruncated => c"binary pack is truncated",
            fanzha_status::PackUnsupportedVersion => c"binary pack format version not supported",
            fanzha_status::PackBadHeader => c"binary pack header is corrupt",
            fanzha_status::PackChecksumMismatch => c"binary pack checksum mismatch (corrupted)",
            fanzha_status::PackMalformed => c"binary pack body is malformed",
            fanzha_status::PackInvalid => c"binary pack holds an invalid pack",
            fanzha_status::PackRejected => c"binary pack rejected",
            fanzha_status::PackUnsigned => c"binary pack is not signed but a signature is required",
            fanzha_status::PackBadSignature => c"binary pack signature does not verify",
            fanzha_status::PackBadKey => c"the pack verification key is invalid",
        }
    }

    const ALL: [fanzha_status; 17] = [
        fanzha_status::Ok,
        fanzha_status::NullArgument,
        fanzha_status::Panic,
        fanzha_status::OutOfRange,
        fanzha_status::InvalidArgument,
        fanzha_status::BufferTooSmall,
        fanzha_status::PackBadMagic,
        fanzha_status::PackTruncated,
        fanzha_status::PackUnsupportedVersion,
        fanzha_status::PackBadHeader,
        fanzha_status::PackChecksumMismatch,
        fanzha_status::PackMalformed,
        fanzha_status::PackInvalid,
        fanzha_status::PackRejected,
        fanzha_status::PackUnsigned,
        fanzha_status::PackBadSignature,
        fanzha_status::PackBadKey,
    ];
}

/// Longest pack version string in bytes, including its terminating NUL: a buffer this large
/// always holds a pack version.
pub const FANZHA_PACK_VERSION_MAX: usize = 256;

/// Runs `f` inside the panic boundary: a panic returns `default` instead of unwinding into C.
fn boundary<T>(default: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(default)
}

/// Borrows `(ptr, len)` as bytes.
///
/// # Safety
/// When `ptr` is not NULL it must point to `len` readable bytes that stay valid and unmodified
/// for the returned lifetime.
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], fanzha_status> {
    if ptr.is_null() {
        return Err(fanzha_status::NullArgument);
    }
    if len > isize::MAX as usize {
        return Err(fanzha_status::InvalidArgument);
    }
    // SAFETY: non-NULL and in range, the caller promises `len` readable bytes.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Copies `msg` into a caller's buffer of `cap` bytes, cut at a UTF-8 boundary so it fits with
/// its NUL. Does nothing when the buffer is NULL or empty.
///
/// # Safety
/// When `buf` is not NULL it must point to `cap` writable bytes.
unsafe fn write_message(buf: *mut c_char, cap: usize, msg: &str) {
    if buf.is_null() || cap == 0 || cap > isize::MAX as usize {
        return;
    }
    let mut n = msg.len().min(cap - 1);
    while !msg.is_char_boundary(n) {
        n -= 1;
    }
    // SAFETY: the caller promises `cap` writable bytes; we write n + 1 <= cap.
    unsafe {
        std::ptr::copy_nonoverlapping(msg.as_ptr(), buf.cast::<u8>(), n);
        *buf.add(n) = 0;
    }
}

/// Copies `s` and a NUL into a caller's buffer if it fits, else writes nothing.
///
/// # Safety
/// `buf` must point to `cap` writable bytes; `out_len`, when not NULL, must be writable.
unsafe fn write_string(
    s: &str,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> fanzha_status {
    if buf.is_null() {
        return fanzha_status::NullArgument;
    }
    if cap > isize::MAX as usize {
        return fanzha_status::InvalidArgument;
    }
    if s.len() >= cap {
        return fanzha_status::BufferTooSmall;
    }
    // SAFETY: s.len() + 1 <= cap writable bytes; `out_len` is NULL or writable.
    unsafe {
        std::ptr::copy_nonoverlapping(s.as_ptr(), buf.cast::<u8>(), s.len());
        *buf.add(s.len()) = 0;
        if !out_len.is_null() {
            *out_len = s.len();
        }
    }
    fanzha_status::Ok
}

/// The library's version, e.g. `"0.1.0"`: the same as `FANZHA_VERSION` in the header it was
/// built with. A static NUL-terminated string; never NULL.
#[no_mangle]
pub extern "C" fn fanzha_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// A short lowercase English description of a status code (`"ok"`, `"index out of range"`, …).
/// A static NUL-terminated string, never NULL; unknown codes give `"unknown status"`.
#[no_mangle]
pub extern "C" fn fanzha_status_str(status: u32) -> *const c_char {
    boundary(c"unknown status".as_ptr(), || {
        fanzha_status::ALL
            .iter()
            .find(|s| **s as u32 == status)
            .map_or(c"unknown status", |s| s.as_str())
            .as_ptr()
    })
}

/// Reads the pack version from binary pack bytes without loading the pack (to decide whether a
/// downloaded pack is newer than the one in use). Writes it NUL-terminated to `buf` (`cap` bytes;
/// `FANZHA_PACK_VERSION_MAX` always suffices) and its length without the NUL to `*len_out`
/// when `len_out` is not NULL. Only the header is checked: a pack whose version reads fine can
/// still fail to load.
///
/// Returns `FANZHA_STATUS_OK`, `FANZHA_STATUS_NULL_ARGUMENT`, `FANZHA_STATUS_BUFFER_TOO_SMALL`,
/// or a `FANZHA_STATUS_PACK_*` code.
///
/// # Safety
/// `pack` must point to `pack_len` readable bytes and `buf` to `cap` writable bytes; `len_out`
/// must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn fanzha_pack_peek_version(
    pack: *const u8,
    pack_len: usize,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> fanzha_status {
    boundary(fanzha_status::Panic, || {
        // SAFETY: the caller's contract.
        let pack = match unsafe { bytes(pack, pack_len) } {
            Ok(p) => p,
            Err(e) => return e,
        };
        match fanzha::pack::binary::peek_version(pack) {
            // SAFETY: the caller's contract.
            Ok(v) => unsafe { write_string(v, buf, cap, len_out) },
            Err(e) => load_status(&e),
        }
    })
}

/// The status code for a rejected pack.
fn load_status(e: &fanzha::LoadError) -> fanzha_status {
    use fanzha::LoadError as E;
    match e {
        E::BadMagic => fanzha_status::PackBadMagic,
        E::Truncated => fanzha_status::PackTruncated,
        E::UnsupportedVersion { .. } => fanzha_status::PackUnsupportedVersion,
        E::BadHeader => fanzha_status::PackBadHeader,
        E::ChecksumMismatch => fanzha_status::PackChecksumMismatch,
        E::Malformed => fanzha_status::PackMalformed,
        E::Invalid(_) => fanzha_status::PackInvalid,
        E::Unsigned => fanzha_status::PackUnsigned,
        E::BadSignature => fanzha_status::PackBadSignature,
        E::BadKey => fanzha_status::PackBadKey,
        _ => fanzha_status::PackRejected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundary_turns_a_panic_into_the_default() {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let got = boundary(fanzha_status::Panic, || -> fanzha_status {
            panic!("deliberate");
        });
        std::panic::set_hook(prev);
        assert_eq!(got, fanzha_status::Panic);
        assert_eq!(
            boundary(fanzha_status::Panic, || fanzha_status::Ok),
            fanzha_status::Ok
        );
    }

    #[test]
    fn status_values_are_never_renumbered() {
        let pinned = [
            0, 1, 2, 3, 4, 5, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110,
        ];
        let got: Vec<u32> = fanzha_status::ALL.iter().map(|s| *s as u32).collect();
        assert_eq!(got, pinned);
    }

    #[test]
    fn every_status_has_a_description() {
        for s in fanzha_status::ALL {
            // SAFETY: fanzha_status_str returns a static C string.
            let d = unsafe { CStr::from_ptr(fanzha_status_str(s as u32)) };
            assert_ne!(d.to_bytes(), b"unknown status", "{s:?}");
        }
        // SAFETY: as above.
        let d = unsafe { CStr::from_ptr(fanzha_status_str(9999)) };
        assert_eq!(d.to_bytes(), b"unknown status");
    }

    #[test]
    fn messages_are_cut_at_a_char_boundary() {
        let mut buf = [0x55 as c_char; 8];
        // "包损坏" is 9 bytes; 7 fit, cut back to 6 (two characters).
        // SAFETY: buf has 8 writable bytes.
        unsafe { write_message(buf.as_mut_ptr(), buf.len(), "包损坏") };
        // SAFETY: write_message NUL-terminates.
        let s = unsafe { CStr::from_ptr(buf.as_ptr()) };
        assert_eq!(s.to_str().unwrap(), "包损");
    }

    #[test]
    fn version_matches_cargo() {
        // SAFETY: static C string.
        let v = unsafe { CStr::from_ptr(fanzha_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
