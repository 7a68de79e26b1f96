//! A direct parser for the plain regexes of a pattern pack, into the very [`Hir`] that
//! `regex-syntax` makes of them, several times faster: no AST, no span per character.
//!
//! Parsing was the largest part of an engine build after the keyword automaton (some 24 million
//! instructions for the default pack's 86 regexes, about 1,100 per pattern byte). This parser
//! knows only the syntax pack regexes are written in: literal characters, the escapes `\xHH` and
//! `\` before a meta character, `.`, `^`, `$`, bracketed classes of characters and ranges
//! (negated or not), capturing and `(?:…)` groups, alternation, and the greedy repetitions `?`,
//! `*`, `+`, `{n}`, `{n,}`, `{n,m}`. It builds the HIR with `regex-syntax`'s own constructors,
//! in the order its translator calls them, so the result is equal (`==`) to what
//! `regex_syntax::hir::translate` gives with the engine's settings (Unicode, UTF-8, no flags).
//! On anything else (other escapes, flags, named groups, lazy repetitions, nested class syntax,
//! anything malformed), it returns `None` and the caller parses with `regex-syntax`, which
//! reports the error or handles the rarer syntax. The tests check the equality on the default
//! pack's regexes and on generated patterns.

use alloc::boxed::Box;
use alloc::vec::Vec;

use regex_syntax::hir::{
    Capture, Class, ClassUnicode, ClassUnicodeRange, Dot, Hir, HirKind, Look, Repetition,
};

/// Deepest group nesting parsed here (`regex-syntax`'s limit, set by the engine, is 64).
const MAX_DEPTH: u32 = 32;

/// The HIR of `pattern`, or `None` when it is outside the syntax parsed here.
pub(crate) fn parse(pattern: &str) -> Option<Hir> {
    let mut p = Parser {
        chars: pattern.chars().collect(),
        pos: 0,
        captures: 0,
    };
    let hir = p.alternation(0)?;
    (p.pos == p.chars.len()).then_some(hir)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    /// Capture groups opened so far (the next one gets index `captures + 1`).
    captures: u32,
}

/// One element of a concatenation, before adjacent literal characters are merged.
enum Item {
    /// A literal character (not repeated).
    Char(char),
    Hir(Hir),
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    /// Branches separated by `|`, up to the end of the pattern or a `)`.
    fn alternation(&mut self, depth: u32) -> Option<Hir> {
        let mut branches = Vec::new();
        loop {
            branches.push(self.concat(depth)?);
            if self.peek() == Some('|') {
                self.pos += 1;
            } else {
                break;
            }
        }
        Some(if branches.len() == 1 {
            branches.pop()?
        } else {
            Hir::alternation(branches)
        })
    }

    fn concat(&mut self, depth: u32) -> Option<Hir> {
        if let Some(hir) = self.plain_literal() {
            return Some(hir);
        }
        let mut items: Vec<Item> = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom(depth)?;
            let item = match self.repetition()? {
                None => atom,
                Some((min, max)) => {
                    let sub = match atom {
                        Item::Char(c) => literal(c),
                        Item::Hir(h) => {
                            // `^*`, `$+`: rare, and `regex-syntax` may treat them differently.
                            if matches!(h.kind(), HirKind::Look(_)) {
                                return None;
                            }
                            h
                        }
                    };
                    Item::Hir(Hir::repetition(Repetition {
                        min,
                        max,
                        greedy: true,
                        sub: Box::new(sub),
                    }))
                }
            };
            items.push(item);
        }
        // As the translator does: runs of literal characters become one literal, empty
        // expressions are dropped.
        let mut exprs: Vec<Hir> = Vec::new();
        let mut run: Vec<u8> = Vec::new();
        for item in items {
            match item {
                Item::Char(c) => {
                    let mut buf = [0u8; 4];
                    run.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                Item::Hir(h) => {
                    if !run.is_empty() {
                        exprs.push(Hir::literal(core::mem::take(&mut run)));
                    }
                    if !matches!(h.kind(), HirKind::Empty) {
                        exprs.push(h);
                    }
                }
            }
        }
        if !run.is_empty() {
            exprs.push(Hir::literal(run));
        }
        // `Hir::concat` of one literal rebuilds that literal (most alternation branches).
        if exprs.len() == 1 && matches!(exprs[0].kind(), HirKind::Literal(_)) {
            return exprs.pop();
        }
        Some(Hir::concat(exprs))
    }

