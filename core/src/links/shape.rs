//! Shape signals that need no list: how many subdomains a host stacks up, machine-numbered
//! labels, another site's name inside the path, per-victim random tokens in the path, and
//! server script pages.
//!
//! Each is weak alone (real sites have deep hosts and random tokens too); the pack gives them
//! small weights so that they only matter next to another signal.

use super::canon::{Canon, IpForm};
use super::LinkFlags;

/// Words that end a host name written inside a path (`/www.bank.com/`, `?site.com.au/login`).
const PATH_HOST_ENDS: &[&str] = &["com", "net", "org", "gov", "edu", "info", "biz"];

/// The shape flags of a canonical URL whose registrable domain is `domain`.
pub(crate) fn shape_flags(canon: &Canon, domain: Option<&str>) -> LinkFlags {
    let mut f = LinkFlags::NONE;
    if canon.ip == IpForm::None {
        let host = canon.host.as_str();
        if let Some(d) = domain.filter(|d| host.len() > d.len() + 1) {
            let sub = &host[..host.len() - d.len() - 1];
            // Three labels have two dots between them.
            if super::host::count_byte(sub, b'.') >= 2
                && super::host::pieces(sub, b'.')
                    .filter(|l| !l.starts_with("www"))
                    .count()
                    >= 3
            {
                f |= LinkFlags::DEEP_SUBDOMAIN;
            }
        }
        // The top-level label is never machine-made; the others are checked.
        let labels = host
            .bytes()
            .rposition(|b| b == b'.')
            .map_or("", |i| &host[..i]);
        // A run of five digits needs five digits (most hosts have fewer: no label is read).
        if labels.bytes().filter(u8::is_ascii_digit).count() >= 5
            && super::host::pieces(labels, b'.').any(numbered_label)
        {
            f |= LinkFlags::RANDOM_LABEL;
        }
    }
    let (path, query) = (canon.path(), canon.query().unwrap_or(""));
    if host_in(path) || host_in(query) {
        f |= LinkFlags::HOST_IN_PATH;
    }
    if random_token(path) || random_token(query) {
        f |= LinkFlags::RANDOM_PATH;
    }
    if script_page(path) {
        f |= LinkFlags::SCRIPT_PAGE;
    }
    f
}

/// Server script extensions: the page runs code on the host (`/secure/login.php`).
const SCRIPT_EXTENSIONS: &[&str] = &[".php", ".asp", ".aspx", ".jsp", ".cgi", ".pl"];

/// Whether the path ends in a server script page.
fn script_page(path: &str) -> bool {
    let last = super::host::last_piece(path, b'/');
    let Some(dot) = last.bytes().rposition(|b| b == b'.') else {
        return false;
    };
    dot > 0
        && SCRIPT_EXTENSIONS
            .iter()
            .any(|e| last[dot..].eq_ignore_ascii_case(e))
}

