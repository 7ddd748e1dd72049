//! Offline schema resolution (`tests/fixtures/locations/`): a WSDL that imports a WSDL, a
//! schema and a namespace by URL generates through an OASIS XML catalog or location maps,
//! relative locations inside a mapped document resolve against its URL, WSDL import cycles
//! are read once, and an unmapped URL is an error that names it, where it was asked for, and
//! the flag that maps it. Documents can also come from memory.

mod support;

use std::path::PathBuf;

use soapkit_codegen::Config;
use soapkit_codegen::read::MemoryResolver;

fn dir() -> PathBuf {
    support::fixtures().join("locations")
}

fn relative(paths: impl Iterator<Item = PathBuf>) -> Vec<String> {
    let base = dir();
    let mut v: Vec<String> = paths.map(|p| p.strip_prefix(&base).unwrap_or(&p).display().to_string()).collect();
    v.sort();
    v
}

/// What the generated IR contains, by the namespaces and names that matter here.
fn assert_everything_resolved(ir_dump: &str) {
    for needle in [
        "element #0 {urn:loc}Ask",
        "{http://example.com/ns/a}Thing",
        "{http://example.com/ns/a}Size",
        "{urn:loc:b}Other",
        "output AskOutput ({urn:loc:more}AnswerOut)",
        "element {urn:loc:more}Answer",
    ] {
        assert!(ir_dump.contains(needle), "the IR lacks {needle}:\n{ir_dump}");
    }
}

#[test]
fn a_catalog_resolves_urls_relative_urls_namespaces_and_import_cycles() {
    let out = Config::new()
        .display_base(dir())
        .catalog(dir().join("catalog.xml"))
        .generate(&[dir().join("service.wsdl")])
        .unwrap_or_else(|d| panic!("{d}"));
    assert_everything_resolved(&out.ir_dump);
    // Every file read, catalogs included (what a build script reruns on), each once.
    assert_eq!(
        relative(out.sources.paths().map(PathBuf::from)),
        [
            "catalog.xml",
            "local/b.xsd",
            "mirror/schemas/a.xsd",
            "mirror/schemas/common.xsd",
            "mirror/wsdl/more-types.wsdl",
            "mirror/wsdl/more.wsdl",
            "service.wsdl",
            "wsdl-catalog.xml"
        ]
    );
}

#[test]
fn location_maps_do_the_same_by_exact_url_and_by_directory() {
    let out = Config::new()
        .display_base(dir())
        .map_location("http://example.com/schemas/", dir().join("mirror/schemas"))
        .map_location("http://example.com/wsdl/more.wsdl", dir().join("mirror/wsdl/more.wsdl"))
        .map_location("http://example.com/wsdl/more-types.wsdl", dir().join("mirror/wsdl/more-types.wsdl"))
        .map_location("urn:loc:b", dir().join("local/b.xsd"))
        .generate(&[dir().join("service.wsdl")])
        .unwrap_or_else(|d| panic!("{d}"));
    assert_everything_resolved(&out.ir_dump);
}

#[test]
fn an_unmapped_url_is_an_error_naming_it_where_it_is_imported_and_the_flag() {
    // The schemas are mapped, the WSDL import is not: the wsdl:import fails at its line.
    let d = Config::new()
        .display_base(dir())
        .map_location("http://example.com/schemas/", dir().join("mirror/schemas"))
        .map_location("urn:loc:b", dir().join("local/b.xsd"))
        .generate(&[dir().join("service.wsdl")])
        .unwrap_err();
    assert_eq!(
        d.to_string(),
        "service.wsdl:8:3: error: cannot import 'http://example.com/wsdl/more.wsdl': http://example.com/wsdl/more.wsdl has no \
         local copy (the generator never reads the network): map it to a local copy with --map URL=PATH (Config::map_location) \
         or an XML catalog (--catalog, Config::catalog)"
    );
    // A mapped document's relative include resolves against its URL, which must be mapped too.
    let d = Config::new()
        .display_base(dir())
        .map_location("http://example.com/schemas/a.xsd", dir().join("mirror/schemas/a.xsd"))
        .catalog(dir().join("wsdl-catalog.xml"))
        .map_location("urn:loc:b", dir().join("local/b.xsd"))
        .generate(&[dir().join("service.wsdl")])
        .unwrap_err()
        .to_string();
    assert!(
        d.starts_with(
            "mirror/schemas/a.xsd:5:3: error: cannot include 'common.xsd': http://example.com/schemas/common.xsd has no local copy"
        ),
        "{d}"
    );
    // An xs:import location is a hint: the unresolved reference says why it was not read.
    let d = Config::new()
        .display_base(dir())
        .catalog(dir().join("wsdl-catalog.xml"))
        .map_location("urn:loc:b", dir().join("local/b.xsd"))
        .generate(&[dir().join("service.wsdl")])
        .unwrap_err()
        .to_string();
    assert!(d.contains("{http://example.com/ns/a}Thing"), "{d}");
    assert!(
        d.contains(
            "service.wsdl:11:7: note: the schema for namespace http://example.com/ns/a is imported here but \
             http://example.com/schemas/a.xsd has no local copy"
        ),
        "{d}"
    );
}

#[test]
fn catalog_errors_are_located() {
    let d = Config::new().display_base(dir()).catalog(dir().join("bad-catalog.xml")).generate(&[dir().join("service.wsdl")]).unwrap_err();
    assert_eq!(
        d.to_string(),
        "bad-catalog.xml:3:3: error: XML catalog entry <uri> without uri=\nbad-catalog.xml:4:3: error: unknown XML catalog entry <rewriteURL>"
    );
    let d = Config::new().display_base(dir()).catalog(dir().join("missing.xml")).generate(&[dir().join("service.wsdl")]).unwrap_err();
    assert!(d.to_string().starts_with("error: cannot read the XML catalog missing.xml: "), "{d}");
}

#[test]
fn documents_can_come_from_memory() {
    let wsdl = std::fs::read_to_string(dir().join("service.wsdl")).unwrap();
    let read = |p: &str| std::fs::read(dir().join(p)).unwrap();
    let resolver = MemoryResolver::new()
        .with_file("/mem/service.wsdl", wsdl)
        .with_file("/mem/a.xsd", read("mirror/schemas/a.xsd"))
        .with_file("/mem/common.xsd", read("mirror/schemas/common.xsd"))
        .with_file("/mem/b.xsd", read("local/b.xsd"))
        .with_file("/mem/more.wsdl", read("mirror/wsdl/more.wsdl"))
        .with_file("/mem/more-types.wsdl", read("mirror/wsdl/more-types.wsdl"))
        .with_url("http://example.com/schemas/a.xsd", "/mem/a.xsd")
        .with_url("http://example.com/schemas/common.xsd", "/mem/common.xsd")
        .with_url("urn:loc:b", "/mem/b.xsd")
        .with_url("http://example.com/wsdl/more.wsdl", "/mem/more.wsdl")
        .with_url("http://example.com/wsdl/more-types.wsdl", "/mem/more-types.wsdl");
    let out = Config::new().generate_with(&["/mem/service.wsdl"], &resolver).unwrap_or_else(|d| panic!("{d}"));
    assert_everything_resolved(&out.ir_dump);
    // A document the resolver lacks is an unreadable file, with where it was asked for.
    let d = Config::new().generate_with(&["/mem/missing.wsdl"], &resolver).unwrap_err();
    assert_eq!(d.to_string(), "error: cannot read /mem/missing.wsdl: no such document");
}
