#!/bin/sh
# SPDX-License-Identifier: ISC
# t-tls.sh: issue 22, "ready, not just accepting": https://, http:// and
# --tls on 127.0.0.1, against servers of tests/tls-server.py with
# certificates this script makes with openssl (a CA, an intermediate, a
# good leaf, an expired one, one not valid yet, one for another name, a
# self-signed one).  Each failure asserts its exit status, its facts and a
# sentence it must never say; JSON carries the tls and http objects.
# Needs python3 and openssl, and a build with libcurl (and its module
# src/isock-ready.so); exits 77 (SKIP) without.
set -u
. "${SRCDIR:-.}/tests/tap.sh"

for tool in python3 openssl; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "needs $tool"
done
# The binary under test may be one built without libcurl (make static).
if "$ISOCK" -q --tls 127.0.0.1 9 2>&1 | grep -q "which this build of isock-connect lacks"; then
	skip_all "this isock-connect has no TLS and HTTP support (built without libcurl)"
fi
SERVER=${SRCDIR:-.}/tests/tls-server.py
tap_setup

# start_server VAR MODE [ARGS...]: starts tls-server.py in the background
# and waits (at most 10 s) for its port, stored in VAR; $server_pid is its
# process.
start_server() {
	ts_var=$1; shift
	tap_nls=$((tap_nls + 1))
	ts_out=$tmp/server.$tap_nls.out
	: >"$ts_out"
	python3 "$SERVER" "$@" >"$ts_out" 2>"$tmp/server.$tap_nls.err" &
	server_pid=$!
	tap_pids="$tap_pids $server_pid"
	ts_i=0
	while [ $ts_i -lt 200 ]; do
		if IFS= read -r ts_line <"$ts_out" && [ -n "$ts_line" ]; then
			eval "$ts_var=\$ts_line"
			return 0
		fi
		sleep 0.05
		ts_i=$((ts_i + 1))
	done
	echo "Bail out! tls-server.py $* did not start: $(cat "$tmp/server.$tap_nls.err")"
	exit 99
}

# The certificates: a root CA, an intermediate, leaves (tests/tls-pki.sh).
. "${SRCDIR:-.}/tests/tls-pki.sh"
tls_pki "$tmp" "isock test CA $$"
cd "$tmp" || exit 99
later=$(date -u -d '+3 hours' +%Y%m%d%H%M%SZ)
until=$(date -u -d '+30 days' +%Y%m%d%H%M%SZ)
tls_pki_ca leaf.csr future.pem "$later" "$until" leaf.ext
# A leaf of an intermediate, served without the intermediate.
tls_pki_run req -newkey rsa:2048 -nodes -keyout int.key -out int.csr -subj "/CN=isock test intermediate $$"
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign\n' >int.ext
tls_pki_run x509 -req -in int.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out int.pem \
	-days 10 -extfile int.ext
tls_pki_run x509 -req -in leaf.csr -CA int.pem -CAkey int.key -CAcreateserial -out byint.pem \
	-days 10 -extfile leaf.ext
cat byint.pem int.pem >fullchain.pem
# A client certificate of the test CA, its key apart.
tls_pki_run req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/CN=isock client"
printf 'extendedKeyUsage=clientAuth\n' >client.ext
tls_pki_run x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem \
	-days 10 -extfile client.ext

plan 57

# 1: a good HTTPS server: ready, with the TLS facts on the success line
start_server good https leaf.pem leaf.key
run "$ISOCK" --cacert ca.pem "https://localhost:$good/"
want_rc 0
want_out "connected to localhost \\(127\\.0\\.0\\.1\\) port $good \\(tcp\\) in .*; TLSv1\\.[23] \\(.*\\), certificate valid until .*; HTTP 200, first byte in"
verdict "https: a good server is ready (exit 0) with its TLS version and HTTP status"

# 2: --tls on a plain TCP target: the handshake only; -v says from where
# (the connect's record, kept for its check)
run "$ISOCK" -v --tls --cacert ca.pem 127.0.0.1 "$good"
want_rc 0
want_out "connected to 127\\.0\\.0\\.1 port $good from 127\\.0\\.0\\.1 port [0-9]+ \\(tcp\\) in .*; TLSv1\\.[23]"
want_not_err "HTTP"
verdict "--tls: a handshake after the connect, no HTTP; -v gives the local address"

