//! The HTTP side of SOAP messages, parsed and written in one place: the `Content-Type` (its
//! media type tells the SOAP version; SOAP 1.2 carries the action as a parameter) and the
//! SOAP 1.1 `SOAPAction` header.

use std::borrow::Cow;

use super::SoapVersion;

/// A parsed `Content-Type` value (RFC 9110 `media-type *( OWS ";" OWS parameter )`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentType<'a> {
    media: &'a str,
    params: Vec<(&'a str, Cow<'a, str>)>,
}

impl<'a> ContentType<'a> {
    /// Parses a header value. Parameter values may be quoted strings (with `\` escapes);
    /// malformed parameters are skipped.
    pub fn parse(value: &'a str) -> Self {
        let mut rest = value;
        let media_end = rest.find(';').unwrap_or(rest.len());
        let media = rest[..media_end].trim();
        rest = &rest[media_end..];
        let mut params = Vec::new();
        while let Some(r) = rest.strip_prefix(';') {
            let r = r.trim_start();
            let Some(eq) = r.find('=') else {
                rest = r.find(';').map_or("", |i| &r[i..]);
                continue;
            };
            let name = r[..eq].trim();
            let after = r[eq + 1..].trim_start();
            let (val, next) = if let Some(q) = after.strip_prefix('"') {
                // A quoted string: up to the closing quote, honouring backslash escapes.
                let mut out = String::new();
                let mut end = q.len();
                let mut escaped = false;
                for (i, c) in q.char_indices() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => {
                            end = i + 1;
                            break;
                        }
                        c => {
                            out.push(c);
                            escaped = false;
                        }
                    }
                }
                let tail = &q[end.min(q.len())..];
                (Cow::Owned(out), tail.find(';').map_or("", |i| &tail[i..]))
            } else {
                let end = after.find(';').unwrap_or(after.len());
                (Cow::Borrowed(after[..end].trim_end()), &after[end..])
            };
            if !name.is_empty() {
                params.push((name, val));
            }
            rest = next;
        }
        ContentType { media, params }
    }

    /// The media type (`text/xml`, `application/soap+xml`), as written.
    pub fn media(&self) -> &'a str {
        self.media
    }

    /// Whether the media type is `media` (ASCII case-insensitive).
    pub fn is(&self, media: &str) -> bool {
        self.media.eq_ignore_ascii_case(media)
    }

    /// The value of parameter `name` (case-insensitive name), unquoted.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_ref())
    }

    /// The SOAP version the media type stands for (`text/xml`: 1.1, `application/soap+xml`:
    /// 1.2), if either.
    pub fn soap_version(&self) -> Option<SoapVersion> {
        [SoapVersion::V11, SoapVersion::V12].into_iter().find(|v| self.is(v.media_type()))
    }

    /// The `charset` parameter, if given.
    pub fn charset(&self) -> Option<&str> {
        self.param("charset")
    }

    /// The `action` parameter (SOAP 1.2), if given.
    pub fn action(&self) -> Option<&str> {
        self.param("action")
    }
}

/// The `Content-Type` of a SOAP message of `version` with action `action` (SOAP 1.2 puts a
/// non-empty action in the `action` parameter; SOAP 1.1 in the `SOAPAction` header instead).
pub fn content_type(version: SoapVersion, action: &str) -> String {
    match version {
        SoapVersion::V11 => "text/xml; charset=utf-8".to_owned(),
        SoapVersion::V12 if action.is_empty() => "application/soap+xml; charset=utf-8".to_owned(),
        SoapVersion::V12 => format!("application/soap+xml; charset=utf-8; action={}", quote(action)),
    }
}

/// The `SOAPAction` header value for `action`: always a quoted string (SOAP 1.1 section 6.1.1).
pub fn soap_action_header(action: &str) -> String {
    quote(action)
}

/// The action a `SOAPAction` header value names: the quoted string's content (or the bare
/// value, which some clients send), with `\"` escapes resolved. The URI itself is kept as
/// sent (a `%22` stays `%22`).
pub fn soap_action_of(header: &str) -> String {
    let h = header.trim();
    match h.strip_prefix('"').and_then(|a| a.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\""),
        None => h.to_owned(),
    }
}

/// A URI as an HTTP quoted string: a `"` in it (not allowed in a URI, but possible in a
/// WSDL's soapAction) is written percent-encoded, as a URI would carry it.
fn quote(action: &str) -> String {
    format!("\"{}\"", action.replace('"', "%22"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_are_parsed_with_quoted_parameters() {
        let ct = ContentType::parse(r#"Application/SOAP+XML ; charset="UTF-8";action="urn:a;b\"c" ; x"#);
        assert!(ct.is("application/soap+xml"));
        assert_eq!(ct.soap_version(), Some(SoapVersion::V12));
        assert_eq!(ct.charset(), Some("UTF-8"));
        assert_eq!(ct.action(), Some("urn:a;b\"c"));
        let ct = ContentType::parse("text/xml;charset=utf-8");
        assert_eq!((ct.media(), ct.charset(), ct.action()), ("text/xml", Some("utf-8"), None));
        assert_eq!(ContentType::parse("text/plain").soap_version(), None);
    }

    #[test]
    fn actions_round_trip_through_headers() {
        for a in ["", "urn:x/Op", "http://e/a?b=c;d"] {
            assert_eq!(soap_action_of(&soap_action_header(a)), a);
            assert_eq!(ContentType::parse(&content_type(SoapVersion::V12, a)).action().unwrap_or_default(), a);
        }
        // A quote, which no URI has, travels percent-encoded and stays so.
        assert_eq!(soap_action_header("a\"b"), "\"a%22b\"");
        assert_eq!(soap_action_of(r#""a\"b""#), "a\"b");
        assert_eq!(soap_action_of("urn:bare"), "urn:bare");
        assert_eq!(content_type(SoapVersion::V11, "x"), "text/xml; charset=utf-8");
    }
}
