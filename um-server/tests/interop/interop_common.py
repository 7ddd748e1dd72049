"""What the interop scripts of this directory share: a zeep transport that loads the schema set
strictly offline, a requests session that trusts only the server's certificate, and the check
tally every script prints ("N passed, M failed") and exits with.

The scripts import it from their own directory (Python puts a script's directory first on
sys.path); it needs zeep, and they exit with 3 when zeep is missing.
"""

import sys

try:
    import requests
    from zeep.transports import Transport
except ImportError as e:  # pragma: no cover
    print(f"zeep is required: {e}", file=sys.stderr)
    sys.exit(3)


class OfflineTransport(Transport):
    """Reads the WSDL and schemas from disk only; posts go to the server under test."""

    def load(self, url):
        if url.startswith("http://") or url.startswith("https://"):
            raise RuntimeError(f"refusing to fetch {url}: the schema set must load offline")
        return super().load(url)


def session(ca_cert):
    """A session that ignores the environment (proxies, REQUESTS_CA_BUNDLE) and trusts only
    `ca_cert`."""
    s = requests.Session()
    s.trust_env = False
    s.verify = ca_cert
    return s


def offline_transport(s):
    return OfflineTransport(session=s, timeout=20, operation_timeout=20)


class Checks:
    """One "ok: ..." or "FAILED: ... (detail)" line per check, then the tally."""

    def __init__(self):
        self.results = []

    def __call__(self, name, cond, detail=""):
        self.results.append(bool(cond))
        print(f"{'ok' if cond else 'FAILED'}: {name}" + (f" ({detail})" if detail and not cond else ""))

    def finish(self):
        passed = sum(self.results)
        failed = len(self.results) - passed
        print(f"{passed} passed, {failed} failed")
        sys.exit(0 if failed == 0 else 1)
