import http.server, socketserver, sys, json, time
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_POST(self): self.handle_any()
    def do_GET(self): self.handle_any()
    def do_DELETE(self): self.handle_any()
    def send(self, code, body, ctype="application/json", extra=None):
        if isinstance(body, str): body = body.encode()
        self.send_response(code); self.send_header("Content-Type", ctype); self.send_header("Content-Length", str(len(body)))
        for k,v in (extra or {}).items(): self.send_header(k,v)
        self.end_headers(); self.wfile.write(body)
    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n: self.rfile.read(n)
        mode = self.path.split("/")[1]
        ok = {"id":"resp_1","object":"response","created_at":1,"status":"completed","model":"m","output":[{"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[{"type":"output_text","text":"hi","annotations":[]}]}],"usage":{"input_tokens":1,"output_tokens":1,"total_tokens":2}}
        if mode == "garbage": return self.send(200, "this is not json")
        if mode == "empty": return self.send(200, "")
        if mode == "html": return self.send(200, "<html>hi</html>", "text/html")
        if mode == "nulls": return self.send(200, json.dumps({"id":None,"output":None,"usage":None,"status":None}))
        if mode == "array": return self.send(200, "[1,2,3]")
        if mode == "deep": return self.send(200, "["*100000 + "]"*100000)
        if mode == "hugeint":
            o = dict(ok); o["usage"] = {"input_tokens": 10**30, "output_tokens": -1, "total_tokens": 1e400 if False else 10**30}; return self.send(200, json.dumps(o))
        if mode == "negusage":
            o = dict(ok); o["usage"] = {"input_tokens": -5, "output_tokens": -7, "total_tokens": -12}; return self.send(200, json.dumps(o))
        if mode == "floatusage":
            o = dict(ok); o["usage"] = {"input_tokens": 1.5, "output_tokens": 2e300, "total_tokens": 3}; return self.send(200, json.dumps(o))
        if mode == "nulid":
            o = dict(ok); o["id"] = "resp_\u0000x"; o["model"]="m\u0000n"; return self.send(200, json.dumps(o))
        if mode == "escid":
            o = dict(ok); o["id"] = "resp_\u001b[2J/../x"; return self.send(200, json.dumps(o))
        if mode == "emptyid":
            o = dict(ok); o["id"] = ""; return self.send(200, json.dumps(o))
        if mode == "longid":
            o = dict(ok); o["id"] = "resp_" + "x"*1000000; return self.send(200, json.dumps(o))
        if mode == "bigtext":
            o = dict(ok); o["output"] = [{"type":"message","role":"assistant","content":[{"type":"output_text","text":"y"*(50<<20)}]}]; return self.send(200, json.dumps(o))
        if mode == "noclen":
            self.send_response(200); self.send_header("Content-Type","application/json"); self.send_header("Connection","close"); self.end_headers(); self.wfile.write(json.dumps(ok).encode()); self.close_connection=True; return
        if mode == "err401": return self.send(401, json.dumps({"error":{"message":"bad key \u001b]52;c;aGk=\u0007 test-key-SECRET123","type":"x"}}))
        if mode == "err500html": return self.send(500, "<html>oops</html>" * 100000, "text/html")
        if mode == "retry-huge": return self.send(429, "{}", extra={"Retry-After": "99999999999999999999"})
        if mode == "retry-neg": return self.send(429, "{}", extra={"Retry-After": "-5"})
        if mode == "retry-date": return self.send(429, "{}", extra={"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"})
        if mode == "redirect": return self.send(302, "", extra={"Location": "http://127.0.0.1:1/x"})
        if mode == "redirect-loop": return self.send(307, "", extra={"Location": self.path})
        if mode == "sse-garbage":
            body = "event: response.output_text.delta\ndata: {not json\n\n" + "data: " + "x"*100 + "\n\n"
            return self.send(200, body, "text/event-stream")
        if mode == "sse-nocomplete":
            body = 'event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{"id":"resp_s","status":"in_progress"}}\n\nevent: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":1,"delta":"partial"}\n\n'
            return self.send(200, body, "text/event-stream")
        if mode == "sse-huge-line":
            body = "data: " + "x"*(30<<20) + "\n\n"
            return self.send(200, body, "text/event-stream")
        if mode == "sse-infinite":
            self.send_response(200); self.send_header("Content-Type","text/event-stream"); self.end_headers()
            try:
                i=0
                while True:
                    self.wfile.write((': keepalive %d\n\n' % i).encode()); self.wfile.flush(); i+=1; time.sleep(0.01)
            except Exception: return
        if mode == "hang":
            time.sleep(3600); return
        return self.send(200, json.dumps(ok))
class S(socketserver.ThreadingMixIn, http.server.HTTPServer): daemon_threads = True
s = S(("127.0.0.1", 0), H); print(s.server_address[1], flush=True); s.serve_forever()
