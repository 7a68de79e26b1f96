//! Who sent a message: the kind of a sender number or short code.
//!
//! Carriers and apps often know the sender of an SMS. Scams impersonating a bank or an agency
//! come from personal mobile numbers, virtual-operator ranges or abroad, where the real brand
//! sends from its short code (`95588`) or an SMS gateway number (`106…`).
//!
//! ```
//! use fanzha::sender::{classify_sender, SenderKind};
//! assert_eq!(classify_sender(b"95588"), SenderKind::ServiceNumber);
//! assert_eq!(classify_sender(b"+86 170 1234 5678"), SenderKind::VirtualMobile);
//! assert_eq!(classify_sender(b"+44 7911 123456"), SenderKind::International);
//! assert_eq!(classify_sender(b"10690000123"), SenderKind::Gateway);
//! ```

use alloc::string::String;

/// The kind of a sender.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SenderKind {
    /// A mainland mobile number.
    Mobile,
    /// A mobile number of a virtual operator range (162, 165, 167, 170, 171).
    VirtualMobile,
    /// A number with a country code other than +86.
    International,
    /// A mainland fixed-line number.
    Landline,
    /// A service number or short code (`95588`, `10086`, `12306`, `400…`, 3–8 digits).
    ServiceNumber,
    /// An SMS gateway number (`106…`), how companies send bulk and notice SMS.
    Gateway,
    /// An alphanumeric sender ID (`ICBC`, `Amazon`).
    Alphanumeric,
    /// Anything else (empty, e-mail, unreadable).
    Unknown,
}

impl SenderKind {
    /// Every kind.
    pub const ALL: [SenderKind; 8] = [
        SenderKind::Mobile,
        SenderKind::VirtualMobile,
        SenderKind::International,
        SenderKind::Landline,
        SenderKind::ServiceNumber,
        SenderKind::Gateway,
        SenderKind::Alphanumeric,
        SenderKind::Unknown,
    ];

    /// Stable name: `mobile`, `virtual_mobile`, `international`, `landline`,
    /// `service_number`, `gateway`, `alphanumeric`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            SenderKind::Mobile => "mobile",
            SenderKind::VirtualMobile => "virtual_mobile",
            SenderKind::International => "international",
            SenderKind::Landline => "landline",
            SenderKind::ServiceNumber => "service_number",
            SenderKind::Gateway => "gateway",
            SenderKind::Alphanumeric => "alphanumeric",
            SenderKind::Unknown => "unknown",
        }
    }

    /// Whether this is a person's number (mobile, virtual, international, landline): never
    /// how a bank, a carrier or an agency sends its notices.
    pub fn is_personal(self) -> bool {
        matches!(
            self,
            SenderKind::Mobile
                | SenderKind::VirtualMobile
                | SenderKind::International
                | SenderKind::Landline
        )
    }
}

/// The digits of a sender (`+` kept in front when present), or `None` when it has letters.
pub fn sender_digits(sender: &[u8]) -> Option<String> {
    let s = core::str::from_utf8(sender).ok()?.trim();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        let d = match c {
            '0'..='9' => c,
            '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFF10 + '0' as u32)?,
            '+' | '＋' if i == 0 => '+',
            ' ' | '-' | '(' | ')' | '.' => continue,
            _ => return None,
        };
        out.push(d);
    }
    (!out.is_empty()).then_some(out)
}

/// Classifies a sender number or short code.
pub fn classify_sender(sender: &[u8]) -> SenderKind {
    let Some(d) = sender_digits(sender) else {
        let alnum = core::str::from_utf8(sender).is_ok_and(|s| {
            let s = s.trim();
            !s.is_empty()
                && s.len() <= 20
                && s.chars()
                    .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
        });
        return if alnum {
            SenderKind::Alphanumeric
        } else {
            SenderKind::Unknown
        };
    };
    let (intl, rest) = if let Some(r) = d.strip_prefix('+') {
        (true, r)
    } else if let Some(r) = d.strip_prefix("00") {
        (true, r)
    } else {
        (false, d.as_str())
    };
    let national = if intl {
        match rest.strip_prefix("86") {
            Some(n) => n,
            None => {
                return if (6..=15).contains(&rest.len()) {
                    SenderKind::International
                } else {
                    SenderKind::Unknown
                }
            }
        }
    } else if rest.len() == 13 && rest.starts_with("86") {
        &rest[2..]
    } else {
        rest
    };
    let b = national.as_bytes();
    match b.len() {
        11 if b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) => match &national[..3] {
            "162" | "165" | "167" | "170" | "171" => SenderKind::VirtualMobile,
            _ => SenderKind::Mobile,
        },
        _ if national.starts_with("106") && (5..=21).contains(&b.len()) => SenderKind::Gateway,
        10 if national.starts_with("400") || national.starts_with("800") => {
            SenderKind::ServiceNumber
        }
        3..=8 if b[0] != b'0' => SenderKind::ServiceNumber,
        10..=12 if b[0] == b'0' && b[1] != b'0' => SenderKind::Landline,
        _ => SenderKind::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let cases: &[(&str, SenderKind)] = &[
            ("13812345678", SenderKind::Mobile),
            ("+8613812345678", SenderKind::Mobile),
            ("0086 138 1234 5678", SenderKind::Mobile),
            ("17112345678", SenderKind::VirtualMobile),
            ("16212345678", SenderKind::VirtualMobile),
            ("+1 415 555 0100", SenderKind::International),
            ("00447911123456", SenderKind::International),
            ("021-12345678", SenderKind::Landline),
            ("95588", SenderKind::ServiceNumber),
            ("10086", SenderKind::ServiceNumber),
            ("12306", SenderKind::ServiceNumber),
            ("4008123123", SenderKind::ServiceNumber),
            ("106575258195588", SenderKind::Gateway),
            ("1069 0000 123", SenderKind::Gateway),
            ("ICBC", SenderKind::Alphanumeric),
            ("", SenderKind::Unknown),
            ("a@b.com", SenderKind::Unknown),
            ("12", SenderKind::Unknown),
        ];
        for (s, k) in cases {
            assert_eq!(classify_sender(s.as_bytes()), *k, "{s}");
        }
        assert!(SenderKind::Mobile.is_personal());
        assert!(!SenderKind::ServiceNumber.is_personal());
        assert_eq!(classify_sender(b"\xff\xfe"), SenderKind::Unknown);
    }
}