/// A label with letters and a run of 5+ digits (`fb66315358`, `case-id-1000228280`): numbered
/// by a machine, one per campaign or victim. Years and short numbers (`web2024`) do not count.
fn numbered_label(label: &str) -> bool {
    if label.starts_with("xn--") || !label.bytes().any(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let mut run = 0;
    for b in label.bytes() {
        if b.is_ascii_digit() {
            run += 1;
            if run >= 5 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// Whether `s` (a path or query) holds a host name: `www.` and a label, or a label followed by
/// `.com`/`.net`/… and the end of a segment. A page that names another site in its own path
/// dresses up as it (`/www.bank.com/login.php`).
fn host_in(s: &str) -> bool {
    let b = s.as_bytes();
    let label = |c: u8| c.is_ascii_alphanumeric() || c == b'-';
    // (Byte positions of the dots: every cut below falls next to ASCII.)
    for i in (0..b.len()).filter(|&i| b[i] == b'.') {
        // The label before the dot, at least two characters, starting a segment or after a dot.
        let mut j = i;
        while j > 0 && label(b[j - 1]) {
            j -= 1;
        }
        if i - j < 2 {
            continue;
        }
        let before = &s[j..i];
        let after_end = b[i + 1..]
            .iter()
            .position(|&c| !label(c))
            .map_or(b.len(), |k| i + 1 + k);
        let after = &s[i + 1..after_end];
        if before.eq_ignore_ascii_case("www") && !after.is_empty() {
            return true;
        }
        let ends_segment = b
            .get(after_end)
            .is_none_or(|c| matches!(c, b'/' | b'.' | b'&'));
        if ends_segment
            && PATH_HOST_ENDS.iter().any(|e| after.eq_ignore_ascii_case(e))
            && before.bytes().any(|c| c.is_ascii_alphabetic())
        {
            return true;
        }
    }
    false
}

/// A path or query part of 20+ letters and digits mixed like a per-victim token
/// (`/public/k3v9q0aXwLm2...`): both letters and digits, and 3+ digits or both cases.
fn random_token(s: &str) -> bool {
    if s.len() < 20 {
        return false;
    }
    // Split by bytes: the bytes of other characters are separators as the characters were.
    s.as_bytes().split(|b| !b.is_ascii_alphanumeric()).any(|w| {
        if w.len() < 20 {
            return false;
        }
        let digits = w.iter().filter(|b| b.is_ascii_digit()).count();
        let upper = w.iter().filter(|b| b.is_ascii_uppercase()).count();
        let lower = w.iter().filter(|b| b.is_ascii_lowercase()).count();
        digits > 0 && upper + lower > 0 && (digits >= 3 || (upper >= 3 && lower >= 3))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::canon::canonical;

    fn flags(url: &str) -> LinkFlags {
        let c = canonical(url).unwrap();
        let domain = url_domain(&c.host);
        shape_flags(&c, domain.as_deref())
    }

    // The registrable domain is the last two labels in these examples (no psl needed).
    fn url_domain(host: &str) -> Option<alloc::string::String> {
        let mut it = host.rsplitn(3, '.');
        let (tld, name) = (it.next()?, it.next()?);
        Some(alloc::format!("{name}.{tld}"))
    }

    #[test]
    fn deep_subdomains() {
        assert!(flags("http://a.b.c.example.com/").contains(LinkFlags::DEEP_SUBDOMAIN));
        assert!(!flags("http://www.a.b.example.com/").contains(LinkFlags::DEEP_SUBDOMAIN));
        assert!(!flags("http://mail.example.com/").contains(LinkFlags::DEEP_SUBDOMAIN));
    }

    #[test]
    fn numbered_labels() {
        assert!(flags("http://acct-73920184.example.com/").contains(LinkFlags::RANDOM_LABEL));
        assert!(flags("http://win48213.com/").contains(LinkFlags::RANDOM_LABEL));
        assert!(!flags("http://web2024.example.com/").contains(LinkFlags::RANDOM_LABEL));
        assert!(!flags("http://m.12306.cn/").contains(LinkFlags::RANDOM_LABEL));
    }

    #[test]
    fn hosts_inside_the_path() {
        let yes = [
            "http://abc-example.com/www.mybank.com/signin.php",
            "http://abc-example.com/x/secure.html?online.mybank.com/logon",
            "http://abc-example.com/paypal.com/",
        ];
        for u in yes {
            assert!(flags(u).contains(LinkFlags::HOST_IN_PATH), "{u}");
        }
        let no = [
            "http://abc-example.com/js/jquery.min.js",
            "http://abc-example.com/a/index.html",
            "http://abc-example.com/docs/file.company.pdf",
            "http://abc-example.com/x.com",
        ];
        for u in no {
            assert!(!flags(u).contains(LinkFlags::HOST_IN_PATH), "{u}");
        }
    }

    #[test]
    fn script_pages() {
        assert!(flags("http://abc-example.com/secure/Login.PHP").contains(LinkFlags::SCRIPT_PAGE));
        assert!(flags("http://abc-example.com/a/verify.aspx?x=1").contains(LinkFlags::SCRIPT_PAGE));
        assert!(!flags("http://abc-example.com/a/index.html").contains(LinkFlags::SCRIPT_PAGE));
        assert!(!flags("http://abc-example.com/.php/").contains(LinkFlags::SCRIPT_PAGE));
    }

    #[test]
    fn random_tokens() {
        assert!(
            flags("http://abc-example.com/p/q8z2k9w1m4n7b3v6c5x0").contains(LinkFlags::RANDOM_PATH)
        );
        assert!(flags("http://abc-example.com/p/QwErTyUiOpAsDfGhJkLz1")
            .contains(LinkFlags::RANDOM_PATH));
        assert!(
            !flags("http://abc-example.com/articles/internationalization-guide")
                .contains(LinkFlags::RANDOM_PATH)
        );
        assert!(!flags("http://abc-example.com/p/2024/05/report").contains(LinkFlags::RANDOM_PATH));
    }
}
