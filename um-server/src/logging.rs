//! One structured log line per request: user, operation, outcome and latency.
//!
//! [`Logged`] wraps any [`SoapService`] (the dispatcher) and times each request; the operation
//! handlers of [`crate::service::UmService`] [`note`] which operation ran and how it ended
//! (`ok`, `fault <code>` or `error <ResponseCode>`). A request the dispatcher rejected before any
//! handler ran (it could not be decoded) is logged with the operation its `SOAPAction` names and
//! the fault it got.
//!
//! ```text
//! INFO um_server::logging: request user=demo operation=PlayOnPhone2 outcome=ok status=200 latency_ms=1.2 path=/EWS/Exchange.asmx
//! INFO um_server::logging: request user=demo operation=GetCallInfo outcome=fault InvalidCallIdException status=500 latency_ms=0.4 path=/EWS/UM2007Legacy.asmx
//! ```

use std::cell::RefCell;
use std::time::Instant;

use soapkit::server::{RequestContext, SoapHttpRequest, SoapHttpResponse, SoapService};

/// What a handler reports about a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The operation's WSDL name.
    pub operation: &'static str,
    /// `ok`, `fault <code>` or `error <ResponseCode>`.
    pub outcome: String,
}

tokio::task_local! {
    static NOTE: RefCell<Option<Note>>;
}

/// Records the operation and outcome of the request being handled (no-op outside [`Logged`]).
pub fn note(operation: &'static str, outcome: String) {
    let _ = NOTE.try_with(|n| *n.borrow_mut() = Some(Note { operation, outcome }));
}

/// A [`SoapService`] that logs one line per request.
#[derive(Clone, Debug)]
pub struct Logged<S> {
    inner: S,
}

impl<S> Logged<S> {
    /// Wraps `inner`.
    pub fn new(inner: S) -> Self {
        Logged { inner }
    }

    /// The wrapped service.
    pub fn inner(&self) -> &S {
        &self.inner
    }
}

/// The `faultcode` of a fault response, without its prefix (best effort).
fn fault_code(body: &str) -> Option<&str> {
    let start = body.find("<faultcode")?;
    let rest = &body[start..];
    let open_end = rest.find('>')?;
    let rest = &rest[open_end + 1..];
    let text = &rest[..rest.find('<')?];
    let text = text.trim();
    Some(text.rsplit(':').next().unwrap_or(text))
}

impl<S: SoapService> SoapService for Logged<S> {
    fn matches(&self, info: &soapkit::server::RequestInfo) -> soapkit::server::Match {
        self.inner.matches(info)
    }

    async fn handle(&self, ctx: RequestContext, request: SoapHttpRequest) -> SoapHttpResponse {
        {
            let started = Instant::now();
            let user = ctx.user.clone().unwrap_or_else(|| "-".to_owned());
            let path = ctx.path.clone().unwrap_or_else(|| "-".to_owned());
            let action = ctx.action.clone().or_else(|| request.action());
            let (response, note) = NOTE
                .scope(RefCell::new(None), async {
                    let response = self.inner.handle(ctx, request).await;
                    let note = NOTE.with(|n| n.borrow_mut().take());
                    (response, note)
                })
                .await;
            let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
            let (operation, outcome) = match note {
                Some(n) => (n.operation.to_owned(), n.outcome),
                None => {
                    // The action is the client's: log it only if it looks like an operation name.
                    let op = action
                        .as_deref()
                        .and_then(|a| a.rsplit('/').next())
                        .filter(|s| (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
                        .unwrap_or("unknown");
                    let outcome = match fault_code(&response.body) {
                        Some(code) => format!("fault {code}"),
                        None if response.status < 300 => "ok".to_owned(),
                        None => format!("http {}", response.status),
                    };
                    (op.to_owned(), outcome)
                }
            };
            tracing::info!(
                user = %user,
                operation = %operation,
                outcome = %outcome,
                status = response.status,
                latency_ms = (latency_ms * 10.0).round() / 10.0,
                path = %path,
                "request"
            );
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_codes_are_found() {
        let body = r#"<s:Envelope><s:Body><s:Fault><faultcode xmlns:a="urn:x">a:ErrorSchemaValidation</faultcode></s:Fault></s:Body></s:Envelope>"#;
        assert_eq!(fault_code(body), Some("ErrorSchemaValidation"));
        assert_eq!(fault_code("<faultcode>Client</faultcode>"), Some("Client"));
        assert_eq!(fault_code("<x/>"), None);
        assert_eq!(fault_code("<faultcode"), None);
    }
}
