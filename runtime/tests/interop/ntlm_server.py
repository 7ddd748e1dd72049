#!/usr/bin/env python3
"""An HTTP server that authenticates SOAP requests with NTLM or Negotiate, the way IIS does for
on-premises Exchange, with pyspnego's pure-Python NTLM acceptor (a third-party implementation
of [MS-NLMP], not soapkit's).

Usage:
    NTLM_USER_FILE=users.txt python3 ntlm_server.py [--schemes NTLM,Negotiate] [--close-after-answer]

NTLM_USER_FILE holds `DOMAIN:user:password` lines (pyspnego's credential store). The server
listens on an ephemeral loopback port and prints `listening <port>` first; then one line per
finished handshake: `authenticated <DOMAIN\\user> on connection <n> after <legs> legs`, or
`refused on connection <n>: <why>`.

The protocol is connection-based ([MS-NTHT] 2.2): a request without credentials on a connection
that is not authenticated gets 401 with one `WWW-Authenticate` per scheme offered; `NTLM <type 1>`
gets 401 with `NTLM <type 2>`; `NTLM <type 3>` on the same connection completes the context, and
the request is answered. The connection then stays authenticated: later requests on it need no
`Authorization` header. A type 3 message on another connection has no context to complete and
is refused, so a client that does not keep the handshake on one connection cannot pass.

With --close-after-answer the server closes each connection after its first answer (as a
server restarting or timing out idle connections does), so every request needs a new handshake.

Answers are SOAP 1.1 envelopes `<t:Echo xmlns:t="urn:soapkit:test">hello DOMAIN\\user</t:Echo>`.
"""

import argparse
import base64
import http.server
import itertools
import socketserver
import sys
import threading

try:
    import spnego
    from spnego.exceptions import SpnegoError
except ImportError as e:  # pragma: no cover
    print(f"pyspnego is required: {e}", file=sys.stderr)
    sys.exit(3)

CONNECTIONS = itertools.count(1)
OUTPUT = threading.Lock()


def envelope(text):
    return (
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
        f'<soap:Body><t:Echo xmlns:t="urn:soapkit:test">{text}</t:Echo></soap:Body></soap:Envelope>'
    ).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    schemes = ["NTLM", "Negotiate"]
    close_after_answer = False

    def setup(self):
        super().setup()
        self.connection_id = next(CONNECTIONS)
        self.context = None
        self.scheme = None
        self.legs = 0
        self.user = None

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def say(self, line):
        # One write per line under a lock: the connections' threads must not interleave.
        with OUTPUT:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    def send(self, status, body, challenges=()):
        self.send_response(status)
        if status == 200 and self.close_after_answer:
            self.close_connection = True
            self.send_header("Connection", "close")
        for c in challenges:
            self.send_header("WWW-Authenticate", c)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def challenge(self):
        self.context = None
        self.send(401, b"", self.schemes)

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        auth = self.headers.get("Authorization")
        if auth is None:
            if self.user is not None:
                return self.send(200, envelope(f"hello {self.user}"))
            return self.challenge()
        scheme, _, token = auth.partition(" ")
        if scheme not in self.schemes:
            return self.challenge()
        try:
            token = base64.b64decode(token.strip(), validate=True)
        except ValueError:
            self.say(f"refused on connection {self.connection_id}: the token is not base64")
            return self.challenge()
        if self.context is None or scheme != self.scheme:
            protocol = "ntlm" if scheme == "NTLM" else "negotiate"
            self.context = spnego.server(protocol=protocol)
            self.scheme = scheme
            self.legs = 0
        self.legs += 1
        try:
            out = self.context.step(token)
        except SpnegoError as e:
            self.say(f"refused on connection {self.connection_id}: {e}")
            return self.challenge()
        if not self.context.complete:
            return self.send(401, b"", [f"{scheme} {base64.b64encode(out).decode()}"])
        self.user = self.context.client_principal
        self.say(f"authenticated {self.user} on connection {self.connection_id} after {self.legs} legs")
        final = [f"{scheme} {base64.b64encode(out).decode()}"] if out else []
        self.context = None
        self.send(200, envelope(f"hello {self.user}"), final)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--schemes", default="NTLM,Negotiate")
    p.add_argument("--close-after-answer", action="store_true")
    args = p.parse_args()
    Handler.schemes = args.schemes.split(",")
    Handler.close_after_answer = args.close_after_answer
    server = Server(("127.0.0.1", 0), Handler)
    print(f"listening {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
