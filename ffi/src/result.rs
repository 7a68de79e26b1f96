//! The result handle: one scan's verdict, with owned NUL-terminated copies of its strings so it
//! outlives both the engine and a pack swap.

use std::ffi::{c_char, CString};

use fanzha::{Risk, Verdict};

use crate::{boundary, fanzha_status};

/// Risk tier of a verdict. Values are part of the ABI and ordered: a higher value is a higher
/// risk, so `risk >= FANZHA_RISK_MEDIUM` is a valid test.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum fanzha_risk {
    /// No risk found.
    None = 0,
    /// Show a caution.
    Low = 1,
    /// Warn before links are opened or money moves.
    Medium = 2,
    /// Block links, hold transfers, show the category advice.
    High = 3,
    /// Block and escalate.
    Critical = 4,
}

impl From<Risk> for fanzha_risk {
    fn from(r: Risk) -> fanzha_risk {
        match r {
            Risk::None => fanzha_risk::None,
            Risk::Low => fanzha_risk::Low,
            Risk::Medium => fanzha_risk::Medium,
            Risk::High => fanzha_risk::High,
            Risk::Critical => fanzha_risk::Critical,
        }
    }
}

/// Language of the advice texts.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum fanzha_lang {
    /// Chinese.
    Zh = 0,
    /// English.
    En = 1,
}

/// One scan's verdict. Opaque and immutable: read it from any thread. Every string it returns
/// is NUL-terminated UTF-8, owned by the result, valid until `fanzha_result_free`, and stays
/// valid after the engine is freed or its pack swapped.
pub struct fanzha_result {
    risk: fanzha_risk,
    score: i32,
    truncated: bool,
    categories: Vec<(CString, i32)>,
    hits: Vec<HitC>,
    advice: Option<AdviceC>,
    json: CString,
    pack_version: CString,
}

struct HitC {
    rule: CString,
    category: Option<CString>,
    weight: i32,
    start: usize,
    end: usize,
    text: CString,
}

struct AdviceC {
    category: CString,
    title: [CString; 2],
    advice: [CString; 2],
}

/// A C string of `s`; a NUL inside (possible in message text) becomes U+FFFD.
fn c(s: &str) -> CString {
    CString::new(s)
        .unwrap_or_else(|_| CString::new(s.replace('\0', "\u{FFFD}")).unwrap_or_default())
}

impl fanzha_result {
    pub(crate) fn new(v: &Verdict<'_>, text: &[u8], pack_version: &str) -> fanzha_result {
        fanzha_result {
            risk: v.risk.into(),
            score: v.score,
            truncated: v.truncated,
            categories: v.categories.iter().map(|c_| (c(c_.id), c_.score)).collect(),
            hits: v
                .hits
                .iter()
                .map(|h| HitC {
                    rule: c(h.rule),
                    category: h.category.map(c),
                    weight: h.weight,
                    start: h.start,
                    end: h.end,
                    text: c(&String::from_utf8_lossy(
                        text.get(h.start..h.end).unwrap_or(&[]),
                    )),
                })
                .collect(),
            advice: v.advice.map(|a| AdviceC {
                category: c(a.category),
                title: [c(&a.title.zh), c(&a.title.en)],
                advice: [c(&a.advice.zh), c(&a.advice.en)],
            }),
            // JSON escapes control characters, so it has no NUL.
            json: c(&v.to_json(text)),
            pack_version: c(pack_version),
        }
    }
}

/// Borrows a result handle.
///
/// # Safety
/// `r` must be NULL or a live result.
unsafe fn get<'a>(r: *const fanzha_result) -> Option<&'a fanzha_result> {
    // SAFETY: the caller's contract.
    unsafe { r.as_ref() }
}

/// The result's risk tier; `FANZHA_RISK_NONE` for NULL.
///
/// # Safety
/// `result` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn fanzha_result_risk(result: *const fanzha_result) -> fanzha_risk {
    // SAFETY: the caller's contract.
    boundary(fanzha_risk::None, || {
        unsafe { get(result) }.map_or(fanzha_risk::None, |r| r.risk)
    })
}

/// The risk tier's lowercase name: `"none"`, `"low"`, `"medium"`, `"high"`, `"critical"`
/// (static; `"unknown"` for a value that is not a tier).
#[no_mangle]
pub extern "C" fn fanzha_risk_str(risk: u32) -> *const c_char {
    boundary(c"unknown".as_ptr(), || {
        match risk {
            0 => c"none",
            1 => c"low",
            2 => c"medium",
            3 => c"high",
            4 => c"critical",
            _ => c"unknown",
        }
        .as_ptr()
    })
}

