#!/bin/sh
# SPDX-License-Identifier: ISC
# t-examples.sh: the documents run (issue 16).  Every example of the
# README and of the man page's EXAMPLES ("$ isock-connect ..." and the
# lines under it, as tests/examples.awk extracts them) is run in a network
# namespace (isock-ex-PID) and a mount namespace of its own built for them:
# a listener on TCP 8080, one on /run/app/app.sock (a tmpfs over /run, in
# the mount namespace only), TCP 8084 dropped, and on 8090 a listener with
# a backlog of 2, three connections waiting and its process stopped.  Its
# output (stdout and stderr as a terminal shows them) must be the text
# shown, times and process IDs masked; "..." stands for any lines.  An
# example that needs a setup not built here can be listed below with the
# reason.  Last, a copy of the README with one example made wrong must
# fail.  For the README's side-by-side failures, a router namespace
# (isock-exr-PID) behind c0 (10.98.0.1, fd98::1; the router 10.98.0.2,
# fd98::2) has a prohibit route for fd99:2::/64 and drops UDP port 53, and
# the client's only name server is the router; for the traced time-out,
# the client's IPv4 default route goes through two routers (isock-ex1-PID
# at 10.61.0.2, isock-ex2-PID at 10.62.0.2, which drops TCP 443 as it
# forwards).  For the README's TLS section, the test CA, its certificates
# and four openssl s_server on 127.0.0.1 8443-8446 (see below), with
# localhost ::1 and 127.0.0.1.  Needs root, ip, nft, unshare, nc and jq;
# exits 77 without; without openssl or a build with TLS support only the
# TLS examples are skipped, with the reason.
set -u
. "${SRCDIR:-.}/tests/tap.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (namespaces)"
for tool in ip nft unshare nc jq awk; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "needs $tool"
done
tap_setup
ns=isock-ex-$$
rt=isock-exr-$$
r1=isock-ex1-$$
r2=isock-ex2-$$
ex_cleanup() {
	for n in "$ns" "$rt" "$r1" "$r2"; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "/etc/netns/$ns"
	tap_cleanup
}
trap ex_cleanup EXIT
for n in "$ns" "$rt" "$r1" "$r2"; do
	ip netns add "$n" 2>/dev/null || skip_all "cannot create network namespaces"
done
# ex_link A B N: veth vN in A (10.N.0.1/24) to wN in B (10.N.0.2/24).
ex_link() {
	ip -n "$1" link add "v$3" type veth peer name "w$3" netns "$2" &&
	ip -n "$1" addr add "10.$3.0.1/24" dev "v$3" &&
	ip -n "$2" addr add "10.$3.0.2/24" dev "w$3" &&
	ip -n "$1" link set "v$3" up && ip -n "$2" link set "w$3" up
}
mkdir -p "/etc/netns/$ns"
printf '127.0.0.1 localhost\n::1 localhost\n' >"/etc/netns/$ns/hosts"
printf 'hosts: files dns\n' >"/etc/netns/$ns/nsswitch.conf"
printf 'nameserver 10.98.0.2\noptions timeout:1 attempts:1\n' \
	>"/etc/netns/$ns/resolv.conf"
{
	veth_pair "$ns" "$rt" &&
	ip -n "$ns" -6 route add default via fd98::2 &&
	ip netns exec "$rt" sysctl -q -w net.ipv6.conf.all.forwarding=1 &&
	ip -n "$rt" -6 route add prohibit fd99:2::/64 &&
	ip netns exec "$rt" nft -f - <<'NFT' &&
table inet isock_examples {
	chain input {
		type filter hook input priority 0;
		udp dport 53 drop
	}
}
NFT
	ip netns exec "$ns" nft -f - <<'NFT' &&
table inet isock_examples {
	chain input {
		type filter hook input priority 0;
		tcp dport 8084 drop
	}
}
NFT
	# The traced time-out: the client reaches 10.63.0.2 through r1
	# (10.61.0.2) and r2 (10.62.0.2), which drops TCP 443 as it forwards.
	ip -n "$r1" link set lo up && ip -n "$r2" link set lo up &&
	ex_link "$ns" "$r1" 61 && ex_link "$r1" "$r2" 62 &&
	ip -n "$r2" link add d63 type veth peer name e63 &&
	ip -n "$r2" addr add 10.63.0.1/24 dev d63 &&
	ip -n "$r2" link set d63 up && ip -n "$r2" link set e63 up &&
	ip -n "$ns" route add default via 10.61.0.2 &&
	ip -n "$r1" route add 10.63.0.0/24 via 10.62.0.2 &&
	ip -n "$r2" route add 10.61.0.0/24 via 10.62.0.1 &&
	for n in "$r1" "$r2"; do
		ip netns exec "$n" sysctl -q -w net.ipv4.ip_forward=1 &&
		ip netns exec "$n" sysctl -q -w net.ipv4.icmp_ratelimit=0 ||
			break
	done &&
	ip netns exec "$r2" nft -f - <<'NFT'
table inet isock_examples {
	chain forward {
		type filter hook forward priority 0;
		tcp dport 443 drop
	}
}
NFT
} || skip_all "cannot build the namespaces (veth, routes, nft)"
# The README's TLS section: a test CA ("CN=Test CA PID") and certificates
# (tests/tls-pki.sh) in $tmp/tls, where the examples run, and there
# openssl s_server -www on 127.0.0.1 8443 (expired), 8444 (other.example),
# 8445 (self-signed) and 8446 (good), started in the namespace with the
# other listeners.  Its examples are left out (skip_re, an awk ERE, and
# the reason in skipped) only when openssl or the TLS support of this
# build is missing.
tls_why=
if ! command -v openssl >/dev/null 2>&1; then
	tls_why="needs openssl for the s_server and test CA of the README's TLS section"