# 3: JSON on success: the tls and http objects
run "$ISOCK" -j --cacert ca.pem "https://localhost:$good/status/204"
want_rc 0
printf '%s\n' "$out" | head -n 1 | jq -e '.exit_code == 0 and
	.tls.handshake == true and (.tls.version | startswith("TLSv1.")) and
	.tls.subject == "CN=localhost" and (.tls.issuer | startswith("CN=isock test CA")) and
	.tls.names == "localhost, 127.0.0.1" and .tls.verify == "ok" and
	(.tls.not_after | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")) and
	.http.status == 204 and .http.first_byte_ms >= 0 and
	.local_address == "127.0.0.1" and .local_port > 0' >/dev/null ||
	tap_note "JSON lacks the tls or http facts, or the local address"
verdict "JSON: tls (version, subject, issuer, names, validity, verify), http (status, first byte), local address"

# 4: without --cacert the test CA is unknown: exit 12, the issuer named
run "$ISOCK" "https://localhost:$good/"
want_rc 12
want_err "the TLS certificate's issuer is not trusted here"
want_err "Found: the issuer 'CN=isock test CA $$' of the certificate 'CN=localhost' is not among the trusted certificates"
want_err "Found: trusted here: the CA file "
want_not_err "expired|self-signed|not for the name"
verdict "unknown issuer: exit 12, the issuer and the CA file used; never 'expired'"

# 5: expired: notAfter and how long ago
start_server exp https expired.pem leaf.key
run "$ISOCK" --cacert ca.pem "https://localhost:$exp/"
want_rc 12
want_err "the server's TLS certificate has expired"
want_err "Found: the certificate 'CN=localhost' \\(issued by 'CN=isock test CA $$'\\) expired on 2025-11-01 00:00:00 UTC \\(notAfter\\), [0-9]+ (year|day)s? .*ago by this host's clock"
want_err "Check: renew the certificate on localhost port $exp"
want_not_err "clock is behind"
want_not_err "not for the name"
verdict "expired: exit 12, its notAfter and how long ago; never 'clock is behind'"

# 6: not yet valid: notBefore against this host's clock
start_server fut https future.pem leaf.key
run "$ISOCK" --cacert ca.pem "https://localhost:$fut/"
want_rc 12
want_err "the server's TLS certificate is not valid yet"
want_err "Found: the certificate 'CN=localhost' .* is valid from .* \\(notBefore\\): 2 hours [0-9]+ minutes after this host's clock, which reads "
want_err "this host's clock is behind \\(the likely cause"
want_not_err "expired"
verdict "not yet valid: exit 12, notBefore against this clock, the clock named; never 'expired'"

# 7: name mismatch: the name asked, the names held
start_server oth https other.pem other.key
run "$ISOCK" --cacert ca.pem "https://localhost:$oth/"
want_rc 12
want_err "the TLS certificate is not for the name 'localhost'"
want_err "Found: the name asked: localhost"
want_err "Found: the names the certificate 'CN=other.example' .* holds: other.example, www.other.example"
want_not_err "expired|not trusted|self-signed"
verdict "name mismatch: exit 12, the name asked and the names held; never 'not trusted'"

# 8: self-signed
start_server self https self.pem self.key
run "$ISOCK" --tls --cacert ca.pem localhost "$self"
want_rc 12
want_err "the TLS certificate is self-signed and not trusted here"
want_err "Found: the certificate 'CN=localhost' \\(self-signed\\) is its own issuer"
want_err "Found: trusted here: the CA file ca.pem"
want_not_err "intermediate|expired"
verdict "self-signed: exit 12, named as such with the CA file; never 'intermediate'"

# 9: the intermediate missing: the server sent its own certificate only
start_server noint https byint.pem leaf.key
run "$ISOCK" --cacert ca.pem "https://localhost:$noint/"
want_rc 12
want_err "Found: the issuer 'CN=isock test intermediate $$' of the certificate 'CN=localhost'"
want_err "Found: the server sent 1 certificate: its own only, no intermediate"
want_err "incomplete chain"
want_not_err "self-signed"
verdict "incomplete chain: exit 12, one certificate sent, the intermediate named; never 'self-signed'"

# 10: the same leaf with its chain: ready, and never 'incomplete'
start_server full https fullchain.pem leaf.key
run "$ISOCK" --cacert ca.pem "https://localhost:$full/"
want_rc 0
want_not_err "incomplete"
verdict "complete chain: ready (exit 0)"

# 11: plain text on a TLS port: the first bytes, escaped
start_server text text
run "$ISOCK" --tls localhost "$text"
want_rc 12
want_err "the server does not speak TLS on this port"
want_err_fixed 'Found: the server'"'"'s first bytes: "HTTP/1.1 400 Bad Request\x0d\x0aContent-Length: 0'
want_no_ctrl
want_not_err "certificate"
verdict "plain text on a TLS port: exit 12, its first bytes escaped; never a certificate"

# 12: accepted but silent: exit 3, the connect and the silence.  -4: the
# server listens on 127.0.0.1 alone, and where /etc/hosts also gives ::1
# for localhost (as Debian's does), ::1's refusal is rightly reported.
# Under strace (where it runs: not with ASan, whose leak check cannot),
# the listener facts are read alone: never the ruleset (NETLINK_NETFILTER).
start_server quiet silent
st=
if command -v strace >/dev/null 2>&1 && ! LC_ALL=C grep -q __asan_init "$ISOCK"; then
	st="strace -f -qq -e trace=socket -o $tmp/silent.st"
fi
run $st "$ISOCK" -4 -w 1 --tls localhost "$quiet"
[ -z "$st" ] || ! grep -q NETLINK_NETFILTER "$tmp/silent.st" ||
	tap_note "the listener facts of a silent check read the ruleset too"
want_rc 3
want_err "connected, but no TLS answer \\(ServerHello\\) came before the deadline"
want_err "Found: connected in [0-9.]+ ms; then the ClientHello was sent and nothing came back"
want_err "Found: the listener has [0-9]+ connections? waiting to be accepted \\(backlog 8\\)"
want_err "Found: the listening socket is held by process $server_pid \\(python3\\), sleeping \\(state S\\)"
want_not_err "refused|not speak TLS|stopped"
verdict "silent TLS: exit 3, connected then no ServerHello, the listener's queue and process (no ruleset read); never 'refused', 'stopped'"

# 12b: the same service, its process stopped: named, with the way out
quiet_pid=$server_pid
kill -STOP "$quiet_pid"
run "$ISOCK" -w 1 "http://localhost:$quiet/"
kill -CONT "$quiet_pid"
want_rc 3
want_err "connected, but no HTTP answer came before the deadline"
want_err "Found: the listening socket is held by process $quiet_pid \\(python3\\), stopped \\(state T\\)"
want_err "Check: .kill -CONT $quiet_pid. resumes python3"
want_not_err "ServerHello"
verdict "silent HTTP, process stopped: exit 3, the stopped process and kill -CONT; never 'ServerHello'"

# 12c: a handshake that begins and stalls: the ServerHello came, then
# nothing; never "no TLS answer" (the server's answer began)
start_server hello hello
run "$ISOCK" -w 1 --tls 127.0.0.1 "$hello"
want_rc 3
want_err "connected, and the TLS handshake began \\(a ServerHello came\\), but it did not end before the deadline"
want_err "Found: connected in [0-9.]+ ms; the server's ServerHello came, then nothing more"
want_not_err "no TLS answer|nothing came back|did not answer"
verdict "a handshake that stalls after the ServerHello: exit 3, said as such; never 'no TLS answer'"

# 12d: --invert: a service that accepts and keeps silent is no closed
# port: exit 11 (still accepting), never "not accepting"
run "$ISOCK" --invert -w 0.5 --tls 127.0.0.1 "$quiet"
want_rc 11
want_err "still accepting: connected, but no TLS answer \\(ServerHello\\) came before the deadline"
printf '%s\n' "$out" | grep -q "not accepting" && tap_note "said 'not accepting': $out"
verdict "--invert: a silent TLS service accepted: exit 11, never 'not accepting'"

# 12e: the ServerHello, then the server closes without an alert
start_server hclose helloclose
run "$ISOCK" --tls 127.0.0.1 "$hclose"
want_rc 12
want_err "Found: connected in [0-9.]+ ms; the server closed the connection without a TLS alert, after its ServerHello"
want_not_err "SSL_ERROR_SYSCALL|before any ServerHello"
verdict "closed after the ServerHello: exit 12, said from the facts; never libcurl's text"

# 12f: a peer that resets at once after the connect: our own line, 12 for
# TLS and 13 for HTTP, never curl's "Couldn't connect" (the connect did)
start_server rst reset
run "$ISOCK" --tls 127.0.0.1 "$rst"
want_rc 12
want_err "the server reset the connection without a TLS answer"
want_not_err "Couldn't connect|Failed to connect"
run "$ISOCK" "http://127.0.0.1:$rst/"
want_rc 13
want_err "the server reset the connection without an HTTP answer"
want_not_err "Couldn't connect|Failed to connect"
verdict "reset at once after the connect: 12 (TLS) and 13 (HTTP), our own words; never 'Couldn't connect'"

# 13: the client certificate the server requires (openssl s_server, which
# sends its alert before it closes; a free port from isock-listen)
cc=$("$LISTEN" -B -t 1 | head -n 1)
openssl s_server -accept "127.0.0.1:$cc" -cert leaf.pem -key leaf.key \
	-Verify 1 -verify_return_error -CAfile ca.pem -www -quiet >/dev/null 2>&1 </dev/null &
tap_pids="$tap_pids $!"
"$ISOCK" -q --wait 10 127.0.0.1 "$cc" ||
	{ echo "Bail out! openssl s_server did not start"; exit 99; }
run "$ISOCK" --cacert ca.pem "https://localhost:$cc/"
want_rc 12
want_err "the server sent the TLS alert 'certificate required' \\(116\\)"
want_err "asks for a client certificate"
want_err "Check: .*send one with --cert FILE"
want_not_err "expired|not trusted|SNI|versions this client offered"
verdict "client certificate required: exit 12, the alert named, --cert the way out; never 'not trusted', SNI or versions"

# 13b: the same server, a client certificate of its CA (--cert, --key): ready
run "$ISOCK" --cacert ca.pem --cert client.pem --key client.key "https://localhost:$cc/"
want_rc 0
want_out "connected to localhost .*; HTTP 200"
want_not_err "."
verdict "--cert and --key: the client certificate the server requires; ready (exit 0)"

# 13c: a client certificate of another CA (the self-signed one): the
# server refuses it with its alert, and the Check names the file sent
run "$ISOCK" --cacert ca.pem --cert self.pem --key self.key "https://localhost:$cc/"
want_rc 12
want_err "the server sent the TLS alert '[a-zA-Z ]+' \\((42|48)\\)"
want_err "Check: whether the server trusts the issuer of the client certificate self\\.pem"
want_not_err "send one with --cert|SNI|versions this client offered"
verdict "--cert of another CA: exit 12, the server's alert and the file sent; never 'send one'"

# 14: SNI not recognised
start_server sni sni leaf.pem leaf.key
run "$ISOCK" --cacert ca.pem "https://localhost:$sni/"
want_rc 12
want_err "the server sent the TLS alert 'unrecognized name' \\(112\\)"
want_err "Found: the name sent in SNI: localhost"
want_not_err "client certificate|versions this client offered|no shared cipher"
verdict "unrecognised name: exit 12, the SNI name sent; never 'client certificate', versions or ciphers"

# 15: no shared cipher
start_server noc nocipher leaf.pem leaf.key
run "$ISOCK" --cacert ca.pem "https://localhost:$noc/"
want_rc 12
want_err "the server sent the TLS alert 'handshake failure' \\(40\\)"
want_err "no shared cipher suite"
want_not_err "SNI|versions this client offered"
verdict "no shared cipher: exit 12, the handshake-failure alert; never 'SNI' or versions"

# 15b: the server accepts none of the versions offered: its alert
# protocol_version (70) in answer to the ClientHello, and the versions
# this client's ClientHello offered
start_server ver version
run "$ISOCK" --tls --cacert ca.pem localhost "$ver"
want_rc 12
want_err "the server sent the TLS alert 'protocol version' \\(70\\)"
want_err "Found: the server sent the fatal alert 'protocol version' \\(70\\) in answer to the ClientHello"
want_err "Found: the versions this client offered: TLSv1\\.3, TLSv1\\.2"
want_err "accepts none of the TLS versions this client offered"
want_err "Check: the TLS versions localhost port $ver accepts \\(openssl s_client -connect with -tls1_2 or -tls1_3"
want_not_err "after its ServerHello|cipher|SNI|client certificate|certificate '"
verdict "protocol version: exit 12, the alert and the versions offered; never a cipher, SNI or certificate"

# 16-19: HTTP statuses 200, 301, 404, 503 over plain HTTP
start_server web http
run "$ISOCK" "http://127.0.0.1:$web/status/200"
want_rc 0
want_out "HTTP 200, first byte in"
want_not_err "."
verdict "http 200: ready (exit 0)"

run "$ISOCK" --http-status 200 "http://localhost:$web/status/301"
want_rc 13
want_err "HTTP status 301, not one expected"
want_err_fixed 'Found: the answer: "HTTP/1.1 301 Moved Permanently"'
want_err "Found: Location: https://elsewhere.example/new"
want_err "\\(expected: 200\\)"
want_not_err "TLS"
verdict "http 301 with --http-status 200: exit 13, the status line and Location"

run "$ISOCK" "http://localhost:$web/status/404"
want_rc 13
want_err_fixed 'Found: the answer: "HTTP/1.1 404 Not Found"'
want_err_fixed 'Found: the first line of the body: "status 404"'
want_not_err "Location"
verdict "http 404: exit 13, the status line and the body's first line; no Location"

run "$ISOCK" -j "http://localhost:$web/status/503"
want_rc 13
printf '%s\n' "$out" | head -n 1 | jq -e '.exit_code == 13 and
	.outcome == "unexpected_answer" and .http.status == 503 and
	.tls == null and (.facts | index("the answer: \"HTTP/1.1 503 Service Unavailable\"")) != null' \
	>/dev/null || tap_note "JSON of a 503 lacks its facts"
verdict "http 503: exit 13, JSON with the status and its facts"

# 20: the default accepts 3xx; a list and a range; HEAD; a header
run "$ISOCK" --http-method HEAD --http-header 'X-Test: 1' --http-status 200,300-399 \
	"http://localhost:$web/status/301"
want_rc 0
verdict "--http-status 200,300-399 with HEAD and a header: 301 is ready"

# 21: --http-body
run "$ISOCK" --http-body '^ready: (yes|ok)$' "http://localhost:$web/body"
want_rc 0
run2=$rc
run "$ISOCK" --http-body '^ready: no' "http://localhost:$web/body"
[ "$run2" = 0 ] || tap_note "a matching body gave $run2"
want_rc 13
want_err "the body does not match"
verdict "--http-body: a match is ready, no match exits 13"

# 22: TLS on a plain HTTP port, and http:// on a TLS port
run "$ISOCK" "https://localhost:$web/"
want_rc 12
want_err "does not speak TLS"
verdict "https:// on a plain HTTP port: exit 12"

# 23-25: several targets, --invert and --wait as for TCP
run "$ISOCK" --cacert ca.pem "https://localhost:$good/" "https://localhost:$exp/"
want_rc 12
want_out "\\(tcp\\): $good connected"
want_err "$exp TLS failed: the server's TLS certificate has expired"
verdict "several targets: the first failure's code (12)"
# --invert succeeds only where nothing accepts (issue 23): a service that
# accepts and fails its handshake keeps its own status, 12.
run "$ISOCK" --invert --cacert ca.pem "https://localhost:$exp/"
want_rc 12
want_err "the server's TLS certificate has expired"
verdict "--invert: a target that accepts but fails TLS keeps exit 12"
run "$ISOCK" -q --wait 2 -w 0.5 "http://localhost:$web/status/503"
want_rc 13
verdict "--wait: a service that keeps answering 503 gives 13 at the end"
# Each answer takes 100 ms, so the last try, made at the end of the wait,
# is cut by it: the outcome is the try before's 503, not a time-out.
run "$ISOCK" --wait 1 -w 0.5 "http://127.0.0.1:$web/slow/503"
want_rc 13
want_err "503"
verdict "--wait: a last try the wait's end cuts short keeps the 503 before it"

# 26-29: usage errors: options without their targets, bad values
run "$ISOCK" --http-status 200 127.0.0.1 "$web"
want_rc 2
want_err "--http-status applies to http:// and https:// targets"
verdict "usage: --http-status without an http target"
run "$ISOCK" --http-status 99 "http://localhost:$web/"
want_rc 2
want_err "invalid --http-status '99'"
verdict "usage: a status out of range"
# A repetition of a repetition, or groups nested deep, took glibc's regcomp
# gigabytes (found by the cli fuzzer): refused before it is compiled.
run "$ISOCK" --http-body 'q+++++++++++++++++++++++++++++++' "http://localhost:$web/"
want_rc 2
want_err "invalid --http-body 'q+.*': a repetition of a repetition"
run2=$( "$ISOCK" --http-body '(((((((((a)))))))))' "http://localhost:$web/" 2>&1 ); rc2=$?
[ "$rc2" = 2 ] || tap_note "nine nested groups: exit $rc2, expected 2"
printf '%s\n' "$run2" | grep -q "nested more than 8 deep" || tap_note "no word of the nesting: $run2"
verdict "usage: --http-body refuses what regcomp cannot bound"
run "$ISOCK" --http-body '(' "http://localhost:$web/"
want_rc 2
want_err "invalid --http-body '\\('"
verdict "usage: a regular expression that does not compile"
run "$ISOCK" --tls -u 127.0.0.1 53
want_rc 2
want_err "--tls applies to TCP targets"
verdict "usage: --tls on UDP"

# 30: --list-errors and --explain know the causes of the checks
run "$ISOCK" --list-errors
want_rc 0
want_out "^TLS_CERT_EXPIRED +- +12 "
want_out "^HTTP_STATUS +- +13 "
want_out "^TLS_SILENT +- +3 "
run2=$out
run "$ISOCK" --explain TLS_NAME_MISMATCH
want_rc 0
want_out "^exit status 12 \\(TLS failed\\)"
printf '%s\n' "$run2" | grep -q "^ECONNREFUSED " || tap_note "--list-errors lost its errno table"
verdict "--list-errors lists the TLS and HTTP causes; --explain explains one"

# 31: JSON names the cause of a failure
run "$ISOCK" -j --cacert ca.pem "https://localhost:$exp/"
want_rc 12
printf '%s\n' "$out" | head -n 1 | jq -e '.explanation.cause == "TLS_CERT_EXPIRED" and
	.outcome == "tls_failed" and .tls.not_after == "2025-11-01T00:00:00Z" and
	(.facts[0] | test("expired on 2025-11-01"))' >/dev/null ||
	tap_note "JSON lacks the cause or the facts of an expired certificate"
verdict "JSON: an expired certificate's cause, notAfter and facts"

# 32: --count: each probe a whole check, statistics, the last failure's
# code; the statistics count the probes that were ready, not the connects,
# which the probe lines of a failed check say succeeded
run "$ISOCK" -c 2 -i 0.1 --cacert ca.pem "https://localhost:$good/"
want_rc 0
want_out "^--- localhost port $good \\(tcp\\): 2 probes, 2 ready, 0 failed"
verdict "--count: a good server 0, its statistics count 2 ready"
run "$ISOCK" -c 2 -i 0.1 --cacert ca.pem "https://localhost:$exp/"
want_rc 12
want_out "2 probes, 0 ready, 2 failed"
want_not_out=$(printf '%s\n' "$out" | grep -c "0 connected")
[ "$want_not_out" = 0 ] || tap_note "the statistics say '0 connected' for probes that connected"
verdict "--count: an expired certificate 12 each time, 0 ready (never '0 connected')"

# 33: -- COMMAND runs after a ready check only
run "$ISOCK" --cacert ca.pem "https://localhost:$good/" -- echo ran-after-ready
want_rc 0
want_out "^ran-after-ready$"
run2=$out
run "$ISOCK" --cacert ca.pem "https://localhost:$exp/" -- echo ran-after-ready
want_rc 12
printf '%s\n' "$out" | grep -q ran-after-ready && tap_note "the command ran after a TLS failure"
printf '%s\n' "$run2" | grep -q ran-after-ready || tap_note "the command did not run after a ready check"
verdict "-- COMMAND: runs when ready, not after a TLS failure (exit 12)"

# 35: an answer that stops half-way: what came, never "no answer"
start_server stall stall
run "$ISOCK" -w 1 "http://localhost:$stall/"
want_rc 3
want_err "connected, but the HTTP answer did not end before the deadline"
want_err_fixed 'the answer began, "HTTP/1.1 200 OK", and stopped after 4 bytes of its body'
want_not_err "no HTTP answer|no answer came back"
verdict "an answer cut short: exit 3, its status line and the bytes that came; never 'no answer'"

# 36: http:// on a TLS port: no valid HTTP answer, or the reset a TLS
# server gives a plain request (13); https:// is only offered in the
# Check, never claimed as the cause
run "$ISOCK" "http://localhost:$good/"
want_rc 13
want_err "no valid HTTP answer|reset the connection without an HTTP answer"
want_err "Check: what listens on localhost port $good.*; https:// if it serves TLS"
want_not_err "certificate|TLS server answers"
verdict "http:// on a TLS port: exit 13, https:// offered in the Check only"

# 37: the tool without its module (a copy alone, nothing installed): the
# check says which module it could not load, exit 10, never a TLS cause
mkdir "$tmp/alone"
cp "$ISOCK" "$tmp/alone/isock-connect"
run "$tmp/alone/isock-connect" --tls --cacert ca.pem localhost "$good"
case $err in
*"which this build of isock-connect lacks"*)
	skip "a copy without its module" "this build has no module" ;;
