//! Negative fixtures (`tests/fixtures/errors/`), one per diagnostic kind and case: each must
//! fail with exactly the rendered diagnostics asserted here (file:line:column, the QName, and
//! both originals for duplicates and collisions), and `generate` must never panic.

mod support;

use soapkit_codegen::Config;
use soapkit_codegen::diag::DiagKind;

/// Generates `file` (relative to `tests/fixtures/errors/`) and returns the kinds and the
/// rendered `Diagnostics`.
fn fail(file: &str) -> (Vec<DiagKind>, String) {
    let path = support::fixtures().join("errors").join(file);
    let mut cfg = Config::new();
    cfg.display_base(support::fixtures());
    let result = std::panic::catch_unwind(|| cfg.generate(&[&path]));
    match result {
        Err(_) => panic!("generate panicked on {file}"),
        Ok(Ok(_)) => panic!("{file} generated without an error"),
        Ok(Err(d)) => {
            let rendered = d.to_string();
            // The Display lists every diagnostic.
            for x in &d.list {
                assert!(rendered.contains(&x.render(&d.sources)), "{rendered}");
            }
            (d.list.iter().map(|x| x.kind).collect(), rendered)
        }
    }
}

fn check(file: &str, kind: DiagKind, expected: &str) {
    let (kinds, rendered) = fail(file);
    assert_eq!(rendered, expected, "{file}");
    assert!(kinds.iter().all(|k| *k == kind), "{file}: {kinds:?}");
}

macro_rules! cases {
    ($($test:ident: $file:literal, $kind:ident => $expected:expr;)*) => {
        $(
            #[test]
            fn $test() {
                check($file, DiagKind::$kind, $expected);
            }
        )*

        /// Every negative fixture has a case above.
        #[test]
        fn every_fixture_has_a_case() {
            let listed = [$($file),*];
            let dir = support::fixtures().join("errors");
            let mut missing = Vec::new();
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                if (n.ends_with(".xsd") || n.ends_with(".wsdl")) && !listed.contains(&n.as_str()) {
                    missing.push(n);
                }
            }
            assert!(missing.is_empty(), "fixtures without a case in diagnostics.rs: {missing:?}");
        }
    };
}

#[test]
fn missing_entry_file() {
    let (kinds, rendered) = fail("does_not_exist.wsdl");
    assert_eq!(kinds, [DiagKind::Unreadable]);
    assert!(rendered.starts_with("error: cannot read errors/does_not_exist.wsdl: "), "{rendered}");
}

