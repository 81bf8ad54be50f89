# Test app for PreviewIT: listens on 127.0.0.1 only (unreachable from outside the sandbox but through the agent).
#   GET  /hello          -> "hello from <port>" plus the Host and X-Forwarded-Host it saw, and the Cookie header
#   GET  /big?n=BYTES    -> BYTES of a repeating pattern, Content-Length framed, written in 1 MiB pieces
#   POST /upload         -> reads the whole body (any framing) and answers "<length> <sha256>"
#   GET  /sse            -> event "one", then waits until /tmp/sse-release exists, then event "two" (chunked)
#   GET  /ws             -> WebSocket echo (text and binary frames, RFC 6455, no extensions)
#   GET  /trailers       -> hostile: a chunked body whose trailer section never ends
import base64, hashlib, os, socket, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1])
PATTERN = bytes(range(256)) * 4096  # 1 MiB


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, code, body, ctype="text/plain"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.startswith("/hello"):
            body = "hello from %d host=%s fwd=%s cookie=%s token=%s path=%s" % (
                PORT, self.headers.get("Host"), self.headers.get("X-Forwarded-Host"),
                self.headers.get("Cookie"), self.headers.get("x-daytona-preview-token"), self.path)
            return self.reply(200, body.encode())
        if self.path.startswith("/big"):
            n = int(self.path.split("n=")[1])
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(n))
            self.end_headers()
            while n > 0:
                k = min(n, len(PATTERN))
                self.wfile.write(PATTERN[:k])
                n -= k
            return
        if self.path.startswith("/sse"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.chunk(b"data: one\n\n")
            while not os.path.exists("/tmp/sse-release"):
                time.sleep(0.05)
            self.chunk(b"data: two\n\n")
            self.wfile.write(b"0\r\n\r\n")
            return
        if self.path.startswith("/ws"):
            return self.websocket()
        if self.path.startswith("/trailers"):
            # hostile: a chunked body whose trailer never ends (folded continuation lines forever)
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.chunk(b"start")
            self.wfile.write(b"0\r\nX: a\r\n")
            line = b" " + b"a" * 4096 + b"\r\n"
            try:
                while True:
                    self.wfile.write(line)
            except OSError:
                return
        self.reply(404, b"no such page")

    def chunk(self, b):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(b), b))
        self.wfile.flush()

    def do_POST(self):
        h = hashlib.sha256()
        total = 0
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    break
                left = size
                while left:
                    d = self.rfile.read(min(left, 1 << 20))
                    h.update(d)
                    total += len(d)
                    left -= len(d)
                self.rfile.readline()
        else:
            left = int(self.headers.get("Content-Length", "0"))
            while left:
                d = self.rfile.read(min(left, 1 << 20))
                if not d:
                    break
                h.update(d)
                total += len(d)
                left -= len(d)
        self.reply(200, ("%d %s" % (total, h.hexdigest())).encode())

    def websocket(self):
        key = self.headers.get("Sec-WebSocket-Key")
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept.decode())
        self.end_headers()
        self.wfile.flush()
        r = self.rfile
        while True:
            hdr = r.read(2)
            if len(hdr) < 2:
                return
            op = hdr[0] & 0x0F
            n = hdr[1] & 0x7F
            if n == 126:
                n = int.from_bytes(r.read(2), "big")
            elif n == 127:
                n = int.from_bytes(r.read(8), "big")
            mask = r.read(4) if hdr[1] & 0x80 else b"\0\0\0\0"
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(r.read(n)))
            if op == 8:
                self.wfile.write(b"\x88\x00")
                self.wfile.flush()
                return
            out = bytes([0x80 | op])
            if len(data) < 126:
                out += bytes([len(data)])
            elif len(data) < 65536:
                out += bytes([126]) + len(data).to_bytes(2, "big")
            else:
                out += bytes([127]) + len(data).to_bytes(8, "big")
            self.wfile.write(out + data)
            self.wfile.flush()


srv = ThreadingHTTPServer(("127.0.0.1", PORT), H)
print("ready", flush=True)
srv.serve_forever()
