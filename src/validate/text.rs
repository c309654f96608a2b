//! The one rule for free text a person types: names, descriptions, emails, search and
//! filter text. It is what reaches the database and other people's screens (the token
//! list, the audit log, emails), so it must be plain to see and storable everywhere:
//!
//! - No control characters (Unicode category Cc: C0, DEL, C1), so no NUL either, which
//!   Postgres cannot store in text and SQLite would; a multi-line field keeps line
//!   breaks and tabs.
//! - No format characters (Cf: bidi overrides and isolates, zero-width spaces and joiners,
//!   the byte-order mark, soft hyphens, tags …) and no other default-ignorable character
//!   (Hangul fillers and the like) except variation selectors: all of them draw nothing,
//!   or turn the text around, so "deploy" could be made to look like another name.
//!   Variation selectors stay allowed (they pick an emoji's or an ideograph's look); the
//!   fold below drops them, so they cannot make a look-alike of a name either.
//! - No line or paragraph separators (U+2028, U+2029).
//!
//! [`fold`] is the form names are compared and searched in, the same on both databases.

use std::sync::OnceLock;

use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::props::{DefaultIgnorableCodePoint, GeneralCategory, VariationSelector};
use icu_properties::{CodePointMapData, CodePointSetData};

use crate::model::FieldError;

/// Whether a field may hold several lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    /// Line breaks (`\n`) and tabs are allowed.
    Many,
}

/// Checks `text` against the rule. `field` is the field's name in the error, `what` how a
/// sentence names it ("Name", "Search text"). The error names the first character that
/// breaks the rule, as U+XXXX, and where it is (counted in characters from 1).
pub fn check(field: &str, what: &str, text: &str, lines: Lines) -> Result<(), FieldError> {
    let Some((position, c, kind)) = text
        .chars()
        .enumerate()
        .find_map(|(i, c)| refused(c, lines).map(|kind| (i + 1, c, kind)))
    else {
        return Ok(());
    };
    let why = match kind {
        Refused::Control if lines == Lines::One => "Write it on one line, without it.",
        Refused::Control | Refused::Separator => "Remove it (line breaks are plain Enter).",
        Refused::Invisible => {
            "It draws nothing or turns text around, so text could look like other text: remove it."
        }
    };
    Err(FieldError::new(
        field,
        format!(
            "{what} may not contain {} U+{:04X} (character {position}). {why}",
            kind.describe(),
            u32::from(c)
        ),
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refused {
    Control,
    Separator,
    Invisible,
}

impl Refused {
    fn describe(self) -> &'static str {
        match self {
            Refused::Control => "the control character",
            Refused::Separator => "the line separator",
            Refused::Invisible => "the invisible character",
        }
    }
}

fn refused(c: char, lines: Lines) -> Option<Refused> {
    let category = CodePointMapData::<GeneralCategory>::new().get(c);
    match category {
        GeneralCategory::Control if lines == Lines::Many && matches!(c, '\n' | '\t') => None,
        GeneralCategory::Control => Some(Refused::Control),
        GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator => {
            Some(Refused::Separator)
        }
        GeneralCategory::Format => Some(Refused::Invisible),
        _ if is_ignorable(c) && !CodePointSetData::new::<VariationSelector>().contains(c) => {
            Some(Refused::Invisible)
        }
        _ => None,
    }
}

/// The characters [`check`] refuses, as a regular expression character class body
/// (`\u0000-\u001f…`, no brackets), for documents that describe the rule (the OpenAPI
/// `pattern`s). Derived from the rule itself, so the two cannot drift. Characters of the
/// Basic Multilingual Plane are written as `\uXXXX` escapes, which read the same in
/// ECMA-262 and Python expressions; the few beyond it (tags and the like) as themselves,
/// since those dialects escape them differently (a code point each, as in ECMA-262 with
/// the `u` flag, which JSON Schema tools use, and in Python). Computed once per process: it
/// walks every code point.
pub fn refused_class(lines: Lines) -> &'static str {
    static ONE: OnceLock<String> = OnceLock::new();
    static MANY: OnceLock<String> = OnceLock::new();
    match lines {
        Lines::One => ONE.get_or_init(|| build_refused_class(Lines::One)),
        Lines::Many => MANY.get_or_init(|| build_refused_class(Lines::Many)),
    }
}

fn build_refused_class(lines: Lines) -> String {
    let mut class = String::new();
    let write = |class: &mut String, c: char| {
        if u32::from(c) <= 0xFFFF {
            class.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            class.push(c);
        }
    };
    let close = |class: &mut String, run: Option<(char, char)>| {
        if let Some((first, last)) = run {
            write(class, first);
            if last > first {
                class.push('-');
                write(class, last);
            }
        }
    };
    let mut run: Option<(char, char)> = None;
    for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
        if refused(c, lines).is_none() {
            continue;
        }
        match run {
            Some((first, last)) if u32::from(last) + 1 == u32::from(c) => run = Some((first, c)),
            _ => {
                close(&mut class, run);
                run = Some((c, c));
            }
        }
    }
    close(&mut class, run);
    class
}

