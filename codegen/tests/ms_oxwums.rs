//! Snapshots of MS-OXWUMS (`schemas/ms-oxwums/MS-OXWUMS.wsdl`): the IR dump and every
//! emitted file, as `cargo xtask gen` generates them.

mod support;

use soapkit_codegen::Config;

fn generated() -> soapkit_codegen::Generated {
    let root = support::workspace_dir();
    Config::new()
        .display_base(&root)
        .regenerate_with("change the schema and run `cargo xtask gen`")
        .generate(&[root.join("schemas/ms-oxwums/MS-OXWUMS.wsdl")])
        .unwrap_or_else(|d| panic!("{d}"))
}

#[test]
fn ir_dump() {
    insta::assert_snapshot!("ms_oxwums_ir", generated().ir_dump);
}

#[test]
fn emitted_code() {
    let out = generated();
    let paths: Vec<&str> = out.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["mod.rs", "messages.rs", "types.rs", "um_web_service_soap.rs"]);
    for f in &out.files {
        let name = format!("ms_oxwums_{}", f.path.trim_end_matches(".rs"));
        insta::assert_snapshot!(name, f.code);
    }
}

#[test]
fn generation_is_deterministic() {
    let first = generated();
    for _ in 0..3 {
        let again = generated();
        assert!(again.ir_dump == first.ir_dump, "the IR dump differs between generations");
        assert!(again.files == first.files, "the emitted files differ between generations");
    }
}
