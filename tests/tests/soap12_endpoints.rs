//! SOAP 1.2 end to end, and several services on one endpoint.
//!
//! - The test EPAS server (`soapkit_tests::epas`) on the generated SOAP 1.2 dispatcher, served
//!   over loopback HTTPS: called by the generated client and by Python zeep with SOAP 1.2
//!   (`tests/interop/zeep_epas.py`; it fails, never skips, without zeep).
//! - A service answers in the SOAP version it was asked in: a version mismatch is a fault in
//!   the request's version, with SOAP 1.2's `Upgrade` header from a SOAP 1.2 service, and an
//!   envelope of an unknown version gets the service's own version.
//! - `soapkit::server::Compose` puts MS-OXWUMS, MS-OXWSCEXT and EPAS behind one endpoint and
//!   routes each request by its Body element, its action, and its SOAP version.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use generated::cisco_epas::epas_soap_service_binding::*;
use generated::cisco_epas::soap::{EmptyType, Login, LoginResp};
use soapkit::client::ClientError;
use soapkit::http::HttpTransport;
use soapkit::http::server::{serve_tls, soap_router, tls_server_config};
use soapkit::server::{Compose, Match, RequestContext, RequestInfo, SoapHttpRequest, SoapService};
use soapkit::xml::Limits;
use soapkit_tests::epas::{EpasServer, INVALID_REQUEST};
use soapkit_tests::stubs::{NoApps, NoUm};
use soapkit_tests::{read_fault, workspace_root};

const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";

struct Running {
    addr: SocketAddr,
    cert_pem: String,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

async fn serve_epas() -> Running {
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    let (cert_pem, key_pem) = (ck.cert.pem(), ck.signing_key.serialize_pem());
    let tls = Arc::new(tls_server_config(cert_pem.as_bytes(), key_pem.as_bytes()).unwrap());
    let dispatcher = EpasSoapServiceBindingDispatcher::new(EpasServer::new(&[("ada", "secret"), ("zeep", "zeep")]));
    let router = soap_router(dispatcher, &["/EPASSoap/service"]).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve_tls(listener, tls, router, async move {
        let _ = stopped.await;
    }));
    Running { addr, cert_pem, stop, task }
}

