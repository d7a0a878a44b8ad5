#!/usr/bin/env python3
"""A stand-in for a server with net/http/pprof, for tests/remote.sh.

It answers each request with a saved exchange of DIR/exchanges.json: the
request's method, target (path and query) and body select the answer
(status line, headers, body file). A request with no saved answer gets
"599 No Saved Answer", unless --record names the real server: then it
is asked, and its answer is saved and replayed from then on, so that two
clients asked the same questions get the same bytes. Without --record, a
POST of addresses to a .../symbol path that was not saved is answered as
net/http/pprof answers it, from every symbol answer saved: "num_symbols:
1", then "0xADDR name" for each address asked that one of them names.
Every request is logged to --log as "METHOD TARGET BODY" (one line).

  fakepprof.py --dir DIR --port-file FILE [--log FILE] [--record HOST:PORT]
               [--tls CERT KEY [--client-ca CA]]

It listens on 127.0.0.1 at a free port, written to --port-file once it
is listening. With --tls it speaks https; with --client-ca too, it asks
the client for a certificate signed by CA and refuses the handshake
without one.
"""
import argparse
import http.client
import http.server
import json
import os
import ssl
import sys
import threading

SKIP_HEADERS = {"date", "content-length", "transfer-encoding", "connection"}


class Store:
    def __init__(self, directory, upstream):
        self.dir = directory
        self.upstream = upstream
        self.lock = threading.Lock()
        self.path = os.path.join(directory, "exchanges.json")
        self.exchanges = []
        if os.path.exists(self.path):
            with open(self.path) as f:
                self.exchanges = json.load(f)

    def find(self, method, target, body):
        for e in self.exchanges:
            if e["method"] == method and e["target"] == target and e.get("request", "") == body:
                return e
        return None

    def symbols(self, body):
        """net/http/pprof's Symbol handler, its names taken from the saved answers."""
        names = {}
        for e in self.exchanges:
            if e["method"] == "POST" and e["target"].endswith("/symbol") and e["status"] == 200:
                for line in self.body(e).decode("latin-1").split("\n"):
                    addr, _, name = line.partition(" ")
                    if addr.startswith("0x"):
                        names[int(addr, 16)] = name
        out = "num_symbols: 1\n"
        for word in body.split("+"):
            try:
                pc = int(word, 0)
            except ValueError:
                continue
            if pc in names:
                out += "%#x %s\n" % (pc, names[pc])
        return out.encode("latin-1")

    def body(self, e):
        with open(os.path.join(self.dir, e["body"]), "rb") as f:
            return f.read()

    def record(self, method, target, body):
        """Asks the real server (outside the lock: a CPU profile takes seconds) and saves its answer."""
        conn = http.client.HTTPConnection(self.upstream, timeout=120)
        headers = {"Content-Type": "application/octet-stream"} if method == "POST" else {}
        conn.request(method, target, body=body.encode() if method == "POST" else None, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        with self.lock:
            e = self.find(method, target, body)
            if e is not None:
                return e
            stem = target.split("?")[0].strip("/").replace("/", "_") or "root"
            name = "%02d.%s" % (len(self.exchanges) + 1, stem)
            with open(os.path.join(self.dir, name), "wb") as f:
                f.write(data)
            e = {
                "method": method,
                "target": target,
                "request": body,
                "status": resp.status,
                "reason": resp.reason,
                "headers": [[k, v] for k, v in resp.getheaders() if k.lower() not in SKIP_HEADERS],
                "body": name,
            }
            self.exchanges.append(e)
            with open(self.path, "w") as f:
                json.dump(self.exchanges, f, indent=1)
                f.write("\n")
            return e


def handler(store, log):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def answer(self, method):
            body = ""
            if method == "POST":
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n).decode("latin-1")
            with store.lock:
                log.write("%s %s %s\n" % (method, self.path, body))
                log.flush()
                e = store.find(method, self.path, body)
            if e is None and store.upstream:
                e = store.record(method, self.path, body)
            if e is None and method == "POST" and self.path.endswith("/symbol"):
                data = store.symbols(body)
                self.send_response(200, "OK")
                self.send_header("Content-Type", "text/plain; charset=utf-8")
            elif e is None:
                data = b"no saved answer\n"
                self.send_response(599, "No Saved Answer")
                self.send_header("Content-Type", "text/plain")
            else:
                data = store.body(e)
                self.send_response(e["status"], e["reason"])
                for k, v in e["headers"]:
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self.answer("GET")

        def do_POST(self):
            self.answer("POST")

    return Handler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", default=os.devnull)
    ap.add_argument("--record")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--client-ca")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    log = open(a.log, "a")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler(Store(a.dir, a.record), log))
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        if a.client_ca:
            ctx.load_verify_locations(a.client_ca)
            ctx.verify_mode = ssl.CERT_REQUIRED
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, a.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