/// The total score (sum of the weights of the rules that fired, at least 0); 0 for NULL.
///
/// # Safety
/// `result` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn fanzha_result_score(result: *const fanzha_result) -> i32 {
    // SAFETY: the caller's contract.
    boundary(0, || unsafe { get(result) }.map_or(0, |r| r.score))
}

/// Whether the text was longer than the engine's limit and only its start was scanned; false
/// for NULL.
///
/// # Safety
/// `result` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn fanzha_result_truncated(result: *const fanzha_result) -> bool {
    // SAFETY: the caller's contract.
    boundary(false, || {
        unsafe { get(result) }.is_some_and(|r| r.truncated)
    })
}

/// Version of the pack that produced this result; NULL for NULL.
///
/// # Safety
/// `result` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn fanzha_result_pack_version(result: *const fanzha_result) -> *const c_char {
    boundary(std::ptr::null(), || {
        // SAFETY: the caller's contract.
        unsafe { get(result) }.map_or(std::ptr::null(), |r| r.pack_version.as_ptr())
    })
}

/// Number of categories with a positive score (highest first); 0 for NULL.
///
/// # Safety
/// `result` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn fanzha_result_category_count(result: *const fanzha_result) -> usize {
    // SAFETY: the caller's contract.
    boundary(0, || {
        unsafe { get(result) }.map_or(0, |r| r.categories.len())
    })
}

/// Id of category `index` (e.g. `"impersonation"`); NULL for NULL or an index out of range.
///
/// # Safety
/// `result` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn fanzha_result_category_id(
    result: *const fanzha_result,
    index: usize,
) -> *const c_char {
    boundary(std::ptr::null(), || {
        // SAFETY: the caller's contract.
        unsafe { get(result) }
            .and_then(|r| r.categories.get(index))
            .map_or(std::ptr::null(), |c_| c_.0.as_ptr())
    })
}

/// Score of category `index`; 0 for NULL or an index out of range.
///
/// # Safety
/// `result` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn fanzha_result_category_score(
    result: *const fanzha_result,
    index: usize,
) -> i32 {
    boundary(0, || {
        // SAFETY: the caller's contract.
        unsafe { get(result) }
            .and_then(|r| r.categories.get(index))
            .map_or(0, |c_| c_.1)
    })
}

/// Number of rules that fired (ordered by start offset, then rule id); 0 for NULL.
///
/// # Safety
/// `result` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn fanzha_result_hit_count(result: *const fanzha_result) -> usize {
    // SAFETY: the caller's contract.
    boundary(0, || unsafe { get(result) }.map_or(0, |r| r.hits.len()))
}

/// Borrows hit `index` of a result.
///
/// # Safety
/// `result` must be NULL or a live result.
unsafe fn hit<'a>(result: *const fanzha_result, index: usize) -> Option<&'a HitC> {
    // SAFETY: the caller's contract.
    unsafe { get(result) }.and_then(|r| r.hits.get(index))
}

/// Rule id of hit `index`; NULL for NULL or an index out of range.
///
/// # Safety
/// `result` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn fanzha_result_hit_rule(
    result: *const fanzha_result,
    index: usize,
) -> *const c_char {
    boundary(std::ptr::null(), || {
        unsafe { hit(result, index) }.map_or(std::ptr::null(), |h| h.rule.as_ptr())
    })
}

/// Category id of hit `index`; NULL for a cue (a rule without a category), for NULL, or for an
/// index out of range.
///
/// # Safety
/// `result` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn fanzha_result_hit_category(
    result: *const fanzha_result,
    index: usize,
) -> *const c_char {
    boundary(std::ptr::null(), || {
        unsafe { hit(result, index) }
            .and_then(|h| h.category.as_ref())
            .map_or(std::ptr::null(), |c_| c_.as_ptr())
    })
}

/// Weight of the rule of hit `index`; 0 for NULL or an index out of range.
///
/// # Safety
/// `result` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn fanzha_result_hit_weight(
    result: *const fanzha_result,
    index: usize,
) -> i32 {
    boundary(0, || unsafe { hit(result, index) }.map_or(0, |h| h.weight))
}

