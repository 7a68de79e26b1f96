//! The Unicode Script and Script_Extensions properties, as far as the link finder and the UTS #39
//! single-script check use them: the script of a character among Common, Inherited and the CJK
//! scripts (anything else is [`Script::Other`]), and the extension set of a character.
//!
//! The table in `script_table.rs` is generated from the `unicode-script` crate the engine used
//! before (see its header); it replaces the crate's tables, which were too big for the WASM
//! build. The tests compare both over every scalar value.

use super::script_table::{
    BOPOMOFO, CLASSES, HAN, HANGUL, HIRAGANA, KATAKANA, KEYS, SETS, SET_OFFSETS, STARTS,
};

/// The script of a character, as far as the engine distinguishes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Script {
    /// `Zyyy`: shared by several scripts (punctuation, digits, symbols).
    Common,
    /// `Zinh`: takes the script of the preceding character (combining marks).
    Inherited,
    /// `Hani`.
    Han,
    /// `Hira`.
    Hiragana,
    /// `Kana`.
    Katakana,
    /// `Hang`.
    Hangul,
    /// `Bopo`.
    Bopomofo,
    /// Any other script, or `Zzzz` (unassigned).
    Other,
}

/// The script of a character (the subset of `unicode_script::UnicodeScript` the engine uses).
pub(crate) trait UnicodeScript {
    /// The Script property, reduced to [`Script`].
    fn script(&self) -> Script;
    /// The Script_Extensions property.
    fn script_extension(&self) -> ScriptExtension;
}

/// A set of scripts (a Script_Extensions value); Common and Inherited are every script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ScriptExtension([u64; 3]);

impl ScriptExtension {
    /// Every script: the extension of Common and Inherited characters.
    pub(crate) const ALL: Self = Self([u64::MAX; 3]);

    /// The scripts in both sets.
    pub(crate) fn intersect_with(&mut self, other: Self) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a &= b;
        }
    }

    /// Whether the set has no script (Unknown, or an empty intersection).
    pub(crate) fn is_empty(self) -> bool {
        self.0 == [0; 3]
    }

    /// Whether the set has `script` (always, for Common and Inherited sets, and never for
    /// [`Script::Other`]), as `unicode_script::ScriptExtension::contains_script`.
    pub(crate) fn contains_script(self, script: Script) -> bool {
        let other = Self::from(script);
        self.0.iter().zip(other.0).any(|(a, b)| a & b != 0)
    }
}

/// The index of the range of `c` in the generated table.
fn key(c: char) -> usize {
    let i = STARTS.partition_point(|&s| s <= c as u32);
    // STARTS[0] is 0, so `i >= 1`.
    usize::from(KEYS[i - 1])
}

fn set_of(key: usize) -> ScriptExtension {
    let set = &SETS[SET_OFFSETS[key] as usize..SET_OFFSETS[key + 1] as usize];
    if set == [255] {
        return ScriptExtension::ALL;
    }
    let mut bits = [0u64; 3];
    for &s in set {
        bits[usize::from(s >> 6)] |= 1 << (s & 63);
    }
    ScriptExtension(bits)
}

impl From<Script> for ScriptExtension {
    /// The set of one script; every script for Common and Inherited, none for `Other` (which is
    /// no particular script).
    fn from(script: Script) -> Self {
        // The script numbers of `unicode-script`, which the table's sets use.
        let n: u8 = match script {
            Script::Common | Script::Inherited => return Self::ALL,
            Script::Other => return Self([0; 3]),
            Script::Han => HAN,
            Script::Hiragana => HIRAGANA,
            Script::Katakana => KATAKANA,
            Script::Hangul => HANGUL,
            Script::Bopomofo => BOPOMOFO,
        };
        let mut bits = [0u64; 3];
        bits[usize::from(n >> 6)] |= 1 << (n & 63);
        Self(bits)
    }
}

impl UnicodeScript for char {
    fn script(&self) -> Script {
        match CLASSES[key(*self)] {
            0 => Script::Common,
            1 => Script::Inherited,
            2 => Script::Han,
            3 => Script::Hiragana,
            4 => Script::Katakana,
            5 => Script::Hangul,
            6 => Script::Bopomofo,
            _ => Script::Other,
        }
    }

    fn script_extension(&self) -> ScriptExtension {
        set_of(key(*self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every scalar value against `unicode-script`.
    #[test]
    fn equal_to_unicode_script() {
        use unicode_script::Script as S;
        let reference = |ext: unicode_script::ScriptExtension| {
            if ext.is_common() || ext.is_inherited() {
                return ScriptExtension::ALL;
            }
            let mut bits = [0u64; 3];
            for s in ext.iter() {
                let n = s as u8;
                bits[usize::from(n >> 6)] |= 1 << (n & 63);
            }
            ScriptExtension(bits)
        };
        for u in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(u) else { continue };
            let want = match unicode_script::UnicodeScript::script(&c) {
                S::Common => Script::Common,
                S::Inherited => Script::Inherited,
                S::Han => Script::Han,
                S::Hiragana => Script::Hiragana,
                S::Katakana => Script::Katakana,
                S::Hangul => Script::Hangul,
                S::Bopomofo => Script::Bopomofo,
                _ => Script::Other,
            };
            assert_eq!(UnicodeScript::script(&c), want, "{c:?}");
            assert_eq!(
                UnicodeScript::script_extension(&c),
                reference(unicode_script::UnicodeScript::script_extension(&c)),
                "{c:?}"
            );
        }
        assert_eq!(HAN, S::Han as u8);
        assert_eq!(HIRAGANA, S::Hiragana as u8);
        assert_eq!(KATAKANA, S::Katakana as u8);
        assert_eq!(HANGUL, S::Hangul as u8);
        assert_eq!(BOPOMOFO, S::Bopomofo as u8);
    }
}
