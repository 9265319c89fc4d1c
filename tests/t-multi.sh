#!/bin/sh
# SPDX-License-Identifier: ISC
# t-multi.sh: many targets, port lists, --targets, --any, --wait, --count,
# --json, --explain and --list-errors, on loopback and temporary paths.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
tap_setup

command -v jq >/dev/null 2>&1 || skip_all "jq is not installed (apt-get install jq)"
plan 22

# A port that refuses: bound, never listening, held for the whole script.
start_listener closed -B -t 60 || { echo "Bail out! $listener_err"; exit 99; }
start_listener open -n 1000 -t 60 || { echo "Bail out! $listener_err"; exit 99; }

# 1-2: mixed outcomes, in input order; the first failure gives the status.
run "$ISOCK" "127.0.0.1:$open" "127.0.0.1:$closed"
want_rc 1
want_out "^127.0.0.1 port $open \\(tcp\\): connected in "
want_out "2 targets: 1 connected, 1 refused; exit status 1"
want_err "^127.0.0.1 port $closed \\(tcp\\): refused$"
want_err "^127.0.0.1 \\(tcp\\): $closed refused \\(ECONNREFUSED, errno 111\\)"
verdict "open then refused: exit 1, summary counts both"

run "$ISOCK" --json "127.0.0.1:$closed" localhost "$open" "unix:$tmp/none"
want_rc 1
[ "$(printf '%s\n' "$out" | jq -r 'select(.kind=="result") | .exit_code' | tr '\n' ' ')" = "1 0 6 " ] ||
	tap_note "results not in input order with codes 1 0 6"
verdict "results keep input order; status is the first failing target's"

# 3: --any
run "$ISOCK" --any -q "127.0.0.1:$closed" "127.0.0.1:$open"
want_rc 0
want_no_out
want_no_err
verdict "--any: exit 0 when one target connects"

run "$ISOCK" --any "127.0.0.1:$closed" "127.0.0.1:$closed"
want_rc 1
verdict "--any: exit of the first failure when none connects"

# 5: port lists and ranges
run "$ISOCK" --json "127.0.0.1:$open,$closed"
want_rc 1
[ "$(printf '%s\n' "$out" | jq -r 'select(.kind=="summary") | "\(.targets) \(.outcomes.connected) \(.outcomes.refused)"')" = "2 1 1" ] ||
	tap_note "summary is not 2 targets, 1 connected, 1 refused"
verdict "port list: one target per port"

run "$ISOCK" -q --json "[::1]:$closed" 2>/dev/null
if [ "$rc" = 4 ] || [ "$rc" = 8 ] || [ "$rc" = 7 ]; then
	pass "[v6]:port form parsed (no ::1 here: exit $rc)"
else
	run "$ISOCK" --json "127.0.0.1:$open-$open" "[::1]:$closed"
	want_rc 1
	[ "$(printf '%s\n' "$out" | jq -r 'select(.kind=="result") | .address' | tr '\n' ' ')" = "127.0.0.1 ::1 " ] ||
		tap_note "addresses are not 127.0.0.1 then ::1"
	verdict "range of one port and [v6]:port"
fi

# 7-8: --targets
printf '# services\n127.0.0.1 %s\n\n127.0.0.1:%s   # refused\n' "$open" "$closed" >"$tmp/list"
run "$ISOCK" --json --targets - <"$tmp/list"
want_rc 1
[ "$(printf '%s\n' "$out" | jq -r 'select(.kind=="result") | .target' | tr '\n' '|')" = "127.0.0.1 $open|127.0.0.1:$closed|" ] ||
	tap_note "targets read from stdin are not the two lines, in order"
verdict "--targets - reads one target a line, with comments"

printf '127.0.0.1 %s\n# fine\nbad..host 80\n' "$open" >"$tmp/bad"
run "$ISOCK" --targets "$tmp/bad"
want_rc 2
want_no_out
want_err "line 3: invalid host 'bad\\.\\.host'"
verdict "--targets: a bad line is a usage error naming its number"

# 9-10: --wait
late=$("$LISTEN" -B -t 1 | head -n 1)   # a free port, released at once
( sleep 0.6; exec "$LISTEN" -p "$late" -n 1 -t 10 >/dev/null ) &
tap_pids="$tap_pids $!"
t0=$(date +%s%N)
run "$ISOCK" --wait 8 -w 1 127.0.0.1 "$late"
t1=$(date +%s%N)
want_rc 0
want_out "connected to 127.0.0.1 port $late"
# The listener starts at 0.6 s and --wait gives up at 8 s: a bound between
# them, with room for a loaded machine.
[ $(( (t1 - t0) / 1000000 )) -lt 6000 ] || tap_note "took $(( (t1 - t0) / 1000000 )) ms"
verdict "--wait: connects once a late listener starts"

t0=$(date +%s%N)
run "$ISOCK" --wait 0.6 127.0.0.1 "$closed"
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
want_rc 1
want_err "ECONNREFUSED"
# Not before the time is up; after it, a bound about hangs only.
[ "$ms" -ge 550 ] && [ "$ms" -lt 10000 ] || tap_note "took $ms ms, expected about 600"
verdict "--wait: gives up with the last outcome when the time is up"