fn is_ignorable(c: char) -> bool {
    CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
}

/// The form in which two names count as the same, and in which search compares: NFKC
/// (so fullwidth `ＤＥＰＬＯＹ`, ligatures and other compatibility forms become the
/// letters they look like), Unicode lower case (`ÉTÉ` → `été`, which SQLite's `lower()`
/// would leave alone), NFKC again (lower-casing can undo it), without format and other
/// default-ignorable characters (variation selectors; anything older rows may hold), and
/// with each run of white space made one space, trimmed. What it gives is plain text that
/// passes [`check`] on one line.
/// Computed here, once, and stored next to the text, so both databases compare alike.
pub fn fold(text: &str) -> String {
    let nfkc = ComposingNormalizerBorrowed::new_nfkc();
    let lower = nfkc.normalize(text).to_lowercase();
    let folded = nfkc.normalize(&lower);
    let mut out = String::with_capacity(folded.len());
    let mut gap = false;
    for c in folded.chars() {
        if c.is_whitespace() {
            gap = true;
        } else if !is_ignorable(c)
            && CodePointMapData::<GeneralCategory>::new().get(c) != GeneralCategory::Format
        {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refused_class_names_controls_and_invisibles_but_not_line_breaks_in_many() {
        let one = refused_class(Lines::One);
        assert!(one.starts_with("\\u0000-\\u001f"), "{one}");
        assert!(one.contains("\\u200b-\\u200f"), "{one}");
        assert!(one.contains("\u{e0000}-\u{e00ff}"), "tags are refused too");
        let many = refused_class(Lines::Many);
        assert!(many.starts_with("\\u0000-\\u0008\\u000b-\\u001f"), "{many}");
    }

    fn message(text: &str, lines: Lines) -> String {
        check("name", "Name", text, lines).unwrap_err().message
    }

    #[test]
    fn plain_text_passes_in_any_script() {
        for text in [
            "CI deploy",
            "été",
            "Ünïcödé 🚀",
            "日本語",
            "❤\u{fe0f} ops",
            "a\u{301}",
        ] {
            assert_eq!(check("name", "Name", text, Lines::One), Ok(()), "{text}");
        }
        assert_eq!(
            check("d", "D", "two\nlines\tand a tab", Lines::Many),
            Ok(())
        );
    }

    #[test]
    fn control_characters_are_named_with_their_place() {
        assert_eq!(
            message("a\0b", Lines::One),
            "Name may not contain the control character U+0000 (character 2). Write it on one line, without it."
        );
        assert!(message("a\nb", Lines::One).contains("U+000A"));
        for c in ['\0', '\r', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}'] {
            assert!(
                check("d", "D", &format!("x{c}"), Lines::Many).is_err(),
                "{c:?}"
            );
        }
        assert!(message("a\u{2028}b", Lines::Many).contains("U+2028"));
    }

    #[test]
    fn format_and_other_invisible_characters_are_refused() {
        for c in [
            '\u{202a}',
            '\u{202e}',
            '\u{2066}',
            '\u{2069}',
            '\u{200b}',
            '\u{200d}',
            '\u{200f}',
            '\u{feff}',
            '\u{2060}',
            '\u{ad}',
            '\u{61c}',
            '\u{e0041}',
            '\u{3164}',
            '\u{115f}',
            '\u{1160}',
            '\u{ffa0}',
            '\u{34f}',
        ] {
            let m = message(&format!("ab{c}"), Lines::One);
            assert!(
                m.contains(&format!("U+{:04X} (character 3)", u32::from(c))),
                "{m}"
            );
            assert!(m.contains("invisible"), "{m}");
        }
    }

    #[test]
    fn folding_makes_look_alikes_equal() {
        assert_eq!(fold("ÉTÉ report"), "été report");
        assert_eq!(fold("été report"), "été report");
        assert_eq!(fold("ＤＥＰＬＯＹ"), "deploy");
        assert_eq!(fold("ﬁle"), "file");
        assert_eq!(fold("e\u{301}t\u{e9}"), "été");
        assert_eq!(fold("  prod\u{a0}\u{3000} api  "), "prod api");
        assert_eq!(fold("prod\u{fe00}"), "prod");
        assert_eq!(fold("Straße"), "straße");
        assert_eq!(fold("\u{fe0f}"), "");
        assert_eq!(fold("a\u{200b}\u{202e}\u{600}b"), "ab");
    }
}
