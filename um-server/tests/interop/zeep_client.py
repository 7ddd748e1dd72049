#!/usr/bin/env python3
"""Drive a running um-server with zeep, a third-party SOAP client, from the published WSDL.

Usage:
    UM_PASSWORD=... python3 um-server/tests/interop/zeep_client.py \\
        --url https://127.0.0.1:8443/EWS/Exchange.asmx --ca-cert um-data/cert.pem \\
        [--user demo] [--wsdl schemas/ms-oxwums/MS-OXWUMS.wsdl]

The WSDL is loaded strictly offline, as tests/interop/zeep_load.py does: the zeep transport
refuses to fetch any document that is not a local file, and the process refuses every
network connection except to the loopback server under test (name lookups only for
"localhost"). The requests session ignores the environment (proxies, REQUESTS_CA_BUNDLE) and
trusts only --ca-cert.

All 14 operations are called and their decoded results checked, including the SOAP headers of
PlayOnPhone2, GetPhoneCallInformation and DisconnectPhoneCall (RequestServerVersion
Exchange2013 sent, ServerVersionInfo received), the SOAP faults of the PlayOnPhone family and
the EWS error responses of the PlayOnPhone2 family. The server's ring delay must be short
(the Rust test starts it with 0.3 s): the script polls for state changes for at most 15 s.

Known zeep problem, and the plugin that works around it (PlayOnPhone2Shape below): the
PlayOnPhone2 messages (PlayOnPhoneSoapIn2/PlayOnPhoneSoapOut2) have parts declared with type=
in a document/literal binding. WSDL 1.1 section 3.5 says the part's type is then the content
of the SOAP Body, and [MS-OXWUMS] 4.8 shows exactly that (<m:PlayOnPhone> directly in the
Body). zeep, like gSOAP 2.8, instead wraps the content in an element named after the part
(<request>) and, reading the response, expects <PlayOnPhoneResult> around
<m:PlayOnPhoneResponse>. The server correctly refuses the wrapped request
(a:ErrorSchemaValidation; checked below), so the plugin rewrites the messages:
  - egress: unwraps <request>, so the Body holds the PlayOnPhone2Type content;
  - ingress: wraps the Body content in the <PlayOnPhoneResult> element zeep expects.

Prints one "ok: ..." line per check and "N passed, 0 failed" at the end; exits 0 on success,
1 when a check fails, 2 on a usage error, 3 when zeep is not installed.
"""

import argparse
import ipaddress
import os
import socket
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

M = "http://schemas.microsoft.com/exchange/services/2006/messages"
T = "http://schemas.microsoft.com/exchange/services/2006/types"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
ERRORS = "http://schemas.microsoft.com/exchange/services/2006/errors"
BINDING = "{%s}UMWebServiceSoap" % M

ENTRY_ID = "AAAAAGsd2rbQLVtLobUGbrq/9IUHAEX2ikn/L8JJtI5WHI0FAW8AAAFXHhsAACxVpE1+KVVL1957wp//x6UAGAetcDUAAA="
ITEM_ID = "AkAjzQTbY/i="
DIALING = "Dialing restrictions are preventing the phone number that was entered from being dialed."
HEADERS = {"RequestVersion": {"Version": "Exchange2013"}}


class NetworkAccessError(RuntimeError):
    """Raised when anything tries to reach beyond the server under test."""


