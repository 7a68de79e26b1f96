//! The engine handle: a compiled pack that many threads scan with, and that can be given a new
//! pack while they do.

use std::ffi::c_char;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use fanzha::{Engine, Message, Scratch};

use crate::result::fanzha_result;
use crate::{boundary, bytes, fanzha_status, load_status, write_message, write_string};

/// Most per-scan working memories kept for reuse (one per thread scanning at the same time).
const MAX_POOLED_SCRATCH: usize = 64;

/// An engine: a compiled pattern pack. Opaque.
///
/// Thread-safe: any number of threads may call `fanzha_engine_scan`, `fanzha_engine_swap_pack`
/// and `fanzha_engine_pack_version` on one engine at the same time. Only `fanzha_engine_free`
/// needs exclusive access (call it once, after every other call on the engine has returned;
/// results stay valid after it).
pub struct fanzha_engine {
    /// The pack in use. A scan clones the `Arc` and scans without the lock; a swap compiles the
    /// new pack first and holds the write lock only to replace the `Arc`.
    current: RwLock<Arc<Engine>>,
    /// Working memory reused between scans.
    scratch: Mutex<Vec<Scratch>>,
    /// The Ed25519 public key new packs must be signed with, once required.
    key: RwLock<Option<[u8; 32]>>,
}

impl fanzha_engine {
    fn new(engine: Engine) -> fanzha_engine {
        fanzha_engine {
            current: RwLock::new(Arc::new(engine)),
            scratch: Mutex::new(Vec::new()),
            key: RwLock::new(None),
        }
    }

    fn get(&self) -> Arc<Engine> {
        // The lock is only ever held to clone or replace an Arc, which do not panic; a poisoned
        // lock still holds a valid engine.
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn set(&self, engine: Engine) {
        let old = {
            let mut cur = self.current.write().unwrap_or_else(PoisonError::into_inner);
            std::mem::replace(&mut *cur, Arc::new(engine))
        };
        // The old engine is freed here (outside the lock) unless a scan still holds it.
        drop(old);
    }

    fn take_scratch(&self) -> Scratch {
        self.scratch
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .unwrap_or_default()
    }

    fn give_scratch(&self, s: Scratch) {
        let mut pool = self.scratch.lock().unwrap_or_else(PoisonError::into_inner);
        if pool.len() < MAX_POOLED_SCRATCH {
            pool.push(s);
        }
    }
}

/// Builds an engine for the default pack embedded in the library and writes it to
/// `*engine_out`.
///
/// Returns `FANZHA_STATUS_OK` or `FANZHA_STATUS_NULL_ARGUMENT`; a `FANZHA_STATUS_PACK_*` code
/// would mean the library itself was built with a bad pack.
///
/// # Safety
/// `engine_out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn fanzha_engine_new(engine_out: *mut *mut fanzha_engine) -> fanzha_status {
    boundary(fanzha_status::Panic, || {
        if engine_out.is_null() {
            return fanzha_status::NullArgument;
        }
        match Engine::embedded() {
            Ok(engine) => {
                let handle = Box::into_raw(Box::new(fanzha_engine::new(engine)));
                // SAFETY: checked non-NULL; the caller promises it is writable.
                unsafe { *engine_out = handle };
                fanzha_status::Ok
            }
            Err(e) => load_status(&e),
        }
    })
}

/// Loads a binary pack (as written by `fanzha pack build`) and writes a new engine for it to
/// `*engine_out`. The bytes are not needed after the call.
///
/// On failure returns a `FANZHA_STATUS_PACK_*` code (or `FANZHA_STATUS_NULL_ARGUMENT`), leaves
/// `*engine_out` untouched, and writes a readable, NUL-terminated English message (it never
/// contains message text) to `error_buf` when `error_buf` is not NULL and `error_cap` > 0,
/// cut to fit. On success `error_buf` is untouched.
///
/// # Safety
/// `pack` must point to `pack_len` readable bytes; `engine_out` must be NULL or writable;
/// `error_buf` must be NULL or point to `error_cap` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn fanzha_engine_from_pack(
    pack: *const u8,
    pack_len: usize,
    engine_out: *mut *mut fanzha_engine,
    error_buf: *mut c_char,
    error_cap: usize,
) -> fanzha_status {
    boundary(fanzha_status::Panic, || {
        if engine_out.is_null() {
            // SAFETY: the caller's contract for error_buf.
            unsafe { write_message(error_buf, error_cap, "engine_out is NULL") };
            return fanzha_status::NullArgument;
        }
        // SAFETY: the caller's contract for pack.
        let engine = match unsafe { load(pack, pack_len, None, error_buf, error_cap) } {
            Ok(e) => e,
            Err(s) => return s,
        };
        let handle = Box::into_raw(Box::new(fanzha_engine::new(engine)));
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { *engine_out = handle };
        fanzha_status::Ok
    })
}

