//! [`SimpleValue`]: a value of any built-in simple datatype, for `xs:anyType` content that
//! names its type with `xsi:type`.
//!
//! An element declared `xs:anyType` (or declared without a type) may carry any content; a
//! sender that puts a number or a date there says which with `xsi:type="xs:int"`. The
//! generated code keeps such content as [`AnyContent`](crate::codec::AnyContent), whose
//! `value` is then the typed value; written back, it carries the same `xsi:type`.

use crate::codec::{Codec, codecs};
use crate::xml::{EncodeError, Reader, Writer};
use crate::xsd::{
    Base64Binary, Date, DateTime, Decimal, Duration, GDay, GMonth, GMonthDay, GYear, GYearMonth, HexBinary, Integer, QName, Time,
    ValueError,
};

macro_rules! simple_values {
    ($($(#[$doc:meta])* $variant:ident($value:ty, $codec:ty) = $xs:literal;)*) => {
        /// A value of one of the XML Schema built-in simple datatypes (Part 2, section 3), with
        /// the datatype it was named as. The Rust types are the generated code's (see the
        /// [module docs](super)); the string-like ones are checked and whitespace-processed
        /// as their datatype says.
        #[derive(Clone, Debug, PartialEq)]
        pub enum SimpleValue {
            $($(#[$doc])* $variant($value),)*
        }

        impl SimpleValue {
            /// The local name of the datatype in the XML Schema namespace (`int`, `dateTime`,
            /// `NCName`, ...).
            pub fn xs_name(&self) -> &'static str {
                match self {
                    $(SimpleValue::$variant(_) => $xs,)*
                }
            }

            /// Parses `text` as the built-in simple datatype `xs_name`; `None` if there is no
            /// such built-in simple type (`anyType` is not one).
            pub fn parse(xs_name: &str, text: &str, r: &Reader<'_>) -> Option<Result<SimpleValue, ValueError>> {
                Some(match xs_name {
                    $($xs => <$codec as Codec>::parse(text, r).map(SimpleValue::$variant),)*
                    _ => return None,
                })
            }

            /// Appends the lexical form to `buf` (`w` has the start tag open, for QName
            /// values that declare their prefix).
            pub fn write(&self, buf: &mut String, w: &mut Writer) -> Result<(), EncodeError> {
                match self {
                    $(SimpleValue::$variant(v) => <$codec as Codec>::write(v, buf, w),)*
                }
            }
        }
    };
}

simple_values! {
    /// `xs:anySimpleType`: the text as it is.
    AnySimpleType(String, String) = "anySimpleType";
    /// `xs:string`.
    String(String, String) = "string";
    /// `xs:normalizedString`.
    NormalizedString(String, codecs::NormalizedString) = "normalizedString";
    /// `xs:token`.
    Token(String, codecs::Token) = "token";
    /// `xs:language`.
    Language(String, codecs::Language) = "language";
    /// `xs:Name`.
    Name(String, codecs::Name) = "Name";
    /// `xs:NCName`.
    NcName(String, codecs::NcName) = "NCName";
    /// `xs:ID`.
    Id(String, codecs::NcName) = "ID";
    /// `xs:IDREF`.
    IdRef(String, codecs::NcName) = "IDREF";
    /// `xs:IDREFS`.
    IdRefs(Vec<String>, codecs::NmTokens) = "IDREFS";
    /// `xs:ENTITY`.
    Entity(String, codecs::NcName) = "ENTITY";
    /// `xs:ENTITIES`.
    Entities(Vec<String>, codecs::NmTokens) = "ENTITIES";
    /// `xs:NMTOKEN`.
    NmToken(String, codecs::NmToken) = "NMTOKEN";
    /// `xs:NMTOKENS`.
    NmTokens(Vec<String>, codecs::NmTokens) = "NMTOKENS";
    /// `xs:anyURI`.
    AnyUri(String, codecs::AnyUri) = "anyURI";
    /// `xs:QName` (its prefix resolved where it was read).
    QName(QName, QName) = "QName";
    /// `xs:NOTATION`.
    Notation(QName, QName) = "NOTATION";
    /// `xs:boolean`.
    Boolean(bool, bool) = "boolean";
    /// `xs:decimal`.
    Decimal(Decimal, Decimal) = "decimal";
    /// `xs:integer`.
    Integer(Integer, Integer) = "integer";
    /// `xs:nonPositiveInteger`.
    NonPositiveInteger(Integer, codecs::NonPositiveInteger) = "nonPositiveInteger";
    /// `xs:negativeInteger`.
    NegativeInteger(Integer, codecs::NegativeInteger) = "negativeInteger";
    /// `xs:nonNegativeInteger`.
    NonNegativeInteger(Integer, codecs::NonNegativeInteger) = "nonNegativeInteger";
    /// `xs:positiveInteger`.
    PositiveInteger(Integer, codecs::PositiveInteger) = "positiveInteger";
    /// `xs:long`.
    Long(i64, i64) = "long";
    /// `xs:int`.
    Int(i32, i32) = "int";
    /// `xs:short`.
    Short(i16, i16) = "short";
    /// `xs:byte`.
    Byte(i8, i8) = "byte";
    /// `xs:unsignedLong`.
    UnsignedLong(u64, u64) = "unsignedLong";
    /// `xs:unsignedInt`.
    UnsignedInt(u32, u32) = "unsignedInt";
    /// `xs:unsignedShort`.
    UnsignedShort(u16, u16) = "unsignedShort";
    /// `xs:unsignedByte`.
    UnsignedByte(u8, u8) = "unsignedByte";
    /// `xs:float`.
    Float(f32, f32) = "float";
    /// `xs:double`.
    Double(f64, f64) = "double";
    /// `xs:duration`.
    Duration(Duration, Duration) = "duration";
    /// `xs:dateTime`.
    DateTime(DateTime, DateTime) = "dateTime";
    /// `xs:date`.
    Date(Date, Date) = "date";
    /// `xs:time`.
    Time(Time, Time) = "time";
    /// `xs:gYear`.
    GYear(GYear, GYear) = "gYear";
    /// `xs:gYearMonth`.
    GYearMonth(GYearMonth, GYearMonth) = "gYearMonth";
    /// `xs:gMonth`.
    GMonth(GMonth, GMonth) = "gMonth";
    /// `xs:gMonthDay`.
    GMonthDay(GMonthDay, GMonthDay) = "gMonthDay";
    /// `xs:gDay`.
    GDay(GDay, GDay) = "gDay";
    /// `xs:base64Binary`.
    Base64Binary(Base64Binary, Base64Binary) = "base64Binary";
    /// `xs:hexBinary`.
    HexBinary(HexBinary, HexBinary) = "hexBinary";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::NsTable;

    fn parse(name: &str, text: &str) -> Option<Result<SimpleValue, ValueError>> {
        SimpleValue::parse(name, text, &Reader::new("", NsTable::STANDARD))
    }

    fn written(v: &SimpleValue) -> String {
        let mut buf = String::new();
        v.write(&mut buf, &mut Writer::new()).unwrap();
        buf
    }

    #[test]
    fn each_datatype_parses_its_lexical_space() {
        assert_eq!(parse("int", " 42 ").unwrap().unwrap(), SimpleValue::Int(42));
        assert_eq!(parse("boolean", "1").unwrap().unwrap(), SimpleValue::Boolean(true));
        assert_eq!(parse("string", " a ").unwrap().unwrap(), SimpleValue::String(" a ".into()));
        assert_eq!(parse("token", " a  b ").unwrap().unwrap(), SimpleValue::Token("a b".into()));
        assert_eq!(written(&parse("dateTime", "2026-12-03T10:00:00Z").unwrap().unwrap()), "2026-12-03T10:00:00Z");
        assert_eq!(parse("int", "x").unwrap().unwrap_err().to_string(), "'x' is not a valid xs:int");
        assert!(parse("positiveInteger", "0").unwrap().is_err());
        assert!(parse("anyType", "x").is_none(), "anyType is not a simple type");
        assert!(parse("Int", "1").is_none(), "names are case-sensitive");
    }

    #[test]
    fn the_name_is_the_datatypes() {
        for (name, text) in [("ID", "a"), ("IDREFS", "a b"), ("unsignedByte", "255"), ("gMonthDay", "--12-03"), ("hexBinary", "0F")] {
            let v = parse(name, text).unwrap().unwrap();
            assert_eq!(v.xs_name(), name);
        }
    }
}
