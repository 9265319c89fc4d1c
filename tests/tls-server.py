#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/tls-server.py: the servers of tests/t-tls.sh, on 127.0.0.1.

tls-server.py MODE [CERT KEY [CAFILE]]

Binds a free port on 127.0.0.1, prints it on one line, then serves until
it is killed or 300 seconds have passed.  MODE:
  http        HTTP/1.1: /status/NNN answers NNN (301 with a Location),
              /slow/NNN the same after 100 ms, /body "ready: yes",
              anything else 200
  https       the same over TLS with CERT and KEY
  clientcert  TLS that requires a client certificate (from CAFILE)
  sni         TLS that refuses any SNI name but "only.example"
  nocipher    TLS 1.2 only, with an ECDSA cipher an RSA key cannot serve
  text        plain text to anything: "HTTP/1.1 400 Bad Request"
  version     reads the ClientHello and answers with the TLS alert
              record fatal protocol_version (70), then closes: a server
              that accepts none of the versions offered
  stall       HTTP: a status line, headers and 4 bytes of a 100-byte
              body, then nothing
  silent      listens and never accepts
  hello       reads the ClientHello, answers with a ServerHello (TLS 1.2)
              and then nothing: a handshake that begins and stalls
  helloclose  the same ServerHello, then closes
  reset       accepts and resets each connection at once (SO_LINGER 0)
"""
import http.server
import os
import socket
import ssl
import struct
import sys
import threading
import time


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, body):
        status = 200
        if self.path.startswith("/status/"):
            status = int(self.path[8:11])
        elif self.path.startswith("/slow/"):
            time.sleep(0.1)
            status = int(self.path[6:9])
        self.send_response(status)
        if status == 301:
            self.send_header("Location", "https://elsewhere.example/new")
        data = body or ("status %d\nsecond line\n" % status).encode()
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return data

    def do_GET(self):
        data = self.answer(b"ready: yes\n" if self.path == "/body" else None)
        self.wfile.write(data)

    def do_HEAD(self):
        self.answer(None)


def tls_context(mode, cert, key, cafile):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    if mode == "clientcert":
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cafile)
    elif mode == "sni":
        def only(sock, name, c):
            if name != "only.example":
                return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
            return None
        ctx.sni_callback = only
    elif mode == "nocipher":
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers("ECDHE-ECDSA-AES128-GCM-SHA256")
    return ctx


def read_record(conn):
    """The first TLS record of `conn` (a ClientHello), read in full."""
    head = b""
    while len(head) < 5:
        more = conn.recv(5 - len(head))
        if not more:
            return head
        head += more
    left = int.from_bytes(head[3:5], "big")
    while left > 0:
        more = conn.recv(left)
        if not more:
            break
        left -= len(more)
    return head


def server_hello():
    """A TLS 1.2 ServerHello record (RFC 5246 7.4.1.3): a random, no
    session, ECDHE-RSA-AES128-GCM-SHA256, no compression, and the
    renegotiation_info and extended_master_secret extensions."""
    ext = bytes([0xff, 0x01, 0, 1, 0, 0, 0x17, 0, 0])
    body = (b"\x03\x03" + os.urandom(32) + b"\x00" + b"\xc0\x2f" + b"\x00" +
            len(ext).to_bytes(2, "big") + ext)
    msg = b"\x02" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x03" + len(msg).to_bytes(2, "big") + msg


def serve_raw(sock, mode):
    """text: one answer to whatever comes; silent: never accept; stall:
    an answer cut short, the connection kept open; version: the alert
    protocol_version (RFC 8446 6.2: level 2 fatal, description 70) in a
    record of type 21 (alert), version TLS 1.2, length 2."""
    kept = []
    while True:
        if mode == "reset":
            conn, _ = sock.accept()
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            struct.pack("ii", 1, 0))
            conn.close()
            continue
        if mode in ("hello", "helloclose"):
            conn, _ = sock.accept()
            try:
                conn.settimeout(2)
                if read_record(conn)[:1] == b"\x16":
                    conn.sendall(server_hello())
            except OSError:
                pass
            if mode == "hello":
                kept.append(conn)
            else:
                conn.close()
            continue
        if mode == "version":
            conn, _ = sock.accept()
            try:
                conn.settimeout(2)
                if read_record(conn)[:1] == b"\x16":
                    conn.sendall(bytes([21, 3, 3, 0, 2, 2, 70]))
            except OSError:
                pass
            conn.close()
            continue
        if mode == "stall":
            conn, _ = sock.accept()
            conn.recv(4096)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nbody")
            continue
        if mode == "silent":
            threading.Event().wait(300)
            continue
        conn, _ = sock.accept()
        try:
            conn.settimeout(2)
            conn.recv(4096)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\n"
                         b"Content-Length: 0\r\n\r\n")
        except OSError:
            pass
        conn.close()


def main():
    mode = sys.argv[1]
    threading.Timer(300, lambda: os._exit(0)).start()
    if mode in ("text", "silent", "stall", "version", "hello", "helloclose",
                "reset"):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        print(sock.getsockname()[1], flush=True)
        serve_raw(sock, mode)
        return
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if mode != "http":
        ctx = tls_context(mode, sys.argv[2], sys.argv[3],
                          sys.argv[4] if len(sys.argv) > 4 else None)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
