#!/bin/sh
# SPDX-License-Identifier: ISC
# t-hostile.sh: hostile conditions, second round (issue 21).  A socket that
# connects to itself is no service; a shortage of descriptors is a wait or
# EMFILE, never a crash or "not found"; the tool's own sockets are never
# blamed on another program.  Everything runs in namespaces of its own.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
. "${SRCDIR:-.}/tests/ns.sh"
tap_setup
need_root ip sysctl
ns_setup hostile || skip_all "$ns_why"
plan 21

# 1: TCP.  Two ephemeral ports, 40000 and 40001: a connect to 40000 with
# nothing listening now and then gets 40000 as its own port, and the
# simultaneous open with itself succeeds.  Each --wait run retries some
# fifty times; none may exit 0.
nsx sysctl -qw net.ipv4.ip_local_port_range="40000 40001" ||
	skip_all "cannot narrow ip_local_port_range in the namespace"
bad= i=0
while [ $i -lt 5 ]; do
	run ip netns exec "$ns" "$ISOCK" -q --wait 1 127.0.0.1 40000
	[ "$rc" = 0 ] && bad="run $i exited 0"
	i=$((i + 1))
done
run ip netns exec "$ns" "$ISOCK" --wait 1 127.0.0.1 40000
[ -n "$bad" ] && tap_note "$bad"
want_rc 1
want_not_err "connected"
verdict "TCP self-connect under --wait is a refusal, never exit 0"

# 2: the same made certain: -p names the port asked for.  The line says
# the socket met itself, no peer's refusal is claimed, JSON marks it.
run ip netns exec "$ns" "$ISOCK" -p 40050 127.0.0.1 40050
want_rc 1
want_err "joined to itself"
want_err "ip_local_port_range"
want_not_err "answered the SYN"
run ip netns exec "$ns" "$ISOCK" --json -p 40050 127.0.0.1 40050
want_rc 1
printf '%s\n' "$out" | grep -q '"self_connect":true' ||
	tap_note "no attempt marked self_connect in JSON"
verdict "a self-connect is said, and no peer's refusal is claimed"

# 3: UDP --probe: a datagram sent from 40000 to 40000 comes back to its
# sender; it is no answer.
bad= i=0
while [ $i -lt 20 ]; do
	run ip netns exec "$ns" "$ISOCK" -q -u --probe -w 0.2 127.0.0.1 40000
	[ "$rc" = 0 ] && bad="run $i exited 0"
	i=$((i + 1))
done
[ -n "$bad" ] && tap_note "$bad"
verdict "UDP --probe never takes its own datagram for an answer"

# limited N SPARE CMD...: CMD in the namespace with a soft limit of N
# descriptors, all but SPARE of them inherited open on /dev/null (as from
# a careless parent).  bash, for descriptors above 9.
limited() {
	lim_n=$1 lim_s=$2; shift 2
	run ip netns exec "$ns" bash -c '
		ulimit -S -n "$1" || exit 99
		for ((fd = 3; fd < $1 - $2; fd++)); do
			eval "exec $fd</dev/null" || exit 99
		done
		shift 2; exec "$@"' bash "$lim_n" "$lim_s" "$@"
}

# 4: one descriptor free, a silent name server: glibc's look-up thread
# could not load libgcc_s when it ended and aborted the process (134).
limited 20 1 "$ISOCK" -w 1 --wait 2 db.example 80
want_rc 7
want_err "EMFILE"
want_err "the limit is 20 descriptors"
want_not_err "libgcc_s|not known|did not answer"
verdict "one descriptor free under --wait: EMFILE with the limit, no abort"

# 5: localhost from /etc/hosts, which could not be opened: never "not
# found", never a name server that was never asked.
limited 20 1 "$ISOCK" localhost 8080
want_rc 7
want_err "EMFILE"
want_not_err "not known|name server"
verdict "one descriptor free: a look-up is EMFILE, not 'not found'"

# 6: with descriptors enough the same look-up runs (the reserve is no
# more than a look-up needs).
limited 20 6 "$ISOCK" localhost 8080
want_rc 1
want_not_err "EMFILE"
verdict "six descriptors free: the look-up runs"

# 7: an internationalised name under a UTF-8 locale: AI_IDN converts it
# (xn--t-9fab.example in the namespace's /etc/hosts); it was never
# converted, for the tool never set its locale.
utf8=$(locale -a 2>/dev/null | grep -Eix 'c\.utf-?8' | head -n 1)
if [ -z "$utf8" ]; then
	skip "an IDN name resolves under a UTF-8 locale" "no C.UTF-8 locale"
