//! The facade generated code imports (as `__rt`): everything it names, in one place, so the
//! runtime's internal layout can change without regenerating.

#[cfg(feature = "proptest")]
pub use crate::arbitrary;
pub use crate::client::{
    Binding, ClientError, ExtraHeaders, HeaderSource, SoapRequest, SoapResponse, Transport, TransportError, call, call_one_way, invoke,
    invoke_one_way,
};
pub use crate::codec::{
    AnyContent, Attempt, Codec, Complex, ComplexType, ElementCodec, Group, Nillable, NillableComplex, NillableSimple, RootElement, Simple,
    SimpleType, TypeName, char_len, check_count, check_fixed_attr, codecs, collapse, decode_any, decode_captured, decode_complex,
    decode_nillable_complex, decode_nillable_simple, decode_simple, decode_simple_with, duplicate, empty_content, encode_attr,
    encode_captured, encode_complex, encode_nillable_complex, encode_nillable_simple, encode_simple, end_of_content, is_xsi_type_of,
    longest_branch, many, many_any, many_any_upto, many_group, many_group_upto, many_upto, no_attributes, no_attributes_of, not_enumerated,
    one, one_any, opt, opt_any, opt_group, other_attribute, other_attribute_of, parse_attr, parse_enumeration, parse_list, put, put_many,
    put_many_any, put_many_group, put_opt, read_simple_content, replace, required_attribute, too_many, write_list, write_simple_content,
};
pub use crate::server::{
    FaultPolicy, Match, RequestContext, RequestInfo, Routes, SoapHttpRequest, SoapHttpResponse, SoapService, StandardFaults, accept,
    accepted, fault_response, message_response, record_operation, reject, request_text, respond, respond_accepted,
};
pub use crate::soap::{
    BodyProbe, EnvelopeReader, Fault, Probed, SoapMessage, SoapVersion, decode_fault, decode_message, encode_fault, encode_fault_into,
    encode_message, encode_message_into, encode_to_string, probe_body, unroutable,
};
pub use crate::tool::{MessageKind, MessageSet, decoded_or_keep, keep_furthest};
pub use crate::xml::ns::{NsId, NsTable, SOAP11_ENV, SOAP12_ENV, XML, XSI};
pub use crate::xml::{AnyAttribute, AnyElement, AnyNode, Attr, DecodeError, EncodeError, Limits, Reader, Start, Wildcard, Writer};
pub use crate::xsd;
pub use crate::xsd::{Lexical, QName, ValueError};
pub use crate::xsi::{
    Derivations, XsiType, abstract_type, blocked as xsi_blocked, check_blocked_encode, not_derived, parse_xsi_type, write_xsi_type,
    xsi_type,
};
pub use regex::Regex;
pub use std::sync::LazyLock;
