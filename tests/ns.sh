# SPDX-License-Identifier: ISC
# tests/ns.sh: a network namespace of the test's own, for the TAP scripts
# that need one.  Source it after tests/tap.sh and call tap_setup first.
#
# ns_setup NAME: creates the namespace $ns with lo up, its own /etc/hosts
# (localhost only), nsswitch.conf and resolv.conf (ip netns exec binds
# /etc/netns/$ns/* over /etc/*) naming 127.0.0.1, where a name server that
# never answers listens: a name look-up there waits until it is stopped.
# Nothing leaves the namespace.  It is removed, with every process in it,
# when the script exits.  Returns 1 with $ns_why set when it cannot be made
# (not root, ip missing, no namespaces).
# ns_drop PORT: SYNs to TCP port PORT are dropped in the namespace (nft).
# nsx CMD...: runs CMD in the namespace (ip netns exec, which execs CMD).

ns=
ns_setup() {
	if [ "$(id -u)" != 0 ]; then
		ns_why="needs root for a network namespace"; return 1
	fi
	if ! command -v ip >/dev/null 2>&1; then
		ns_why="ip (iproute2) is not installed"; return 1
	fi
	if ! ip netns add "isock-$1-$$" 2>/dev/null; then
		ns_why="cannot create a network namespace"; return 1
	fi
	ns=isock-$1-$$
	trap ns_cleanup EXIT
	mkdir -p "/etc/netns/$ns"
	printf '127.0.0.1 localhost\n::1 localhost\n' >"/etc/netns/$ns/hosts"
	printf 'nameserver 127.0.0.1\noptions timeout:5 attempts:2\n' \
		>"/etc/netns/$ns/resolv.conf"
	printf 'hosts: files dns\n' >"/etc/netns/$ns/nsswitch.conf"
	nsx ip link set lo up
	nsx "$LISTEN" -u -p 53 -t 120 >"$tap_tmp/ns-dns" &
	tap_pids="$tap_pids $!"
	ns_i=0
	while [ ! -s "$tap_tmp/ns-dns" ] && [ $ns_i -lt 100 ]; do
		sleep 0.05; ns_i=$((ns_i + 1))
	done
	[ -s "$tap_tmp/ns-dns" ] || { ns_why="the silent name server did not start"; return 1; }
	return 0
}

nsx() { ip netns exec "$ns" "$@"; }

ns_drop() {
	command -v nft >/dev/null 2>&1 || { ns_why="nft is not installed"; return 1; }
	nsx nft -f - <<NFT
table inet isock_drop_$1 {
	chain input {
		type filter hook input priority 0;
		tcp dport $1 drop
	}
}
NFT
}

# ns_cleanup: the EXIT trap of ns_setup; ends with tap_cleanup.
ns_cleanup() {
	if [ -n "$ns" ]; then
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
		rm -rf "/etc/netns/$ns"
	fi
	tap_cleanup
}