else
	printf '127.0.0.1 xn--t-9fab.example\n' >>"/etc/netns/$ns/hosts"
	LC_ALL=$utf8 run ip netns exec "$ns" "$ISOCK" \
	    "$(printf '\303\251t\303\251.example')" 8080
	want_rc 1
	want_err "\(127\.0\.0\.1\) port 8080"
	want_not_err "EAI_IDN_ENCODE"
	verdict "an IDN name resolves under a UTF-8 locale"
fi

# 8: the locale is for look-ups alone: what reaches the terminal is
# escaped the same under C and under UTF-8.
printf 'bad\033[31m\302\233x.example:1\n' >"$tmp/targets-esc"
LC_ALL=C run ip netns exec "$ns" "$ISOCK" -w 0.2 --targets "$tmp/targets-esc"
c_err=$err c_rc=$rc
LC_ALL=${utf8:-C} run ip netns exec "$ns" "$ISOCK" -w 0.2 --targets "$tmp/targets-esc"
[ "$c_err" = "$err" ] || tap_note "stderr differs: C: $c_err"
[ "$c_rc" = "$rc" ] || tap_note "exit status differs: C: $c_rc"
want_no_ctrl
verdict "output escaping does not change with the locale"

# 9: a FIFO at /proc/net/ip_tables_names (a tmpfs over /proc in a mount
# namespace of the test's own, with the process's own /proc/PID and
# /proc/self linked to a real proc, which the sanitizers read): --trace
# read it with a plain fopen and waited forever for a writer.  Every /proc
# read is a non-blocking regular file.
if ! command -v nft >/dev/null 2>&1 || ! command -v unshare >/dev/null 2>&1; then
	skip "--trace never blocks on a FIFO in /proc" "needs nft and unshare"
elif ! ns_drop 5999; then
	skip "--trace never blocks on a FIFO in /proc" "$ns_why"
else
	mkdir "$tmp/proc"
	run timeout -k 1 10 ip netns exec "$ns" unshare -m sh -c '
		mount -t proc proc "$1" && mount -t tmpfs none /proc &&
		mkdir /proc/net && mkfifo /proc/net/ip_tables_names &&
		ln -s "$1/$$" /proc/self && ln -s "$1/$$" "/proc/$$" || exit 77
		shift; exec "$@"' sh "$tmp/proc" "$ISOCK" -w 0.5 --trace \
		127.0.0.1 5999
	if [ "$rc" = 77 ]; then
		skip "--trace never blocks on a FIFO in /proc" \
			"cannot make a FIFO at /proc/net/ip_tables_names"
	else
		want_rc 3
		want_err "trace: hop"
		want_not_err "interrupted"
		verdict "--trace never blocks on a FIFO in /proc"
	fi
fi

