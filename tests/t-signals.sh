#!/bin/sh
# SPDX-License-Identifier: ISC
# t-signals.sh: SIGINT and SIGTERM in each phase of a run (resolution,
# connect, --wait, --count) end it promptly with "interrupted" and what
# was done so far (text on stderr, a JSON summary with --json) and exit
# 128+N; a closed standard output is a write error, not a death by SIGPIPE.
# The resolution and connect phases run in a network namespace of the
# test's own (a name server that never answers, SYNs dropped by nftables);
# the rest on loopback listeners.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
. "${SRCDIR:-.}/tests/ns.sh"
tap_setup
plan 15

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# sig_run SIG CMD...: starts CMD, sends it SIG after 0.4 s, waits for its
# end; sets rc, out, err, and ms (from the signal to the end).  The command
# must exec the tool (ip netns exec does), so the signal reaches it.
sig_run() {
	sr_sig=$1; shift
	# A background job of a shell without job control ignores SIGINT,
	# and the tool keeps a signal its caller ignores (nohup): start it
	# with every signal at its default, as a foreground command is.
	env --default-signal "$@" >"$tmp/out" 2>"$tmp/err" &
	sr_pid=$!
	wait_tool "$sr_pid"
	sleep 0.4
	sr_t0=$(now_ms)
	kill -"$sr_sig" "$sr_pid" 2>/dev/null ||
		tap_note "the run had ended before SIG$sr_sig was sent"
	wait "$sr_pid"
	rc=$?
	ms=$(( $(now_ms) - sr_t0 ))
	out=$(cat "$tmp/out") err=$(cat "$tmp/err")
}
# want_prompt: the run ended within 4 s of the signal.  Every run below
# would go on for 7.6 s or more after the signal without it, so the bound
# tells a run that ends at the signal from one that runs its course, with
# room for a loaded machine; how soon after the signal is make bench's.
want_prompt() {
	[ "$ms" -lt 4000 ] || tap_note "ended $ms ms after the signal"
}
# want_json_summary RC SIG: the JSON summary says interrupted by SIG.
have_jq=no
command -v jq >/dev/null 2>&1 && have_jq=yes
want_json_summary() {
	[ "$(printf '%s\n' "$out" | jq -r 'select(.kind == "summary") |
	    "\(.interrupted) \(.signal) \(.exit_code)"' 2>/dev/null)" = \
	    "true $2 $1" ] ||
		tap_note "no JSON summary with interrupted true, signal $2, exit_code $1"
}
# json_case NAME SIG RC FILTER WANT CMD...: sig_run SIG CMD, a --json run;
# it exits RC, its summary says interrupted by SIG, and the jq FILTER over
# its lines gives WANT (each line followed by a space).  Skipped without jq.
json_case() {
	jc_name=$1 jc_sig=$2 jc_rc=$3 jc_filter=$4 jc_want=$5; shift 5
	if [ $have_jq = no ]; then
		skip "$jc_name" "jq is not installed"
		return
	fi
	sig_run "$jc_sig" "$@"
	want_rc "$jc_rc"
	want_prompt
	want_json_summary "$jc_rc" "$jc_sig"
	[ "$(printf '%s\n' "$out" | jq -r "$jc_filter" | tr '\n' ' ')" = "$jc_want" ] ||
		tap_note "jq '$jc_filter' does not give '$jc_want'"
	verdict "$jc_name"
}

start_listener open -n 10000 -t 60 || { echo "Bail out! $listener_err"; exit 99; }
start_listener closed -B -t 60 || { echo "Bail out! $listener_err"; exit 99; }

# 1-5: resolution and connect, in a namespace.
if ns_setup sig && ns_drop 4445; then
	sig_run INT ip netns exec "$ns" "$ISOCK" -w 10 slow.example.test 80
	want_rc 130
	want_prompt
	want_err "slow\\.example\\.test port 80 \\(tcp\\): interrupted by INT"
	want_err "^isock-connect: interrupted by SIGINT after [0-9.]+ s: 0 of 1 target done$"
	want_no_out
	verdict "SIGINT while resolving: exit 130 in $ms ms, interrupted"

	json_case "SIGTERM while resolving, --json: summary interrupted" \
		TERM 143 'select(.kind == "result") | "\(.outcome) \(.step)"' \
		"interrupted resolve " \
		ip netns exec "$ns" "$ISOCK" --json -w 10 slow.example.test 80

	sig_run INT ip netns exec "$ns" "$ISOCK" -w 10 127.0.0.1 4445
	want_rc 130
	want_prompt
	want_err "127\\.0\\.0\\.1 port 4445 \\(tcp\\): interrupted by INT"
	want_err "interrupted by SIGINT after [0-9.]+ s: 0 of 1 target done"
	verdict "SIGINT while connecting (SYN dropped): exit 130 in $ms ms"

	json_case "SIGTERM with targets done and not started, --json: every target reported" \
		TERM 143 'select(.kind == "result") | .outcome' \
		"refused interrupted interrupted " \
		ip netns exec "$ns" "$ISOCK" --json -P 1 -w 10 \
		"127.0.0.1:$closed" 127.0.0.1:4445,4446

	# A probe of --count cut short is neither sent in full nor lost.
	sig_run INT ip netns exec "$ns" "$ISOCK" --count 3 -i 0 -w 10 127.0.0.1 4445
	want_rc 130
	want_prompt
	want_out "0 probes, 0 connected, 0 failed"
	want_err "interrupted by SIGINT after [0-9.]+ s: 0 of 3 probes done"
	verdict "SIGINT during a probe of --count: the cut probe is not counted lost"
else
	skip "SIGINT while resolving" "$ns_why"
	skip "SIGTERM while resolving, --json" "$ns_why"
	skip "SIGINT while connecting (SYN dropped)" "$ns_why"
	skip "SIGTERM with targets done and not started, --json" "$ns_why"
	skip "SIGINT during a probe of --count" "$ns_why"
fi

# 6-7: --wait, between retries of a refused port.
sig_run INT "$ISOCK" --wait 8 -w 1 127.0.0.1 "$closed"
want_rc 130
want_prompt
want_err "port $closed \\(tcp\\): interrupted after [0-9.]+ s, [0-9]+ attempts?: connection refused"
want_err "interrupted by SIGINT after [0-9.]+ s: 1 of 1 target done"
verdict "SIGINT during --wait: exit 130 in $ms ms, the last outcome shown"

json_case "SIGTERM during --wait, --json: summary interrupted" TERM 143 \
	'select(.kind == "result") | .outcome' "refused " \
	"$ISOCK" --json --wait 8 -w 1 127.0.0.1 "$closed"

# 8-9: --count, between probes: the statistics of the probes done.
sig_run TERM "$ISOCK" --count 10 -i 1 127.0.0.1 "$open"
want_rc 143
want_prompt
want_out "probe 1: connected to 127\\.0\\.0\\.1 port $open"
want_out "1 probes, 1 connected, 0 failed"
want_err "interrupted by SIGTERM after [0-9.]+ s: 1 of 10 probes done"
verdict "SIGTERM during --count: exit 143 in $ms ms, statistics of the probe done"

json_case "SIGINT during --count, --json: statistics and summary" INT 130 \
	'select(.kind == "statistics") | "\(.probes) \(.connected)"' "1 1 " \
	"$ISOCK" --json --count 10 -i 1 127.0.0.1 "$open"

# 10: the signal's default is not left in place: SIGHUP ends it cleanly too.
sig_run HUP "$ISOCK" --count 10 -i 1 127.0.0.1 "$open"
want_rc 129
want_prompt
want_err "interrupted by SIGHUP"
verdict "SIGHUP during --count: exit 129"

# 11: an interrupted -q run prints nothing and still exits 128+N.
sig_run INT "$ISOCK" -q --wait 8 127.0.0.1 "$closed"
want_rc 130
want_no_out
want_no_err
verdict "SIGINT with -q: exit 130, nothing printed"

# 12-15: standard output closed or gone: a write error, never a SIGPIPE death.
"$ISOCK" 127.0.0.1 "$open" >&- 2>"$tmp/err"
rc=$? out= err=$(cat "$tmp/err")
want_rc 10
want_err "write error on standard output"
verdict "stdout closed: write error reported, exit 10"

if [ -w /dev/full ]; then
	"$ISOCK" --json 127.0.0.1 "$open" >/dev/full 2>"$tmp/err"
	rc=$? out= err=$(cat "$tmp/err")
	want_rc 10
	want_err "write error on standard output: No space left on device"
	verdict "stdout on a full device: write error reported, exit 10"
else
	skip "stdout on a full device" "no /dev/full"
fi

# pipe_case NAME ARGS...: the tool, with ARGS, writes into a reader that
# stops after one line while probes go on for about 1 s.
pipe_case() {
	pc_name=$1; shift
	( "$ISOCK" "$@" --count 200 -i 0.005 127.0.0.1 "$open" 2>"$tmp/err"
	  echo $? >"$tmp/rc" ) | head -n 1 >/dev/null
	rc=$(cat "$tmp/rc") out= err=$(cat "$tmp/err")
	want_rc 10
	want_err "write error on standard output"
	verdict "$pc_name into a pipe closed early: no SIGPIPE, write error, exit 10"
}
pipe_case --json --json
pipe_case text