*)
	if [ "$rc" = 0 ]; then
		skip "a copy without its module" "a module is installed on this host"
	else
		want_rc 10
		want_err "the TLS or HTTP check could not be set up: the TLS and HTTP module .*isock-ready\\.so cannot be loaded"
		want_not_err "certificate"
		verdict "a copy without its module: exit 10, the module named"
	fi ;;
esac

# 38: a TLS 1.2 server that wants a client certificate answers its
# absence with handshake_failure (40) after its ServerHello, which chose a
# version and a cipher suite: never "nothing in common" nor "no shared
# cipher" (hostile round 3, finding 18)
cc12=$("$LISTEN" -B -t 1 | head -n 1)
openssl s_server -accept "127.0.0.1:$cc12" -cert leaf.pem -key leaf.key -tls1_2 \
	-Verify 1 -verify_return_error -CAfile ca.pem -www -quiet >/dev/null 2>&1 </dev/null &
tap_pids="$tap_pids $!"
"$ISOCK" -q --wait 10 127.0.0.1 "$cc12" ||
	{ echo "Bail out! openssl s_server -tls1_2 did not start"; exit 99; }
run "$ISOCK" --cacert ca.pem "https://localhost:$cc12/"
want_rc 12
want_err "Found: the server sent the fatal alert 'handshake failure' \\(40\\) after its ServerHello"
want_err "after the server's ServerHello, which chose a version and a cipher suite"
want_err "Check: .*send one with --cert FILE"
want_not_err "nothing in common|no shared cipher|older than TLS 1\\.2"
verdict "TLS 1.2, client certificate wanted: alert 40 after the ServerHello; never 'nothing in common'"

