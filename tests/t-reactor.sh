#!/bin/sh
# SPDX-License-Identifier: ISC
# t-reactor.sh: the loop owns every wait (issue 19).  A target that needs
# no look-up starts at once, whatever names wait ahead of it; --any under
# --wait (also --wait 0, also with --invert) ends as soon as the policy is
# decided; a reader that has gone ends the run at once (exit 10, a write
# error); --trace keeps the --wait ceiling; a --wait pause between tries
# is a deadline of the loop, not a sleep: with -P 1 the other target takes
# the free place and connects meanwhile; a Happy Eyeballs start falls due
# inside another target's trace and is made there; no module but loop.c waits in
# poll, ppoll or epoll_wait (isocket.c's blocking connect aside); a target's time never waits on
# another's trace or diagnosis.  The cases that need a silent
# name server or dropped SYNs run in a network namespace of the test's own
# (tests/ns.sh).  Times are checked only as bounds that tell the behaviour
# from the old one, at least twice as far from the old time as from the
# new one and seconds apart, so that a loaded machine does not fail them;
# how fast is make bench's to measure.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
. "${SRCDIR:-.}/tests/ns.sh"
tap_setup
plan 16

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# timed CMD...: run CMD; $ms is how long it took.
timed() {
	tm_t0=$(now_ms)
	run "$@"
	ms=$(( $(now_ms) - tm_t0 ))
}
# within MS: the last timed run took less than MS.
within() {
	[ "$ms" -lt "$1" ] || tap_note "took $ms ms, expected less than $1"
}

# ---- the sources ---------------------------------------------------------

# 1: every wait goes through the loop: no other source file calls poll(),
# ppoll() or epoll_wait() (comments aside); isocket.c's blocking connect,
# which the ISocket seed specifies, is the one exception.
src=${SRCDIR:-.}/src
out=$(grep -nE '(^|[^_[:alnum:]])(poll|ppoll|epoll_wait|select|pselect)[[:space:]]*\(' \
	"$src"/*.c | grep -vE '^[^:]*/(loop|isocket)\.c:' |
	grep -vE '^[^:]*:[0-9]+:[[:space:]]*(/?\*|//)') rc=0 err=
