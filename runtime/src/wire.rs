//! Wire logs: the envelopes a client sends and receives and a server receives and answers, as
//! `tracing` events at TRACE under the target [`TARGET`] (`soapkit::wire`), with credentials
//! redacted.
//!
//! Enable them with a filter such as `soapkit::wire=trace` (tracing-subscriber's `EnvFilter`
//! syntax). Each event has the fields `direction` (`request` or `response`), `side` (`client`
//! or `server`), `headers` (the HTTP headers that matter, `Authorization` and cookies
//! redacted) and `body` (the envelope, the content of secret elements redacted, see
//! [`redact`]). Nothing is formatted unless the target is enabled.

use std::borrow::Cow;

/// The target of the wire logs.
pub const TARGET: &str = "soapkit::wire";

/// What replaces a secret.
pub const REDACTED: &str = "[redacted]";

/// Whether an element with this local name holds a secret: a password, a token, a secret, a
/// nonce, a PIN or a session key (WS-Security's `wsse:Password`, `wsse:Nonce` and
/// `wsse:BinarySecurityToken` among them), by name in any namespace.
pub fn is_secret_element(local: &str) -> bool {
    let l = local.to_ascii_lowercase();
    // A UsernameToken is the container of a user name and a password, not a secret itself.
    if l == "usernametoken" {
        return false;
    }
    matches!(l.as_str(), "password" | "passwd" | "pwd" | "secret" | "nonce" | "pin" | "sessionkey" | "session-key" | "session_key")
        || ["password", "token", "secret"].iter().any(|s| l.ends_with(s))
}

/// The envelope with the content of every secret element ([`is_secret_element`]) replaced by
/// [`REDACTED`]. A body that is not well-formed XML is not shown at all (it could hold a
/// secret where no element says so).
pub fn redact(xml: &str) -> Cow<'_, str> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut spans: Vec<(usize, usize)> = Vec::new();
    // The depth and content start of the secret element being skipped, if any.
    let mut secret: Option<(usize, usize)> = None;
    let mut depth = 0usize;
    loop {
        let before = reader.buffer_position() as usize;
        match reader.read_event() {
            Ok(Event::Start(s)) => {
                depth += 1;
                if secret.is_none() && is_secret_element(local(s.name().as_ref())) {
                    secret = Some((depth, reader.buffer_position() as usize));
                }
            }
            Ok(Event::End(_)) => {
                if let Some((d, start)) = secret
                    && d == depth
                {
                    spans.push((start, before));
                    secret = None;
                }
                depth = depth.saturating_sub(1);
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(_) => return Cow::Owned(format!("[not well-formed XML, {} bytes, not shown]", xml.len())),
        }
    }
    if secret.is_some() {
        return Cow::Owned(format!("[not well-formed XML, {} bytes, not shown]", xml.len()));
    }
    if spans.is_empty() {
        return Cow::Borrowed(xml);
    }
    let mut out = String::with_capacity(xml.len());
    let mut at = 0;
    for (start, end) in spans {
        out.push_str(&xml[at..start]);
        out.push_str(REDACTED);
        at = end;
    }
    out.push_str(&xml[at..]);
    Cow::Owned(out)
}

fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}

/// A header value as logged: `Authorization` keeps its scheme only, cookies are hidden.
pub fn redact_header<'v>(name: &str, value: &'v str) -> Cow<'v, str> {
    match name.to_ascii_lowercase().as_str() {
        "authorization" | "proxy-authorization" => {
            let scheme = value.split_whitespace().next().unwrap_or("");
            Cow::Owned(format!("{scheme} {REDACTED}"))
        }
        "cookie" | "set-cookie" | "x-api-key" => Cow::Borrowed(REDACTED),
        _ => Cow::Borrowed(value),
    }
}

/// Logs one envelope if the wire target is enabled.
pub fn log(side: &'static str, direction: &'static str, headers: &[(&str, &str)], body: &[u8]) {
    if !tracing::enabled!(target: TARGET, tracing::Level::TRACE) {
        return;
    }
    let headers: Vec<String> = headers.iter().map(|(n, v)| format!("{n}: {}", redact_header(n, v))).collect();
    let text = String::from_utf8_lossy(body);
    let body = if text.trim().is_empty() { Cow::Borrowed("") } else { redact(&text) };
    tracing::trace!(target: TARGET, side, direction, headers = headers.join("; ").as_str(), body = &*body, "SOAP {direction}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_in_any_namespace() {
        let xml = r#"<s:Envelope xmlns:s="urn:s"><s:Header><wsse:Security xmlns:wsse="urn:w"><wsse:UsernameToken><wsse:Username>bob</wsse:Username><wsse:Password Type="PasswordText">hunter2</wsse:Password><wsse:Nonce>bm9uY2U=</wsse:Nonce></wsse:UsernameToken></wsse:Security></s:Header><s:Body><e:login xmlns:e="urn:e"><e:username>bob</e:username><e:password>p<b>w</b></e:password></e:login><accessToken>abc</accessToken></s:Body></s:Envelope>"#;
        let r = redact(xml);
        assert!(!r.contains("hunter2") && !r.contains("bm9uY2U=") && !r.contains(">abc<") && !r.contains("<b>"), "{r}");
        assert!(r.contains(r#"<wsse:Password Type="PasswordText">[redacted]</wsse:Password>"#), "{r}");
        assert!(r.contains("<e:password>[redacted]</e:password>"), "{r}");
        assert!(r.contains("<wsse:Username>bob</wsse:Username>"), "names stay: {r}");
        let plain = "<a><b>x</b></a>";
        assert!(matches!(redact(plain), Cow::Borrowed(_)));
        assert_eq!(redact("<a><password>x</a>"), "[not well-formed XML, 18 bytes, not shown]");
    }

    #[test]
    fn credentials_in_headers_are_redacted() {
        assert_eq!(redact_header("Authorization", "Basic Ym9iOnB3"), "Basic [redacted]");
        assert_eq!(redact_header("authorization", "Bearer eyJ.x.y"), "Bearer [redacted]");
        assert_eq!(redact_header("Cookie", "s=1"), "[redacted]");
        assert_eq!(redact_header("SOAPAction", "\"urn:a\""), "\"urn:a\"");
    }

    #[test]
    fn secret_names() {
        for yes in ["password", "Password", "newPassword", "accessToken", "BinarySecurityToken", "session-key", "PIN", "clientSecret"] {
            assert!(is_secret_element(yes), "{yes}");
        }
        for no in ["username", "UsernameToken", "ResetPIN", "Tokenizer", "PasswordPolicy", "Shipping"] {
            assert!(!is_secret_element(no), "{no}");
        }
    }
}
