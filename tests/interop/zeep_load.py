#!/usr/bin/env python3
"""Load a WSDL with zeep, strictly offline, and describe one of its SOAP bindings.

Usage:
    python3 tests/interop/zeep_load.py [PATH/TO/SERVICE.wsdl [BINDING]]

Without an argument the WSDL at schemas/ms-oxwums/MS-OXWUMS.wsdl (relative to the
repository root, found from this file's location) is loaded and its binding
{http://schemas.microsoft.com/exchange/services/2006/messages}UMWebServiceSoap described.
BINDING is a binding QName in Clark notation, "{ns}local"; without it the script
describes that MS-OXWUMS binding if the WSDL has it, and otherwise the WSDL's only
binding (e.g. {...messages}ExchangeServiceBinding of schemas/ms-oxwscext/MS-OXWSCEXT.wsdl).

Any attempt to reach the network makes the run fail: the zeep Transport used here
refuses every non-local URL, and socket connections and name lookups are refused too.

On success the script prints one JSON document to stdout and exits 0:

    {
      "binding": "{http://schemas.microsoft.com/exchange/services/2006/messages}UMWebServiceSoap",
      "operations": [
        {
          "name": "...",
          "soap_action": "...",
          "input_body": ["{ns}local", ...],
          "input_headers": ["{ns}local", ...],
          "output_body": ["{ns}local", ...],
          "output_headers": ["{ns}local", ...]
        },
        ...
      ]
    }

"binding" is the QName of the binding described. Operations are sorted by name; header
lists keep the order of the soap:header elements in the WSDL binding. Body lists hold the
QName of the element zeep puts directly under soap:Body (one per body part; zeep names the
element of a type= part after the part, with no namespace, so that QName has no "{ns}"
prefix). QNames use Clark notation, "{ns}local".

Exit codes: 0 success; 1 the WSDL could not be loaded or described (message on stderr);
2 usage error; 3 zeep is not installed.
"""

import json
import socket
import sys
from pathlib import Path
from urllib.parse import urlparse

BINDING = "{http://schemas.microsoft.com/exchange/services/2006/messages}UMWebServiceSoap"
USAGE = "usage: zeep_load.py [PATH/TO/SERVICE.wsdl [BINDING]]"


class NetworkAccessError(RuntimeError):
    """Raised when anything tries to reach the network."""


def _refuse_network(*args, **kwargs):
    raise NetworkAccessError("network access attempted: %r" % (args,))


def _forbid_sockets():
    # Belt and braces next to the offline transport: nothing in this process may
    # resolve a host name or open an IP connection.
    real_connect = socket.socket.connect

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            _refuse_network(address)
        return real_connect(sock, address)

    socket.socket.connect = connect
    socket.getaddrinfo = _refuse_network
    socket.gethostbyname = _refuse_network
    socket.create_connection = _refuse_network


def fail(message, code=1):
    print("zeep_load: error: %s" % message, file=sys.stderr)
    sys.exit(code)


def main(argv):
    if len(argv) > 3:
        fail(USAGE, 2)
    wanted = argv[2] if len(argv) == 3 else None
    if wanted is not None and not (wanted.startswith("{") and "}" in wanted):
        fail("BINDING must be a QName in Clark notation, {ns}local: %r\n%s" % (wanted, USAGE), 2)
    if len(argv) >= 2:
        wsdl_path = Path(argv[1]).resolve()
    else:
        wsdl_path = Path(__file__).resolve().parents[2] / "schemas" / "ms-oxwums" / "MS-OXWUMS.wsdl"
    if not wsdl_path.is_file():
        fail("WSDL not found: %s" % wsdl_path)

    try:
        import zeep
        from zeep.transports import Transport
    except ImportError as exc:
        fail("zeep is not installed (pip install zeep): %s" % exc, 3)

    _forbid_sockets()

    class OfflineTransport(Transport):
        """A zeep transport that only reads local files."""

        def load(self, url):
            if not url:
                raise ValueError("No url given to load")
            scheme = urlparse(str(url)).scheme.lower()
            # A Windows drive letter parses as a one-letter scheme; treat it as a path.
            if scheme not in ("", "file") and len(scheme) > 1:
                raise NetworkAccessError("zeep tried to fetch a remote document: %s" % url)
            return super().load(url)

        def _load_remote_data(self, url):
            raise NetworkAccessError("zeep tried to fetch a remote document: %s" % url)

        def post(self, *args, **kwargs):
            raise NetworkAccessError("zeep tried to send a request")

        def get(self, *args, **kwargs):
            raise NetworkAccessError("zeep tried to send a request")

    def qname_text(qname):
        if qname is None:
            return None
        return getattr(qname, "text", None) or str(qname)

    def body_qnames(body):
        if body is None:
            return []
        if body.qname is None:
            # Several body parts: zeep wraps them in an anonymous element.
            return [qname_text(el.qname) for _, el in body.type.elements]
        return [qname_text(body.qname)]

    def header_qnames(header):
        if header is None:
            return []
        return [qname_text(el.qname) for _, el in header.type.elements]

    try:
        client = zeep.Client(str(wsdl_path), transport=OfflineTransport())
        bindings = client.wsdl.bindings
        if wanted is not None:
            binding_name = wanted
        elif BINDING in bindings or len(bindings) != 1:
            binding_name = BINDING
        else:
            (binding_name,) = bindings
        if binding_name not in bindings:
            fail("binding %s not found; the WSDL has: %s" % (binding_name, ", ".join(sorted(bindings)) or "none"))
        binding = bindings[binding_name]
        operations = []
        all_operations = binding.all()
        for name in sorted(all_operations):
            op = all_operations[name]
            operations.append({
                "name": name,
                "soap_action": op.soapaction,
                "input_body": body_qnames(op.input.body),
                "input_headers": header_qnames(op.input.header),
                "output_body": body_qnames(op.output.body),
                "output_headers": header_qnames(op.output.header),
            })
        if not operations:
            fail("binding %s has no operations" % binding_name)
    except NetworkAccessError as exc:
        fail(str(exc))
    except SystemExit:
        raise
    except Exception as exc:  # any zeep/lxml failure is a load failure
        fail("%s: %s" % (type(exc).__name__, exc))

    json.dump({"binding": binding_name, "operations": operations}, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
