//! URL canonicalisation following the Safe Browsing rules.
//!
//! The steps are those of the Safe Browsing "URLs and hashing" procedure (as implemented by the
//! reference Go client): drop the fragment, trim surrounding whitespace, remove tab/CR/LF,
//! percent-unescape repeatedly until nothing changes, re-escape control, space, non-ASCII, `#`
//! and `%` bytes (lowercase hex), default the scheme to `http`, drop user info and port, trim and
//! collapse dots in the host, lowercase it, rewrite IPv4 hosts written in decimal, octal or hex
//! (whole or in parts) as dotted quads, encode internationalised labels as Punycode, and resolve
//! `.`/`..` segments and repeated slashes in the path. The query is kept apart:
//! [`CanonicalUrl::to_url`] keeps it (as the protocol documentation does),
//! [`CanonicalUrl::without_query`] drops it (as the Go client does).

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use super::punycode;

/// Longest input canonicalised, in bytes; longer inputs are cut there.
pub const MAX_URL_LEN: usize = 4096;

/// How the host of a URL was written when it is an IP address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpForm {
    /// Not an IP address.
    None,
    /// A plain dotted-decimal IPv4 address (`1.2.3.4`).
    Dotted,
    /// An IPv4 address written in an unusual form: one decimal number, octal or hex parts,
    /// fewer than four parts (`3279880203`, `0x7f.1`, `0300.0250.0.1`).
    Obfuscated,
    /// A bracketed IPv6 address.
    V6,
}

/// A canonical URL, split into its parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanonicalUrl {
    /// Lowercase scheme (`http` when the input had none).
    pub scheme: String,
    /// Canonical host: lowercase ASCII, Punycode labels, dotted-quad for IPv4.
    pub host: String,
    /// Canonical path, starting with `/`.
    pub path: String,
    /// The query without `?`, when present and non-empty.
    pub query: Option<String>,
    /// Whether the input named a port.
    pub port: bool,
    /// Whether the input had user info (`user@host`).
    pub userinfo: bool,
    /// Whether and how the host is an IP address.
    pub ip: IpForm,
}

impl CanonicalUrl {
    /// `scheme://host/path?query`.
    pub fn to_url(&self) -> String {
        let mut s = self.without_query();
        if let Some(q) = &self.query {
            s.push('?');
            s.push_str(q);
        }
        s
    }

    /// `scheme://host/path`: the form of the Safe Browsing Go client.
    pub fn without_query(&self) -> String {
        let mut s =
            String::with_capacity(self.scheme.len() + 3 + self.host.len() + self.path.len());
        s.push_str(&self.scheme);
        s.push_str("://");
        s.push_str(&self.host);
        s.push_str(&self.path);
        s
    }
}

/// Canonicalises a URL. `None` when it has no valid host (or a scheme without `//`).
///
/// ```
/// use fanzha::links::canonicalize;
/// let c = canonicalize(b"HTTP://Www.Example.COM.:80/a/./b/../c?x=1#frag").unwrap();
/// assert_eq!(c.to_url(), "http://www.example.com/a/c?x=1");
/// assert_eq!(canonicalize(b"http://3279880203/").unwrap().host, "195.127.0.11");
/// ```
pub fn canonicalize(input: &[u8]) -> Option<CanonicalUrl> {
    let c = canonical_in(input, None)?;
    let (scheme, path, query) = (
        String::from(c.scheme()),
        String::from(c.path()),
        c.query().map(String::from),
    );
    Some(CanonicalUrl {
        scheme,
        host: c.host,
        path,
        query,
        port: c.port,
        userinfo: c.userinfo,
        ip: c.ip,
    })
}

/// A canonical URL as the link finder keeps it: the whole URL (`scheme://host/path?query`,
/// [`CanonicalUrl::to_url`]) in one string and the host in another, the two strings a
/// [`super::Link`] holds (no string per part).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Canon {
    /// `scheme://host/path?query`.
    pub(crate) url: String,
    /// The canonical host (as [`CanonicalUrl::host`]).
    pub(crate) host: String,
    /// Where the scheme ends, the path starts and the query starts (after `?`) in `url`.
    scheme_end: usize,
    path_start: usize,
    query_start: Option<usize>,
    /// As in [`CanonicalUrl`].
    pub(crate) port: bool,
    pub(crate) userinfo: bool,
    pub(crate) ip: IpForm,
}