/// Decodes and compiles pack bytes; on failure writes the message and returns the code.
///
/// # Safety
/// As `fanzha_engine_from_pack`.
unsafe fn load(
    pack: *const u8,
    pack_len: usize,
    key: Option<[u8; 32]>,
    error_buf: *mut c_char,
    error_cap: usize,
) -> Result<Engine, fanzha_status> {
    // SAFETY: the caller's contract.
    let pack = match unsafe { bytes(pack, pack_len) } {
        Ok(p) => p,
        Err(s) => {
            // SAFETY: the caller's contract.
            unsafe { write_message(error_buf, error_cap, "pack is NULL or too long") };
            return Err(s);
        }
    };
    let mut builder = Engine::builder();
    if let Some(key) = key {
        builder.verify_key(key);
    }
    builder.build_from_bytes(pack).map_err(|e| {
        // SAFETY: the caller's contract.
        unsafe { write_message(error_buf, error_cap, &e.to_string()) };
        load_status(&e)
    })
}

/// Gives the engine a new pack (hot swap). The new pack is loaded and compiled first; then
/// scans that start after this call returns use it, while scans already running finish with
/// the old one (whose memory is freed when the last of them, and the last result it produced,
/// is done). Safe to call while other threads scan the same engine.
///
/// A pack that fails to load changes nothing: the old pack keeps serving, the status is a
/// `FANZHA_STATUS_PACK_*` code and `error_buf` gets a message as in `fanzha_engine_from_pack`.
/// After `fanzha_engine_require_signature`, the pack must also be signed with that key.
///
/// # Safety
/// `engine` must be NULL or a live engine; `pack` must point to `pack_len` readable bytes;
/// `error_buf` must be NULL or point to `error_cap` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn fanzha_engine_swap_pack(
    engine: *const fanzha_engine,
    pack: *const u8,
    pack_len: usize,
    error_buf: *mut c_char,
    error_cap: usize,
) -> fanzha_status {
    boundary(fanzha_status::Panic, || {
        // SAFETY: the caller promises a live engine or NULL.
        let Some(handle) = (unsafe { engine.as_ref() }) else {
            // SAFETY: the caller's contract for error_buf.
            unsafe { write_message(error_buf, error_cap, "engine is NULL") };
            return fanzha_status::NullArgument;
        };
        let key = *handle.key.read().unwrap_or_else(PoisonError::into_inner);
        // SAFETY: the caller's contract.
        match unsafe { load(pack, pack_len, key, error_buf, error_cap) } {
            Ok(new) => {
                handle.set(new);
                fanzha_status::Ok
            }
            Err(s) => s,
        }
    })
}

/// Requires every pack given to this engine from now on (`fanzha_engine_swap_pack`) to be signed
/// (`fanzha pack sign`) with the secret key of `public_key`, an Ed25519 public key of
/// `key_len` = 32 bytes. Unsigned packs are then refused with `FANZHA_STATUS_PACK_UNSIGNED`,
/// packs signed otherwise or tampered with with `FANZHA_STATUS_PACK_BAD_SIGNATURE`; a key that is
/// not a valid Ed25519 point makes every swap fail with `FANZHA_STATUS_PACK_BAD_KEY`. The pack
/// in use is kept. Calling it again replaces the key (rotation); the requirement cannot be
/// removed. Typical start-up: `fanzha_engine_new`, this, then `fanzha_engine_swap_pack` with
/// the last downloaded pack.
///
/// Returns `FANZHA_STATUS_OK`, `FANZHA_STATUS_NULL_ARGUMENT` or
/// `FANZHA_STATUS_INVALID_ARGUMENT` (`key_len` is not 32).
///
/// # Safety
/// `engine` must be NULL or a live engine; `public_key` must be NULL or point to `key_len`
/// readable bytes.
#[no_mangle]
pub unsafe extern "C" fn fanzha_engine_require_signature(
    engine: *const fanzha_engine,
    public_key: *const u8,
    key_len: usize,
) -> fanzha_status {
    boundary(fanzha_status::Panic, || {
        // SAFETY: the caller promises a live engine or NULL.
        let Some(handle) = (unsafe { engine.as_ref() }) else {
            return fanzha_status::NullArgument;
        };
        // SAFETY: the caller's contract.
        let key = match unsafe { bytes(public_key, key_len) } {
            Ok(k) => k,
            Err(s) => return s,
        };
        let Ok(key) = <[u8; 32]>::try_from(key) else {
            return fanzha_status::InvalidArgument;
        };
        *handle.key.write().unwrap_or_else(PoisonError::into_inner) = Some(key);
        fanzha_status::Ok
    })
}

