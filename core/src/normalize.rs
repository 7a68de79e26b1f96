//! Text normalisation: the one function applied to pack literals at build time and to messages
//! at scan time.
//!
//! Normalising folds the forms scammers use to dodge keyword filters onto one canonical form
//! (width, case, …) and drops the separators inserted between the characters of a word. Every
//! byte of the normalised text remembers the byte span of the original character it came from,
//! so a match in normalised text maps back to a span of the ORIGINAL text
//! ([`Normalized::original_span`]).
//!
//! Separators (spaces, punctuation, symbols, control and zero-width characters) are skipped, but
//! only in short runs: a run longer than [`MAX_SKIPPED_RUN`] characters becomes a hard break
//! ([`BREAK`]) that no literal can match across.

use alloc::string::String;
use alloc::vec::Vec;

/// The character written into normalised text in place of a long run of separators (and for
/// NUL or invalid UTF-8 in the input). No normalised literal contains it, so nothing matches
/// across it.
pub const BREAK: char = '\0';

/// The longest run of separator characters that is skipped between two characters of a word.
pub const MAX_SKIPPED_RUN: usize = 3;

/// What one input character becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fold {
    /// The character maps to this character (possibly itself).
    Char(char),
    /// The character maps to several characters.
    Str(&'static str),
    /// The character is a separator: skipped inside short runs.
    Skip,
    /// The character is a hard break.
    Break,
}

/// Folds one character without context: width, case, look-alikes and digit styles.
///
/// Link and number extraction use this to read dodged forms (`ｈｔｔｐ`, `①③⑧`) while keeping
/// the punctuation that matters to them; [`normalize_into`] uses it and then drops separators.
pub fn fold_char(c: char) -> Fold {
    match c {
        '\0' => Fold::Break,
        'A'..='Z' => Fold::Char(c.to_ascii_lowercase()),
        'a'..='z' | '0'..='9' => Fold::Char(c),
        _ if c.is_ascii() => Fold::Skip,
        // Full-width ASCII variants.
        '\u{FF01}'..='\u{FF5E}' => {
            let ascii = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
            fold_char(ascii)
        }
        // Zero-width and format characters.
        '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' => Fold::Skip,
        '\u{FFFD}' => Fold::Break,
        _ if c.is_alphanumeric() => Fold::Char(c),
        _ => Fold::Skip,
    }
}

/// Normalised text plus the map from each of its bytes back to the original text.
///
/// Reuse one value across messages (`normalize_into` clears it) to avoid allocating per scan.
#[derive(Clone, Debug, Default)]
pub struct Normalized {
    text: String,
    /// For each byte of `text`: byte offset in the original of the character it came from.
    start: Vec<u32>,
    /// For each byte of `text`: byte offset just past that original character.
    end: Vec<u32>,
}

impl Normalized {
    /// An empty buffer.
    pub fn new() -> Normalized {
        Normalized::default()
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Length of the normalised text in bytes.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Whether the normalised text is empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Maps the normalised byte range `start..end` (non-empty, on char boundaries of the
    /// normalised text) to the byte range of the original characters it came from, including
    /// the separators skipped between them.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        debug_assert!(start < end && end <= self.text.len());
        (self.start[start] as usize, self.end[end - 1] as usize)
    }

    /// Whether separators were skipped just before normalised byte `i` (a char boundary).
    /// Used for word-boundary checks: `v x` normalises to `vx` with a gap before `x`.
    pub fn gap_before(&self, i: usize) -> bool {
        i > 0 && i < self.text.len() && self.start[i] != self.end[i - 1]
    }

    /// Empties the buffer, keeping its capacity.
    pub fn clear(&mut self) {
        self.text.clear();
        self.start.clear();
        self.end.clear();
    }

    fn push_char(&mut self, c: char, start: usize, end: usize) {
        let mut buf = [0u8; 4];
        let n = c.encode_utf8(&mut buf).len();
        self.text.push(c);
        for _ in 0..n {
            self.start.push(start as u32);
            self.end.push(end as u32);
        }
    }
}

/// Normalises `input` (UTF-8; invalid sequences are read as hard breaks) into `out`.
///
/// Inputs longer than `u32::MAX` bytes are cut there; callers limit text length well below.
pub fn normalize_into(input: &[u8], out: &mut Normalized) {
    out.clear();
    let input = &input[..input.len().min(u32::MAX as usize)];
    // Pending separator run: (count, original start of the run).
    let mut run = 0usize;
    let mut run_start = 0usize;
    let mut pos = 0usize;
    for chunk in input.utf8_chunks() {
        for c in chunk.valid().chars() {
            let len = c.len_utf8();
            let fold = fold_char(c);
            step(out, fold, pos, pos + len, &mut run, &mut run_start);
            pos += len;
        }
        let invalid = chunk.invalid().len();
        if invalid > 0 {
            step(
                out,
                Fold::Break,
                pos,
                pos + invalid,
                &mut run,
                &mut run_start,
            );
            pos += invalid;
        }
    }
    if run > MAX_SKIPPED_RUN && !out.is_empty() {
        out.push_char(BREAK, run_start, pos);
    }
}

fn step(
    out: &mut Normalized,
    fold: Fold,
    start: usize,
    end: usize,
    run: &mut usize,
    run_start: &mut usize,
) {
    match fold {
        Fold::Skip => {
            if *run == 0 {
                *run_start = start;
            }
            *run += 1;
        }
        Fold::Break => {
            if *run == 0 {
                *run_start = start;
            }
            *run = MAX_SKIPPED_RUN + 1;
        }
        Fold::Char(c) => {
            flush_run(out, run, *run_start, start);
            out.push_char(c, start, end);
        }
        Fold::Str(s) => {
            flush_run(out, run, *run_start, start);
            for c in s.chars() {
                out.push_char(c, start, end);
            }
        }
    }
}

fn flush_run(out: &mut Normalized, run: &mut usize, run_start: usize, here: usize) {
    if *run > MAX_SKIPPED_RUN && !out.is_empty() && !out.text.ends_with(BREAK) {
        out.push_char(BREAK, run_start, here);
    }
    *run = 0;
}

/// Normalises a string: the function applied to every pack literal.
///
/// ```
/// assert_eq!(fanzha::normalize::normalize("加 微 信"), "加微信");
/// assert_eq!(fanzha::normalize::normalize("ＶＸ"), "vx");
/// ```
pub fn normalize(input: &str) -> String {
    let mut out = Normalized::new();
    normalize_into(input.as_bytes(), &mut out);
    out.text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_short_separator_runs_and_breaks_long_ones() {
        assert_eq!(normalize("刷 单"), "刷单");
        assert_eq!(normalize("刷*单"), "刷单");
        assert_eq!(normalize("刷 ** 单"), "刷\0单");
    }

    #[test]
    fn spans_cover_original_characters() {
        let text = "请加 微*信";
        let mut n = Normalized::new();
        normalize_into(text.as_bytes(), &mut n);
        let i = n.as_str().find("微信").unwrap();
        let (s, e) = n.original_span(i, i + "微信".len());
        assert_eq!(&text[s..e], "微*信");
        assert!(n.gap_before(i + "微".len()));
    }

    #[test]
    fn invalid_utf8_is_a_break() {
        let mut n = Normalized::new();
        normalize_into(b"ab\xffcd", &mut n);
        assert_eq!(n.as_str(), "ab\0cd");
    }
}
