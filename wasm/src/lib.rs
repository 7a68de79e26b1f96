//! WebAssembly bindings of [fanzha](../fanzha/index.html): the npm package `fanzha`.
//!
//! One class, `Detector`, over a compiled [`fanzha::Engine`]. Verdicts cross into JavaScript as
//! the JSON of [`fanzha::Verdict::to_json`] (the schema of `fanzha scan --format jsonl` and of
//! the C API), parsed by `JSON.parse` into plain objects typed by the TypeScript declarations
//! below. All logic stays in `fanzha`; this crate only converts.
//!
//! Nothing here can panic: construction errors are `Result`s thrown as JS `Error`s, and the
//! engine's scan never fails.
//!
//! On wasm32 the crate is `no_std` (issue 7, module size): its panic handler is an `unreachable`
//! trap that formats nothing, so the standard library's panic machinery is not linked (2.5 KB
//! less gzipped), and the allocator is the `dlmalloc` crate (the one std uses on wasm32).
#![cfg_attr(target_arch = "wasm32", no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOC: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

/// A panic is a bug (see above); it traps like the `panic = "abort"` of the `wasm-release`
/// profile did, without formatting anything.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

use fanzha::{Engine, Message, Scratch};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Risk tier, lowest first. */
export type Risk = "none" | "low" | "medium" | "high" | "critical";

/** A text in Chinese and English. */
export interface Localized {
  zh: string;
  en: string;
}

/** A fraud category's score. */
export interface CategoryScore {
  id: string;
  score: number;
}

/** One rule that fired. `start`/`end` are UTF-8 BYTE offsets into the scanned text: convert
 * them with `utf16Offsets` to index the JS string; `text` is the matched original text. */
export interface Hit {
  rule: string;
  /** `null` for cue rules that belong to no category. */
  category: string | null;
  weight: number;
  start: number;
  end: number;
  text: string;
}

/** Title and advice of the top category. */
export interface Advice {
  category: string;
  title: Localized;
  advice: Localized;
}

/** The verdict for one message: the JSON schema of `fanzha scan --format jsonl`. */
export interface Verdict {
  risk: Risk;
  score: number;
  /** Categories with a positive score, highest first. */
  categories: CategoryScore[];
  /** Every rule that fired, ordered by start offset then rule id. */
  hits: Hit[];
  /** Present when the risk is above `none`. */
  advice: Advice | null;
  /** The text was longer than the engine's limit (1 MiB) and only its start was scanned. */
  truncated: boolean;
  /** The links of the text, in text order. */
  links: Link[];
  /** Numbers and IDs outside the links, in text order. */
  entities: Entity[];
}

/** A link found in the text (UTF-8 byte offsets, like `Hit`). */
export interface Link {
  start: number;
  end: number;
  /** Canonical URL (Safe Browsing rules). */
  url: string;
  host: string;
  /** Registrable domain (public suffix list), or `null` for IPs and unknown suffixes. */
  domain: string | null;
  /** Flag names, e.g. "shortener", "risky_tld", "brand_lookalike". */
  flags: string[];
  /** The brand the host imitates or belongs to, or `null`. */
  brand: string | null;
}

/** A number or ID found in the text (UTF-8 byte offsets). */
export interface Entity {
  /** e.g. "mobile", "virtual_mobile", "qq", "wechat", "bank_card", "money". */
  type: string;
  start: number;
  end: number;
  /** The normalised value (digits of a number, amount of money, …). */
  value: string;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A `Verdict` object (see the TypeScript declarations).
    #[wasm_bindgen(typescript_type = "Verdict")]
    pub type JsVerdict;
    /// An array of `Verdict` objects.
    #[wasm_bindgen(typescript_type = "Verdict[]")]
    pub type JsVerdicts;
    #[wasm_bindgen(js_namespace = JSON, js_name = parse)]
    fn json_parse(json: &str) -> JsValue;
}

/// A compiled pattern pack and the working memory to scan with it.
#[wasm_bindgen]
pub struct Detector {
    engine: Engine,
    scratch: Scratch,
}

#[wasm_bindgen]
impl Detector {
    /// A detector for the embedded default pack, or for binary pack bytes (`fanzha pack build`).
    /// Throws an `Error` naming the problem when the bytes are not a valid pack.
    #[cfg(feature = "default-pack")]
    #[wasm_bindgen(constructor)]
    pub fn new(pack: Option<Box<[u8]>>) -> Result<Detector, JsError> {
        match pack {
            Some(bytes) => Detector::load(&bytes),
            None => Detector::build(Engine::embedded()),
        }
    }