# --wait on a terminal: a progress line with the time waited so far; none
# when stderr is not a terminal (the run just above).
if have_pty; then
	run script -qec "'$ISOCK' --wait 0.8 127.0.0.1 $closed" /dev/null
	want_rc 1
	last=$(printf '%s\n' "$out" | tr '\r' '\n' | grep -o "127\.0\.0\.1:$closed: [0-9.]* s of 0\.8 s, [0-9]* attempts, last: refused" | tail -n 1)
	[ -n "$last" ] || tap_note "no progress line on the terminal"
	secs=$(printf '%s\n' "$last" | sed 's/^[^ ]* \([0-9]*\)\.\([0-9]\).*/\1\2/')
	[ "${secs:-0}" -ge 3 ] || tap_note "last progress line says ${last:-nothing}: under 0.3 s waited"
	verdict "--wait on a terminal: progress with the time waited"
else
	skip "--wait on a terminal: progress with the time waited" "$pty_why"
fi
run "$ISOCK" --wait 0.3 127.0.0.1 "$closed"
want_not_err "attempts?, last:"
verdict "--wait without a terminal: no progress line"

# 11-12: --count
run "$ISOCK" --count 3 --interval 0.05 127.0.0.1 "$open"
want_rc 0
[ "$(printf '%s\n' "$out" | grep -c 'probe [123]: connected')" = 3 ] || tap_note "not 3 probe lines"
want_out "3 probes, 3 connected, 0 failed \\(0% loss\\)"
want_out "^min/avg/max/mdev = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms$"
verdict "--count: a line per probe and the statistics"

run "$ISOCK" --count 2 --interval 0 127.0.0.1 "$closed"
want_rc 1
want_out "2 probes, 0 connected, 2 failed \\(100% loss\\)"
verdict "--count: every probe lost, exit of the last failure"

# 13-14: JSON for every outcome class we can make here
mkdir "$tmp/d" && : >"$tmp/d/file"
run "$ISOCK" --json -w 2 "127.0.0.1:$open" "127.0.0.1:$closed" "unix:$tmp/d/none" \
	"unix:$tmp/d/file"
printf '%s\n' "$out" | jq -e . >/dev/null 2>&1 || tap_note "stdout is not JSON Lines"
[ "$(printf '%s\n' "$out" | jq -r 'select(.kind=="result") | "\(.outcome)/\(.errno)"' | tr '\n' ' ')" = \
  "connected/null refused/ECONNREFUSED not_found/ENOENT refused/ECONNREFUSED " ] ||
	tap_note "outcomes: $(printf '%s\n' "$out" | jq -r 'select(.kind=="result") | "\(.outcome)/\(.errno)"' | tr '\n' ' ')"
[ "$(printf '%s\n' "$out" | jq -r 'select(.kind=="summary") | .exit_code')" = "$rc" ] ||
	tap_note "summary exit_code is not the exit status $rc"
verdict "--json: one valid object per target and a summary"

run "$ISOCK" --json -u 127.255.255.255 9
want_rc 5
[ "$(printf '%s\n' "$out" | jq -r 'select(.kind=="result") | "\(.outcome)/\(.errno)/\(.socktype)"')" = "denied/EACCES/dgram" ] ||
	tap_note "a broadcast association without -b is not denied/EACCES/dgram"
verdict "--json: a denied datagram association"

run "$ISOCK" --json nonexistent.invalid 80
want_rc 6
[ "$(printf '%s\n' "$out" | jq -r 'select(.kind=="result") | "\(.outcome) \(.errno) \(.step)"')" = "not_found EAI_NONAME resolve" ] ||
	tap_note "a name that does not resolve is not 'not_found EAI_NONAME resolve'"
verdict "--json: resolution failure"

# 15: hostile names stay valid JSON
bad=$(printf '%s/x\033[31m\377y' "$tmp")
run "$ISOCK" --json -U "$bad"
want_rc 6
[ "$(printf '%s\n' "$out" | jq -r 'select(.kind=="result") | .path')" = "$(printf '%s/x\033[31m\357\277\275y' "$tmp")" ] ||
	tap_note "the path does not come back with the invalid byte as U+FFFD"
printf '%s' "$out" | LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" &&
	tap_note "raw control characters in JSON"
verdict "--json: control characters escaped, invalid UTF-8 replaced"

# 16-18: --explain and --list-errors
run "$ISOCK" --explain econnrefused
want_rc 0
want_out "^ECONNREFUSED \\(errno 111\\): connection refused"
want_out "exit status 1 \\(refused\\)"
verdict "--explain by name, any case"

run "$ISOCK" --explain 113
want_rc 0
want_out "^EHOSTUNREACH \\(errno 113\\)"
verdict "--explain by number"

run "$ISOCK" --explain EBOGUS
want_rc 2
want_no_out
want_err "unknown error 'EBOGUS'"
verdict "--explain of an unknown name is a usage error"

# 19: --list-errors agrees with the man page and with --explain
run "$ISOCK" --list-errors
want_rc 0
man="$SRCDIR/man/isock-connect.1"
missing=
for name in $(printf '%s\n' "$out" | awk '{print $1}'); do
	grep -q -- "$name" "$man" || missing="$missing $name"
	code=$(printf '%s\n' "$out" | awk -v n="$name" '$1 == n {print $3}')
	"$ISOCK" --explain "$name" | grep -q "^exit status $code " ||
		missing="$missing $name(exit)"
done
[ -z "$missing" ] || tap_note "not in the man page or not agreeing:$missing"
[ "$(printf '%s\n' "$out" | wc -l)" -gt 40 ] || tap_note "fewer than 40 entries"
verdict "--list-errors: every entry in the man page, codes agree with --explain"