    /// A branch of only literal characters (most branches of a pack's alternations), as the
    /// general path makes it (one literal), without its item lists. `None`, with nothing
    /// consumed, for anything else.
    fn plain_literal(&mut self) -> Option<Hir> {
        let rest = self.chars.get(self.pos..)?;
        let n = rest
            .iter()
            .position(|&c| {
                matches!(
                    c,
                    '|' | ')'
                        | '('
                        | '['
                        | ']'
                        | '\\'
                        | '.'
                        | '^'
                        | '$'
                        | '*'
                        | '+'
                        | '?'
                        | '{'
                        | '}'
                )
            })
            .unwrap_or(rest.len());
        // Empty branches, and a last character taken by a repetition, take the general path.
        if n == 0 || !matches!(rest.get(n), None | Some('|' | ')')) {
            return None;
        }
        let chars = &rest[..n];
        let mut bytes = Vec::with_capacity(chars.iter().map(|c| c.len_utf8()).sum());
        for &c in chars {
            let mut buf = [0u8; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
        self.pos += n;
        Some(Hir::literal(bytes))
    }

    fn atom(&mut self, depth: u32) -> Option<Item> {
        let c = self.next()?;
        Some(match c {
            '\\' => Item::Char(self.escape()?),
            '.' => Item::Hir(Hir::dot(Dot::AnyCharExcept('\n'))),
            '^' => Item::Hir(Hir::look(Look::Start)),
            '$' => Item::Hir(Hir::look(Look::End)),
            '[' => Item::Hir(self.class()?),
            '(' => Item::Hir(self.group(depth)?),
            // A repetition with nothing to repeat, or syntax left to `regex-syntax`.
            '*' | '+' | '?' | '{' | '}' | ']' | ')' | '|' => return None,
            c => Item::Char(c),
        })
    }

    /// After a `\`: `\xHH` or an escaped meta character.
    fn escape(&mut self) -> Option<char> {
        let c = self.next()?;
        match c {
            'x' => {
                let hi = self.next()?.to_digit(16)?;
                let lo = self.next()?.to_digit(16)?;
                char::from_u32(hi * 16 + lo)
            }
            '\\' | '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '{' | '}' | '^' | '$'
            | '#' | '&' | '-' | '~' => Some(c),
            _ => None,
        }
    }

    /// After a `(`.
    fn group(&mut self, depth: u32) -> Option<Hir> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let capture = if self.peek() == Some('?') {
            // Only `(?:`; flags and named groups go to `regex-syntax`.
            if self.chars.get(self.pos + 1) != Some(&':') {
                return None;
            }
            self.pos += 2;
            None
        } else {
            self.captures = self.captures.checked_add(1)?;
            Some(self.captures)
        };
        let sub = self.alternation(depth + 1)?;
        if self.next()? != ')' {
            return None;
        }
        Some(match capture {
            None => sub,
            Some(index) => Hir::capture(Capture {
                index,
                name: None,
                sub: Box::new(sub),
            }),
        })
    }

    /// A repetition operator after an atom, if any: `(min, max)`.
    fn repetition(&mut self) -> Option<Option<(u32, Option<u32>)>> {
        let rep = match self.peek() {
            Some('?') => (0, Some(1)),
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('{') => {
                self.pos += 1;
                let min = self.number()?;
                let max = match self.next()? {
                    '}' => Some(min),
                    ',' if self.peek() == Some('}') => {
                        self.pos += 1;
                        None
                    }
                    ',' => {
                        let max = self.number()?;
                        if self.next()? != '}' || max < min {
                            return None;
                        }
                        Some(max)
                    }
                    _ => return None,
                };
                return self.no_more_repetition((min, max)).map(Some);
            }
            _ => return Some(None),
        };
        self.pos += 1;
        self.no_more_repetition(rep).map(Some)
    }

    /// Lazy (`a*?`) and stacked (`a**`, `a{2}{3}`) repetitions are left to `regex-syntax`.
    fn no_more_repetition(&self, rep: (u32, Option<u32>)) -> Option<(u32, Option<u32>)> {
        match self.peek() {
            Some('?' | '*' | '+' | '{') => None,
            _ => Some(rep),
        }
    }

    /// Decimal digits (at most 4, so `{n,m}` bounds stay far from overflow).
    fn number(&mut self) -> Option<u32> {
        let start = self.pos;
        let mut n = 0u32;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            if self.pos - start >= 4 {
                return None;
            }
            n = n * 10 + d;
            self.pos += 1;
        }
        (self.pos > start).then_some(n)
    }

    /// After a `[`: characters, ranges and `\` escapes, negated by a leading `^`.
    fn class(&mut self) -> Option<Hir> {
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut ranges: Vec<ClassUnicodeRange> = Vec::new();
        let mut first = true;
        loop {
            let c = self.next()?;
            let start = match c {
                // `[]` and `[^]` have other meanings in `regex-syntax`.
                ']' if first => return None,
                ']' => break,
                // Nested classes, `[:alpha:]` and set operations (`&&`, `--`, `~~`).
                '[' => return None,
                '&' | '~' if self.peek() == Some(c) => return None,
                '-' if self.peek() == Some('-') => return None,
                // A `-` that is not between two characters is itself only at the start or end.
                '-' if !first && self.peek() != Some(']') => return None,
                '\\' => self.escape()?,
                c => c,
            };
            first = false;
            let end = if self.peek() == Some('-') && self.chars.get(self.pos + 1) != Some(&']') {
                self.pos += 1;
                match self.next()? {
                    '\\' => self.escape()?,
                    '[' | ']' | '-' | '&' | '~' => return None,
                    c => c,
                }
            } else {
                start
            };
            if end < start {
                return None;
            }
            ranges.push(ClassUnicodeRange::new(start, end));
        }
        let mut class = ClassUnicode::new(ranges);
        if negated {
            class.negate();
        }
        Some(Hir::class(Class::Unicode(class)))
    }
}