# 39: JSON tls.sni: the name for a host name, null for an address, to
# which no SNI is sent (hostile round 3, C10)
run "$ISOCK" -j --cacert ca.pem "https://127.0.0.1:$good/"
want_rc 0
printf '%s\n' "$out" | head -n 1 | jq -e '.tls.sni == null' >/dev/null ||
	tap_note "tls.sni is not null for an address: $(printf '%s' "$out" | head -n 1)"
run_ip=$tap_why
run "$ISOCK" -j --cacert ca.pem "https://localhost:$good/"
want_rc 0
printf '%s\n' "$out" | head -n 1 | jq -e '.tls.sni == "localhost"' >/dev/null ||
	tap_note "tls.sni is not \"localhost\" for localhost"
tap_why=$run_ip$tap_why
verdict "JSON tls.sni: null for an address, the name for a host name"

# 40: a server of TLS 1.0 only: the version its ServerHello chose and the
# versions offered, a meaning and a Check, not OpenSSL's words alone
# (hostile round 3, C12); skipped where this OpenSSL still completes TLS 1.0
tls10=$("$LISTEN" -B -t 1 | head -n 1)
openssl s_server -accept "127.0.0.1:$tls10" -cert leaf.pem -key leaf.key -tls1 \
	-cipher 'DEFAULT@SECLEVEL=0' -www -quiet >/dev/null 2>&1 </dev/null &