impl Canon {
    /// The scheme (as [`CanonicalUrl::scheme`]).
    pub(crate) fn scheme(&self) -> &str {
        &self.url[..self.scheme_end]
    }

    /// The path (as [`CanonicalUrl::path`]).
    pub(crate) fn path(&self) -> &str {
        let end = self.query_start.map_or(self.url.len(), |q| q - 1);
        &self.url[self.path_start..end]
    }

    /// The query (as [`CanonicalUrl::query`]).
    pub(crate) fn query(&self) -> Option<&str> {
        self.query_start.map(|q| &self.url[q..])
    }
}

/// [`canonicalize`] of a `&str` into a [`Canon`].
pub(crate) fn canonical(input: &str) -> Option<Canon> {
    canonical_in(input.as_bytes(), Some(input))
}

/// [`canonicalize`] into a [`Canon`]; `text` is `input` as a `&str` when the caller has one
/// (its plain prefix needs no UTF-8 check then).
fn canonical_in(input: &[u8], text: Option<&str>) -> Option<Canon> {
    let input = &input[..input.len().min(MAX_URL_LEN)];
    // Most URLs are printable ASCII up to their fragment: nothing to trim, remove, decode or
    // escape, settled in one pass.
    let plain_prefix = match input.iter().position(|&b| !plain(b)) {
        None => Some(input),
        Some(i) if input[i] == b'#' => Some(&input[..i]),
        Some(_) => None,
    };
    let plain_str = plain_prefix.and_then(|p| match text {
        Some(t) => t.get(..p.len()),
        None => core::str::from_utf8(p).ok(),
    });
    let escaped: Cow<'_, str> = match plain_str {
        Some(s) => Cow::Borrowed(s),
        None => {
            // Fragment.
            let input = match input.iter().position(|&b| b == b'#') {
                Some(i) => &input[..i],
                None => input,
            };
            let input = trim_ascii_ws(input);
            // Copies only when there is something to remove or decode: without `%`, unescaping
            // changes nothing.
            let cleaned_owned: Vec<u8>;
            let cleaned: &[u8] = if input.iter().any(|&b| matches!(b, b'\t' | b'\r' | b'\n')) {
                cleaned_owned = input
                    .iter()
                    .copied()
                    .filter(|&b| b != b'\t' && b != b'\r' && b != b'\n')
                    .collect();
                &cleaned_owned
            } else {
                input
            };
            let unescaped_owned: Vec<u8>;
            let unescaped: &[u8] = if cleaned.contains(&b'%') {
                unescaped_owned = unescape_fully(cleaned);
                &unescaped_owned
            } else {
                cleaned
            };
            Cow::Owned(escape(unescaped).into_owned())
        }
    };
    let s = &*escaped;

    let (scheme, rest) = split_scheme(s)?;
    let (rest, query) = match byte_pos(rest, b'?') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let hostish = match scheme {
        Some(_) => rest.strip_prefix("//")?,
        None => rest,
    };
    let (authority, path) = match byte_pos(hostish, b'/') {
        Some(i) => (&hostish[..i], &hostish[i..]),
        None => (hostish, ""),
    };
    if authority.is_empty() {
        return None;
    }
    let (userinfo, hostport) = match authority.bytes().rposition(|b| b == b'@') {
        Some(i) => (true, &authority[i + 1..]),
        None => (false, authority),
    };
    let (host, port) = split_port(hostport);
    let (host, ip) = canonical_host(host)?;
    let query = query.filter(|q| !q.is_empty());
    let scheme = scheme.unwrap_or("http");
    let mut url = String::with_capacity(
        scheme.len() + 3 + host.len() + path.len().max(1) + query.map_or(0, |q| q.len() + 1),
    );
    url.push_str(scheme);
    url.make_ascii_lowercase();
    let scheme_end = url.len();
    url.push_str("://");
    url.push_str(&host);
    let path_start = url.len();
    canonical_path_into(path, &mut url);
    let query_start = query.map(|q| {
        url.push('?');
        let at = url.len();
        url.push_str(q);
        at
    });
    Some(Canon {
        url,
        host,
        scheme_end,
        path_start,
        query_start,
        port,
        userinfo,
        ip,
    })
}

