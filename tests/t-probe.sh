#!/bin/sh
# SPDX-License-Identifier: ISC
# t-probe.sh: --probe speaks the protocol of a well-known datagram port.
# In a network namespace of its own (tests/ns.sh), dnsmasq answers DNS on
# 127.0.0.2 port 53 (and ignores an empty datagram); the name server of
# ns.sh at 127.0.0.1 port 53 never answers.  Needs root and dnsmasq.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
tap_setup

. "${SRCDIR:-.}/tests/ns.sh"

command -v dnsmasq >/dev/null 2>&1 || skip_all "dnsmasq is not installed"
ns_setup pr || skip_all "$ns_why"
nsx dnsmasq -k --conf-file=/dev/null --listen-address=127.0.0.2 \
	--bind-interfaces --no-resolv --no-hosts \
	--address=/isock.test/127.0.0.9 --pid-file="$tmp/dnsmasq.pid" \
	>"$tmp/dnsmasq.log" 2>&1 &
tap_pids="$tap_pids $!"
i=0
while [ ! -s "$tmp/dnsmasq.pid" ] && [ $i -lt 100 ]; do
	sleep 0.05; i=$((i + 1))
done
[ -s "$tmp/dnsmasq.pid" ] || skip_all "dnsmasq did not start: $(cat "$tmp/dnsmasq.log")"
plan 2

# 1: a DNS server on port 53 answers the query --probe sends.
run ip netns exec "$ns" "$ISOCK" -u --probe -w 3 127.0.0.2 53
want_rc 0
want_out "reply from 127.0.0.2 port 53 .*: a DNS server answered \\("
verdict "--probe on port 53 asks a DNS question and names what answered"

# 2: a name server that never answers is still a time-out.
run ip netns exec "$ns" "$ISOCK" -u --probe -w 0.5 127.0.0.1 53
want_rc 3
verdict "--probe on port 53 to a silent server: exit 3"