/// Writes the version of the pack the engine currently uses, NUL-terminated, to `buf` (`cap`
/// bytes; `FANZHA_PACK_VERSION_MAX` always suffices) and its length without the NUL to
/// `*len_out` when `len_out` is not NULL. (A copy, because a swap may free the old pack.)
///
/// Returns `FANZHA_STATUS_OK`, `FANZHA_STATUS_NULL_ARGUMENT` or `FANZHA_STATUS_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `engine` must be NULL or a live engine; `buf` must point to `cap` writable bytes; `len_out`
/// must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn fanzha_engine_pack_version(
    engine: *const fanzha_engine,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> fanzha_status {
    boundary(fanzha_status::Panic, || {
        // SAFETY: the caller promises a live engine or NULL.
        let Some(handle) = (unsafe { engine.as_ref() }) else {
            return fanzha_status::NullArgument;
        };
        let current = handle.get();
        // SAFETY: the caller's contract.
        unsafe { write_string(current.pack_version(), buf, cap, len_out) }
    })
}

/// Scans one message and writes its verdict to `*result_out` (free it with
/// `fanzha_result_free`).
///
/// `text` is `text_len` bytes of UTF-8. Invalid UTF-8 is accepted, not rejected: each invalid
/// sequence reads as a word break, and every offset in the result is an exact byte offset into
/// these bytes. Empty text (`text_len` 0, `text` not NULL) gives risk `FANZHA_RISK_NONE`. Text
/// longer than the engine's limit (1 MiB) is scanned up to the limit and the result says
/// `fanzha_result_truncated`. `sender` (the sender's number or short code, `sender_len` bytes)
/// is optional: pass NULL when unknown (`sender_len` is then ignored).
///
/// Returns `FANZHA_STATUS_OK`, `FANZHA_STATUS_NULL_ARGUMENT` (engine, text or result_out NULL)
/// or `FANZHA_STATUS_INVALID_ARGUMENT` (a length above `PTRDIFF_MAX`). Scanning itself never
/// fails. Thread-safe: call it from any number of threads on one engine.
///
/// # Safety
/// `engine` must be NULL or a live engine; `text` must point to `text_len` readable bytes and
/// `sender`, when not NULL, to `sender_len`; `result_out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn fanzha_engine_scan(
    engine: *const fanzha_engine,
    text: *const u8,
    text_len: usize,
    sender: *const u8,
    sender_len: usize,
    result_out: *mut *mut fanzha_result,
) -> fanzha_status {
    boundary(fanzha_status::Panic, || {
        // SAFETY: the caller promises a live engine or NULL.
        let Some(handle) = (unsafe { engine.as_ref() }) else {
            return fanzha_status::NullArgument;
        };
        if result_out.is_null() {
            return fanzha_status::NullArgument;
        }
        // SAFETY: the caller's contract.
        let text = match unsafe { bytes(text, text_len) } {
            Ok(t) => t,
            Err(s) => return s,
        };
        let sender = if sender.is_null() {
            None
        } else {
            // SAFETY: the caller's contract.
            match unsafe { bytes(sender, sender_len) } {
                Ok(s) => Some(s),
                Err(s) => return s,
            }
        };
        let current = handle.get();
        let mut scratch = handle.take_scratch();
        let msg = Message { text, sender };
        let verdict = current.scan_with(&mut scratch, &msg);
        let result = fanzha_result::new(&verdict, text, current.pack_version());
        drop(verdict);
        handle.give_scratch(scratch);
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { *result_out = Box::into_raw(Box::new(result)) };
        fanzha_status::Ok
    })
}

/// Frees an engine. NULL is fine. Results made by it stay valid. Call it once, after every
/// other call on this engine has returned.
///
/// # Safety
/// `engine` must be NULL or an engine from `fanzha_engine_new` / `fanzha_engine_from_pack`
/// that was not freed yet.
#[no_mangle]
pub unsafe extern "C" fn fanzha_engine_free(engine: *mut fanzha_engine) {
    boundary((), || {
        if !engine.is_null() {
            // SAFETY: the caller passes an engine we boxed, not yet freed.
            drop(unsafe { Box::from_raw(engine) });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<fanzha_engine>();
        check::<fanzha_result>();
    }
}
