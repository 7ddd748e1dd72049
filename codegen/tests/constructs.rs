//! One small XSD or WSDL per construct (`tests/fixtures/constructs/`), each run through
//! [`generate`] with its IR dump and its emitted code (all files) kept as insta snapshots.
//! Files under `constructs/parts/` are only included or imported by the fixtures.

mod support;

use soapkit_codegen::Config;

fn run(file: &str) {
    let dir = support::fixtures().join("constructs");
    let path = dir.join(file);
    let out = match Config::new().display_base(support::fixtures()).generate(&[&path]) {
        Ok(out) => out,
        Err(d) => panic!("{file} does not generate:\n{d}"),
    };
    let name = file.rsplit_once('.').map_or(file, |(n, _)| n);
    let mut code = String::new();
    for f in &out.files {
        code.push_str(&format!("// ===== {} =====\n{}\n", f.path, f.code));
    }
    insta::assert_snapshot!(format!("{name}_ir"), out.ir_dump);
    insta::assert_snapshot!(format!("{name}_code"), code);
}

macro_rules! constructs {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                run($file);
            }
        )*

        /// Every fixture in the directory has a test above.
        #[test]
        fn every_fixture_has_a_test() {
            let listed = [$($file),*];
            let dir = support::fixtures().join("constructs");
            let mut missing = Vec::new();
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                if (n.ends_with(".xsd") || n.ends_with(".wsdl")) && !listed.contains(&n.as_str()) {
                    missing.push(n);
                }
            }
            assert!(missing.is_empty(), "fixtures without a test in constructs.rs: {missing:?}");
        }
    };
}

constructs! {
    elements => "elements.xsd",
    hostile_names => "hostile_names.xsd",
    compositors => "compositors.xsd",
    occurrence => "occurrence.xsd",
    complex_extension => "complex_extension.xsd",
    complex_restriction => "complex_restriction.xsd",
    simple_content => "simple_content.xsd",
    attributes => "attributes.xsd",
    model_groups => "model_groups.xsd",
    anonymous_types => "anonymous_types.xsd",
    enumerations => "enumerations.xsd",
    facets => "facets.xsd",
    lists_unions => "lists_unions.xsd",
    wildcards => "wildcards.xsd",
    nillable => "nillable.xsd",
    abstract_types_and_elements => "abstract.xsd",
    substitution_groups => "substitution_groups.xsd",
    substitution_derived => "substitution_derived.xsd",
    xsi_type => "xsi_type.xsd",
    simple_derivation => "simple_derivation.xsd",
    xsi_type_blocking => "xsi_type_blocking.xsd",
    recursion => "recursion.xsd",
    builtins => "builtins.xsd",
    forms => "forms.xsd",
    include_chameleon => "include_chameleon.xsd",
    include_cyclic => "include_cyclic.xsd",
    include_self => "include_self.xsd",
    import => "import.xsd",
    qname_scoping => "qname_scoping.xsd",
    wsdl_document_parts => "wsdl_document_parts.wsdl",
    wsdl_rpc => "wsdl_rpc.wsdl",
    wsdl_soap12 => "wsdl_soap12.wsdl",
    wsdl_soap_action => "wsdl_soap_action.wsdl",
    wsdl_body_parts => "wsdl_body_parts.wsdl",
    wsdl_headers => "wsdl_headers.wsdl",
    wsdl_faults => "wsdl_faults.wsdl",
    wsdl_import => "wsdl_import.wsdl",
    wsdl_shared_body_element => "wsdl_shared_body_element.wsdl",
    wsdl_one_way => "wsdl_one_way.wsdl",
}
