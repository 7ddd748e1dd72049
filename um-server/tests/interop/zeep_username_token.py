#!/usr/bin/env python3
"""Call a running um-server with a WS-Security UsernameToken and no HTTP credentials: zeep's own
`zeep.wsse.username.UsernameToken` (PasswordText), from the published MS-OXWUMS WSDL loaded
strictly offline; then hand-made envelopes posted with `requests` for what zeep cannot be made
to send: a PasswordText token with a Nonce and Created sent twice (the replay must be refused),
and a stale Created.

Every refusal must be the WSS 1.0 section 12 fault `wsse:FailedAuthentication`, status 500.

Usage:
    UM_PASSWORD=... python3 um-server/tests/interop/zeep_username_token.py \\
        --url https://127.0.0.1:8443/EWS/Exchange.asmx --ca-cert um-data/cert.pem --user demo

Prints one line per check and "N passed, M failed"; exits 0 on success, 1 when a check fails,
3 when zeep is not installed.
"""

import argparse
import base64
import datetime
import os
import sys
from pathlib import Path

try:
    import requests
    import zeep
    from lxml import etree
    from zeep.wsse.username import UsernameToken

    from interop_common import Checks, offline_transport, session
except ImportError as e:  # pragma: no cover
    print(f"zeep is required: {e}", file=sys.stderr)
    sys.exit(3)

M = "http://schemas.microsoft.com/exchange/services/2006/messages"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
TEXT = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"
BINDING = "{%s}UMWebServiceSoap" % M


def envelope(user, password, nonce, created):
    """An IsUMEnabled request with a PasswordText UsernameToken carrying a Nonce and Created."""
    return (
        f'<soap:Envelope xmlns:soap="{SOAP_ENV}" xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}">'
        '<soap:Header><wsse:Security soap:mustUnderstand="1"><wsse:UsernameToken>'
        f"<wsse:Username>{user}</wsse:Username>"
        f'<wsse:Password Type="{TEXT}">{password}</wsse:Password>'
        f"<wsse:Nonce>{base64.b64encode(nonce).decode()}</wsse:Nonce>"
        f"<wsu:Created>{created}</wsu:Created>"
        "</wsse:UsernameToken></wsse:Security></soap:Header>"
        f'<soap:Body><IsUMEnabled xmlns="{M}"/></soap:Body></soap:Envelope>'
    )


def fault_code(response):
    """The faultcode of a SOAP 1.1 fault response, as a (namespace, local) pair, or None."""
    try:
        doc = etree.fromstring(response.content)
    except etree.XMLSyntaxError:
        return None
    code = doc.find(f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault/faultcode")
    if code is None:
        return None
    prefix, _, local = code.text.strip().rpartition(":")
    return (code.nsmap.get(prefix or None), local)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--ca-cert", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--wsdl", default=str(Path(__file__).resolve().parents[3] / "schemas" / "ms-oxwums" / "MS-OXWUMS.wsdl"))
    args = p.parse_args()
    password = os.environ["UM_PASSWORD"]

    check = Checks()

    def client(wsse):
        transport = offline_transport(session(args.ca_cert))
        return zeep.Client(args.wsdl, transport=transport, wsse=wsse).create_service(BINDING, args.url)

    # zeep's UsernameToken, password as text, no HTTP credentials at all.
    svc = client(UsernameToken(args.user, password))
    enabled = svc.IsUMEnabled()
    check("IsUMEnabled with zeep's UsernameToken", enabled is True, enabled)
    svc.SetOofStatus(status=True)
    props = svc.GetUMProperties()
    check("the token's user's settings", props.OofStatus is True, props)

    # A wrong password, and a digest (the server keeps password hashes, so cannot check one).
    for name, token in [
        ("a wrong password", UsernameToken(args.user, password + "x")),
        ("an unknown user", UsernameToken("nobody", password)),
        ("a PasswordDigest", UsernameToken(args.user, password, use_digest=True)),
    ]:
        try:
            client(token).IsUMEnabled()
            check(f"{name}: refused", False, "the call succeeded")
        except zeep.exceptions.Fault as fault:
            check(f"{name}: wsse:FailedAuthentication", fault.code == "wsse:FailedAuthentication", fault.code)

    # Nonce and Created: the first use passes, the replay and a stale token do not.
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{M}/IsUMEnabled"'}
    now = datetime.datetime.now(datetime.timezone.utc)
    fresh = envelope(args.user, password, os.urandom(16), now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    stale = envelope(args.user, password, os.urandom(16), (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    post = lambda body: requests.post(args.url, data=body, headers=headers, verify=args.ca_cert, timeout=20)  # noqa: E731
    first = post(fresh)
    check("a token with Nonce and Created: accepted", first.status_code == 200 and b"IsUMEnabledResponse" in first.content, first.text)
    for name, body in [("the same token again (a replay)", fresh), ("a Created an hour ago", stale)]:
        r = post(body)
        check(f"{name}: 500", r.status_code == 500, r.status_code)
        check(f"{name}: wsse:FailedAuthentication", fault_code(r) == (WSSE, "FailedAuthentication"), r.text)

    # No credential of any kind: the HTTP challenge, since Basic and Bearer are offered too.
    r = requests.post(args.url, data=f'<soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Body><IsUMEnabled xmlns="{M}"/></soap:Body></soap:Envelope>',
                      headers=headers, verify=args.ca_cert, timeout=20)
    check("no credentials: 401 with the Basic challenge", r.status_code == 401 and "Basic" in r.headers.get("WWW-Authenticate", ""), r.status_code)

    check.finish()


if __name__ == "__main__":
    main()
