//! Errors: [`PackError`] when a pack source is invalid or fails to compile, [`LoadError`] when
//! binary pack bytes are rejected. Neither ever contains message text.

use alloc::string::String;
use core::fmt;

/// A pack source that cannot be parsed, validated or compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackError {
    kind: PackErrorKind,
    rule: Option<String>,
    message: String,
}

/// What went wrong with a pack source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PackErrorKind {
    /// The source text is not valid TOML for the pack schema.
    Syntax,
    /// The pack's structure is invalid (ids, references, fields, tiers).
    Invalid,
    /// A literal or regex cannot be compiled, or exceeds a size limit.
    Compile,
    /// The pack as a whole exceeds a size limit.
    TooLarge,
}

impl PackError {
    #[cfg_attr(not(feature = "toml"), allow(dead_code))]
    pub(crate) fn syntax(message: String) -> PackError {
        PackError {
            kind: PackErrorKind::Syntax,
            rule: None,
            message,
        }
    }

    pub(crate) fn invalid(rule: Option<&str>, message: String) -> PackError {
        PackError {
            kind: PackErrorKind::Invalid,
            rule: rule.map(String::from),
            message,
        }
    }

    pub(crate) fn compile(rule: &str, message: String) -> PackError {
        PackError {
            kind: PackErrorKind::Compile,
            rule: Some(String::from(rule)),
            message,
        }
    }

    pub(crate) fn too_large(rule: Option<&str>, message: String) -> PackError {
        PackError {
            kind: PackErrorKind::TooLarge,
            rule: rule.map(String::from),
            message,
        }
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> PackErrorKind {
        self.kind
    }

    /// The id of the offending rule, when one rule is to blame.
    pub fn rule(&self) -> Option<&str> {
        self.rule.as_deref()
    }
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            PackErrorKind::Syntax => "pack syntax error",
            PackErrorKind::Invalid => "invalid pack",
            PackErrorKind::Compile => "pack compile error",
            PackErrorKind::TooLarge => "pack too large",
        };
        match &self.rule {
            Some(rule) => write!(f, "{what}: rule {rule}: {}", self.message),
            None => write!(f, "{what}: {}", self.message),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for PackError {}

/// Binary pack bytes that were rejected. Each way loading can fail is a distinct variant.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadError {
    /// The bytes do not start with the binary pack magic.
    BadMagic,
    /// The bytes end before the header or body does.
    Truncated,
    /// The pack was written in a format version this library does not read.
    UnsupportedVersion {
        /// The version in the bytes.
        found: u16,
        /// The version this library reads.
        supported: u16,
    },
    /// A header field that must be zero is not, or bytes follow the declared body.
    BadHeader,
    /// The body's checksum does not match: the bytes were corrupted.
    ChecksumMismatch,
    /// The body passed the checksum but does not decode as a pack.
    Malformed,
    /// The pack decoded but is not a valid pack.
    Invalid(PackError),
    /// A verification key is configured but the pack is not signed.
    Unsigned,
    /// The pack's signature does not verify with the configured key: it was tampered with or
    /// signed by another key.
    BadSignature,
    /// The configured verification key is not a valid Ed25519 public key.
    BadKey,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::BadMagic => f.write_str("not a fanzha binary pack (bad magic)"),
            LoadError::Truncated => f.write_str("binary pack is truncated"),
            LoadError::UnsupportedVersion { found, supported } => write!(
                f,
                "binary pack format version {found} is not supported (this library reads {supported})"
            ),
            LoadError::BadHeader => f.write_str("binary pack header is corrupt"),
            LoadError::ChecksumMismatch => f.write_str("binary pack checksum mismatch (corrupted)"),
            LoadError::Malformed => f.write_str("binary pack body is malformed"),
            LoadError::Invalid(e) => write!(f, "binary pack holds an invalid pack: {e}"),
            LoadError::Unsigned => f.write_str("binary pack is not signed but a signature is required"),
            LoadError::BadSignature => f.write_str("binary pack signature does not verify (tampered or wrong key)"),
            LoadError::BadKey => f.write_str("the configured pack verification key is invalid"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for LoadError {}
