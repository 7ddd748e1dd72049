//! `soapkit.toml`: generator options kept next to the schema, for teams that regenerate
//! often. Paths in it are relative to the file's directory. Command-line options add to the
//! lists and override the single values.
//!
//! ```toml
//! out = "../src/generated"
//! runtime-path = "::soapkit::codegen"
//! arbitrary = 'feature = "proptest"'
//! operations = ["GetWeather"]
//! exclude-operations = ["Notify"]
//! catalogs = ["catalog.xml"]
//!
//! [modules]
//! "http://example.com/weather" = "weather"
//!
//! [rename-types]
//! "{http://example.com/weather}Type" = "WeatherKind"
//!
//! [rename-fields."{http://example.com/weather}Forecast"]
//! "type" = "kind"
//! "@id" = "forecast_id"
//!
//! [map]
//! "http://docs.oasis-open.org/wsn/b-2.xsd" = "vendor/b-2.xsd"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The name of the file looked for next to the first input.
pub const FILE_NAME: &str = "soapkit.toml";

/// The contents of a `soapkit.toml`, with its paths made relative to the current directory.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    /// Output directory of `soapkit generate`.
    pub out: Option<PathBuf>,
    /// Path of the runtime facade in the generated code.
    pub runtime_path: Option<String>,
    /// The `cfg` of the generated proptest strategies (none without it).
    pub arbitrary: Option<String>,
    /// Only these operations.
    pub operations: Option<Vec<String>>,
    /// Leave out these operations.
    #[serde(default)]
    pub exclude_operations: Vec<String>,
    /// Namespace URI → Rust module.
    #[serde(default)]
    pub modules: BTreeMap<String, String>,
    /// `{uri}local` → Rust type name.
    #[serde(default)]
    pub rename_types: BTreeMap<String, String>,
    /// `{uri}owner` → (XML name → Rust field or variant name).
    #[serde(default)]
    pub rename_fields: BTreeMap<String, BTreeMap<String, String>>,
    /// URL → local file (or URL ending in `/` → directory).
    #[serde(default)]
    pub map: BTreeMap<String, PathBuf>,
    /// OASIS XML catalogs.
    #[serde(default)]
    pub catalogs: Vec<PathBuf>,
}

impl Settings {
    /// Reads `path`; an error names the file, line and column.
    pub fn read(path: &Path) -> Result<Settings, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
        let mut s: Settings = toml::from_str(&text).map_err(|e| format!("error: {}: {}", located(path, &text, &e), e.message()))?;
        let dir = path.parent().unwrap_or(Path::new(""));
        s.out = s.out.map(|o| dir.join(o));
        for p in s.map.values_mut() {
            *p = dir.join(&*p);
        }
        for c in &mut s.catalogs {
            *c = dir.join(&*c);
        }
        Ok(s)
    }

    /// The settings file next to `input`, if there is one.
    pub fn beside(input: &Path) -> Option<PathBuf> {
        let file = input.parent().unwrap_or(Path::new("")).join(FILE_NAME);
        file.is_file().then_some(file)
    }
}

/// `file:line:column` of a TOML error.
fn located(path: &Path, text: &str, e: &toml::de::Error) -> String {
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("{}:{line}:{column}", path.display())
        }
        None => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_file_and_errors_are_located() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(FILE_NAME);
        std::fs::write(
            &file,
            "out = \"gen\"\nexclude-operations = [\"A\"]\n[map]\n\"http://x/a.xsd\" = \"a.xsd\"\n[rename-fields.\"{urn:x}T\"]\n\"@id\" = \"ident\"\n",
        )
        .unwrap();
        let s = Settings::read(&file).unwrap();
        assert_eq!(s.out, Some(dir.path().join("gen")));
        assert_eq!(s.map["http://x/a.xsd"], dir.path().join("a.xsd"));
        assert_eq!(s.rename_fields["{urn:x}T"]["@id"], "ident");
        assert_eq!(s.exclude_operations, ["A"]);

        std::fs::write(&file, "out = \"gen\"\nexclude_operation = [\"A\"]\n").unwrap();
        let e = Settings::read(&file).unwrap_err();
        assert!(e.starts_with(&format!("error: {}:2:1: unknown field `exclude_operation`", file.display())), "{e}");
    }
}