fn trim_ascii_ws(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if last.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    s
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-unescapes until nothing changes, in one linear pass: after every byte pushed, a
/// trailing `%XY` is decoded, and the decoded byte may complete an earlier `%X`.
fn unescape_fully(input: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(input.len());
    for &b in input {
        out.push(b);
        while let [.., b'%', h, l] = out[..] {
            match (hex_val(h), hex_val(l)) {
                (Some(h), Some(l)) => {
                    let n = out.len();
                    out.truncate(n - 3);
                    out.push(h << 4 | l);
                }
                _ => break,
            }
        }
    }
    out
}

/// A byte [`escape`] keeps as it is: printable ASCII but `#` and `%`.
#[inline(always)]
fn plain(b: u8) -> bool {
    !(b <= 0x20 || b >= 0x7f || b == b'#' || b == b'%')
}

/// Escapes control, space, non-ASCII, `#` and `%` bytes as `%xx` (lowercase hex).
fn escape(input: &[u8]) -> Cow<'_, str> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // Nothing to escape (the usual case): printable ASCII, borrowed whole.
    if input.iter().all(|&b| plain(b)) {
        if let Ok(s) = core::str::from_utf8(input) {
            return Cow::Borrowed(s);
        }
    }
    let mut out = String::with_capacity(input.len());
    for &b in input {
        if b <= 0x20 || b >= 0x7f || b == b'#' || b == b'%' {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        } else {
            out.push(b as char);
        }
    }
    Cow::Owned(out)
}

/// Splits off a scheme the way Go's `net/url` does: letters, then letters, digits, `+-.`, up to
/// `:`. `None` is an error (`:` first); `Some((None, s))` means no scheme.
fn split_scheme(s: &str) -> Option<(Option<&str>, &str)> {
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return None,
            b':' => return Some((Some(&s[..i]), &s[i + 1..])),
            _ => return Some((None, s)),
        }
    }
    Some((None, s))
}

/// Where the first `b` (an ASCII byte) is in `s`: `s.find(b as char)` by a byte scan (the
/// parts of a URL are short, and the char searcher's set-up costs more than the scan).
fn byte_pos(s: &str, b: u8) -> Option<usize> {
    s.bytes().position(|c| c == b)
}

fn split_port(hostport: &str) -> (&str, bool) {
    if hostport.starts_with('[') {
        return match byte_pos(hostport, b']') {
            Some(i) => (&hostport[..=i], hostport.len() > i + 1),
            None => (hostport, false),
        };
    }
    match byte_pos(hostport, b':') {
        Some(i) => (&hostport[..i], true),
        None => (hostport, false),
    }
}

fn canonical_host(host: &str) -> Option<(String, IpForm)> {
    if host.starts_with('[') {
        return Some((host.to_ascii_lowercase(), IpForm::V6));
    }
    let b = host.as_bytes();
    let from = b.iter().position(|&c| c != b'.').unwrap_or(b.len());
    let to = b.iter().rposition(|&c| c != b'.').map_or(from, |i| i + 1);
    // (`.` is ASCII: the cuts fall between characters.)
    let trimmed = host.get(from..to).unwrap_or("");
    // Lower case, runs of dots collapsed (by bytes: the host is escaped, all ASCII, so the
    // bytes are the characters).
    let h = if trimmed.is_ascii() && !trimmed.as_bytes().windows(2).any(|w| w == b"..") {
        // Nothing to collapse: lowered as a whole.
        let mut h = String::from(trimmed);
        h.make_ascii_lowercase();
        h
    } else {
        let mut h = String::with_capacity(trimmed.len());
        let mut prev_dot = false;
        for b in trimmed.bytes() {
            if b == b'.' {
                if prev_dot {
                    continue;
                }
                prev_dot = true;
            } else {
                prev_dot = false;
            }
            h.push(char::from(b.to_ascii_lowercase()));
        }
        h
    };
    if h.is_empty() {
        return None;
    }
    if let Some((ip, form)) = parse_ipv4(&h) {
        return Some((ip, form));
    }
    if byte_pos(&h, b'%').is_none() {
        return Some((h, IpForm::None));
    }
    // Labels holding escaped UTF-8 become Punycode; anything else stays escaped.
    let mut out = String::with_capacity(h.len());
    for (i, label) in h.split('.').enumerate() {
        if i > 0 {
            out.push('.');
        }
        out.push_str(&idn_label(label).unwrap_or_else(|| String::from(label)));
    }
    Some((out, IpForm::None))
}