impl Running {
    fn url(&self) -> String {
        format!("https://localhost:{}/EPASSoap/service", self.addr.port())
    }
    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_generated_client_talks_soap_1_2_to_the_epas_server() {
    let server = serve_epas().await;
    let transport = HttpTransport::builder(server.url()).add_root_certificates_pem(server.cert_pem.as_bytes()).build().unwrap();
    let client = EpasSoapServiceBindingClient::new(transport);
    let login = |password: &str| LoginInput { parameters: Login { force: None, username: "ada".into(), password: password.into() } };

    let LoginResp::Failure(f) = client.login(login("nope")).await.unwrap().parameters else { panic!("a wrong password logged in") };
    assert_eq!(f.reason, "Wrong username/password");
    let LoginResp::Success(s) = client.login(login("secret")).await.unwrap().parameters else { panic!("login failed") };
    let key = Some(s.session_key);

    let set = client.set_calendaring(SetCalendaringInput { parameters: true, session_key: key.clone() }).await.unwrap();
    assert_eq!(set.parameters, "succeeded");
    let get = client.get_calendaring(GetCalendaringInput { parameters: EmptyType {}, session_key: key.clone() }).await.unwrap();
    assert!(get.parameters);

    // Without a valid session key: the guide's SOAP 1.2 fault (Example 9), typed.
    for bad in [None, Some("b189aa60-24e3-4e66-a3b6-d8488235ba47".to_owned())] {
        let err = client.get_calendaring(GetCalendaringInput { parameters: EmptyType {}, session_key: bad }).await.unwrap_err();
        let ClientError::Fault(fault) = err else { panic!("expected a fault, got {err}") };
        assert_eq!((fault.code.ns.as_str(), fault.code.local.as_str(), fault.reason()), (SOAP12, "Sender", INVALID_REQUEST));
        assert_eq!(fault.reasons[0].lang.as_deref(), Some("en"));
    }

    client
        .logout(LogoutInput { parameters: generated::cisco_epas::soap::Logout { tuple_id: None }, session_key: key.clone() })
        .await
        .unwrap();
    let err = client.get_calendaring(GetCalendaringInput { parameters: EmptyType {}, session_key: key }).await.unwrap_err();
    assert!(err.fault().is_some_and(|f| f.reason() == INVALID_REQUEST), "{err}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zeep_talks_soap_1_2_to_the_epas_server() {
    let server = serve_epas().await;
    let dir = tempfile_dir();
    let ca = dir.join("epas-ca.pem");
    std::fs::write(&ca, &server.cert_pem).unwrap();
    let script = workspace_root().join("tests/interop/zeep_epas.py");
    let url = server.url();
    let output = tokio::task::spawn_blocking(move || {
        soapkit_testkit::python_command().arg(&script).args(["--url", &url]).arg("--ca-cert").arg(&ca).output()
    })
    .await
    .unwrap()
    .unwrap_or_else(|e| panic!("the tests' Python is required for the zeep interoperability test (`cargo xtask prepare`): {e}"));
    server.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    match output.status.code() {
        Some(0) => {}
        Some(3) => panic!("Python zeep is required: python3 -m pip install -r tests/requirements.txt\n{stderr}"),
        _ => panic!("zeep_epas.py failed:\n--- stdout\n{stdout}\n--- stderr\n{stderr}"),
    }
    assert!(stdout.contains("11 passed, 0 failed"), "{stdout}\n{stderr}");
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("soapkit-soap12-{}-{:?}", std::process::id(), std::thread::current().id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// ----- SOAP versions -------------------------------------------------------------------------

fn request(content_type: &str, body: &str) -> SoapHttpRequest {
    SoapHttpRequest { content_type: Some(content_type.to_owned()), soap_action: None, body: body.as_bytes().to_vec() }
}

fn epas() -> EpasSoapServiceBindingDispatcher<EpasServer> {
    EpasSoapServiceBindingDispatcher::new(EpasServer::new(&[("ada", "secret")]))
}

const LOGIN_12: &str = r#"<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><login xmlns="urn:cisco:epas:soap"><username>ada</username><password>secret</password></login></e:Body></e:Envelope>"#;
const LOGIN_11: &str = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><login xmlns="urn:cisco:epas:soap"><username>ada</username><password>secret</password></login></s:Body></s:Envelope>"#;

#[tokio::test]
async fn a_soap_1_2_service_answers_a_soap_1_1_request_with_a_1_1_version_mismatch_and_upgrade() {
    let r = epas().handle(RequestContext::default(), request("text/xml; charset=utf-8", LOGIN_11)).await;
    assert_eq!((r.status, r.content_type.as_str()), (500, "text/xml; charset=utf-8"));
    let fault = read_fault(&r.body).unwrap();
    assert_eq!((fault.code.0.as_str(), fault.code.1.as_str()), (SOAP11, "VersionMismatch"), "{}", r.body);
    // The Upgrade header block names the envelope the service supports (SOAP 1.2 5.4.7).
    let doc = roxmltree::Document::parse(&r.body).unwrap();
    let supported = doc.descendants().find(|n| n.has_tag_name((SOAP12, "SupportedEnvelope"))).expect("an Upgrade header");
    assert!(supported.parent().unwrap().has_tag_name((SOAP12, "Upgrade")));
    assert!(supported.parent().unwrap().parent().unwrap().has_tag_name((SOAP11, "Header")));
    let qname = supported.attribute("qname").unwrap();
    let (prefix, local) = qname.split_once(':').unwrap();
    assert_eq!((supported.lookup_namespace_uri(Some(prefix)), local), (Some(SOAP12), "Envelope"));
}

#[tokio::test]
async fn an_envelope_of_an_unknown_version_gets_the_services_version_mismatch() {
    let bogus = r#"<x:Envelope xmlns:x="urn:not-soap"><x:Body/></x:Envelope>"#;
    let r = epas().handle(RequestContext::default(), request("application/soap+xml", bogus)).await;
    assert_eq!(r.content_type, "application/soap+xml; charset=utf-8");
    let fault = read_fault(&r.body).unwrap();
    assert_eq!((fault.code.0.as_str(), fault.code.1.as_str()), (SOAP12, "VersionMismatch"), "{}", r.body);
    assert!(r.body.contains("Upgrade"), "{}", r.body);

    // A SOAP 1.1 service has no Upgrade mechanism: a plain 1.1 VersionMismatch, whatever it
    // was asked in.
    let um = generated::exchange::um_web_service_soap::UmWebServiceSoapDispatcher::new(NoUm::default());
    let r = um.handle(RequestContext::default(), request("application/soap+xml", LOGIN_12)).await;
    let fault = read_fault(&r.body).unwrap();
    assert_eq!((fault.code.0.as_str(), fault.code.1.as_str()), (SOAP11, "VersionMismatch"), "{}", r.body);
    assert!(!r.body.contains("Upgrade"), "{}", r.body);
}

#[tokio::test]
async fn a_soap_1_2_request_is_answered_in_soap_1_2() {
    let r = epas().handle(RequestContext::default(), request("application/soap+xml; charset=utf-8", LOGIN_12)).await;
    assert_eq!((r.status, r.content_type.as_str()), (200, "application/soap+xml; charset=utf-8"), "{}", r.body);
    assert!(r.body.contains(SOAP12) && r.body.contains("session-key"), "{}", r.body);
}

#[tokio::test]
async fn a_soap_1_2_request_past_the_limits_is_a_sender_fault_saying_which() {
    // Envelope, Body, login, username: four deep.
    let strict = RequestContext { limits: Limits::DEFAULT.with_depth(3), ..RequestContext::default() };
    let r = epas().handle(strict.clone(), request("application/soap+xml", LOGIN_12)).await;
    assert_eq!((r.status, r.content_type.as_str()), (400, "application/soap+xml; charset=utf-8"), "{}", r.body);
    let fault = read_fault(&r.body).unwrap();
    assert_eq!((fault.code.0.as_str(), fault.code.1.as_str()), (SOAP12, "Sender"), "{}", r.body);
    assert!(fault.string.contains("1:106: elements nested more than 3 deep are refused"), "{}", fault.string);
    // Behind several services too: a request that cannot be read as far as its Body's element
    // goes to the service of its content type's version.
    let r = endpoint().handle(strict, request("application/soap+xml", LOGIN_12)).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(read_fault(&r.body).unwrap().string.contains("nested more than 3 deep"), "{}", r.body);
}

// ----- Several services on one endpoint ---------------------------------------------------------

/// MS-OXWUMS, MS-OXWSCEXT (both SOAP 1.1) and EPAS (SOAP 1.2) behind one endpoint.
fn endpoint() -> impl SoapService {
    use generated::exchange::exchange_service_binding::ExchangeServiceBindingDispatcher;
    use generated::exchange::um_web_service_soap::UmWebServiceSoapDispatcher;
    Compose::new(
        UmWebServiceSoapDispatcher::new(NoUm::default()),
        Compose::new(ExchangeServiceBindingDispatcher::new(NoApps::default()), epas()),
    )
}

#[tokio::test]
async fn composed_services_route_by_body_action_and_version() {
    let e = endpoint();
    let soap11 = |body: &str| {
        format!(
            r#"<s:Envelope xmlns:s="{SOAP11}" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><s:Body>{body}</s:Body></s:Envelope>"#
        )
    };
    // By Body: each request reaches its own service (whose answer tells them apart).
    let um = e.handle(RequestContext::default(), request("text/xml", &soap11("<m:IsUMEnabled/>"))).await;
    assert!(um.body.contains("no UM here"), "{}", um.body);
    let apps = e.handle(RequestContext::default(), request("text/xml", &soap11("<m:GetAppManifests/>"))).await;
    assert!(apps.body.contains("no apps here"), "{}", apps.body);
    // By SOAP version: the 1.2 request goes to EPAS and is answered in 1.2.
    let login = e.handle(RequestContext::default(), request("application/soap+xml", LOGIN_12)).await;
    assert_eq!(login.status, 200, "{}", login.body);
    // By action, when the Body matches nothing: the error is reported by the service the
    // action belongs to.
    let mut r = request("text/xml", &soap11("<m:InstallAp><m:Manifest>AA==</m:Manifest></m:InstallAp>"));
    r.soap_action = Some("\"http://schemas.microsoft.com/exchange/services/2006/messages/InstallApp\"".into());
    let info = RequestInfo::of(&r, soapkit::xml::Limits::DEFAULT);
    let cext = generated::exchange::exchange_service_binding::ExchangeServiceBindingDispatcher::new(NoApps::default());
    let uml = generated::exchange::um_web_service_soap::UmWebServiceSoapDispatcher::new(NoUm::default());
    assert_eq!((cext.matches(&info), uml.matches(&info), epas().matches(&info)), (Match::Action, Match::Version, Match::None));
    let unknown = e.handle(RequestContext::default(), r).await;
    let fault = read_fault(&unknown.body).unwrap();
    assert_eq!(fault.code.1, "Client");
    assert!(unknown.body.contains("expected {http://schemas.microsoft.com/exchange/services/2006/messages}InstallApp"), "{}", unknown.body);
}
