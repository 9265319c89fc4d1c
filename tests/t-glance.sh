#!/bin/sh
# SPDX-License-Identifier: ISC
# t-glance.sh: many targets at a glance (issue 25).  On a terminal the
# grouped result once, no line a target; on a log a line a target, then
# the groups; groups keyed on the facts as facts, in input order, each
# cause explained once; the figures of the README (lines and words, beside
# nmap -sT on the same scan); --open and --failed; the --wait status line
# that names the target and the limit.  In a namespace of its own
# (isock-gl-PID): port 1003 listens on every address, 1023 on 127.0.0.1
# only, 1010-1015 and 1030-1035 are dropped, the rest refuse.  The terminal is a pty made by script(1).
set -u
. "${SRCDIR:-.}/tests/tap.sh"
. "${SRCDIR:-.}/tests/ns.sh"
tap_setup

have_pty || skip_all "$pty_why"
ns_setup gl || skip_all "$ns_why"
# A firewall as a host has one: rules for other ports, addresses and
# protocols, sets among them, beside the one that drops 1010-1015 and
# 1030-1035.  Only the rule that matches the attempt's packets is named.
command -v nft >/dev/null 2>&1 || skip_all "nft is not installed"
nsx nft -f - <<NFT || skip_all "nft could not add the filter table"
table inet filter {
	chain input {
		type filter hook input priority 0; policy accept;
		ct state established,related accept
		tcp dport { 22, 80, 443 } accept
		tcp dport { 1010-1015, 1030-1035 } drop
		ip saddr { 192.0.2.0/24, 198.51.100.0/24 } drop
		tcp dport 5432 reject with tcp reset
		udp dport 1000-1019 drop
	}
	chain output {
		type filter hook output priority 0; policy accept;
		ip daddr 198.51.100.0/24 drop
		tcp dport { 2525, 4025 } reject
	}
}
NFT
plan 15
nsx "$LISTEN" -W -p 1003 -n 5000 -t 120 >"$tmp/l1003" &
tap_pids="$tap_pids $!"
# 1023 listens on 127.0.0.1 only: on 127.0.0.2 and .3 a third cause.
nsx "$LISTEN" -4 -p 1023 -n 5000 -t 120 >"$tmp/l1023" &
tap_pids="$tap_pids $!"
i=0
while { [ ! -s "$tmp/l1003" ] || [ ! -s "$tmp/l1023" ]; } && [ $i -lt 100 ]; do
	sleep 0.05; i=$((i + 1))
done

# no_out_match PATTERN: notes when stdout matches PATTERN.
no_out_match() {
	! printf '%s\n' "$out" | grep -Eq -- "$1" ||
		tap_note "stdout matches /$1/"
}

# on_tty ARGS...: the tool in the namespace on a terminal; $out is what the
# terminal keeps (a status line rewritten in place is gone), $rc its status.
on_tty() {
	tap_why=
	timeout -k 2 60 script -qfec "ip netns exec $ns '$ISOCK' --color=never $*" \
		/dev/null </dev/null >"$tmp/tty"
	rc=$?
	out=$(sed 's/\r$//; s/.*\x1b\[K//' "$tmp/tty")
	err=
	nlines=$(printf '%s\n' "$out" | wc -l)
	nwords=$(printf '%s\n' "$out" | wc -w)
}

# fewer_words_than_nmap PORTS NAME: case NAME, $nwords below the words of
# nmap -n -sT -p PORTS 127.0.0.1-3 in the namespace (skipped without nmap).
fewer_words_than_nmap() {
	if ! command -v nmap >/dev/null 2>&1; then
		skip "$2" "nmap is not installed"
		return
	fi
	nmap_words=$(nsx timeout -k 2 60 nmap -n -sT -p "$1" 127.0.0.1-3 \
		</dev/null 2>/dev/null | wc -w)
	echo "# nmap -n -sT -p $1 127.0.0.1-3: $nmap_words words"
	if [ "$nmap_words" -gt 0 ] && [ "$nwords" -lt "$nmap_words" ]; then
		pass "$2"
	else
		fail "$2" "$nwords words, nmap $nmap_words"
	fi
}