[ -z "$out" ] || tap_note "waits outside loop.c: $out"
[ -f "$src/loop.c" ] || tap_note "no src/loop.c"
# Nor does any wait inside another's callback: loop_poll (a wait that
# served the loop from inside a diagnosis or a trace) is gone, and no
# source file calls the synchronous forms, which wait on a loop of their
# own that serves nothing else (they are for callers without a run).
out=$(grep -nE '(^|[^_[:alnum:]])(loop_poll|diagnose_run|diagnose_listener|resolver_diagnose|rtget_errno|trace_run)[[:space:]]*\(' \
	"$src"/*.c "$src"/*.h | grep -vE '^[^:]*:[0-9]+:[[:space:]]*(/?\*|//)' |
	grep -vE '^[^:]*:[0-9]+:(int|void|bool|unsigned)[[:space:]]' |
	grep -vE '^[^:]*:[0-9]+:(diagnose_run|diagnose_listener|resolver_diagnose|rtget_errno|trace_run)\(' |
	grep -vE '^[^:]*/trace_none\.c:') || true
[ -z "$out" ] || tap_note "waits inside the loop's callbacks: $out"
verdict "no module but loop.c waits on descriptors"

# ---- loopback, no namespace -------------------------------------------------

start_listener open -n 1000 -t 120 -b 4096 || {
	echo "Bail out! $listener_err"; exit 99; }

# into_head ARGS...: the tool with ARGS, its stdout into head -n 1 (at most
# 30 s); sets $ms, $rc and $err, and checks the write error's exit 10.
into_head() {
	tm_t0=$(now_ms)
	( timeout 30 "$ISOCK" "$@" 2>"$tmp/pipe.err"
	  echo $? >"$tmp/pipe.rc" ) | head -n 1 >/dev/null
	ms=$(( $(now_ms) - tm_t0 ))
	rc=$(cat "$tmp/pipe.rc") out= err=$(cat "$tmp/pipe.err")
	want_rc 10
	want_err "write error on standard output"
}

# 2: -c 20 -i 1 into head -1: the reader goes after the first line; the
# run ends at its next write (before: all twenty probes, 19 s).
into_head -c 20 -i 1 127.0.0.1 "$open"
within 8000
verdict "a reader that has gone ends --count at once ($ms ms)"

# 3: the same while the run waits: -c 3 -i 20 into head -1 ends when head
# does, not at the next probe's line 20 s later (stdout is watched for
# POLLERR while the run waits).
into_head -c 3 -i 20 127.0.0.1 "$open"
within 10000
verdict "a reader that has gone ends the wait between probes ($ms ms)"

# ---- a namespace of the test's own -------------------------------------------

if ! ns_setup reactor; then
	for c in 4 5 6 7 8 9 10 11 12 13 14 15 16; do skip "case $c" "$ns_why"; done
	exit 0
fi
if ! command -v nft >/dev/null 2>&1; then
	for c in 4 5 6 7 8 9 10 11 12 13 14 15 16; do skip "case $c" "nft is not installed"; done
	exit 0
fi
for p in 7001 7002 7003; do ns_drop $p; done
nsx "$LISTEN" -p 7020 -n 200 -b 256 -t 120 >"$tmp/l7020" &
tap_pids="$tap_pids $!"
i=0
while [ ! -s "$tmp/l7020" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done

# 4: three names behind a silent name server, then an address: the address
# needs no look-up and connects (before: exit 3, "did not finish").
run ip netns exec "$ns" "$ISOCK" --any -P 4 -w 2 a.example:80 b.example:80 \
	c.example:80 127.0.0.1:7020
want_rc 0
want_out "127\\.0\\.0\\.1 port 7020 \\(tcp\\): connected"
verdict "an address behind names over the look-up cap starts at once"

# 5: --any --wait 20: decided when 7020 connects (before: the whole 20 s).
timed ip netns exec "$ns" timeout 30 "$ISOCK" --any --wait 20 127.0.0.1:9 \
	127.0.0.1:7020
want_rc 0
within 8000
verdict "--any --wait 20 ends once one target connected ($ms ms)"

# 6: --any --wait 0 (no limit): the same (before: it never ended).
timed ip netns exec "$ns" timeout 20 "$ISOCK" --any --wait 0 127.0.0.1:9 \
	127.0.0.1:7020
want_rc 0
within 8000
verdict "--any --wait 0 ends once one target connected ($ms ms)"

# 7: --invert --any --wait 0: decided when port 9 refuses.
timed ip netns exec "$ns" timeout 20 "$ISOCK" --invert --any --wait 0 \
	127.0.0.1:7020 127.0.0.1:9
want_rc 0
within 8000
verdict "--invert --any --wait 0 ends once one target refused ($ms ms)"

# 8: --trace under --wait 1 over three dropped ports: the wait is still the
# ceiling (before: a trace of -w 6 s after each, 19 s).
timed ip netns exec "$ns" timeout 30 "$ISOCK" --trace --wait 1 -w 6 \
	127.0.0.1:7001 127.0.0.1:7002 127.0.0.1:7003
want_rc 3
within 8000
verdict "--trace keeps the --wait ceiling ($ms ms)"

# 9: -P 1 -w 2 over dropped 7001, listening 7020, dropped 7002, with
# --trace: while 7001 is traced (the trace waits 2 s), 7020 connects and
# 7002 takes its place at once, so 7002's attempt runs beside the trace
# (before: 7002 began after the trace, 2 s after 7001's time-out).  Read
# from -v's own clock, not timed from outside: 7002's socket, the third,
# comes less than 1 s after 7001's time-out, well inside the trace.
run ip netns exec "$ns" timeout 20 "$ISOCK" -v --trace -P 1 -w 2 \
	127.0.0.1:7001 127.0.0.1:7020 127.0.0.1:7002
want_rc 3
want_err "the trace waited 2000 ms"
t_out=$(printf '%s\n' "$err" |
	sed -n 's/^\* \[ *\([0-9.]*\) ms\] 127\.0\.0\.1: poll: ETIMEDOUT.*/\1/p' |
	head -n 1)
t_next=$(printf '%s\n' "$err" |
	sed -n 's/^\* \[ *\([0-9.]*\) ms\] 127\.0\.0\.1: socket(.*/\1/p' | sed -n 3p)
ms=$(awk -v a="${t_out:-x}" -v b="${t_next:-x}" 'BEGIN {
	if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/) print "?"; else printf "%d", b - a }')
case $ms in
'?') tap_note "no time-out of 7001 or no third socket in -v: '$t_out' '$t_next'" ;;
*) [ "$ms" -lt 1000 ] ||
	tap_note "7002 started $ms ms after 7001's time-out: after its trace" ;;
esac
verdict "the next target starts during another's trace ($ms ms after its time-out)"
# 10: -P 1: 7001 is dropped and traced for up to 2 s while 7020's connect is
# in flight; its time is taken when the loop sees it, not after the trace
# (before: elapsed_ms about 2000, past its own -w).
if ! command -v jq >/dev/null 2>&1; then
	skip "a connect beside another target's trace" "jq is not installed"
	skip "a pause of --wait holds no other target" "jq is not installed"
	exit 0
fi
run ip netns exec "$ns" timeout 20 "$ISOCK" --json --trace -P 1 -w 2 \
	127.0.0.1 7001 127.0.0.1 7020
want_rc 3
e=$(printf '%s\n' "$out" | jq -r 'select(.port == 7020) | .elapsed_ms' \
	2>/dev/null | head -n 1)
case $e in
'') tap_note "no result for port 7020" ;;
*) awk -v e="$e" 'BEGIN { exit !(e + 0 < 1000) }' ||
	tap_note "7020's elapsed_ms is $e, expected well under 1000" ;;
esac
verdict "a connect beside another target's trace is timed by the loop (${e:-?} ms)"

