//! Translation of XML Schema regular expressions (XSD Part 2, appendix F) to the syntax of the
//! `regex` crate, checked at generation time so generated code never meets a bad pattern.
//!
//! Differences handled: XSD patterns are implicitly anchored; `^` and `$` are ordinary
//! characters; `.` excludes CR and LF; the multi-character escapes `\i`, `\I`, `\c`, `\C`;
//! character class subtraction `[a-z-[aeiou]]`; block escapes `\p{IsBasicLatin}`.

/// Translates an XSD pattern into an anchored `regex` pattern.
pub fn translate(pattern: &str) -> Result<String, String> {
    let mut out = String::from("^(?:");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '^' | '$' => {
                out.push('\\');
                out.push(c);
                i += 1;
            }
            '.' => {
                out.push_str("[^\\n\\r]");
                i += 1;
            }
            '\\' => {
                let (s, n) = escape(&chars, i, false)?;
                out.push_str(&s);
                i += n;
            }
            '[' => {
                let (s, n) = class(&chars, i)?;
                out.push_str(&s);
                i += n;
            }
            '#' | '&' | '~' | ' ' => {
                // Literal in XSD; escape for regex's extended syntax safety.
                out.push('\\');
                out.push(c);
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out.push_str(")$");
    regex::Regex::new(&out).map_err(|e| format!("pattern '{pattern}' cannot be used: {e}"))?;
    Ok(out)
}

const NAME_START: &str = ":A-Z_a-z\\u{C0}-\\u{D6}\\u{D8}-\\u{F6}\\u{F8}-\\u{2FF}\\u{370}-\\u{37D}\\u{37F}-\\u{1FFF}\\u{200C}-\\u{200D}\\u{2070}-\\u{218F}\\u{2C00}-\\u{2FEF}\\u{3001}-\\u{D7FF}\\u{F900}-\\u{FDCF}\\u{FDF0}-\\u{FFFD}\\u{10000}-\\u{EFFFF}";
const NAME_EXTRA: &str = "\\-.0-9\\u{B7}\\u{300}-\\u{36F}\\u{203F}-\\u{2040}";

/// One escape at `chars[i]` (a backslash). In a class, multi-char escapes produce class items.
fn escape(chars: &[char], i: usize, in_class: bool) -> Result<(String, usize), String> {
    let Some(&c) = chars.get(i + 1) else { return Err("pattern ends with a backslash".into()) };
    let wrap = |s: String| if in_class { s } else { format!("[{s}]") };
    let s = match c {
        'n' | 'r' | 't' | '\\' | '|' | '.' | '?' | '*' | '+' | '(' | ')' | '{' | '}' | '-' | '[' | ']' | '^' => format!("\\{c}"),
        'd' | 'D' | 's' | 'S' | 'w' | 'W' => format!("\\{c}"),
        'i' => wrap(NAME_START.to_owned()),
        'c' => wrap(format!("{NAME_START}{NAME_EXTRA}")),
        'I' | 'C' => {
            if in_class {
                return Err(format!("\\{c} inside a character class is not supported"));
            }
            let set = if c == 'I' { NAME_START.to_owned() } else { format!("{NAME_START}{NAME_EXTRA}") };
            format!("[^{set}]")
        }
        'p' | 'P' => {
            let rest: String = chars[i + 2..].iter().collect();
            let Some(body) = rest.strip_prefix('{').and_then(|r| r.split_once('}')).map(|(b, _)| b.to_owned()) else {
                return Err(format!("malformed \\{c} escape"));
            };
            let n = 2 + body.len() + 2;
            let translated = match body.strip_prefix("Is") {
                Some(block) => block_range(block).map(|r| {
                    if c == 'p' {
                        wrap(r)
                    } else if in_class {
                        "\\P{Any}".to_string()
                    } else {
                        format!("[^{r}]")
                    }
                }),
                None => Some(format!("\\{c}{{{body}}}")),
            };
            return match translated {
                Some(t) => Ok((t, n)),
                None => Err(format!("unsupported Unicode block \\{c}{{{body}}}")),
            };
        }
        other => return Err(format!("unknown escape \\{other}")),
    };
    Ok((s, 2))
}

fn block_range(block: &str) -> Option<String> {
    let r = match block {
        "BasicLatin" => "\\u{0}-\\u{7F}",
        "Latin-1Supplement" => "\\u{80}-\\u{FF}",
        "LatinExtended-A" => "\\u{100}-\\u{17F}",
        "LatinExtended-B" => "\\u{180}-\\u{24F}",
        "IPAExtensions" => "\\u{250}-\\u{2AF}",
        "Greek" => "\\u{370}-\\u{3FF}",
        "Cyrillic" => "\\u{400}-\\u{4FF}",
        "Hebrew" => "\\u{590}-\\u{5FF}",
        "Arabic" => "\\u{600}-\\u{6FF}",
        "CJKUnifiedIdeographs" => "\\u{4E00}-\\u{9FFF}",
        _ => return None,
    };
    Some(r.to_owned())
}

/// A character class starting at `chars[i]` (`[`), with XSD subtraction.
fn class(chars: &[char], start: usize) -> Result<(String, usize), String> {
    let mut out = String::from("[");
    let mut i = start + 1;
    if chars.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    loop {
        let Some(&c) = chars.get(i) else { return Err("unterminated character class".into()) };
        match c {
            ']' => {
                out.push(']');
                return Ok((out, i + 1 - start));
            }
            '-' if chars.get(i + 1) == Some(&'[') => {
                let (sub, n) = class(chars, i + 1)?;
                out.push_str("--");
                out.push_str(&sub);
                i += 1 + n;
                if chars.get(i) != Some(&']') {
                    return Err("a subtraction must end its character class".into());
                }
            }
            '\\' => {
                let (s, n) = escape(chars, i, true)?;
                out.push_str(&s);
                i += n;
            }
            '[' | '&' | '~' => {
                out.push('\\');
                out.push(c);
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        regex::Regex::new(&translate(p).unwrap()).unwrap().is_match(s)
    }

    #[test]
    fn anchored_and_literal_anchors() {
        assert!(m("[0-9]{3}", "123"));
        assert!(!m("[0-9]{3}", "1234"));
        assert!(m("a^b$", "a^b$"));
        assert!(!m("a.b", "a\nb"));
        assert!(m("a.b", "a-b"));
    }

    #[test]
    fn exchange_patterns() {
        // From MS-OXWSCDATA ExcludesAttributeType.
        let p = "((0x|0X)[0-9A-Fa-f]*)|([0-9]*)";
        assert!(m(p, "0x1F") && m(p, "123") && !m(p, "0xZ"));
    }

    #[test]
    fn name_escapes_and_subtraction() {
        assert!(m("\\i\\c*", "_abc-1.x"));
        assert!(!m("\\i\\c*", "1abc"));
        assert!(m("[a-z-[aeiou]]+", "bcd"));
        assert!(!m("[a-z-[aeiou]]+", "bad"));
        assert!(m("\\p{IsBasicLatin}+", "abc"));
        assert!(m("\\p{Lu}", "Q"));
    }

    #[test]
    fn errors_are_reported() {
        assert!(translate("a\\").is_err());
        assert!(translate("[abc").is_err());
        assert!(translate("\\p{IsKlingon}").is_err());
        assert!(translate("(a").is_err());
    }
}