fn literal(c: char) -> Hir {
    let mut buf = [0u8; 4];
    Hir::literal(c.encode_utf8(&mut buf).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::String;
    use alloc::vec;
    use proptest::prelude::*;

    /// `regex-syntax`'s HIR with the engine's settings (see `engine::parse_regex`).
    fn reference(pattern: &str) -> Option<Hir> {
        let ast = regex_syntax::ast::parse::ParserBuilder::new()
            .nest_limit(64)
            .build()
            .parse(pattern)
            .ok()?;
        regex_syntax::hir::translate::TranslatorBuilder::new()
            .utf8(true)
            .unicode(true)
            .build()
            .translate(pattern, &ast)
            .ok()
    }

    fn check(pattern: &str) -> bool {
        match parse(pattern) {
            Some(fast) => {
                assert_eq!(Some(fast), reference(pattern), "{pattern:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn equals_regex_syntax_on_the_default_pack() {
        let pack = crate::pack::binary::decode(crate::Engine::default_pack_bytes()).unwrap();
        let mut parsed = 0;
        let mut total = 0;
        for r in &pack.rules {
            if let Some(p) = &r.regex {
                total += 1;
                parsed += usize::from(check(p));
            }
        }
        assert!(total > 0);
        // Every regex of the default pack is in the syntax parsed here.
        assert_eq!(parsed, total);
    }

    #[test]
    fn equals_regex_syntax_on_written_cases() {
        let cases = [
            "abc",
            "a|b|c",
            "(a|b)c",
            "(?:ab|cd)+e",
            "a(b(c|d)|e)f",
            "ab+c",
            "ab*",
            "a?b",
            "a{2}b{1,}c{0,3}d{1}e{0}",
            "x{1,1}",
            "[a-z0-9]+",
            "[^\\x00]{0,40}",
            "[^a-z0-9]",
            "[-a]",
            "[a-]",
            "[a]",
            "[\\]a]",
            "[\\x01-\\x7f]",
            "^ab$",
            "($|[^a-z])",
            "a.b",
            "安全(账户|帐户)[^\\x00]{0,20}转",
            "\\.\\+\\*\\?\\(\\)\\|\\[\\]\\{\\}\\^\\$\\\\\\-",
            "a||b",
            "(|a)",
            "()",
            "(?:)a",
            "",
            "[ab][cd]",
            "(a)(b)((c))",
            "[^\\x00]",
            "[z-a]",
            "a**",
            "a{2}{3}",
            "a*?",
            "(?i)a",
            "(?P<n>a)",
            "\\d",
            "\\b",
            "[[:alpha:]]",
            "[a&&b]",
            "[a--b]",
            "a{3,2}",
            "a{,2}",
            "(a",
            "a)",
            "[a",
            "*a",
            "a{99999}",
        ];
        let parsed: Vec<&str> = cases.into_iter().filter(|c| check(c)).collect();
        // Everything up to `[z-a]` is in the syntax parsed here; the rest is left to
        // `regex-syntax` (errors, flags, other escapes, set operations).
        let plain = cases.iter().position(|&c| c == "[z-a]").unwrap();
        assert_eq!(parsed, cases[..plain], "{parsed:?}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn equals_regex_syntax_on_generated_patterns(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("a"), Just("b"), Just("安"), Just("全"), Just("0"), Just("-"),
                    Just("|"), Just("("), Just(")"), Just("(?:"), Just("["), Just("]"),
                    Just("[^"), Just("^"), Just("$"), Just("."), Just("?"), Just("*"),
                    Just("+"), Just("{2}"), Just("{0,3}"), Just("{1,}"), Just("{"), Just("}"),
                    Just("\\x00"), Just("\\."), Just("\\-"), Just("a-z"), Just("\\"),
                    Just(","), Just("&&"), Just("x")
                ],
                0..14,
            )
        ) {
            let pattern: String = parts.concat();
            if let Some(fast) = parse(&pattern) {
                let slow = reference(&pattern);
                prop_assert_eq!(Some(fast), slow, "{}", format!("{pattern:?}"));
            }
        }
    }

    #[test]
    fn generated_patterns_are_often_in_the_syntax() {
        // Like the property test, on a fixed set of patterns of which enough take the fast
        // path for the comparison to mean something.
        let mut n = 0;
        let tokens = ["a", "(", ")", "|", "[^", "]", "b", "{0,3}", "?", "安"];
        for i in 0..5000u32 {
            let mut p = String::new();
            let mut x = i.wrapping_mul(2_654_435_761);
            for _ in 0..8 {
                p.push_str(tokens[(x % tokens.len() as u32) as usize]);
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345) >> 3;
            }
            n += usize::from(check(&p));
        }
        // 134 of the 5,000 when written.
        assert!(n > 100, "{n}");
    }
}