def _loopback(host):
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def forbid_network_except_loopback():
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(str(address[0])):
            raise NetworkAccessError("network access attempted: %r" % (address,))
        return real_connect(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if host is not None and not _loopback(str(host)):
            raise NetworkAccessError("name lookup attempted: %r" % (host,))
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.getaddrinfo = getaddrinfo


class Checks:
    def __init__(self):
        self.passed = 0

    def ok(self, what):
        self.passed += 1
        print("ok: %s" % what, flush=True)


def fail(message, code=1):
    print("zeep_client: FAILED: %s" % message, file=sys.stderr, flush=True)
    sys.exit(code)


def expect(cond, what, detail=""):
    if not cond:
        fail("%s%s" % (what, (": %s" % detail) if detail else ""))


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", required=True, help="endpoint, e.g. https://127.0.0.1:8443/EWS/Exchange.asmx")
    p.add_argument("--ca-cert", required=True, help="the server's cert.pem")
    p.add_argument("--user", default=os.environ.get("UM_USER", "demo"))
    p.add_argument("--wsdl", default=str(Path(__file__).resolve().parents[3] / "schemas" / "ms-oxwums" / "MS-OXWUMS.wsdl"))
    args = p.parse_args(argv[1:])
    password = os.environ.get("UM_PASSWORD")
    if not password:
        fail("set UM_PASSWORD", 2)
    host = urlparse(args.url).hostname or ""
    if not _loopback(host):
        fail("the server under test must be on a loopback address, not %r" % host, 2)

    try:
        import requests
        import zeep
        from lxml import etree
        from zeep.plugins import Plugin
        from zeep.transports import Transport
    except ImportError as exc:
        fail("zeep is not installed (install with `pip install zeep`): %s" % exc, 3)

    forbid_network_except_loopback()

    class OfflineTransport(Transport):
        """Loads WSDL/XSD documents only from local files; posts go to the server under test."""

        def load(self, url):
            if not url:
                raise ValueError("No url given to load")
            scheme = urlparse(str(url)).scheme.lower()
            if scheme not in ("", "file") and len(scheme) > 1:
                raise NetworkAccessError("zeep tried to fetch a remote document: %s" % url)
            return super().load(url)

        def _load_remote_data(self, url):
            raise NetworkAccessError("zeep tried to fetch a remote document: %s" % url)

    class PlayOnPhone2Shape(Plugin):
        """Works around zeep's wrapping of PlayOnPhone2's type= parts (see the module doc)."""

        def egress(self, envelope, http_headers, operation, binding_options):
            if operation.name == "PlayOnPhone2":
                body = envelope.find("{%s}Body" % SOAP_ENV)
                wrapper = body.find("request") if body is not None else None
                if wrapper is not None:
                    # WSDL 1.1 3.5 / [MS-OXWUMS] 4.8: the type's content is the Body's content.
                    index = list(body).index(wrapper)
                    body.remove(wrapper)
                    for offset, child in enumerate(list(wrapper)):
                        body.insert(index + offset, child)
            return envelope, http_headers

        def ingress(self, envelope, http_headers, operation):
            if operation.name == "PlayOnPhone2":
                body = envelope.find("{%s}Body" % SOAP_ENV)
                children = list(body) if body is not None else []
                if len(children) == 1 and children[0].tag == "{%s}PlayOnPhoneResponse" % M:
                    # Give zeep the part element it expects around the type's content.
                    wrapper = etree.SubElement(body, "PlayOnPhoneResult")
                    wrapper.append(children[0])
            return envelope, http_headers

    def make_client(plugins):
        session = requests.Session()
        session.trust_env = False  # no proxies, no REQUESTS_CA_BUNDLE overriding verify
        session.verify = args.ca_cert
        session.auth = (args.user, password)
        transport = OfflineTransport(session=session, timeout=20, operation_timeout=20)
        client = zeep.Client(args.wsdl, transport=transport, plugins=plugins)
        if BINDING not in client.wsdl.bindings:
            fail("binding %s not found in %s" % (BINDING, args.wsdl))
        return client.create_service(BINDING, args.url)

    c = Checks()
    svc = make_client([PlayOnPhone2Shape()])
    raw = make_client([])

    def fault(call, code, message):
        try:
            call()
        except zeep.exceptions.Fault as f:
            got = (f.code or "").split(":")[-1]
            expect(got == code, "fault code", "%r, expected %r" % (f.code, code))
            expect((f.message or "").strip() == message, "fault string", "%r, expected %r" % (f.message, message))
            expect(f.detail is not None, "fault detail")
            # Operation faults carry m:ExceptionType (2.2.3.1); request faults e:ResponseCode (2.2.2.1).
            entry = f.detail.find("{%s}ExceptionType" % M)
            if entry is None:
                entry = f.detail.find("{%s}ResponseCode" % ERRORS)
            expect(entry is not None and (entry.text or "").strip() == code, "fault detail", etree.tostring(f.detail))
            return
        fail("expected fault %s, got a response" % code)

    def ews_error(response, code, text):
        body = response["body"] if "body" in response else response
        expect(body["ResponseClass"] == "Error", "ResponseClass", body)
        expect(body["ResponseCode"] == code, "ResponseCode", body)
        expect(body["MessageText"] == text, "MessageText", body)

    def server_version(response):
        header = response["header"]
        expect(header is not None and header["ServerVersion"]["Version"] == "Exchange2013", "ServerVersionInfo header", header)

    def poll(read, until, what):
        deadline = time.monotonic() + 15
        while True:
            value = read()
            if until(value):
                return value
            if time.monotonic() > deadline:
                fail("%s: still %r after 15 s" % (what, value))
            time.sleep(0.1)

    # --- settings -------------------------------------------------------------------------
    expect(svc.IsUMEnabled() is True, "IsUMEnabled")
    c.ok("IsUMEnabled is true")
    props = svc.GetUMProperties()
    expect(props["OofStatus"] is False and props["MissedCallNotificationEnabled"] is True, "default UMProperties", props)
    expect(props["TelephoneAccessNumbers"] == "+14255550100", "TelephoneAccessNumbers", props)
    expect(bool(props["TelephoneAccessFolderEmail"]), "TelephoneAccessFolderEmail", props)
    c.ok("GetUMProperties returns the defaults")
    svc.SetOofStatus(status=True)
    svc.SetMissedCallNotificationEnabled(status=False)
    svc.SetPlayOnPhoneDialString(dialString="+1 425 555 0100")
    svc.SetTelephoneAccessFolderEmail(base64FolderId="AAAAAGsd2rbQLVtLobUGbrq/9IUBAEX2ikn/L8JJtI5WHI0FAW8AAAFXHhsAAA==")
    props = svc.GetUMProperties()
    expect(props["OofStatus"] is True and props["MissedCallNotificationEnabled"] is False, "stored booleans", props)
    expect(props["PlayOnPhoneDialString"] == "+1 425 555 0100", "stored dial string", props)
    expect(props["TelephoneAccessFolderEmail"] == "AAAAAGsd2rbQLVtLobUGbrq/9IUBAEX2ikn/L8JJtI5WHI0FAW8AAAFXHhsAAA==", "stored folder", props)
    c.ok("SetOofStatus, SetMissedCallNotificationEnabled, SetPlayOnPhoneDialString, SetTelephoneAccessFolderEmail are stored")
    expect(svc.ResetPIN() is None, "ResetPIN")
    c.ok("ResetPIN")

    # --- PlayOnPhone family (SOAP faults) ----------------------------------------------------
    call = svc.PlayOnPhone(entryId=ENTRY_ID, DialString="5555551212")
    expect(isinstance(call, str) and 0 < len(call) <= 512, "PlayOnPhone call id", call)
    info = svc.GetCallInfo(CallId=call)
    expect(info["CallState"] in ("Connecting", "Connected") and info["EventCause"] == "None", "GetCallInfo", info)
    poll(lambda: svc.GetCallInfo(CallId=call)["CallState"], lambda s: s == "Connected", "PlayOnPhone call")
    svc.Disconnect(CallId=call)
    info = svc.GetCallInfo(CallId=call)
    expect(info["CallState"] == "Disconnected" and info["EventCause"] == "None", "after Disconnect", info)
    c.ok("PlayOnPhone -> GetCallInfo Connecting/Connected -> Disconnect -> Disconnected")
    greeting = svc.PlayOnPhoneGreeting(GreetingType="OofCustom", DialString="555 0486")
    info = poll(lambda: svc.GetCallInfo(CallId=greeting), lambda i: i["CallState"] == "Disconnected", "busy greeting call")
    expect(info["EventCause"] == "UserBusy", "busy line cause", info)
    c.ok("PlayOnPhoneGreeting to a busy line -> Disconnected/UserBusy")
    fault(lambda: svc.PlayOnPhone(entryId="not base64!", DialString="12345"), "InvalidObjectIdException", "The object identifier isn't valid.")
    fault(lambda: svc.PlayOnPhone(entryId=ENTRY_ID, DialString="900 555 1212"), "DialingRulesException", DIALING)
    fault(lambda: svc.PlayOnPhoneGreeting(GreetingType="NormalCustom", DialString="12"), "DialingRulesException", DIALING)
    fault(lambda: svc.GetCallInfo(CallId="no such call"), "InvalidCallIdException", "The call identifier isn't valid.")
    fault(lambda: svc.Disconnect(CallId="no such call"), "InvalidCallIdException", "The call identifier isn't valid.")
    c.ok("InvalidObjectIdException, DialingRulesException, InvalidCallIdException faults")

    # --- PlayOnPhone2 family (headers, EWS error responses) ----------------------------------
    fault(lambda: raw.PlayOnPhone2(PlayOnPhone={"ItemId": {"Id": ITEM_ID}, "DialString": "5555551212"}, _soapheaders=HEADERS),
          "ErrorSchemaValidation", "The request failed schema validation.")
    c.ok("without the plugin, zeep's <request>-wrapped PlayOnPhone2 is refused (ErrorSchemaValidation)")
    r = svc.PlayOnPhone2(PlayOnPhone={"ItemId": {"Id": ITEM_ID}, "DialString": "5555551212"}, _soapheaders=HEADERS)
    server_version(r)
    resp = r["body"]["PlayOnPhoneResponse"]
    expect(resp["ResponseClass"] == "Success" and resp["ResponseCode"] == "NoError", "PlayOnPhone2 response", resp)
    phone_call = resp["PhoneCallId"]["Id"]
    expect(0 < len(phone_call) <= 512, "PhoneCallId", phone_call)
    c.ok("PlayOnPhone2 with RequestServerVersion -> Success, PhoneCallId, ServerVersionInfo")

    def state():
        r = svc.GetPhoneCallInformation(PhoneCallId={"Id": phone_call}, _soapheaders=HEADERS)
        server_version(r)
        body = r["body"]
        expect(body["ResponseClass"] == "Success" and body["ResponseCode"] == "NoError", "GetPhoneCallInformation", body)
        info = body["PhoneCallInformation"]
        return info["PhoneCallState"], info["ConnectionFailureCause"]

    poll(state, lambda s: s == ("Connected", "None"), "PlayOnPhone2 call")
    c.ok("GetPhoneCallInformation -> Connected/None")
    r = svc.DisconnectPhoneCall(PhoneCallId={"Id": phone_call}, _soapheaders=HEADERS)
    server_version(r)
    expect(r["body"]["ResponseClass"] == "Success" and r["body"]["ResponseCode"] == "NoError", "DisconnectPhoneCall", r["body"])
    expect(state() == ("Disconnected", "None"), "after DisconnectPhoneCall")
    c.ok("DisconnectPhoneCall -> Success; GetPhoneCallInformation -> Disconnected/None")

    r = svc.PlayOnPhone2(PlayOnPhone={"ItemId": {"Id": "Id: not base64"}, "DialString": "12345"}, _soapheaders=HEADERS)
    ews_error(r["body"]["PlayOnPhoneResponse"], "ErrorInvalidIdMalformed", "Id is malformed.")
    expect(r["body"]["PlayOnPhoneResponse"]["PhoneCallId"] is None, "no PhoneCallId in an error response")
    r = svc.PlayOnPhone2(PlayOnPhone={"ItemId": {"Id": ITEM_ID}, "DialString": "+1-900-555-0100"}, _soapheaders=HEADERS)
    ews_error(r["body"]["PlayOnPhoneResponse"], "ErrorPhoneNumberNotDialable", DIALING)
    r = svc.GetPhoneCallInformation(PhoneCallId={"Id": "no such call"}, _soapheaders=HEADERS)
    ews_error(r, "ErrorInvalidPhoneCallId", "The phone call ID isn't valid")
    r = svc.DisconnectPhoneCall(PhoneCallId={"Id": call}, _soapheaders=HEADERS)
    ews_error(r, "ErrorInvalidPhoneCallId", "The phone call ID isn't valid")
    c.ok("ErrorInvalidIdMalformed, ErrorPhoneNumberNotDialable, ErrorInvalidPhoneCallId error responses")

    print("%d passed, 0 failed" % c.passed, flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except NetworkAccessError as exc:
        fail(str(exc))
