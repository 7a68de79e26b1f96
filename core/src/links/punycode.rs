//! Punycode (RFC 3492), the ASCII form of internationalised host labels (`xn--…`).
//!
//! Labels are at most [`MAX_LABEL_CHARS`] characters, so the quadratic loops of the algorithm
//! stay small; longer inputs are refused.

use alloc::string::String;
use alloc::vec::Vec;

/// Longest label (in characters) encoded or decoded.
pub const MAX_LABEL_CHARS: usize = 63;

const BASE: u32 = 36;
const TMIN: u32 = 1;
const TMAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;

fn adapt(mut delta: u32, points: u32, first: bool) -> u32 {
    delta /= if first { DAMP } else { 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((BASE - TMIN) * TMAX) / 2 {
        delta /= BASE - TMIN;
        k += BASE;
    }
    k + (BASE - TMIN + 1) * delta / (delta + SKEW)
}

fn digit(d: u32) -> char {
    if d < 26 {
        (b'a' + d as u8) as char
    } else {
        (b'0' + (d - 26) as u8) as char
    }
}

fn threshold(k: u32, bias: u32) -> u32 {
    if k <= bias {
        TMIN
    } else if k >= bias + TMAX {
        TMAX
    } else {
        k - bias
    }
}

/// Encodes one label (without the `xn--` prefix). `None` when it is too long or overflows.
pub fn encode(label: &[char]) -> Option<String> {
    if label.len() > MAX_LABEL_CHARS {
        return None;
    }
    let mut out: String = label.iter().filter(|c| c.is_ascii()).collect();
    let basic = out.len() as u32;
    let total = label.len() as u32;
    let mut handled = basic;
    if basic > 0 {
        out.push('-');
    }
    let mut n = INITIAL_N;
    let mut delta: u32 = 0;
    let mut bias = INITIAL_BIAS;
    while handled < total {
        let m = label.iter().map(|&c| c as u32).filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &c in label {
            let c = c as u32;
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = threshold(k, bias);
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

/// Decodes one label (without the `xn--` prefix). `None` when it is not valid Punycode.
pub fn decode(input: &str) -> Option<Vec<char>> {
    if input.len() > 4 * MAX_LABEL_CHARS || !input.is_ascii() {
        return None;
    }
    let (basic, rest) = match input.rfind('-') {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => ("", input),
    };
    let mut out: Vec<char> = basic.chars().collect();
    let mut n = INITIAL_N;
    let mut i: u32 = 0;
    let mut bias = INITIAL_BIAS;
    let mut digits = rest.bytes().peekable();
    while digits.peek().is_some() {
        let old_i = i;
        let mut w: u32 = 1;
        let mut k = BASE;
        loop {
            let b = digits.next()?;
            let d = match b {
                b'a'..=b'z' => (b - b'a') as u32,
                b'A'..=b'Z' => (b - b'A') as u32,
                b'0'..=b'9' => (b - b'0') as u32 + 26,
                _ => return None,
            };
            i = i.checked_add(d.checked_mul(w)?)?;
            let t = threshold(k, bias);
            if d < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let len = out.len() as u32 + 1;
        bias = adapt(i - old_i, len, old_i == 0);
        n = n.checked_add(i / len)?;
        i %= len;
        let c = char::from_u32(n)?;
        if out.len() >= MAX_LABEL_CHARS {
            return None;
        }
        out.insert(i as usize, c);
        i += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn enc(s: &str) -> String {
        encode(&s.chars().collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn rfc_and_common_labels() {
        assert_eq!(enc("ümlat"), "mlat-zra");
        assert_eq!(enc("bücher"), "bcher-kva");
        assert_eq!(enc("中国"), "fiqs8s");
        assert_eq!(enc("例子"), "fsqu00a");
        assert_eq!(enc("münchen"), "mnchen-3ya");
        // Cyrillic look-alike of "apple".
        assert_eq!(enc("аррӏе"), "80ak6aa92e");
    }

    #[test]
    fn decode_round_trips() {
        for s in ["ümlat", "中国", "аррӏе", "abc-ü-中"] {
            let e = enc(s);
            let d: String = decode(&e).unwrap().into_iter().collect();
            assert_eq!(d, s);
        }
        assert!(decode("!!").is_none());
        assert!(decode("99999999999999").is_none());
    }
}
