#!/bin/sh
# SPDX-License-Identifier: ISC
# t-http.sh: the answers of an HTTP check taken as bytes (hostile round 3,
# findings 10, 11, 17 and cosmetic C3, C4, C5): a body with NUL bytes, a
# body of CR LF lines, an answer cut short (stalled or closed), a long
# Location or first line, an empty Location, a header line too long.  One
# raw server on 127.0.0.1 answers GET /NAME with the bytes of the file NAME
# ("-stall" names are kept open 5 s after); it writes the longer answers
# itself, this script the others.  Needs python3, jq and a build with
# libcurl.
set -u
. "${SRCDIR:-.}/tests/tap.sh"

command -v python3 >/dev/null 2>&1 || skip_all "needs python3"
command -v jq >/dev/null 2>&1 || skip_all "needs jq"
if "$ISOCK" -q http://127.0.0.1:9/ 2>&1 | grep -q "which this build of isock-connect lacks"; then
	skip_all "this isock-connect has no TLS and HTTP support (built without libcurl)"
fi
tap_setup
mkdir "$tmp/resp"
cat >"$tmp/raw.py" <<'EOF'
import os, socket, sys, threading, time
d = sys.argv[1]
def put(name, head, body):
    open(os.path.join(d, name), "wb").write(head + body)
put("binary", b"HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n",
    bytes(range(256)) * 50)
