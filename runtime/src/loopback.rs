//! An in-process transport: a client talks to a [`SoapService`] (e.g. a generated dispatcher)
//! without HTTP, going through the same request and response shapes an HTTP transport uses.
//! For tests and for embedding a service in the same process.

use std::sync::{Arc, Mutex};

use crate::client::{SoapRequest, SoapResponse, Transport, TransportError};
use crate::server::{RequestContext, SoapHttpRequest, SoapService};

/// A transport that hands each request to `service`, recording what went over the "wire".
#[derive(Debug)]
pub struct Loopback<S> {
    service: Arc<S>,
    user: Option<String>,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
}

impl<S> Clone for Loopback<S> {
    fn clone(&self) -> Self {
        Loopback { service: self.service.clone(), user: self.user.clone(), exchanges: self.exchanges.clone() }
    }
}

/// One request and its response, as they crossed the loopback.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// The HTTP headers the request would carry.
    pub request_headers: Vec<(&'static str, String)>,
    /// The request envelope.
    pub request_body: String,
    /// The response status.
    pub status: u16,
    /// The response content type.
    pub response_content_type: String,
    /// The response body.
    pub response_body: String,
}

impl<S: SoapService> Loopback<S> {
    /// A loopback to `service`, as an anonymous caller.
    pub fn new(service: S) -> Self {
        Loopback { service: Arc::new(service), user: None, exchanges: Arc::new(Mutex::new(Vec::new())) }
    }

    /// The same loopback, presenting requests as coming from `user` (as if authenticated).
    #[must_use]
    pub fn as_user(&self, user: &str) -> Self {
        Loopback { service: self.service.clone(), user: Some(user.to_owned()), exchanges: self.exchanges.clone() }
    }

    /// The service.
    pub fn service(&self) -> &S {
        &self.service
    }

    /// Every exchange so far, oldest first.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges.lock().map(|e| e.clone()).unwrap_or_default()
    }
}

impl<S: SoapService> Transport for Loopback<S> {
    fn endpoint(&self) -> Option<String> {
        Some("loopback".to_owned())
    }

    async fn send(&self, request: SoapRequest) -> Result<SoapResponse, TransportError> {
        {
            let headers = request.http_headers();
            let header = |name: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
            let http = SoapHttpRequest {
                content_type: header("Content-Type"),
                soap_action: header("SOAPAction"),
                body: request.body.clone().into_bytes(),
            };
            let ctx = RequestContext { user: self.user.clone(), ..RequestContext::default() };
            let response = self.service.handle(ctx, http).await;
            if let Ok(mut log) = self.exchanges.lock() {
                log.push(Exchange {
                    request_headers: headers.clone(),
                    request_body: request.body,
                    status: response.status,
                    response_content_type: response.content_type.clone(),
                    response_body: response.body.clone(),
                });
            }
            Ok(SoapResponse {
                status: response.status,
                content_type: (!response.content_type.is_empty()).then_some(response.content_type),
                body: response.body.into_bytes(),
            })
        }
    }
}
