#!/usr/bin/env python3
"""Drive a running um-server's mail app operations ([MS-OXWSCEXT]) with zeep, a third-party
SOAP client, from the published MS-OXWSCEXT WSDL, loaded strictly offline.

Usage:
    UM_PASSWORD=... python3 um-server/tests/interop/zeep_apps.py \\
        --url https://127.0.0.1:8443/EWS/Exchange.asmx --ca-cert um-data/cert.pem [--user demo]

All 6 operations are called with the RequestServerVersion header (Exchange2013) and their
decoded results checked: InstallApp, GetAppManifests (the manifest comes back byte for byte),
GetClientAccessToken (a token for the app, ErrorExtensionNotFound for an unknown one),
GetAppMarketplaceUrl, DisableApp, UninstallApp (and ErrorExtensionNotFound afterwards).

Prints one line per check and "N passed, M failed"; exits 0 on success, 1 when a check fails,
3 when zeep is not installed.
"""

import argparse
import os
import sys
from pathlib import Path

try:
    import zeep

    from interop_common import Checks, offline_transport, session
except ImportError as e:  # pragma: no cover
    print(f"zeep is required: {e}", file=sys.stderr)
    sys.exit(3)

M = "http://schemas.microsoft.com/exchange/services/2006/messages"
BINDING = "{%s}ExchangeServiceBinding" % M
HEADERS = {"RequestVersion": {"Version": "Exchange2013"}}
APP = "6E2B8D6A-1C2B-4D6E-9C1A-2B7F3E5D9A10"
MANIFEST = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="MailApp">'
    f"<Id>{APP}</Id><Version>1.0.0.0</Version><ProviderName>zeep</ProviderName></OfficeApp>"
).encode()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--ca-cert", required=True)
    p.add_argument("--user", default="demo")
    p.add_argument("--wsdl", default=str(Path(__file__).resolve().parents[3] / "schemas" / "ms-oxwscext" / "MS-OXWSCEXT.wsdl"))
    args = p.parse_args()

    s = session(args.ca_cert)
    s.auth = (args.user, os.environ["UM_PASSWORD"])
    client = zeep.Client(args.wsdl, transport=offline_transport(s))
    svc = client.create_service(BINDING, args.url)

    check = Checks()

    def body(r):
        # Every output message has the body part and the ServerVersion header.
        check("ServerVersionInfo header", r.header is not None and r.header.ServerVersion.Version == "Exchange2013", r.header)
        return r.body[next(iter(r.body))] if isinstance(r.body, dict) else r.body

    r = body(svc.InstallApp(Manifest=MANIFEST, _soapheaders=HEADERS))
    check("InstallApp succeeds", r.ResponseClass == "Success" and r.ResponseCode == "NoError", r)

    r = body(svc.GetAppManifests(_soapheaders=HEADERS))
    manifests = r.Manifests.Manifest if r.Manifests is not None else []
    check("GetAppManifests returns the manifest byte for byte", r.ResponseClass == "Success" and manifests == [MANIFEST], manifests)

    r = body(
        svc.GetClientAccessToken(
            TokenRequests={"TokenRequest": [{"Id": APP, "TokenType": "CallerIdentity"}, {"Id": "unknown", "TokenType": "ExtensionCallback"}]},
            _soapheaders=HEADERS,
        )
    )
    # zeep gives the unbounded choice of ArrayOfResponseMessagesType as _value_1, a list of
    # {element name: value}.
    items = r.ResponseMessages._value_1 or []
    msgs = [i["GetClientAccessTokenResponseMessage"] for i in items]
    check("GetClientAccessToken answers each request", len(msgs) == 2, msgs)
    token = msgs[0].Token
    check("a token for the installed app", msgs[0].ResponseClass == "Success" and token.Id == APP and token.TokenType == "CallerIdentity" and int(token.TTL) > 0 and len(token.TokenValue) > 20, msgs[0])
    check("ErrorExtensionNotFound for an unknown app", msgs[1].ResponseClass == "Error" and msgs[1].ResponseCode == "ErrorExtensionNotFound", msgs[1])

    r = body(svc.GetAppMarketplaceUrl(_soapheaders=HEADERS))
    check("GetAppMarketplaceUrl returns a URL", r.ResponseClass == "Success" and (r.AppMarketplaceUrl or "").startswith("https://"), r)

    r = body(svc.DisableApp(ID=APP, DisableReason="MobileClientPerformance", _soapheaders=HEADERS))
    check("DisableApp succeeds", r.ResponseClass == "Success", r)

    r = body(svc.UninstallApp(ID=APP, _soapheaders=HEADERS))
    check("UninstallApp succeeds", r.ResponseClass == "Success", r)
    r = body(svc.UninstallApp(ID=APP, _soapheaders=HEADERS))
    check("UninstallApp of an app no longer installed", r.ResponseClass == "Error" and r.ResponseCode == "ErrorExtensionNotFound", r)
    r = body(svc.GetAppManifests(_soapheaders=HEADERS))
    check("no manifests are left", r.Manifests is None or not r.Manifests.Manifest, r)

    check.finish()


if __name__ == "__main__":
    main()