/// `xn--…` for an escaped label that decodes to UTF-8 with non-ASCII letters.
fn idn_label(label: &str) -> Option<String> {
    let bytes = unescape_once(label.as_bytes());
    let text = core::str::from_utf8(&bytes).ok()?;
    if text.is_ascii() || text.chars().any(|c| (c as u32) <= 0x20 || c.is_control()) {
        return None;
    }
    let chars: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let mut out = String::from("xn--");
    out.push_str(&punycode::encode(&chars)?);
    Some(out)
}

fn unescape_once(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'%' && i + 2 < input.len() {
            if let (Some(h), Some(l)) = (hex_val(input[i + 1]), hex_val(input[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(input[i]);
        i += 1;
    }
    out
}

/// Parses an IPv4 host in any of the forms browsers accept: 1 to 4 parts, each decimal, octal
/// (leading `0`) or hex (`0x`), the last part filling the remaining bytes.
pub(crate) fn parse_ipv4(host: &str) -> Option<(String, IpForm)> {
    if host.is_empty()
        || host.len() > 64
        || !host
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b'.' || b == b'x')
    {
        return None;
    }
    let parts: Vec<&str> = host.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let mut obfuscated = parts.len() != 4;
    let mut value: u64 = 0;
    for (i, part) in parts.iter().enumerate() {
        let (digits, radix) = if let Some(h) = part.strip_prefix("0x") {
            obfuscated = true;
            (h, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            obfuscated = true;
            (&part[1..], 8)
        } else {
            (*part, 10)
        };
        if part.is_empty() || digits.len() > 12 {
            return None;
        }
        let n = if digits.is_empty() {
            0
        } else {
            u64::from_str_radix(digits, radix).ok()?
        };
        if i + 1 < parts.len() {
            if n > 255 {
                return None;
            }
            value = value << 8 | n;
        } else {
            let bits = 8 * (5 - parts.len() as u32);
            if n >= 1u64 << bits {
                return None;
            }
            value = value << bits | n;
        }
    }
    let v = value as u32;
    let s = alloc::format!(
        "{}.{}.{}.{}",
        v >> 24,
        (v >> 16) & 255,
        (v >> 8) & 255,
        v & 255
    );
    Some((
        s,
        if obfuscated {
            IpForm::Obfuscated
        } else {
            IpForm::Dotted
        },
    ))
}

/// The canonical form of `path` appended to `out`.
fn canonical_path_into(path: &str, out: &mut String) {
    if path.is_empty() {
        out.push('/');
        return;
    }
    if !path
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'/' && matches!(w[1], b'/' | b'.'))
    {
        out.push_str(path);
        return;
    }
    let mut stack: Vec<&str> = Vec::new();
    let mut segments = path.split('/').peekable();
    let mut trailing = false;
    while let Some(seg) = segments.next() {
        let last = segments.peek().is_none();
        match seg {
            "" => trailing = last,
            "." => trailing = last,
            ".." => {
                stack.pop();
                trailing = last;
            }
            s => {
                stack.push(s);
                trailing = false;
            }
        }
    }
    let start = out.len();
    for s in &stack {
        out.push('/');
        out.push_str(s);
    }
    if out.len() == start || trailing {
        out.push('/');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> String {
        canonicalize(s.as_bytes())
            .map(|u| u.to_url())
            .unwrap_or_default()
    }

    #[test]
    fn own_cases() {
        let cases = [
            ("http://Example.COM", "http://example.com/"),
            ("example.com/a//b", "http://example.com/a/b"),
            ("http://example.com/a/../../b", "http://example.com/b"),
            ("http://example.com/a/./", "http://example.com/a/"),
            ("http://example.com/a/..", "http://example.com/"),
            (
                "https://user:pw@bank.example.com:8443/x",
                "https://bank.example.com/x",
            ),
            ("http://0x7f.1/", "http://127.0.0.1/"),
            ("http://0300.0250.1.1/", "http://192.168.1.1/"),
            ("http://0xC0A80101/", "http://192.168.1.1/"),
            ("http://192.168.1/", "http://192.168.0.1/"),
            ("http://256.1.1.1/", "http://256.1.1.1/"),
            ("http://1.2.3.4.5/", "http://1.2.3.4.5/"),
            ("http://example.com/%7euser", "http://example.com/~user"),
            ("http://example.com/a b", "http://example.com/a%20b"),
            ("http://example.com/?", "http://example.com/"),
            (
                "http://example.com/p?q=1&r=%41",
                "http://example.com/p?q=1&r=A",
            ),
            ("http://例子.中国/", "http://xn--fsqu00a.xn--fiqs8s/"),
            ("http://ÜMLAT.com/", "http://xn--mlat-zra.com/"),
            ("http://аpple.com/", "http://xn--pple-43d.com/"),
            ("HTTPS://EXAMPLE.com/Path", "https://example.com/Path"),
            ("http://example.com..", "http://example.com/"),
            ("http://a..b...c/", "http://a.b.c/"),
            ("http://..A.B../", "http://a.b/"),
            ("http://.../", ""),
            ("//example.com/x", ""),
            ("http:example.com", ""),
            ("http://@/", ""),
            ("http://:80/", ""),
            ("   ", ""),
            ("javascript:alert(1)", ""),
            ("http://[::1]:8080/x", "http://[::1]/x"),
            ("http://example.com/%%41", "http://example.com/%25A"),
        ];
        for (input, want) in cases {
            assert_eq!(c(input), want, "input {input:?}");
            // The finder's form, from a `&str`, holds the same parts.
            let a = canonicalize(input.as_bytes());
            let b = canonical(input);
            assert_eq!(a.is_some(), b.is_some(), "input {input:?}");
            if let (Some(a), Some(b)) = (a, b) {
                assert_eq!(a.to_url(), b.url);
                assert_eq!(
                    (a.scheme.as_str(), a.path.as_str(), a.query.as_deref()),
                    (b.scheme(), b.path(), b.query())
                );
                assert_eq!(
                    (a.host, a.port, a.userinfo, a.ip),
                    (b.host, b.port, b.userinfo, b.ip)
                );
            }
        }
    }

    #[test]
    fn ip_forms() {
        assert_eq!(parse_ipv4("1.2.3.4").unwrap().1, IpForm::Dotted);
        assert_eq!(
            parse_ipv4("16909060").unwrap(),
            ("1.2.3.4".into(), IpForm::Obfuscated)
        );
        assert_eq!(parse_ipv4("01.02.03.04").unwrap().1, IpForm::Obfuscated);
        assert!(parse_ipv4("1.2.3.256").is_none());
        assert!(parse_ipv4("4294967296").is_none());
        assert!(parse_ipv4("abc.com").is_none());
        assert!(parse_ipv4("08.1.1.1").is_none());
    }

    #[test]
    fn hostile_escapes_are_linear() {
        let mut s = String::from("http://h/");
        for _ in 0..1000 {
            s.push_str("%25");
        }
        s.push_str("41");
        assert_eq!(c(&s), String::from("http://h/") + &"%25".repeat(999) + "A");
        let long = String::from("http://h/") + &"%".repeat(100_000);
        assert!(canonicalize(long.as_bytes()).is_some());
    }
}