tap_pids="$tap_pids $!"
if ! "$ISOCK" -q --wait 10 127.0.0.1 "$tls10"; then
	skip "a TLS 1.0 server" "openssl s_server -tls1 did not start here"
else
	run "$ISOCK" --tls --cacert ca.pem localhost "$tls10"
	if [ "$rc" = 0 ]; then
		skip "a TLS 1.0 server" "this OpenSSL completes TLS 1.0"
	else
		want_rc 12
		want_err "Found: the server's ServerHello chose TLSv1$"
		want_err "Found: the versions this client offered: TLSv1\\.3, TLSv1\\.2"
		want_err "The server chose TLSv1, older than TLS 1\\.2"
		want_err "Check: whether localhost port $tls10 can use TLS 1\\.2 or 1\\.3"
		verdict "a TLS 1.0 server: exit 12, the version chosen and those offered, a Check"
	fi
fi

# 41: several targets failing for different causes: each group says its
# own cause and facts, never another target's (the hostile round 3 saw an
# expired certificate told "not for the name" of another port's, a 503 as
# the 404 before it, a stalled answer as silence)
run "$ISOCK" -w 1 --cacert ca.pem "https://localhost:$oth,$exp,$fut,$self/" \
	"http://localhost:$web/status/404" "http://localhost:$web/status/503" \
	"http://127.0.0.1:$stall,$quiet/"