elif "$ISOCK" -q --tls 127.0.0.1 9 2>&1 |
	grep -q "which this build of isock-connect lacks"; then
	tls_why="this isock-connect has no TLS and HTTP support (built without libcurl)"
fi
if [ -n "$tls_why" ]; then
	skip_re='https://localhost:844[3-6]/'
else
	skip_re='^$'
	mkdir "$tmp/tls"
	. "$SRCDIR/tests/tls-pki.sh"
	tls_pki "$tmp/tls" "Test CA $$"
fi
skipped() {
	case $1 in
	*https://localhost:844[3-6]/*) echo "$tls_why" ;;
	*) return 1 ;;
	esac
}

# examples FILE...: the records of the README and the man page.
examples() {
	awk -f "$SRCDIR/tests/examples.awk" "$1"
	awk -v man=1 -f "$SRCDIR/tests/examples.awk" "$2"
}

# mask: what differs from run to run, in expected and actual text alike.
mask() {
	sed -E -e 's|= [0-9./]+ ms|= # ms|' \
		-e 's/[0-9]+\.[0-9]+ ms/# ms/g' \
		-e 's/\[ *# ms\]/[# ms]/' \
		-e 's/up after [0-9.]+ s/up after # s/' \
		-e 's/waiting up to [0-9]+ ms/waiting up to # ms/' \
		-e 's/(process|-CONT|isock_trace_) ?[0-9]+/\1 #/g' \
		-e 's/Test CA [0-9]+/Test CA #/g' \
		-e 's/valid until [0-9-]+ [0-9:]+ UTC \([^)]*\)/valid until # (#)/' \
		-e "s/, [0-9][^,]* ago by this host's clock \\([^)]*\\)/, # ago by this host's clock (#)/"
}

# build_runner RECORDS: the script that runs the examples in order, each
# between "@@BEGIN N" and "@@END" lines, $? carried from one to the next.
build_runner() {
	cat <<EOF
exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-	# descriptors as in a fresh shell
mount -t tmpfs tmpfs /run && mkdir -p /run/app || exit 99
PATH=$tmp/bin:\$PATH
"$LISTEN" -p 8080 -n 10000 -t 120 >$tmp/l8080 2>&1 &
"$LISTEN" -U /run/app/app.sock -n 10000 -t 120 >$tmp/lunix 2>&1 &
"$LISTEN" -4 -p 8090 -A -b 2 -t 120 >$tmp/l8090 2>&1 &
stopme=\$!
i=0
while [ \$i -lt 100 ] && ! { [ -s $tmp/l8080 ] && [ -s $tmp/lunix ] && [ -s $tmp/l8090 ]; }; do
	sleep 0.05; i=\$((i + 1))
done
for c in 1 2 3; do nc 127.0.0.1 8090 </dev/null >/dev/null 2>&1 & done
i=0
while [ \$i -lt 100 ] && [ "\$(ss -Hltn 'sport = :8090' | awk '{print \$2}')" != 3 ]; do
	sleep 0.05; i=\$((i + 1))
done
kill -STOP \$stopme
EOF
	[ -n "$tls_why" ] || cat <<EOF
cd $tmp/tls || exit 99
srv() {
	openssl s_server -www -quiet -accept 127.0.0.1:\$1 -cert \$2 -key \$3 \\
		</dev/null >$tmp/s_server.\$1 2>&1 &
	tlspids="\$tlspids \$!"
}
srv 8443 expired.pem leaf.key; srv 8444 other.pem other.key
srv 8445 self.pem self.key; srv 8446 leaf.pem leaf.key
i=0
while [ \$i -lt 200 ] && [ "\$(ss -Hltn 'sport >= :8443 and sport <= :8446' | wc -l)" != 4 ]; do
	sleep 0.05; i=\$((i + 1))
done
EOF
	echo "__st=0"
	awk '
	/^@ / { n++; next }
	/^\$ / {
		printf "printf \"@@BEGIN %d\\n\"\n(exit $__st)\n", n
		printf "{ %s\n} 2>&1\n__st=$?\nprintf \"@@END\\n\"\n", substr($0, 3)
	}' "$1"
	[ -n "$tls_why" ] || echo 'kill $tlspids 2>/dev/null'
}

