//! The inputs of the generation benchmarks: MS-OXWUMS (the checked-in bindings), the full
//! Exchange Web Services WSDL when the reference material is present, and a synthetic WSDL in
//! several sizes for the linearity check.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// The MS-OXWUMS WSDL of the checked-in bindings.
pub fn ms_oxwums() -> PathBuf {
    root().join("schemas/ms-oxwums/MS-OXWUMS.wsdl")
}

/// The full EWS WSDL of the reference material, if it is there.
pub fn ews_full() -> Option<PathBuf> {
    let reference = std::env::var_os("SOAPKIT_REFERENCE").map_or_else(|| root().join("../shared/reference"), PathBuf::from);
    let ews = reference.join("ews-full/services.wsdl");
    if ews.exists() {
        Some(ews)
    } else {
        eprintln!(
            "the full EWS WSDL is left out: {} is absent (put ../shared beside the checkout or set SOAPKIT_REFERENCE)",
            ews.display()
        );
        None
    }
}

/// The sizes of the synthetic WSDL, in operations: 1x, 2x and 4x.
pub const SYNTHETIC_SIZES: [usize; 3] = [100, 200, 400];

/// Writes a synthetic document/literal WSDL with `operations` operations (into the target
/// directory) and returns its path. Each operation has a request and a response element of
/// its own complex types: a sequence of required, optional and repeated elements of built-in
/// types, an enumeration, a choice, an attribute, and a reference to the previous operation's
/// response type, so that the types form one connected graph as a real service's do (without
/// a chain of nested structs, which would make the size quadratic). Every
/// construct is one the generator handles in every stage, so the time is spread over all of
/// them.
pub fn synthetic(operations: usize) -> PathBuf {
    let tns = "urn:soapkit:bench:synthetic";
    let mut types = String::new();
    let mut messages = String::new();
    let mut port = String::new();
    let mut binding = String::new();
    for i in 0..operations {
        let prev = if i == 0 { "xs:string".to_owned() } else { format!("tns:Response{}Type", i - 1) };
        write!(
            types,
            r#"
      <xs:simpleType name="Status{i}Type">
        <xs:restriction base="xs:string">
          <xs:enumeration value="Active"/><xs:enumeration value="Inactive"/><xs:enumeration value="Pending_{i}"/>
        </xs:restriction>
      </xs:simpleType>
      <xs:complexType name="Request{i}Type">
        <xs:sequence>
          <xs:element name="Id" type="xs:string"/>
          <xs:element name="Count" type="xs:int" minOccurs="0"/>
          <xs:element name="When" type="xs:dateTime" minOccurs="0"/>
          <xs:element name="Status" type="tns:Status{i}Type"/>
          <xs:element name="Item" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
          <xs:choice>
            <xs:element name="ByName" type="xs:string"/>
            <xs:element name="ByNumber" type="xs:long"/>
          </xs:choice>
          <xs:element name="Previous" type="{prev}" minOccurs="0"/>
        </xs:sequence>
        <xs:attribute name="Version" type="xs:string" use="required"/>
      </xs:complexType>
      <xs:complexType name="Response{i}Type">
        <xs:sequence>
          <xs:element name="Result" type="xs:boolean"/>
          <xs:element name="Amount" type="xs:decimal" minOccurs="0"/>
          <xs:element name="Status" type="tns:Status{i}Type" minOccurs="0" maxOccurs="unbounded"/>
        </xs:sequence>
      </xs:complexType>
      <xs:element name="Operation{i}" type="tns:Request{i}Type"/>
      <xs:element name="Operation{i}Response" type="tns:Response{i}Type"/>"#
        )
        .expect("write to a String");
        write!(
            messages,
            r#"
  <wsdl:message name="Operation{i}Input"><wsdl:part name="body" element="tns:Operation{i}"/></wsdl:message>
  <wsdl:message name="Operation{i}Output"><wsdl:part name="body" element="tns:Operation{i}Response"/></wsdl:message>"#
        )
        .expect("write to a String");
        write!(
            port,
            r#"
    <wsdl:operation name="Operation{i}">
      <wsdl:input message="tns:Operation{i}Input"/>
      <wsdl:output message="tns:Operation{i}Output"/>
    </wsdl:operation>"#
        )
        .expect("write to a String");
        write!(
            binding,
            r#"
    <wsdl:operation name="Operation{i}">
      <soap:operation soapAction="{tns}/Operation{i}"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>"#
        )
        .expect("write to a String");
    }
    let wsdl = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="{tns}" targetNamespace="{tns}">
  <wsdl:types>
    <xs:schema targetNamespace="{tns}" elementFormDefault="qualified">{types}
    </xs:schema>
  </wsdl:types>{messages}
  <wsdl:portType name="SyntheticPortType">{port}
  </wsdl:portType>
  <wsdl:binding name="SyntheticBinding" type="tns:SyntheticPortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>{binding}
  </wsdl:binding>
  <wsdl:service name="SyntheticService">
    <wsdl:port name="SyntheticPort" binding="tns:SyntheticBinding">
      <soap:address location="https://localhost/synthetic"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
"#
    );
    let dir = root().join("target/bench-inputs");
    std::fs::create_dir_all(&dir).expect("create target/bench-inputs");
    let path = dir.join(format!("synthetic-{operations}.wsdl"));
    std::fs::write(&path, wsdl).expect("write the synthetic WSDL");
    path
}