want_rc 12
want_err "\\(tcp\\): $oth TLS failed: the TLS certificate is not for the name 'localhost'"
want_err "\\(tcp\\): $exp TLS failed: the server's TLS certificate has expired"
want_err "\\(tcp\\): $fut TLS failed: the server's TLS certificate is not valid yet"
want_err "\\(tcp\\): $self TLS failed: the TLS certificate is self-signed"
want_err "\\(tcp\\): $web unexpected answer: HTTP status 404"
want_err "\\(tcp\\): $web unexpected answer: HTTP status 503"
want_err_fixed 'Found: the answer: "HTTP/1.1 503 Service Unavailable"'
want_err "\\(tcp\\): $stall timed out: connected, but the HTTP answer did not end"
want_err "\\(tcp\\): $quiet timed out: connected, but no HTTP answer came"
want_not_err "as above|[0-9],[0-9]+ TLS failed|[0-9]-[0-9]+ TLS failed"
verdict "several targets: each TLS and HTTP failure grouped by its own cause, never another's"

# 42: a --cacert, --cert or --key file of this host that cannot be read or
# holds no PEM of its kind is a usage error (exit 2) before any connect,
# never the server's handshake (12)
run "$ISOCK" -w 1 --cacert "$tmp/nothere.pem" "https://localhost:$good/"
want_rc 2
want_err "cannot read the --cacert file '.*nothere\\.pem': No such file or directory"
want_not_err "handshake|certificate file:"
verdict "--cacert FILE not there: a usage error (2), never a handshake failure (12)"
run "$ISOCK" -w 1 --cacert ca.pem --cert "$tmp/nothere.pem" "https://localhost:$good/"
want_rc 2
want_err "cannot read the --cert file '.*nothere\\.pem'"
want_not_err "handshake"
verdict "--cert FILE not there: a usage error (2)"
run "$ISOCK" -w 1 --cacert ca.pem --cert client.pem "https://localhost:$good/"
want_rc 2
want_err "the --cert file 'client\\.pem' holds no private key \\(PEM\\): give it with --key FILE"
verdict "--cert FILE without its key and no --key: a usage error (2)"
run2=$("$ISOCK" -w 1 --cacert "$tmp" "https://localhost:$good/" 2>&1); rc2=$?
run "$ISOCK" -w 1 --cacert client.key --tls localhost "$good"
want_rc 2
want_err "the --cacert file 'client\\.key' holds no certificate \\(PEM\\)"
[ "$rc2" = 2 ] || tap_note "a --cacert directory: exit $rc2, expected 2"
printf '%s\n' "$run2" | grep -q "the --cacert file '.*' is a directory" ||
	tap_note "a --cacert directory: $run2"
verdict "--cacert of a key or of a directory: a usage error (2)"

# 43: a URL path with a space or a control byte, which no HTTP request can
# carry (libcurl refuses it): a usage error, not the service's answer (13)
run "$ISOCK" -w 1 "http://127.0.0.1:$web/a b"
want_rc 2
want_err "'http://127\\.0\\.0\\.1:$web/a b': its path holds a space or a control byte"
want_err "%20"
want_not_err "valid HTTP|Something answers|Check:"
verdict "a URL path with a space: a usage error (2), never 'no valid HTTP answer'"
run "$ISOCK" -w 1 --cacert ca.pem "$(printf 'https://localhost:%s/a\001' "$good")"
want_rc 2
want_err "a\\\\x01': its path holds a space or a control byte"
want_not_err "handshake"
verdict "an https:// path with a control byte: a usage error (2), never a handshake failure"
