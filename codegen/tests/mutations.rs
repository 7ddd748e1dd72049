//! Bad input never panics the generator: the MS-OXWUMS schema set, mutated in a few hundred
//! deterministic ways (truncated, a line dropped or doubled, a name or a reference changed, an
//! attribute removed), must each either generate or fail with diagnostics, never panic; and
//! every diagnostic that has a place names it as file:line:column. (This test found that
//! `elementFormDefault="qualifed"`, `nillable="1"` and `name="p:x"` were taken silently.)

mod support;

use std::path::{Path, PathBuf};

use soapkit_codegen::Config;

/// A small deterministic generator (64-bit LCG), so that every run tries the same mutations.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The values of `attr="..."` in `text`, with their byte ranges.
fn attribute_values(text: &str, attr: &str) -> Vec<(usize, usize)> {
    let pat = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(&pat) {
        let start = from + i + pat.len();
        let Some(len) = text[start..].find('"') else { break };
        out.push((start, start + len));
        from = start + len;
    }
    out
}

/// One mutation of `text`, and what it was.
fn mutate(text: &str, rng: &mut Lcg) -> (String, String) {
    let lines: Vec<&str> = text.lines().collect();
    match rng.below(7) {
        0 => {
            // Truncated, at a character boundary.
            let mut at = rng.below(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            (text[..at].to_owned(), format!("truncated at byte {at}"))
        }
        1 => {
            let n = rng.below(lines.len());
            let mut l = lines.clone();
            l.remove(n);
            (l.join("\n"), format!("line {} dropped", n + 1))
        }
        2 => {
            let n = rng.below(lines.len());
            let mut l = lines.clone();
            l.insert(n, lines[n]);
            (l.join("\n"), format!("line {} doubled", n + 1))
        }
        3 | 4 => {
            // A reference or a name pointed elsewhere: another value of the same attribute, or
            // one that resolves to nothing, or one with an undeclared prefix.
            let attr = ["type", "ref", "base", "name", "element", "message", "itemType", "substitutionGroup"][rng.below(8)];
            let values = attribute_values(text, attr);
            if values.is_empty() {
                return (text.to_owned(), format!("no {attr}= to change"));
            }
            let (s, e) = values[rng.below(values.len())];
            let replacement = match rng.below(3) {
                0 => {
                    let (os, oe) = values[rng.below(values.len())];
                    text[os..oe].to_owned()
                }
                1 => format!("{}Missing", &text[s..e]),
                _ => format!("undeclared:{}", text[s..e].rsplit(':').next().unwrap_or("")),
            };
            (format!("{}{}{}", &text[..s], replacement, &text[e..]), format!("{attr}=\"{}\" -> \"{replacement}\"", &text[s..e]))
        }
        5 => {
            // An attribute removed.
            let attr = ["type", "name", "minOccurs", "maxOccurs", "targetNamespace", "schemaLocation", "namespace"][rng.below(7)];
            let values = attribute_values(text, attr);
            if values.is_empty() {
                return (text.to_owned(), format!("no {attr}= to remove"));
            }
            let (s, e) = values[rng.below(values.len())];
            let start = s - attr.len() - 3;
            (format!("{}{}", &text[..start], &text[e + 1..]), format!("{attr}=\"{}\" removed", &text[s..e]))
        }
        _ => {
            // A bogus occurrence bound or form value.
            let attr = ["minOccurs", "maxOccurs", "elementFormDefault", "use"][rng.below(4)];
            let values = attribute_values(text, attr);
            if values.is_empty() {
                return (text.to_owned(), format!("no {attr}= to change"));
            }
            let (s, e) = values[rng.below(values.len())];
            let bogus = ["-1", "", "many", "99999999999999999999", "qualifiedX"][rng.below(5)];
            (format!("{}{}{}", &text[..s], bogus, &text[e..]), format!("{attr}=\"{}\" -> \"{bogus}\"", &text[s..e]))
        }
    }
}

#[test]
fn mutated_schema_sets_never_panic_and_errors_say_where() {
    // The MS-OXWUMS set: its own folder and the shared MS-OXWSCDATA folder it includes from.
    let schemas = support::workspace_dir().join("schemas");
    let mut files: Vec<(String, String)> = Vec::new();
    for folder in ["ms-oxwums", "ms-oxwscdata"] {
        for e in std::fs::read_dir(schemas.join(folder)).unwrap().flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.ends_with(".wsdl") || n.ends_with(".xsd") {
                let rel = format!("{folder}/{n}");
                let text = std::fs::read_to_string(schemas.join(&rel)).unwrap();
                files.push((rel, text));
            }
        }
    }
    files.sort();
    assert!(files.len() >= 6, "the MS-OXWUMS schema set: {files:?}");

    let dir: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR")).join("codegen-mutations");
    let _ = std::fs::remove_dir_all(&dir);
    for (n, text) in &files {
        let path = dir.join(n);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let entry = dir.join("ms-oxwums/MS-OXWUMS.wsdl");
    let cfg = Config::new();
    // The unmutated set generates.
    cfg.generate(&[&entry]).unwrap_or_else(|d| panic!("the schema set does not generate:\n{d}"));

    let mut rng = Lcg(0x005e_ed0f_0a75);
    let (mut generated, mut rejected) = (0, 0);
    let mut problems = Vec::new();
    for i in 0..240 {
        let (name, original) = &files[rng.below(files.len())];
        let (mutated, what) = mutate(original, &mut rng);
        std::fs::write(dir.join(name), &mutated).unwrap();
        let result = std::panic::catch_unwind(|| cfg.generate(&[&entry]));
        std::fs::write(dir.join(name), original).unwrap();
        match result {
            Err(_) => problems.push(format!("#{i} {name}: {what}: generate panicked")),
            Ok(Ok(_)) => {
                generated += 1;
                if std::env::var_os("SHOW_MUTATIONS").is_some() {
                    eprintln!("generates: #{i} {name}: {what}");
                }
            }
            Ok(Err(d)) => {
                rejected += 1;
                let rendered = d.to_string();
                for x in &d.list {
                    let line = x.render(&d.sources);
                    if x.span.is_some() && !has_position(&line) {
                        problems.push(format!("#{i} {name}: {what}: a located diagnostic without file:line:column: {line}"));
                    }
                }
                if rendered.trim().is_empty() {
                    problems.push(format!("#{i} {name}: {what}: an error without diagnostics"));
                }
            }
        }
    }
    eprintln!("240 mutations of the MS-OXWUMS schema set: {generated} still generate, {rejected} are rejected with diagnostics");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The mutations are meant to break things: many must be rejected; some survive because
    // they leave a valid schema (a comment line dropped, a reference pointed at another
    // type, an optional attribute removed). SHOW_MUTATIONS=1 lists those.
    assert!(rejected >= 100 && generated >= 20, "{generated} generated, {rejected} rejected");
}

/// Whether a rendered diagnostic starts with `file:line:column: `.
fn has_position(rendered: &str) -> bool {
    let mut parts = rendered.splitn(4, ':');
    let (Some(file), Some(line), Some(col)) = (parts.next(), parts.next(), parts.next()) else { return false };
    !file.is_empty() && line.parse::<u32>().is_ok() && col.parse::<u32>().is_ok()
}