put("longloc", b"HTTP/1.1 301 Moved\r\nLocation: /" + b"x" * 5000 +
    b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", b"")
put("longline", b"HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n",
    b"B" * 3000 + b"\nend\n")
put("bighead", b"HTTP/1.1 200 OK\r\nX-Big: " + b"A" * 200000 +
    b"\r\nContent-Length: 2\r\nConnection: close\r\n\r\n", b"ok")
many = b"x\0\r\n" * 15000 + b"last one\r\n"
put("many", b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n"
    b"Connection: close\r\n\r\n" % len(many), many)
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
threading.Timer(120, lambda: os._exit(0)).start()
def serve(c):
    try:
        c.settimeout(5)
        req = b""
        while b"\r\n\r\n" not in req:
            more = c.recv(4096)
            if not more:
                return
            req += more
        name = os.path.basename(req.split(b" ")[1].decode())
        c.sendall(open(os.path.join(d, name), "rb").read())
        if name.endswith("-stall"):
            time.sleep(5)
    except OSError:
        pass
    finally:
        c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF
: >"$tmp/port"
python3 "$tmp/raw.py" "$tmp/resp" >"$tmp/port" 2>"$tmp/raw.err" &
tap_pids="$tap_pids $!"
i=0
port=
while [ $i -lt 200 ] && [ -z "$port" ]; do
	IFS= read -r port <"$tmp/port" || port=
	[ -n "$port" ] || sleep 0.05
	i=$((i + 1))
done
[ -n "$port" ] || { echo "Bail out! the raw server did not start: $(cat "$tmp/raw.err")"; exit 99; }
U=http://127.0.0.1:$port

# run_more CMD...: run, keeping the notes of the runs before it in the case.
run_more() {
	tm_keep=$tap_why
	run "$@"
	tap_why=$tm_keep$tap_why
}

# resp NAME HEAD BODY-PRINTF: writes the answer NAME (printf formats).
resp() {
	printf "$2" >"$tmp/resp/$1"
	printf "$3" >>"$tmp/resp/$1"
}
H200='HTTP/1.1 200 OK\r\nConnection: close\r\n'
H404='HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n'
resp nul "${H200}Content-Length: 12\r\n\r\n" 'ab\000cd ready\n'
resp crlf "${H200}Content-Length: 24\r\n\r\n" 'status: ok\r\nready: yes\r\n'
resp empty1 "$H404" '\nsecond line\n'
resp cut-stall "${H200}Content-Length: 1000\r\n\r\n" 'partial'
resp cut "${H200}Content-Length: 1000\r\n\r\n" 'partial'
: >"$tmp/resp/none-stall"
resp redir0 'HTTP/1.1 302 Found\r\nLocation: \r\nContent-Length: 0\r\nConnection: close\r\n\r\n' ''
resp redirnone 'HTTP/1.1 302 Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' ''
{ printf 'HTTP/1.1 200 OK\r\nContent-Length: 70000\r\nConnection: close\r\n\r\n'
  head -c 70000 /dev/zero | tr '\000' A; } >"$tmp/resp/noend"

plan 13

# 1: a NUL byte in the body: --http-body matches the text after it
run "$ISOCK" -w 2 --http-body 'cd ready$' "$U/nul"
want_rc 0
want_out "HTTP 200"
run_more "$ISOCK" -w 2 --http-body 'nothing' "$U/nul"
want_rc 13
want_err_fixed 'Found: the first line of the body: "ab" (it ends in a NUL byte)'
want_not_err "body is empty|CR LF|cd ready"
verdict "a NUL in the body ends a line: matched past it (exit 0), the first line shown up to it, as matched; never 'the body is empty'"

# 2: a binary body: its first line ends at its first byte, a NUL, as for
# --http-body; never "empty"; JSON agrees
run "$ISOCK" -w 2 "$U/binary"
want_rc 13
want_err_fixed 'Found: the body begins with a NUL byte, which ends its first line (12800 bytes came in all)'
want_not_err "body is empty"
run_more "$ISOCK" -w 2 -j "$U/binary"
printf '%s\n' "$out" | head -n 1 | jq -e '.http.body_bytes == 12800 and
	(.facts | map(select(test("body is empty"))) | length) == 0' >/dev/null ||
	tap_note "JSON: body_bytes is not 12800, or a fact says the body is empty: $out"
verdict "a binary body: it begins with a NUL, its first line's end; JSON body_bytes 12800, never 'empty'"

# 3: a body whose first line is empty is not an empty body
run "$ISOCK" -w 2 "$U/empty1"
want_rc 13
want_err_fixed "Found: the first line of the body is empty (13 bytes came in all)"
want_not_err "Found: the body is empty"
verdict "an empty first line: said so with the bytes that came; never 'the body is empty'"

# 4: CR LF lines: ^ and $ match each line without its line end; the
# first line shown says how it ends
run "$ISOCK" -w 2 --http-body '^ready: yes$' "$U/crlf"
want_rc 0
run_more "$ISOCK" -w 2 --http-body '^ready: no$' "$U/crlf"
want_rc 13
want_err_fixed 'Found: the first line of the body: "status: ok" (it ends in CR LF)'
verdict "CR LF lines: '^ready: yes\$' matches (exit 0); the shown line says it ends in CR LF"

# 5: an answer that stalls in its body: the service answered; never
# "did not answer" nor "another protocol"
run "$ISOCK" -w 0.5 "$U/cut-stall"
want_rc 3
want_err "The service answered \\(its status line came, and 7 bytes of the body\\), then sent nothing more before the deadline"
want_not_err "did not answer|another protocol|no HTTP answer"
verdict "an answer that stalls mid-body: exit 3, what came; never 'did not answer'"

# 6: an answer closed in its body: cut short, with its facts; never "no
# valid HTTP answer" nor "Something answers ... not with a valid HTTP answer"
run "$ISOCK" -w 2 "$U/cut"
want_rc 13
want_err "the HTTP answer was cut short: the server closed the connection during its body"
want_err_fixed "Found: 7 bytes of the body came, of the 1000 its Content-Length announced; then the server closed the connection"
want_not_err "no valid HTTP answer|not with a valid HTTP answer|did not answer|libcurl's limit"
verdict "an answer closed mid-body: exit 13, the bytes that came and the Content-Length"

# 7: a long Location and a long first line: cut and marked with their length
run "$ISOCK" -w 2 --http-status 200 "$U/longloc"
want_rc 13
want_err "Found: Location: /x{50,}\\[\\.\\.\\. 5001 bytes\\]$"
want_not_err "Location is empty|no Location came|names no place"
run_more "$ISOCK" -w 2 -j --http-status 200 "$U/longloc"
printf '%s\n' "$out" | head -n 1 | jq -e '.http.location_bytes == 5001 and
	(.http.location | length) == 255' >/dev/null ||
	tap_note "JSON: location_bytes is not 5001: $(printf '%s' "$out" | head -c 600)"
run_more "$ISOCK" -w 2 "$U/longline"
want_rc 13
want_err "Found: the first line of the body: \"B{50,}\\[\\.\\.\\. 3000 bytes\\]\"$"
verdict "a long Location or first line: cut, marked '[... N bytes]' with its whole length; JSON location_bytes"

# 8: a redirection with an empty Location: never "the Location above"
run "$ISOCK" -w 2 --http-status 200 "$U/redir0"
want_rc 13
want_err "Found: its Location is empty"
want_not_err "Location above"
verdict "an empty Location: said so; the Check never points to 'the Location above'"

# 9: 15,000 CR LF lines and NULs (60 KB): each line tried, the last matches
run "$ISOCK" -w 2 --http-body '^last one$' "$U/many"
want_rc 0
run_more "$ISOCK" -w 2 --http-body '^x$' "$U/many"
want_rc 0
run_more "$ISOCK" -w 2 --http-body '^last two$' "$U/many"
want_rc 13
verdict "15,000 lines with NULs: the last line matches, a line ended by a NUL matches, another fails"

# 10: a header line of 200,000 bytes: libcurl's limit named, never its
# "Out of memory" as the headline (this host's memory is not the cause)
run "$ISOCK" -w 2 "$U/bighead"
want_rc 13
want_err "no valid HTTP answer: a header line longer than libcurl's limit of 100 KiB"
want_not_err "answer: Out of memory|cut short"
verdict "a 200 KB header line: exit 13, libcurl's header limit named; never 'Out of memory' alone"

# 11: a request that gets no byte back: silence, never "The service
# answered" (that needs a status line)
run "$ISOCK" -w 0.5 "$U/none-stall"
want_rc 3
want_err "connected, but no HTTP answer came before the deadline"
want_not_err "The service answered|cut short"
verdict "no byte of an answer: exit 3, silence; never 'The service answered'"

# 12: several targets: a redirection without a Location and one with an
# empty Location are two groups, each with its own Found line (the review
# of round 3 saw the first one's "no Location came" said of both)
run "$ISOCK" -w 2 --http-status 200 "$U/redirnone" "$U/redir0"
want_rc 13
want_err "Found: no Location came with it"
want_err "Found: its Location is empty"
verdict "several targets: no Location and an empty Location, each said of its own target"

# 13: a body longer than the 64 KiB kept, with no line end: the piece kept
# is no whole line, so '$' does not match at the cut
run "$ISOCK" -w 2 --http-body 'A$' "$U/noend"
want_rc 13
run_more "$ISOCK" -w 2 --http-body '^AAA' "$U/noend"
want_rc 0
verdict "a 70,000-byte line: '\$' never matches where the kept bytes end; '^' still does"
