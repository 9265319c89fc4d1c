#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/t-static.sh: src/isock-connect-static (make static) alone in an
# empty root: a directory holding only the binary and, per case, an
# /etc/hosts, /etc/services or /etc/resolv.conf, entered with chroot inside
# a network namespace of the test's own.  It must be static and under
# 400 KB, connect to an IP literal (exit 0), be refused (exit 1), read
# names and services from the root's files, ask a name server of the
# namespace (dnsmasq on 127.0.0.2) and give up on a silent one (exit 3).
# Skipped without musl-gcc, without the binary (REQUIRE_STATIC=1, as in
# CI, makes that a failure), without root, and without dnsmasq for the
# name server case.  Built without libmnl, its diagnosis must say that it
# read no netlink facts (never "nothing listens"), and still walk a Unix
# path.  Built without libcurl, https:// and --tls are usage errors that
# say so (exit 2), before anything is tried.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
. "${SRCDIR:-.}/tests/ns.sh"
. "${SRCDIR:-.}/tests/static.sh"
tap_setup

static_require
command -v chroot >/dev/null 2>&1 || skip_all "chroot (coreutils) is missing"
ns_setup static || skip_all "$ns_why"
plan 15

# The empty root: the binary, and /etc for the files a case writes.
root=$tmp/root
mkdir -p "$root/etc" "$root/tmp"
cp "$static" "$root/isock-connect"
# sr ARGS...: the static binary in the root, in the namespace.
sr() { run ip netns exec "$ns" chroot "$root" /isock-connect "$@"; }

# 1, 2: static (no program interpreter, nothing to load) and small.
if LC_ALL=C readelf -l "$static" 2>/dev/null | grep -q 'INTERP\|DYNAMIC'; then
	fail "statically linked" "$(readelf -l "$static" | grep 'INTERP\|DYNAMIC')"
else
	pass "statically linked"
fi
size=$(wc -c <"$static")
if [ "$size" -lt 409600 ]; then
	pass "under 400 KB ($size bytes)"
else
	fail "under 400 KB" "$size bytes"
fi

# A listener in the namespace, for the cases that connect.
if ! ns_listen port -p 0 -t 60; then
	echo "Bail out! $listener_err"
	exit 99
fi

# 3, 4: IP literals, with nothing at all in /etc.
sr 127.0.0.1 "$port"
expect "IP literal, a listener: exit 0" 0 "connected to 127\.0\.0\.1 port $port"
sr 127.0.0.1 9
expect "IP literal, nothing listens: exit 1" 1 "" "connection refused \(ECONNREFUSED"

# 5: a name only the root's /etc/hosts has.
printf '127.0.0.1 localhost\n127.0.0.1 db.chroot.test\n' >"$root/etc/hosts"
sr db.chroot.test "$port"
expect "a name of the root's /etc/hosts: exit 0" 0 "connected to db\.chroot\.test"

# 6, 7: a service name without /etc/services is refused as a usage error;
# with one in the root, it is read.
sr 127.0.0.1 isock-test
expect "a service name, no /etc/services: exit 2" 2 "" "isock-test"
printf 'isock-test %s/tcp\n' "$port" >"$root/etc/services"
sr 127.0.0.1 isock-test
expect "a service name of the root's /etc/services: exit 0" 0 "port $port"

# 8: musl's getopt leaves optind past the end after an option that lacks
# its argument: the message must still quote the option.
sr 127.0.0.1 -w
expect "an option without its argument: exit 2, quoted" 2 "" \
    "option '-w' needs an argument"

# 9: JSON Lines from the static binary are JSON.
sr -j 127.0.0.1:"$port",9
if [ "$rc" = 1 ] && command -v jq >/dev/null 2>&1 &&
    printf '%s\n' "$out" | jq -e -s 'map(select(.kind == "result")) |
	map(.outcome) == ["connected", "refused"]' >/dev/null; then
	pass "--json: two results, connected and refused"
elif ! command -v jq >/dev/null 2>&1; then
	skip "--json: two results, connected and refused" "jq is not installed"
else
	fail "--json: two results, connected and refused" "exit $rc" "$out"
fi

# 10: a DNS name, from a name server in the namespace (dnsmasq, 127.0.0.2),
# which answers for test. alone: the A record of db.dns.test, and no data
# for its AAAA (musl waits on for a better answer than REFUSED).
if command -v dnsmasq >/dev/null 2>&1; then
	printf '127.0.0.1 db.dns.test\n' >"$tmp/dns-hosts"
	ip netns exec "$ns" dnsmasq --keep-in-foreground --conf-file=/dev/null \
	    --no-resolv --no-hosts --addn-hosts="$tmp/dns-hosts" \
	    --local=/test/ --bind-interfaces --listen-address=127.0.0.2 \
	    --port=53 --user=root --pid-file= --log-facility=- \
	    >"$tmp/dnsmasq.log" 2>&1 &
	tap_pids="$tap_pids $!"
	i=0
	until ip netns exec "$ns" ss -Hlun 'sport = :53' 2>/dev/null |
	    grep -q '127\.0\.0\.2'; do
		[ $i -lt 100 ] || break
		sleep 0.05
		i=$((i + 1))
	done
	printf 'nameserver 127.0.0.2\noptions timeout:2 attempts:2\n' \
	    >"$root/etc/resolv.conf"
	sr -w 4 db.dns.test "$port"
	expect "a DNS name, from the namespace's name server: exit 0" 0 \
	    "connected to db\.dns\.test"
else
	skip "a DNS name, from the namespace's name server" \
	    "dnsmasq is not installed (apt-get install dnsmasq)"
fi

# 11: a name server that never answers (ns.sh's, on 127.0.0.1): the
# look-up thread is abandoned at the deadline.
printf 'nameserver 127.0.0.1\noptions timeout:5 attempts:2\n' \
    >"$root/etc/resolv.conf"
sr -w 0.5 nosuch.dns.test 80
expect "a silent name server: exit 3 at the deadline" 3 "" \
    "timed out resolving"

# 12: built without libmnl, the diagnosis of a refusal says that it read no
# netlink facts, and never that nothing listens; the exit status is still 1.
nonl='this build reads no netlink facts \(built without libmnl\): routes, neighbours and listeners were not looked up'
sr -v 127.0.0.1 9
if printf '%s\n' "$err" | grep -q 'nothing on this host listens'; then
	fail "no netlink facts: said, and no false 'nothing listens'" \
	    "stderr: $err"
else
	expect "no netlink facts: said, and no false 'nothing listens'" 1 "" \
	    "$nonl"
fi

# 13: the facts that need no netlink are still read: the Unix path walk.
sr unix:/tmp/nodir/app.sock
expect "no netlink: the Unix path walk still finds the missing directory" \
    6 "" "/tmp/nodir does not exist"

# 14, 15: built without libcurl: https:// and --tls say what this build
# lacks and exit 2, nothing tried.
sr https://127.0.0.1/
expect "no libcurl: https:// is a usage error that says why" 2 "" \
    "'https://127.0.0.1/' needs TLS and HTTP support, which this build of isock-connect lacks \\(configured without libcurl\\)"
sr --tls 127.0.0.1 443
expect "no libcurl: --tls is a usage error that says why" 2 "" \
    "'--tls' needs TLS and HTTP support, which this build"
