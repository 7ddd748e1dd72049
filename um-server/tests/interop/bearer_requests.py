#!/usr/bin/env python3
"""Call a running um-server with an OAuth 2.0 bearer token, as Exchange Online clients do:
zeep over a `requests` session whose every request carries `Authorization: Bearer <token>`,
from the published MS-OXWUMS WSDL loaded strictly offline; then plain `requests` with a wrong
token, which must get 401 with the `Bearer ... error="invalid_token"` challenge.

Usage:
    UM_TOKEN=$(um-server token demo --data um-data) python3 um-server/tests/interop/bearer_requests.py \\
        --url https://127.0.0.1:8443/EWS/Exchange.asmx --ca-cert um-data/cert.pem

Prints one line per check and "N passed, M failed"; exits 0 on success, 1 when a check fails,
3 when zeep is not installed.
"""

import argparse
import os
import sys
from pathlib import Path

try:
    import requests
    import zeep

    from interop_common import Checks, offline_transport, session
except ImportError as e:  # pragma: no cover
    print(f"zeep is required: {e}", file=sys.stderr)
    sys.exit(3)

M = "http://schemas.microsoft.com/exchange/services/2006/messages"
BINDING = "{%s}UMWebServiceSoap" % M


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--ca-cert", required=True)
    p.add_argument("--wsdl", default=str(Path(__file__).resolve().parents[3] / "schemas" / "ms-oxwums" / "MS-OXWUMS.wsdl"))
    args = p.parse_args()
    token = os.environ["UM_TOKEN"]

    check = Checks()

    s = session(args.ca_cert)
    s.headers["Authorization"] = f"Bearer {token}"
    client = zeep.Client(args.wsdl, transport=offline_transport(s))
    svc = client.create_service(BINDING, args.url)

    enabled = svc.IsUMEnabled()
    check("IsUMEnabled with the bearer token", enabled is True, enabled)
    svc.SetOofStatus(status=True)
    props = svc.GetUMProperties()
    check("the token's user's settings", props.OofStatus is True, props)

    envelope = (
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
        f'<soap:Body><IsUMEnabled xmlns="{M}"/></soap:Body></soap:Envelope>'
    )
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{M}/IsUMEnabled"'}
    for name, auth in [("a wrong token", "Bearer not-a-token"), ("no credentials", None)]:
        h = dict(headers)
        if auth:
            h["Authorization"] = auth
        r = requests.post(args.url, data=envelope, headers=h, verify=args.ca_cert, timeout=20)
        challenges = r.headers.get("WWW-Authenticate", "")
        check(f"{name}: 401", r.status_code == 401, r.status_code)
        check(f"{name}: a Bearer challenge", "Bearer realm=" in challenges, challenges)
        check(f"{name}: invalid_token only for a token sent", ('error="invalid_token"' in challenges) == bool(auth), challenges)

    check.finish()


if __name__ == "__main__":
    main()