# 1: 20 ports of one host, two causes, on a terminal: the groups once.
on_tty -w 1 127.0.0.1:1000-1019
want_rc 1
[ "$nlines" -le 12 ] || tap_note "$nlines lines, more than 12"
case $out in *" port 1000 (tcp)"*) tap_note "a line a target on a terminal" ;; esac
want_out "^127\\.0\\.0\\.1 \\(tcp\\): 1000-1002,1004-1009,1016-1019 refused \\(ECONNREFUSED, errno 111\\)"
want_out "^127\\.0\\.0\\.1 \\(tcp\\): 1003 connected$"
want_out "^127\\.0\\.0\\.1 \\(tcp\\): 1010-1015 timed out: "
want_out "20 targets: 1 connected, 13 refused, 6 timed out; exit status 1"
no_out_match "as above"
# Facts that hold for each port of a group alike name the group's ports.
want_out "Found: nothing on this host listens on TCP ports 1000-1002,1004-1009,1016-1019$"
want_out "Found: nothing on this host listens on TCP ports 1010-1015$"
no_out_match "refused: connection refused|TCP port 10[01][0-9]$"
want_out "Found: this host's chain inet filter input \\(hook input\\) drops the SYN$"
no_out_match "chain inet filter output|reject rule|may match"
verdict "20 ports of one host, two causes: at most 12 lines on a terminal, only the rule that matches named"
echo "# 20 ports, 1 host: $nlines lines, $nwords words"

# 2-3: 20 ports of 3 hosts: at most 25 lines, fewer words than nmap -sT.
on_tty -w 1 127.0.0.1:1000-1019 127.0.0.2:1000-1019 127.0.0.3:1000-1019
want_rc 1
[ "$nlines" -le 25 ] || tap_note "$nlines lines, more than 25"
want_out "^127\\.0\\.0\\.3 \\(tcp\\): 1000-1002,1004-1009,1016-1019 refused, as above$"
want_out "60 targets: 3 connected, 39 refused, 18 timed out; exit status 1"
n=$(printf '%s\n' "$out" | grep -c "Check:")
[ "$n" = 2 ] || tap_note "$n Check lines, expected one for each of the 2 causes"
verdict "20 ports of 3 hosts: at most 25 lines"
echo "# 20 ports, 3 hosts: $nlines lines, $nwords words"
fewer_words_than_nmap 1000-1019 "20 ports of 3 hosts: fewer words than nmap -sT"

# 4-5: the same with the listener on 127.0.0.1 only (1023; 1030-1035
# dropped): a third cause, still at most 25 lines and fewer words than
# nmap -sT.
on_tty -w 1 127.0.0.1:1020-1039 127.0.0.2:1020-1039 127.0.0.3:1020-1039
want_rc 1
[ "$nlines" -le 25 ] || tap_note "$nlines lines, more than 25"
want_out "^127\\.0\\.0\\.2 \\(tcp\\): 1023 refused \\(ECONNREFUSED\\)$"
want_out "TCP port 1023 has a listener on 127\\.0\\.0\\.1 only, not on 127\\.0\\.0\\.2"
want_out "60 targets: 1 connected, 41 refused, 18 timed out; exit status 1"
n=$(printf '%s\n' "$out" | grep -c "Check:")
[ "$n" = 3 ] || tap_note "$n Check lines, expected one for each of the 3 causes"
verdict "20 ports of 3 hosts, a listener on 127.0.0.1 only: at most 25 lines"
echo "# 20 ports, 3 hosts, listener on 127.0.0.1 only: $nlines lines, $nwords words"
fewer_words_than_nmap 1020-1039 "listener on 127.0.0.1 only: fewer words than nmap -sT"

# 6: 1,000 ports with three outcomes: at most 15 lines.
on_tty -w 1 127.0.0.1:1000-1999
want_rc 1
[ "$nlines" -le 15 ] || tap_note "$nlines lines, more than 15"
want_out "1000 targets: 2 connected, 986 refused, 12 timed out; exit status 1"
verdict "1,000 ports, three outcomes: at most 15 lines"
echo "# 1,000 ports: $nlines lines, $nwords words"

# 7: a log: a line a target as it ends, then the groups.
run ip netns exec "$ns" "$ISOCK" -w 1 127.0.0.1:1000-1019
want_rc 1
n=$(printf '%s\n%s\n' "$out" "$err" | grep -c '^127\.0\.0\.1 port 10[01][0-9] (tcp): ')
[ "$n" = 20 ] || tap_note "$n lines of targets on a log, expected 20"
want_err "^127\\.0\\.0\\.1 \\(tcp\\): 1010-1015 timed out: "
verdict "a log: a line a target, then the groups"

