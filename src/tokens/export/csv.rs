//! CSV as RFC 4180 writes it, made safe to open in a spreadsheet: a cell that would start
//! a formula (`=`, `+`, `-`, `@`, a tab or a carriage return: OWASP's list) gets a leading
//! `'`, so a token named `=HYPERLINK(…)` shows as text instead of running.

/// Characters a spreadsheet reads as the start of a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One cell: defused, then quoted when it holds a separator, a quote or a line break.
pub fn cell(text: &str) -> String {
    let defused = if text.starts_with(FORMULA_STARTS) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// One record, ended by CRLF as RFC 4180 has it.
pub fn line<'a>(cells: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = cells.into_iter().map(cell).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        for (text, written) in [
            ("=1+1", "'=1+1"),
            ("+31 6", "'+31 6"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("plain", "plain"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(cell(text), written, "{text:?}");
        }
        assert_eq!(cell("\rx"), "\"'\rx\"");
    }

    #[test]
    fn separators_quotes_and_line_breaks_are_quoted() {
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("=A1,\"x\""), "\"'=A1,\"\"x\"\"\"");
        assert_eq!(line(["id", "", "x,y"]), "id,,\"x,y\"\r\n");
    }
}