# run_examples RECORDS OUT: runs them in the namespaces; their output in OUT.
run_examples() {
	build_runner "$1" >"$tmp/runner.sh"
	timeout -k 2 60 ip netns exec "$ns" unshare -m --propagation private \
		sh "$tmp/runner.sh" >"$2" 2>"$tmp/runner.err"
}

# compare EXPECTED ACTUAL: true when the lines of ACTUAL are those of
# EXPECTED, where a line "..." (indented or not) stands for any lines.
compare() {
	awk -v actual="$2" '
	{ e[ne++] = $0 }
	END {
		while ((getline line < actual) > 0)
			a[na++] = line
		i = 0; j = 0
		while (i < ne) {
			if (e[i] ~ /^[ \t]*\.\.\.$/) {
				i++
				if (i == ne)
					exit 0
				while (j < na && a[j] != e[i])
					j++
				if (j == na)
					exit 1
				continue
			}
			if (j >= na || a[j] != e[i])
				exit 1
			i++; j++
		}
		exit j == na ? 0 : 1
	}' "$1"
}

# check_all RECORDS OUT: one TAP line an example; $bad counts failures.
check_all() {
	bad=0
	awk '/^@ / { n++; print n "\t" substr($0, 3) }' "$1" >"$tmp/where"
	while IFS='	' read -r n where; do
		awk -v n="$n" '/^@ / { k++; next } k == n && /^\$ / { print substr($0, 3) }' \
			"$1" >"$tmp/cmd"
		cmd=$(cat "$tmp/cmd")
		awk -v n="$n" '/^@ / { k++; next } k == n && /^> / { print substr($0, 3) }' \
			"$1" | mask >"$tmp/want"
		awk -v n="$n" '$0 == "@@BEGIN " n { on = 1; next }
			on && $0 == "@@END" { exit } on' "$2" | mask >"$tmp/got"
		if [ "${3-}" = quiet ]; then
			compare "$tmp/want" "$tmp/got" || bad=$((bad + 1))
		elif compare "$tmp/want" "$tmp/got"; then
			pass "$where: $cmd"
		else
			bad=$((bad + 1))
			fail "$where: $cmd" "expected:" "$(cat "$tmp/want")" \
				"got:" "$(cat "$tmp/got")"
		fi
	done <"$tmp/where"
}

mkdir "$tmp/bin"
ln -s "$ISOCK" "$tmp/bin/isock-connect"

# The examples run: those of isock-connect, with the "$ echo $?" after
# them; those of other tools (nc, nmap, traceroute) and the skipped are
# listed apart.
examples "$SRCDIR/README" "$SRCDIR/man/isock-connect.1" | awk '
	/^@ / { head = $0; next }
	/^\$ / { cmd = substr($0, 3); keep = cmd ~ /^isock-connect / ||
		(cmd == "echo $?" && last); if (keep) print head }
	keep { print }
	/^\$ / { last = keep }' >"$tmp/all"
: >"$tmp/records"; : >"$tmp/skips"
# Split into kept and skipped, an example (and an "echo $?" after it) at a time.
awk -v skips="$tmp/skips" -v keep="$tmp/records" -v re="$skip_re" '
	function flush() {
		if (buf == "") return
		if (skip) print buf > skips; else print buf > keep
		buf = ""
	}
	/^@ / { flush(); head = $0; next }
	/^\$ / {
		cmd = substr($0, 3)
		if (cmd != "echo $?")
			skip = cmd ~ re
		buf = head "\n" $0
		next
	}
	{ buf = buf "\n" $0 }
	END { flush() }' "$tmp/all"
nrun=$(grep -c '^@ ' "$tmp/records")
nskip=$(grep -c '^\$ isock-connect' "$tmp/skips")
plan $((nrun + nskip + 1))

run_examples "$tmp/records" "$tmp/out"
[ -s "$tmp/runner.err" ] && sed 's/^/# runner: /' "$tmp/runner.err"
check_all "$tmp/records" "$tmp/out"
grep '^\$ isock-connect' "$tmp/skips" >"$tmp/skiplist"
while IFS= read -r line; do
	skip "${line#\$ }" "$(skipped "$line")"
done <"$tmp/skiplist"

# Last: an example made wrong (a refusal's errno changed) fails.
sed 's/(ECONNREFUSED, errno 111)/(ECONNREFUSED, errno 112)/' "$SRCDIR/README" \
	>"$tmp/README.wrong"
awk -f "$SRCDIR/tests/examples.awk" "$tmp/README.wrong" |
	awk -v re="$skip_re" '/^@ / { head = $0; next }
	/^\$ / { cmd = substr($0, 3); keep = cmd ~ /^isock-connect / &&
		cmd !~ re || (cmd == "echo $?" && last)
		if (keep) print head }
	keep { print }
	/^\$ / { last = keep }' >"$tmp/wrong"
run_examples "$tmp/wrong" "$tmp/out.wrong"
check_all "$tmp/wrong" "$tmp/out.wrong" quiet
if [ "$bad" -gt 0 ]; then
	pass "an example edited to be wrong fails ($bad of them)"
else
	fail "an example edited to be wrong fails" "no example failed"
fi
exit 0
