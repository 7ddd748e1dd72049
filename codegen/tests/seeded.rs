//! The three seeded systems, generated as `cargo xtask gen` generates them: Exchange
//! ([MS-OXWUMS] and [MS-OXWSCEXT] together), the Cisco EPAS SOAP 1.2 interface and the UCCN
//! schema. Each system's IR dump is an insta snapshot; its emitted code is the checked-in
//! `generated` crate itself (compared byte for byte here, and reviewed in its diffs), so it
//! is not kept a second time as a snapshot.

mod support;

use std::path::PathBuf;

use soapkit_codegen::Config;

/// (snapshot name, inputs, checked-in output directory) of every seeded system.
const SYSTEMS: &[(&str, &[&str], &str)] = &[
    ("exchange", &["schemas/ms-oxwums/MS-OXWUMS.wsdl", "schemas/ms-oxwscext/MS-OXWSCEXT.wsdl"], "generated/src/exchange"),
    ("cisco_epas", &["schemas/cisco-cup/epas.wsdl"], "generated/src/cisco_epas"),
    ("cisco_uccn", &["schemas/cisco-cup/UCCNSchema.xsd"], "generated/src/cisco_uccn"),
];

fn generated(inputs: &[&str]) -> soapkit_codegen::Generated {
    let root = support::workspace_dir();
    let inputs: Vec<PathBuf> = inputs.iter().map(|i| root.join(i)).collect();
    Config::new()
        .display_base(&root)
        .regenerate_with("change the schema and run `cargo xtask gen`")
        // As `cargo xtask gen` (xtask/src/gen_task.rs): the property-test strategies under the
        // generated crate's `proptest` feature.
        .arbitrary("feature = \"proptest\"")
        .generate(&inputs)
        .unwrap_or_else(|d| panic!("{d}"))
}

#[test]
fn ir_dumps() {
    for (name, inputs, _) in SYSTEMS {
        insta::assert_snapshot!(format!("{name}_ir"), generated(inputs).ir_dump);
    }
}

#[test]
fn emitted_code_is_the_checked_in_crate() {
    let root = support::workspace_dir();
    for (name, inputs, dir) in SYSTEMS {
        let out = generated(inputs);
        let stale = soapkit_codegen::output::stale_files(&root.join(dir), &out.files);
        assert!(stale.is_empty(), "{name}: {stale:?} differ from the generator's output: run `cargo xtask gen`");
    }
    let exchange = generated(SYSTEMS[0].1);
    let paths: Vec<&str> = exchange.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["mod.rs", "messages.rs", "types.rs", "um_web_service_soap.rs", "exchange_service_binding.rs"]);
}

/// MS-OXWUMS and MS-OXWSCEXT share their MS-OXWSCDATA types: generated together, each XML
/// type is one Rust type, and the MS-OXWUMS binding is exactly what MS-OXWUMS alone gives.
#[test]
fn the_exchange_services_share_one_type_per_xml_type() {
    let both = generated(SYSTEMS[0].1);
    let alone = generated(&["schemas/ms-oxwums/MS-OXWUMS.wsdl"]);
    let file = |g: &soapkit_codegen::Generated, p: &str| g.files.iter().find(|f| f.path == p).map(|f| f.code.clone()).unwrap();
    let strip_header = |s: String| s.split_once('\n').map(|(_, rest)| rest.to_owned()).unwrap();
    assert_eq!(strip_header(file(&both, "um_web_service_soap.rs")), strip_header(file(&alone, "um_web_service_soap.rs")));
    let messages = file(&both, "messages.rs");
    for shared in ["pub struct ResponseMessageType ", "pub enum ResponseCodeType ", "pub struct BaseRequestType "] {
        assert_eq!(messages.matches(shared).count(), 1, "{shared}");
    }
    let types = file(&both, "types.rs");
    for shared in ["pub struct ServerVersionInfo ", "pub struct RequestServerVersion ", "pub enum ExchangeVersionType "] {
        assert_eq!(types.matches(shared).count(), 1, "{shared}");
    }
    // Both bindings use the same header type.
    let cext = file(&both, "exchange_service_binding.rs");
    assert!(cext.contains("pub request_version: ::core::option::Option<super::types::RequestServerVersion>"), "{cext}");
}

#[test]
fn generation_is_deterministic() {
    for (name, inputs, _) in SYSTEMS {
        let first = generated(inputs);
        for _ in 0..2 {
            let again = generated(inputs);
            assert!(again.ir_dump == first.ir_dump, "{name}: the IR dump differs between generations");
            assert!(again.files == first.files, "{name}: the emitted files differ between generations");
            assert!(again.include_file == first.include_file, "{name}: the include file differs between generations");
        }
    }
}