cases! {
    collision_enum_values: "collision_enum_values.xsd", NameCollision => r#"errors/collision_enum_values.xsd:6:7: error: generated name `AB` for a variant of simple type {urn:err}S is used by both enumeration value "a-b" and enumeration value "a_b"; rename one of them in the generator options
  errors/collision_enum_values.xsd:5:7: note: enumeration value "a-b" is defined here"#;
    collision_fields: "collision_fields.xsd", NameCollision => r#"errors/collision_fields.xsd:7:9: error: generated name `a_b` for a field of the anonymous type of element {urn:err}E is used by both element {urn:err}a-b and element {urn:err}a_b; rename one of them in the generator options
  errors/collision_fields.xsd:6:9: note: element {urn:err}a-b is defined here"#;
    collision_types: "collision_types.xsd", NameCollision => r#"errors/collision_types.xsd:4:3: error: generated name `FooBar` in module `err` is used by both complex type {urn:err}foo_bar and complex type {urn:err}FooBar; rename one of them in the generator options
  errors/collision_types.xsd:3:3: note: complex type {urn:err}foo_bar is defined here"#;
    duplicate_across_include: "duplicate_across_include.xsd", Duplicate => r#"errors/duplicate_across_include.xsd:5:3: error: duplicate definition of type {urn:err}T
  errors/parts/defines_t.xsd:3:3: note: first defined here"#;
    duplicate_attribute: "duplicate_attribute.xsd", Duplicate => r#"errors/duplicate_attribute.xsd:4:3: error: duplicate definition of attribute {urn:err}a
  errors/duplicate_attribute.xsd:3:3: note: first defined here"#;
    duplicate_attribute_group: "duplicate_attribute_group.xsd", Duplicate => r#"errors/duplicate_attribute_group.xsd:4:3: error: duplicate definition of attribute group {urn:err}AG
  errors/duplicate_attribute_group.xsd:3:3: note: first defined here"#;
    duplicate_attribute_use: "duplicate_attribute_use.xsd", Duplicate => r#"errors/duplicate_attribute_use.xsd:4:32: error: attribute id is declared twice
  errors/duplicate_attribute_use.xsd:7:7: note: first declared here"#;
    duplicate_binding: "duplicate_binding.wsdl", Duplicate => r#"errors/duplicate_binding.wsdl:20:3: error: duplicate definition of WSDL binding {urn:err}B
  errors/duplicate_binding.wsdl:12:3: note: first defined here"#;
    duplicate_element: "duplicate_element.xsd", Duplicate => r#"errors/duplicate_element.xsd:4:3: error: duplicate definition of element {urn:err}E
  errors/duplicate_element.xsd:3:3: note: first defined here"#;
    duplicate_group: "duplicate_group.xsd", Duplicate => r#"errors/duplicate_group.xsd:4:3: error: duplicate definition of model group {urn:err}G
  errors/duplicate_group.xsd:3:3: note: first defined here"#;
    duplicate_message: "duplicate_message.wsdl", Duplicate => r#"errors/duplicate_message.wsdl:9:3: error: duplicate definition of WSDL message {urn:err}M
  errors/duplicate_message.wsdl:8:3: note: first defined here"#;
    duplicate_port_type: "duplicate_port_type.wsdl", Duplicate => r#"errors/duplicate_port_type.wsdl:12:3: error: duplicate definition of WSDL port type {urn:err}P
  errors/duplicate_port_type.wsdl:9:3: note: first defined here"#;
    duplicate_type: "duplicate_type.xsd", Duplicate => r#"errors/duplicate_type.xsd:4:3: error: duplicate definition of type {urn:err}T
  errors/duplicate_type.xsd:3:3: note: first defined here"#;
    invalid_group_contains_itself: "invalid_group_contains_itself.xsd", Invalid => r#"errors/invalid_group_contains_itself.xsd:6:7: error: model group {urn:err}G contains itself"#;
    unresolved_substitution_head_type: "unresolved_substitution_head_type.xsd", Unresolved => r#"errors/unresolved_substitution_head_type.xsd:3:3: error: unresolved reference to type {urn:err}Missing"#;
    invalid_substitution_group_cycle: "invalid_substitution_group_cycle.xsd", Invalid => r#"errors/invalid_substitution_group_cycle.xsd:3:3: error: element {urn:err}B is in a substitution group cycle: its head {urn:err}A leads back to it, so no element of the cycle has a type"#;
    invalid_max_below_min: "invalid_max_below_min.xsd", Invalid => r#"errors/invalid_max_below_min.xsd:6:9: error: maxOccurs 2 is less than minOccurs 3"#;
    invalid_attribute_values: "invalid_attribute_values.xsd", Invalid => r#"errors/invalid_attribute_values.xsd:2:1: error: invalid elementFormDefault 'qualifed' on xs:schema: expected qualified or unqualified
errors/invalid_attribute_values.xsd:3:3: error: invalid mixed 'yes' on xs:complexType 'T': expected true, false, 1 or 0
errors/invalid_attribute_values.xsd:5:7: error: invalid form 'Qualified' on xs:element 'x': expected qualified or unqualified
errors/invalid_attribute_values.xsd:5:7: error: invalid nillable 'True' on xs:element 'x': expected true, false, 1 or 0
errors/invalid_attribute_values.xsd:7:5: error: invalid form 'none' on xs:attribute 'a': expected qualified or unqualified
errors/invalid_attribute_values.xsd:9:3: error: invalid abstract 'no' on xs:element 'E': expected true, false, 1 or 0"#;
    invalid_name: "invalid_name.xsd", Invalid => r#"errors/invalid_name.xsd:3:3: error: a global xs:complexType name 'tns:T' is not an NCName (a name without a colon)
errors/invalid_name.xsd:4:3: error: xs:element name '1st' is not an NCName (a name without a colon)"#;
    invalid_min_occurs: "invalid_min_occurs.xsd", Invalid => r#"errors/invalid_min_occurs.xsd:6:9: error: invalid minOccurs '-1'"#;
    invalid_block_values: "invalid_block_values.xsd", Invalid => r#"errors/invalid_block_values.xsd:2:1: error: invalid blockDefault '#none' on xs:schema: '#none' is not #all or one of extension, restriction, substitution
errors/invalid_block_values.xsd:3:3: error: invalid block 'substitution' on xs:complexType 'T': 'substitution' is not #all or one of extension, restriction
errors/invalid_block_values.xsd:3:3: error: invalid final 'list' on xs:complexType 'T': 'list' is not #all or one of extension, restriction
errors/invalid_block_values.xsd:6:3: error: invalid block 'extension, restriction' on xs:element 'E': 'extension,' is not #all or one of extension, restriction, substitution"#;
    invalid_final_derivation: "invalid_final_derivation.xsd", Invalid => r#"errors/invalid_final_derivation.xsd:8:7: error: complex type {urn:err}Opened derives from {urn:err}Closed by extension, which {urn:err}Closed forbids (final="extension")
  errors/invalid_final_derivation.xsd:3:3: note: {urn:err}Closed is defined here
errors/invalid_final_derivation.xsd:23:15: error: an anonymous complex type derives from {urn:err}Defaulted by restriction, which {urn:err}Defaulted forbids (final="restriction")
  errors/invalid_final_derivation.xsd:13:3: note: {urn:err}Defaulted is defined here"#;
    invalid_substitution_type: "invalid_substitution_type.xsd", Invalid => r#"errors/invalid_substitution_type.xsd:17:3: error: element {urn:err}red is in the substitution group of {urn:err}shape, but its type is not derived from {urn:err}Shape
  errors/invalid_substitution_type.xsd:16:3: note: {urn:err}shape is declared here
errors/invalid_substitution_type.xsd:18:3: error: element {urn:err}circle is in the substitution group of {urn:err}shape, but its type is derived by extension, which {urn:err}shape excludes (final="extension")
  errors/invalid_substitution_type.xsd:16:3: note: {urn:err}shape is declared here"#;
    invalid_self_derivation: "invalid_self_derivation.xsd", Invalid => r#"errors/invalid_self_derivation.xsd:3:3: error: complex type {urn:err}Loop derives from itself"#;
    invalid_simple_restricts_any_type: "invalid_simple_restricts_any_type.xsd", Invalid => r#"errors/invalid_simple_restricts_any_type.xsd:3:3: error: a simple type cannot restrict xs:anyType"#;
    unreadable_dtd: "unreadable_dtd.xsd", Unreadable => r#"errors/unreadable_dtd.xsd:1:1: error: not well-formed XML: XML with DTD detected"#;
    unreadable_malformed: "unreadable_malformed.xsd", Unreadable => r#"errors/unreadable_malformed.xsd:4:1: error: not well-formed XML: expected 'xs:element' tag, not 'xs:schema' at 4:1"#;
    unreadable_missing_include: "unreadable_missing_include.xsd", Unreadable => r#"errors/unreadable_missing_include.xsd:3:3: error: cannot read errors/no_such_file.xsd: No such file or directory (os error 2)"#;
    unreadable_non_utf8: "unreadable_non_utf8.xsd", Unreadable => r#"errors/unreadable_non_utf8.xsd:3:24: error: errors/unreadable_non_utf8.xsd is not valid UTF-8 (only UTF-8 input is supported): invalid utf-8 sequence of 1 bytes from index 200"#;
    unresolved_attribute: "unresolved_attribute.xsd", Unresolved => r#"errors/unresolved_attribute.xsd:5:7: error: unresolved reference to attribute {urn:err}missing"#;
    unresolved_attribute_group: "unresolved_attribute_group.xsd", Unresolved => r#"errors/unresolved_attribute_group.xsd:5:7: error: unresolved reference to attribute group {urn:err}Missing"#;
    unresolved_binding: "unresolved_binding.wsdl", Unresolved => r#"errors/unresolved_binding.wsdl:21:5: error: unresolved reference to WSDL binding {urn:err}MissingBinding"#;
    unresolved_builtin: "unresolved_builtin.xsd", Unresolved => r#"errors/unresolved_builtin.xsd:3:3: error: unknown XML Schema built-in type {http://www.w3.org/2001/XMLSchema}str"#;
    unresolved_element: "unresolved_element.xsd", Unresolved => r#"errors/unresolved_element.xsd:6:9: error: unresolved reference to element {urn:err}Missing"#;
    unresolved_group: "unresolved_group.xsd", Unresolved => r#"errors/unresolved_group.xsd:5:7: error: unresolved reference to model group {urn:err}Missing"#;
    unresolved_message: "unresolved_message.wsdl", Unresolved => r#"errors/unresolved_message.wsdl:9:31: error: unresolved reference to WSDL message {urn:err}Missing
errors/unresolved_message.wsdl:9:66: error: unresolved reference to WSDL message {urn:err}Missing"#;
    unresolved_part_element: "unresolved_part_element.wsdl", Unresolved => r#"errors/unresolved_part_element.wsdl:8:26: error: unresolved reference to element {urn:err}MissingElement"#;
    unresolved_port_type: "unresolved_port_type.wsdl", Unresolved => r#"errors/unresolved_port_type.wsdl:8:3: error: unresolved reference to WSDL port type {urn:err}MissingPortType"#;
    unresolved_prefix: "unresolved_prefix.xsd", Unresolved => r#"errors/unresolved_prefix.xsd:3:3: error: namespace prefix 'nope' in 'nope:T' is not declared"#;
    unresolved_redeclared_prefix: "unresolved_redeclared_prefix.xsd", Unresolved => r#"errors/unresolved_redeclared_prefix.xsd:5:3: error: unresolved reference to type {urn:elsewhere}T"#;
    unresolved_type: "unresolved_type.xsd", Unresolved => r#"errors/unresolved_type.xsd:3:3: error: unresolved reference to type {urn:err}Missing"#;
    unsupported_encoded: "unsupported_encoded.wsdl", Unsupported => r#"errors/unsupported_encoded.wsdl:16:19: error: unsupported construct: use="encoded" (SOAP encoding)"#;
    unsupported_notification: "unsupported_notification.wsdl", Unsupported => r#"errors/unsupported_notification.wsdl:10:5: error: unsupported construct: notification operation (wsdl:output without wsdl:input) 'Op': only request-response and one-way operations are generated; leave it out with Options::exclude_operations (--exclude-operations Op)"#;
    unsupported_solicit_response: "unsupported_solicit_response.wsdl", Unsupported => r#"errors/unsupported_solicit_response.wsdl:12:5: error: unsupported construct: solicit-response operation (wsdl:output before wsdl:input) 'Poll': only request-response and one-way operations are generated; leave it out with Options::exclude_operations (--exclude-operations Poll)"#;
    invalid_binding_lacks_output: "invalid_binding_lacks_output.wsdl", Invalid => r#"errors/invalid_binding_lacks_output.wsdl:14:5: error: binding {urn:err}B operation 'Op' has no wsdl:output, which its port type operation has"#;
    unsupported_overloaded_operation: "unsupported_overloaded_operation.wsdl", Unsupported => r#"errors/unsupported_overloaded_operation.wsdl:11:5: error: unsupported construct: overloaded operation 'Op'"#;
    unsupported_redefine: "unsupported_redefine.xsd", Unsupported => r#"errors/unsupported_redefine.xsd:3:3: error: unsupported construct xs:redefine"#;
    unsupported_required_extension: "unsupported_required_extension.wsdl", Unsupported => r#"errors/unsupported_required_extension.wsdl:14:5: error: unsupported required WSDL extension {urn:some-extension}policy"#;
}