# 10: --count against a healthy listener with 100 ephemeral ports: each
# probe closed normally left its port in TIME-WAIT for a minute, so the
# 101st connect failed with EADDRNOTAVAIL (exit 7, counted as loss) and
# every other program's connect to the service with it.  Closed with a
# reset (SO_LINGER 0), as health checkers do, no TIME-WAIT is left.
nsx sysctl -qw net.ipv4.ip_local_port_range="41000 41099"
nsx sysctl -qw net.ipv4.tcp_tw_reuse=0
ip netns exec "$ns" "$LISTEN" -p 6000 -b 1024 -t 60 >"$tmp/l6000" 2>&1 &
tap_pids="$tap_pids $!"
i=0
while [ ! -s "$tmp/l6000" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
tw() { nsx ss -Htan state time-wait | wc -l; }
before=$(tw)
run ip netns exec "$ns" "$ISOCK" -c 300 -i 0 127.0.0.1 6000
after=$(tw)
want_rc 0
want_out "300 probes, 300 connected, 0 failed"
[ $((after - before)) -le 5 ] ||
	tap_note "TIME-WAIT sockets: $before before, $after after"
verdict "-c 300 -i 0 leaves no TIME-WAIT behind ($before before, $after after)"
nsx sysctl -qw net.ipv4.ip_local_port_range="40000 40001"

# 11: -p twice within a minute, against a listener that never accepts
# (so the tool is the first to close): the first run's socket stayed in
# FIN-WAIT or TIME-WAIT on port 5100 and the second said "already bound
# by another socket".
ip netns exec "$ns" "$LISTEN" -p 6001 -b 64 -t 60 >"$tmp/l6001" 2>&1 &
tap_pids="$tap_pids $!"
ip netns exec "$ns" "$LISTEN" -p 6003 -A -b 16 -t 60 >"$tmp/l6003" 2>&1 &
tap_pids="$tap_pids $!"
i=0
while { [ ! -s "$tmp/l6001" ] || [ ! -s "$tmp/l6003" ]; } && [ $i -lt 100 ]; do
	sleep 0.05; i=$((i + 1))
done
run ip netns exec "$ns" "$ISOCK" -p 5100 127.0.0.1 6003
first=$rc
run ip netns exec "$ns" "$ISOCK" -p 5100 127.0.0.1 6003
[ "$first" = 0 ] || tap_note "the first run exited $first"
want_rc 0
want_not_err "another socket"
verdict "-p 5100 twice in a row: both connect"

# 12: -p over several targets: the attempts share the source port, each
# to another peer, which TCP allows (SO_REUSEADDR: bound, not listening);
# two to the same peer take turns, never blaming the run's own socket.
run ip netns exec "$ns" "$ISOCK" -p 5101 127.0.0.1:6000,6001 127.0.0.1:6000
want_rc 0
want_out "3 targets: 3 connected"
want_not_err "another socket|EADDRINUSE|EADDRNOTAVAIL"
verdict "-p 5101 over three targets, two the same: all connect from it"

# 13: a targets file with a UTF-8 byte order mark, U+200B in a name and
# U+202E after a port: the mark is no part of the first name, and the
# characters that hide or reorder text reach the terminal as \uXXXX.
printf '\357\273\277127.0.0.1:1\nloc\342\200\213alhost:1\n127.0.0.1:1\342\200\256\n' \
	>"$tmp/targets-bidi"
run ip netns exec "$ns" "$ISOCK" -w 0.3 --targets "$tmp/targets-bidi"
want_rc 2
want_err_fixed "port '1\\u202e'"
printf '%s%s' "$out" "$err" | LC_ALL=C grep -q "$(printf '\342\200[\213\256]\|\357\273\277')" &&
	tap_note "a bidirectional or invisible character reached the output raw"
head -n 2 "$tmp/targets-bidi" >"$tmp/targets-bom"
run ip netns exec "$ns" "$ISOCK" -w 0.3 --targets "$tmp/targets-bom"
want_err "^127\.0\.0\.1 port 1 \(tcp\): refused"
want_err_fixed "loc\\u200balhost"
printf '%s%s' "$out" "$err" | LC_ALL=C grep -q "$(printf '\342\200\213\|\357\273\277')" &&
	tap_note "an invisible character reached the output raw"
verdict "BOM skipped; U+200B and U+202E escaped as \\uXXXX"

# 14: an interface named v+1 exists: it is a zone like any other (Linux
# names take any bytes but '/', ':' and blanks).
if nsx ip link add 'v+1' type veth peer name "vp$$" 2>/dev/null; then
	nsx ip link set 'v+1' up
	run ip netns exec "$ns" "$ISOCK" -w 0.3 'fe80::1%v+1' 1
	[ "$rc" = 2 ] && tap_note "refused as a usage error"
	want_not_err "invalid zone"
	verdict "a zone naming the interface v+1 is taken"
else
	skip "a zone naming the interface v+1 is taken" "no veth here"
fi

# 15: URL schemes are case-insensitive (RFC 3986 section 3.1).
run ip netns exec "$ns" "$ISOCK" -w 0.3 TCP://127.0.0.1:1 Udp4://127.0.0.1:1
want_rc 1
want_out "127\.0\.0\.1 port 1 \(udp\): (association set|connected)"
want_not_err "unsupported URL scheme"
verdict "TCP:// and Udp4:// are tcp:// and udp4://"

# 16: '#' inside a Unix path is the path's, on the command line and in a
# targets file, where a '#' elsewhere still starts a comment.
start_listener ready -U "$tmp/app#1" -t 60 ||
	{ echo "Bail out! $listener_err"; exit 99; }
printf 'unix:%s # the app\n# none\n' "$tmp/app#1" >"$tmp/targets-hash"
run "$ISOCK" -w 1 "unix:$tmp/app#1" --targets "$tmp/targets-hash"
want_rc 0
want_out "2 targets: 2 connected"
verdict "'#' inside a unix: path is kept"

# 17: an abstract name nothing is bound to: no file exists or is left
# behind, so neither may be said.
run ip netns exec "$ns" "$ISOCK" -U "@isock-none-$$"
want_rc 1
want_err "abstract name"
want_not_err "exists|left the file"
verdict "a missing abstract name is not said to exist"

# 18: --wait 1 -w 5 against a dropped port gives up after 1 s: it never
# waited 5 s, so the 5 s deadline is not what it names.
if ! command -v nft >/dev/null 2>&1 || ! ns_drop 5999; then
	skip "--wait 1 -w 5: the deadline named is the 1 s --wait had left" \
		"needs nft"
else
	run ip netns exec "$ns" "$ISOCK" --wait 1 -w 5 127.0.0.1 5999
	want_rc 3
	want_err "gave up after [0-9.]+ s, 1 attempt: no answer within the (1|0\.[0-9]+) s left of --wait"
	want_not_err "deadline of 5 s"
	verdict "--wait 1 -w 5: the deadline named is the 1 s --wait had left"
fi

# 19: -P 1 (and a descriptor limit of 12 or less, which gives the same cap)
# with ::1 silent and 127.0.0.1 listening: the cap held the IPv4 attempt
# back behind the silent one until the deadline (exit 3).  A target's
# Happy Eyeballs fallback may take one socket beyond the cap.
ip netns exec "$ns" "$LISTEN" -4 -p 6002 -t 60 >"$tmp/l6002" 2>&1 &
tap_pids="$tap_pids $!"
i=0
while [ ! -s "$tmp/l6002" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
if ! command -v nft >/dev/null 2>&1 ||
    ! printf 'table ip6 isock_drop6 { chain input { type filter hook input priority 0; tcp dport 6002 drop; }; }\n' |
    nsx nft -f -; then
	skip "-P 1 keeps the Happy Eyeballs fallback" "needs nft"
else
	run ip netns exec "$ns" "$ISOCK" -P 1 -w 2 localhost 6002
	want_rc 0
	want_out "connected to localhost \(127\.0\.0\.1\) port 6002"
	limited 12 9 "$ISOCK" -w 2 localhost 6002
	want_rc 0
	verdict "-P 1 and ulimit -n 12 keep the Happy Eyeballs fallback"
fi

# 20: two --trace runs as root with the same PID (1, each in a PID
# namespace of its own) in one network namespace: the table named after
# the PID was the other's, and one run said that tracing is not permitted
# to root.  Both find the rule that drops the SYN.
# Each trace binds a port and its hops take more: the two-port range the
# self-connect cases left would run out between the two runs.
nsx sysctl -qw net.ipv4.ip_local_port_range="41000 41099"
if ! command -v nft >/dev/null 2>&1 || ! ns_drop 5999 ||
    ! nsx unshare -pf --mount-proc true 2>/dev/null; then
	skip "two --trace runs of PID 1 in one network namespace" \
		"needs nft and unshare --pid"
else
	timeout -k 2 20 ip netns exec "$ns" unshare -pf --mount-proc "$ISOCK" \
		-w 1 --trace 127.0.0.1 5999 >/dev/null 2>"$tmp/trace-a" &
	tr_a=$!
	run ip netns exec "$ns" unshare -pf --mount-proc "$ISOCK" -w 1 \
		--trace 127.0.0.1 5999
	wait "$tr_a"
	err="$err
$(cat "$tmp/trace-a")"
	want_rc 3
	want_not_err "not permitted"
	[ "$(printf '%s\n' "$err" | grep -c 'dropped on this host by table inet isock_drop_5999')" = 2 ] ||
		tap_note "not both runs found the drop rule"
	verdict "two --trace runs of PID 1 in one network namespace"
fi

# 21: the static (musl) build short of descriptors: its look-up thread
# left EAI_SYSTEM without errno (exit 10); it is EMFILE, exit 7, as in
# the glibc build.
static=$(dirname "$ISOCK")/isock-connect-static
if [ ! -x "$static" ]; then
	skip "static build, one descriptor free: EMFILE" "no $static (make static)"
else
	limited 20 1 "$static" localhost 8080
	want_rc 7
	want_err "EMFILE"
	want_not_err "left no errno|not known|name server"
	limited 20 1 "$static" -w 1 --wait 2 db.example 80
	want_rc 7
	want_err "EMFILE"
	verdict "static build, one descriptor free: EMFILE"
fi