    /// A detector for binary pack bytes (`fanzha pack build`); this "lite" build embeds no pack.
    /// Throws an `Error` naming the problem when the bytes are not a valid pack.
    #[cfg(not(feature = "default-pack"))]
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] pack: Option<Box<[u8]>>,
    ) -> Result<Detector, JsError> {
        match pack {
            Some(bytes) => Detector::load(&bytes),
            None => Err(JsError::new(
                "fanzha: this lite build embeds no pack: pass binary pack bytes",
            )),
        }
    }

    /// A detector for a signed binary pack (`fanzha pack sign`): throws unless the pack's
    /// Ed25519 signature verifies with `publicKey` (32 bytes). Use it for packs fetched at
    /// runtime.
    pub fn verified(pack: &[u8], public_key: &[u8]) -> Result<Detector, JsError> {
        let key: [u8; 32] = public_key
            .try_into()
            .map_err(|_| JsError::new("fanzha: an Ed25519 public key is 32 bytes"))?;
        Detector::build(Engine::builder().verify_key(key).build_from_bytes(pack))
    }

    fn load(bytes: &[u8]) -> Result<Detector, JsError> {
        Detector::build(Engine::from_bytes(bytes))
    }

    fn build(engine: Result<Engine, fanzha::LoadError>) -> Result<Detector, JsError> {
        let engine = engine.map_err(|e| JsError::new(&format!("fanzha: {e}")))?;
        let scratch = engine.scratch();
        Ok(Detector { engine, scratch })
    }

    /// Scans one message, optionally with its sender's number or short code.
    pub fn scan(&mut self, text: &str, sender: Option<String>) -> JsVerdict {
        let mut msg = Message::new(text.as_bytes());
        if let Some(sender) = &sender {
            msg = msg.with_sender(sender.as_bytes());
        }
        let verdict = self.engine.scan_with(&mut self.scratch, &msg);
        json_parse(&verdict.to_json(text.as_bytes())).unchecked_into()
    }

    /// Scans many links (URLs) at once: one verdict per URL, in order. Each URL is judged as
    /// one link whatever its top-level domain (`Engine::scan_url_with`), not as message text.
    #[wasm_bindgen(js_name = scanLinks)]
    pub fn scan_links(&mut self, urls: Vec<String>) -> JsVerdicts {
        let mut json = String::from("[");
        for (i, url) in urls.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            let verdict = self.engine.scan_url_with(&mut self.scratch, url.as_bytes());
            json.push_str(&verdict.to_json(url.as_bytes()));
        }
        json.push(']');
        json_parse(&json).unchecked_into()
    }

    /// The pack's name.
    #[wasm_bindgen(getter, js_name = packName)]
    pub fn pack_name(&self) -> String {
        self.engine.pack_name().into()
    }

    /// The pack's version.
    #[wasm_bindgen(getter, js_name = packVersion)]
    pub fn pack_version(&self) -> String {
        self.engine.pack_version().into()
    }

    /// Number of rules in the pack.
    #[wasm_bindgen(getter, js_name = ruleCount)]
    pub fn rule_count(&self) -> usize {
        self.engine.rule_count()
    }

    /// The library's version.
    #[wasm_bindgen(getter)]
    pub fn version() -> String {
        version()
    }
}

/// The library's version (also `Detector.version`).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").into()
}

/// Whether this build embeds the default pack (`false` in the "lite" build).
#[wasm_bindgen(js_name = hasDefaultPack)]
pub fn has_default_pack() -> bool {
    cfg!(feature = "default-pack")
}

/// Converts UTF-8 byte offsets into `text` (such as a hit's `start` and `end`) to UTF-16
/// indices of the JS string, in one pass: `text.slice(...utf16Offsets(text, [hit.start,
/// hit.end]))` is the hit's text. Offsets inside a character map to its start; offsets past the
/// end map to `text.length`. Lone surrogates count as U+FFFD, as when the text was scanned.
#[wasm_bindgen(js_name = utf16Offsets)]
pub fn utf16_offsets(text: &str, offsets: &[u32]) -> Vec<u32> {
    // Units before each byte offset, in one pass over the text; offsets usually come in order
    // (`[start, end]` pairs), and out-of-order ones restart from a table of every byte offset
    // instead of sorting (a sort here is ~4 KB of WASM).
    if !offsets.windows(2).all(|w| w[0] <= w[1]) {
        let mut table = Vec::with_capacity(text.len() + 1);
        let mut units = 0u32;
        for c in text.chars() {
            table.extend(core::iter::repeat_n(units, c.len_utf8()));
            units += c.len_utf16() as u32;
        }
        table.push(units);
        return offsets
            .iter()
            .map(|&o| table.get(o as usize).copied().unwrap_or(units))
            .collect();
    }
    let mut out = Vec::with_capacity(offsets.len());
    let mut chars = text.char_indices().peekable();
    let mut units = 0u32;
    for &want in offsets {
        while let Some(&(at, c)) = chars.peek() {
            if at + c.len_utf8() > want as usize {
                break;
            }
            units += c.len_utf16() as u32;
            chars.next();
        }
        out.push(units);
    }
    out
}