# 11: --wait's pause between tries is a deadline of the loop, not a sleep
# that holds the run: with -P 1 and port 9 refused, retried for 1 s, 7020
# takes the place during the first pause and connects at its first try,
# its time on the tool's own clock (waited_ms) far below the wait (held
# behind port 9's tries it would be 1000 at least).
run ip netns exec "$ns" timeout 20 "$ISOCK" --json -P 1 --wait 1 \
	127.0.0.1:9 127.0.0.1:7020
want_rc 1
w=$(printf '%s\n' "$out" | jq -r 'select(.port == 7020 and
	.outcome == "connected" and .tries == 1) | .waited_ms' 2>/dev/null |
	head -n 1)
t9=$(printf '%s\n' "$out" | jq -r 'select(.port == 9) | .tries' \
	2>/dev/null | head -n 1)
case $w in
'') tap_note "7020 did not connect at its first try: $out" ;;
*) awk -v w="$w" 'BEGIN { exit !(w + 0 < 500) }' ||
	tap_note "7020 waited $w ms, expected well under 1000" ;;
esac
[ "${t9:-0}" -ge 2 ] 2>/dev/null || tap_note "port 9 was tried ${t9:-?} times"
verdict "a pause of --wait holds no other target (7020 after ${w:-?} ms)"

# 12: a Happy Eyeballs start that falls due while another target is traced
# is made inside the trace's wait (a timer of the loop): -P 1 -w 1, 7001
# dropped and traced; he.test is ::1 (dropped here) then 127.0.0.1, where
# 7020 listens: its second address starts 250 ms after the first and
# connects (before: it waited for the trace's end, and its deadline came
# first: timed out).
printf '::1 he.test\n127.0.0.1 he.test\n' >>"/etc/netns/$ns/hosts"
nsx nft -f - <<'NFT'
table inet isock_reactor_he {
	chain input {
		type filter hook input priority 0;
		ip6 daddr ::1 tcp dport 7020 drop
	}
}
NFT
run ip netns exec "$ns" timeout 20 "$ISOCK" -v --trace -P 1 -w 1 \
	127.0.0.1:7001 he.test:7020
want_rc 3
want_out "connected to he\\.test \\(127\\.0\\.0\\.1\\) port 7020"
verdict "a Happy Eyeballs start falls due inside another's trace and is made"

# 13: --invert --wait: the tries of a port that still accepts, made while
# the other target (dropped, so done: not accepting) is traced and
# diagnosed, every 10 to 20 ms, about a hundred, are told once that ends,
# a target at most once (before: each was queued, past the room of one a
# target: a heap overflow, SIGSEGV in the review of round 3, ASan's
# heap-buffer-overflow in job_finish).
nsx "$LISTEN" -p 7021 -n 100000 -b 512 -t 60 >"$tmp/l7021" &
tap_pids="$tap_pids $!"
i=0
while [ ! -s "$tmp/l7021" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
run ip netns exec "$ns" timeout 20 "$ISOCK" --invert -v --trace --wait 2 -w 1 \
	127.0.0.1:7003 127.0.0.1:7021
want_rc 11
want_out "2 targets: 1 connected, 1 timed out; exit status 11"
verdict "--wait tries during another target's trace: told, nothing overrun"

# 14: three dropped ports traced with -w 2: the three traces run side by
# side on the loop, as the three attempts did (before: one after another
# as each was printed, 2 s + 3 x 2 s; now 2 s + 2 s), each still told with
# its own target.
timed ip netns exec "$ns" timeout 30 "$ISOCK" --trace -w 2 \
	127.0.0.1:7001 127.0.0.1:7002 127.0.0.1:7003
want_rc 3
within 5300
n=$(printf '%s\n' "$err" | grep -c 'the trace waited 2000 ms')
[ "$n" = 3 ] || tap_note "$n of 3 traces told"
# Descriptors to spare (the default limit): none says it lacked them.
want_not_err "not enough descriptors"
verdict "three traces side by side ($ms ms)"

# 15: a run decided by its reader's going (exit 10 is not the point: the
# status is the run's) still gives the blackhole its class: the route
# look-up of EINVAL is not cut when the run halts (review of round 4: 9).
nsx ip route add blackhole 10.9.9.0/24
( ip netns exec "$ns" timeout 20 "$ISOCK" --wait 5 127.0.0.1:7020 \
    10.9.9.1:80 2>/dev/null; echo $? >"$tmp/halt.rc" ) | head -c 1 >/dev/null
rc=$(cat "$tmp/halt.rc") out= err=
want_rc 4
verdict "a halted run keeps the blackhole's class (exit $rc)"

# 16: with few descriptors a trace of the dropped port never takes the
# open port's turn: 7020 waits for descriptors without its -w running, or
# the trace is not made; it connects (review of round 4: exit 3, "no
# address was tried before the deadline").
run ip netns exec "$ns" sh -c "ulimit -S -n 36 && exec \"\$0\" \"\$@\"" \
    "$ISOCK" --trace --any -P 1 -w 0.5 127.0.0.1:7001 127.0.0.1:7020
want_rc 0
want_err "not enough descriptors to trace"
verdict "a trace does not starve another target of descriptors"
