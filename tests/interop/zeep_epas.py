"""zeep (SOAP 1.2) against the test EPAS server: the third-party client of the Cisco
Unified Presence SOAP interface. Loads schemas/cisco-cup/epas.wsdl offline, then, at --url
(HTTPS with --ca-cert): logs in, sets and reads calendaring and recent communications with
the session-key header, checks that a call with an unknown session key gets the guide's
SOAP 1.2 fault (env:Sender, "Invalid request."), logs out, and checks that the key is dead.

Prints one line per check and "N passed, M failed"; exits 1 on any failure, 3 if zeep is
missing.
"""

import argparse
import sys
from pathlib import Path

try:
    import requests
    import zeep
    from zeep.exceptions import Fault
    from zeep.transports import Transport
except ImportError as e:  # pragma: no cover
    print(f"zeep is required: {e}", file=sys.stderr)
    sys.exit(3)

EPAS = "urn:cisco:epas:soap"
BINDING = "{urn:cisco:epas:soap}EpasSoapServiceBinding"


class LocalOnly(Transport):
    """Reads the WSDL and schemas from disk only; posts go to the server under test."""

    def load(self, url):
        if url.startswith("http://") or url.startswith("https://"):
            raise RuntimeError(f"refusing to fetch {url}: the schema set must load offline")
        return super().load(url)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--ca-cert", required=True)
    p.add_argument("--wsdl", default=str(Path(__file__).resolve().parents[2] / "schemas" / "cisco-cup" / "epas.wsdl"))
    args = p.parse_args()

    session = requests.Session()
    session.trust_env = False  # no proxies, no REQUESTS_CA_BUNDLE overriding verify
    session.verify = args.ca_cert
    client = zeep.Client(args.wsdl, transport=LocalOnly(session=session))
    service = client.create_service(BINDING, args.url)

    results = []

    def check(name, cond, detail=""):
        results.append(cond)
        print(f"{'ok' if cond else 'FAILED'} {name}{': ' + str(detail) if detail and not cond else ''}")

    def header(key):
        # The operations declare the session-key header part: zeep takes it by part name.
        return {"session-key": key}

    wrong = service.login(username="ada", password="wrong")
    check("a wrong password is refused", wrong["failure"] is not None and wrong["failure"]["reason"] == "Wrong username/password", wrong)

    resp = service.login(username="ada", password="secret")
    key = resp["success"]["session-key"]
    check("login returns a session key", isinstance(key, str) and len(key) > 10, resp)

    again = service.login(username="ada", password="secret")
    check("a second login is refused", again["failure"] is not None and "already been established" in again["failure"]["reason"], again)
    forced = service.login(username="ada", password="secret", force=True)
    new_key = forced["success"]["session-key"] if forced["success"] else None
    check("a forced login replaces the session", new_key is not None and new_key != key, forced)
    old_key, key = key, new_key

    out = service["set-calendaring"](True, _soapheaders=header(key))
    check("set-calendaring succeeds", out == "succeeded", out)
    check("get-calendaring reads it back", service["get-calendaring"](_soapheaders=header(key)) is True)

    service["add-recent-comm"](timestamp="2006-03-24", type="2", data={"_value_1": []}, _soapheaders=header(key))
    records = service["get-recent-comm"](_soapheaders=header(key))
    check("recent communications are kept", len(records) == 1 and records[0]["timestamp"] == "2006-03-24", records)

    features = service["get-licensing-features"](_soapheaders=header(key))
    check("licensing features", features["base"] is True and features["video"] is False, features)

    for name, key_used in [("the old session key", old_key), ("no session key", None)]:
        try:
            if key_used is None:
                service["get-calendaring"]()
            else:
                service["get-calendaring"](_soapheaders=header(key_used))
            check(f"{name} is refused", False, "no fault")
        except Fault as f:
            code = f.code if isinstance(f.code, str) else str(f.code)
            check(f"{name} gets the guide's fault", f.message == "Invalid request." and code.endswith("Sender"), (f.message, code))

    service.logout(_soapheaders=header(key))
    try:
        service["get-calendaring"](_soapheaders=header(key))
        check("logout invalidates the key", False, "no fault")
    except Fault as f:
        check("logout invalidates the key", f.message == "Invalid request.", f.message)

    passed = sum(1 for r in results if r)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