/// Writes the byte span of hit `index` in the scanned text: `text[*start_out .. *end_out]`
/// is the original text the rule fired on (its first occurrence).
///
/// Returns `FANZHA_STATUS_OK`, `FANZHA_STATUS_NULL_ARGUMENT` or `FANZHA_STATUS_OUT_OF_RANGE`.
///
/// # Safety
/// `result` must be NULL or a live result; `start_out` and `end_out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn fanzha_result_hit_span(
    result: *const fanzha_result,
    index: usize,
    start_out: *mut usize,
    end_out: *mut usize,
) -> fanzha_status {
    boundary(fanzha_status::Panic, || {
        if start_out.is_null() || end_out.is_null() {
            return fanzha_status::NullArgument;
        }
        // SAFETY: the caller's contract.
        let Some(r) = (unsafe { get(result) }) else {
            return fanzha_status::NullArgument;
        };
        let Some(h) = r.hits.get(index) else {
            return fanzha_status::OutOfRange;
        };
        // SAFETY: both checked non-NULL; the caller promises they are writable.
        unsafe {
            *start_out = h.start;
            *end_out = h.end;
        }
        fanzha_status::Ok
    })
}

/// The original text of hit `index`, for display: a UTF-8 copy of the span in which invalid
/// sequences and NUL bytes are replaced by U+FFFD (use `fanzha_result_hit_span` on your own
/// buffer for the exact bytes). NULL for NULL or an index out of range.
///
/// # Safety
/// `result` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn fanzha_result_hit_text(
    result: *const fanzha_result,
    index: usize,
) -> *const c_char {
    boundary(std::ptr::null(), || {
        unsafe { hit(result, index) }.map_or(std::ptr::null(), |h| h.text.as_ptr())
    })
}

/// Id of the category whose advice the result carries (the top category); NULL when the risk
/// is `FANZHA_RISK_NONE` (no advice) or for NULL.
///
/// # Safety
/// `result` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn fanzha_result_advice_category(
    result: *const fanzha_result,
) -> *const c_char {
    boundary(std::ptr::null(), || {
        // SAFETY: the caller's contract.
        unsafe { get(result) }
            .and_then(|r| r.advice.as_ref())
            .map_or(std::ptr::null(), |a| a.category.as_ptr())
    })
}

/// Title of the advice's category in `lang` (a `fanzha_lang` value: `FANZHA_LANG_ZH` or
/// `FANZHA_LANG_EN`); NULL when there is no advice, for NULL, or for an unknown language.
///
/// # Safety
/// `result` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn fanzha_result_advice_title(
    result: *const fanzha_result,
    lang: u32,
) -> *const c_char {
    boundary(std::ptr::null(), || {
        // SAFETY: the caller's contract.
        unsafe { get(result) }
            .and_then(|r| r.advice.as_ref())
            .and_then(|a| a.title.get(lang as usize))
            .map_or(std::ptr::null(), |s| s.as_ptr())
    })
}

/// What the user should do, in `lang` (`FANZHA_LANG_ZH` or `FANZHA_LANG_EN`); NULL when there
/// is no advice, for NULL, or for an unknown language.
///
/// # Safety
/// `result` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn fanzha_result_advice_text(
    result: *const fanzha_result,
    lang: u32,
) -> *const c_char {
    boundary(std::ptr::null(), || {
        // SAFETY: the caller's contract.
        unsafe { get(result) }
            .and_then(|r| r.advice.as_ref())
            .and_then(|a| a.advice.get(lang as usize))
            .map_or(std::ptr::null(), |s| s.as_ptr())
    })
}

/// The whole verdict as one line of JSON, the schema of `fanzha scan --format jsonl`: `risk`,
/// `score`, `categories` (`id`, `score`), `hits` (`rule`, `category`, `weight`, `start`, `end`,
/// `text`), `advice` (`category`, `title`, `advice`, each with `zh` and `en`; or null),
/// `truncated`. NULL for NULL.
///
/// # Safety
/// `result` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn fanzha_result_json(result: *const fanzha_result) -> *const c_char {
    boundary(std::ptr::null(), || {
        // SAFETY: the caller's contract.
        unsafe { get(result) }.map_or(std::ptr::null(), |r| r.json.as_ptr())
    })
}

/// Frees a result and every string it returned. NULL is fine.
///
/// # Safety
/// `result` must be NULL or a result from `fanzha_engine_scan` that was not freed yet.
#[no_mangle]
pub unsafe extern "C" fn fanzha_result_free(result: *mut fanzha_result) {
    boundary((), || {
        if !result.is_null() {
            // SAFETY: the caller passes a result we boxed, not yet freed.
            drop(unsafe { Box::from_raw(result) });
        }
    })
}