# 8: the split of issue 25: "/32" and the first octet 127 are no ports.
on_tty -w 1 127.0.0.1:30-33,126-128
want_rc 1
want_out "^127\\.0\\.0\\.1 \\(tcp\\): 30-33,126-128 refused \\(ECONNREFUSED, errno 111\\)"
n=$(printf '%s\n' "$out" | grep -c "refused")
[ "$n" = 2 ] || tap_note "$n lines with 'refused', expected the group's and the total"
n=$(printf '%s\n' "$out" | grep -c "Check:")
[ "$n" = 1 ] || tap_note "$n Check lines, expected 1"
verdict "30-33,126-128: one cause, one group"

# 9: 150 ports, one cause: one group.
on_tty -w 1 127.0.0.1:1-150
want_rc 1
want_out "^127\\.0\\.0\\.1 \\(tcp\\): 1-150 refused \\(ECONNREFUSED, errno 111\\)"
n=$(printf '%s\n' "$out" | grep -c "Check:")
[ "$n" = 1 ] || tap_note "$n Check lines, expected 1"
verdict "1-150: one cause, one group"

# 10: --open on a log: the connected only; the exit status unchanged.
run ip netns exec "$ns" "$ISOCK" --open -w 1 127.0.0.1:1001-1003,1010
want_rc 1
want_out "^127\\.0\\.0\\.1 port 1003 \\(tcp\\): connected in "
want_out "^127\\.0\\.0\\.1 \\(tcp\\): 1003 connected$"
want_out "4 targets: 1 connected, 2 refused, 1 timed out; exit status 1"
[ -z "$err" ] || tap_note "failures shown under --open"
verdict "--open: only what connected, the exit status unchanged"

# 11: --failed on a terminal: the failures only.
on_tty --failed -w 1 127.0.0.1:1001-1003,1010
want_rc 1
want_out "^127\\.0\\.0\\.1 \\(tcp\\): 1001-1002 refused \\(ECONNREFUSED"
want_out "^127\\.0\\.0\\.1 \\(tcp\\): 1010 timed out: "
no_out_match "connected in|1003 connected"
verdict "--failed: only what did not connect"

# 12: --failed with one target that connects: nothing shown, exit 0;
# --open with JSON: the results of what connected, the summary of all.
run ip netns exec "$ns" "$ISOCK" --failed 127.0.0.1 1003
want_rc 0
[ -z "$out$err" ] || tap_note "output for a success under --failed"
run ip netns exec "$ns" "$ISOCK" -j --open -w 1 127.0.0.1:1001-1003
want_rc 1
n=$(printf '%s\n' "$out" | grep -c '"kind":"result"')
[ "$n" = 1 ] || tap_note "$n result objects, expected 1"
want_out '"kind":"summary".*"targets":3'
verdict "--failed of a success: nothing; --open -j: the results shown, all counted"

# 13: --wait on a terminal: the status line names the target, the limit,
# the attempts and the last outcome in words.
timeout -k 2 30 script -qfec "ip netns exec $ns '$ISOCK' --wait 1.5 127.0.0.1:1001" \
	/dev/null </dev/null >"$tmp/tty"
rc=$? tap_why= out=$(tr '\r' '\n' <"$tmp/tty") err=
want_rc 1
want_out "^.*127\\.0\\.0\\.1:1001: 1\\.[0-9] s of 1\\.5 s, [0-9]+ attempts, last: refused"
no_out_match "ECONNREFUSED, [0-9]+ attempts"
verdict "--wait on a terminal: target, time of the limit, attempts, outcome"

# 14: --wait 0 has no limit to name.
timeout -k 2 30 script -qfec "timeout -s INT 1.6 ip netns exec $ns '$ISOCK' --wait 0 127.0.0.1:1001" \
	/dev/null </dev/null >"$tmp/tty"
rc=$? tap_why= out=$(tr '\r' '\n' <"$tmp/tty") err=
want_out "127\\.0\\.0\\.1:1001: 1\\.[0-9] s \\(no limit\\), [0-9]+ attempts, last: refused"
verdict "--wait 0 on a terminal: no limit named"

# 15: --open and --failed together show nothing: a usage error, nothing tried.
run "$ISOCK" --open --failed 127.0.0.1:1,2
want_rc 2
want_err "--open and --failed do not go together"
[ -z "$out" ] || tap_note "output on stdout for a usage error"
verdict "--open with --failed: a usage error"
