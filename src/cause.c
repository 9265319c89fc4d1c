/* SPDX-License-Identifier: ISC */
/*
 * cause.c: the cause table and the decision over it (see cause.h).
 *
 * Rows are tried in order; the order puts this host's own causes first, so
 * that among candidates a local drop is named before anything beyond this
 * host.  The templates' placeholders are listed in facts_text.c.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "cause.h"

/* A TCP SYN that got no answer. */
#define CF_SILENT_SYN (CF_TIMEDOUT | CF_TCP)
/* This host's ruleset was looked at: read whole, or not (a row that says
   the SYN left this host is not said without it). */
#define CF_RULES_SEEN (CF_NO_DROP | CF_DROP_HERE | CF_RULES_UNREAD)
/* The Check and the read that tells candidates apart, for a reject rule in
   the chain whose listing the placeholder `list` gives ("chainlist",
   "rchainlist": `nft list chain ...`, or `nft list ruleset` for a chain
   beyond those kept, whose name is not known). */
#define CAUSE_REJECT_CHECK(list) \
	"`{" list "}` shows the rule; its counter rising with each attempt " \
	"says it takes them."
#define CAUSE_REJECT_TELL(list) \
	"`{" list "}`: a counter on the reject rule that rises with each " \
	"attempt says the rule takes them."

static const struct cause_row cause_rows[] = {
	{ "descriptor-limit", CF_FD_LIMIT, 0, 0,
	  "this process's descriptor limit",
	  "This process had no descriptor free ({fderr}, limit {fdlimit}): "
	  "what needed one could not be opened, so nothing was sent for it.",
	  "`ulimit -n` shows the limit: raise it, or close the descriptors "
	  "the calling program leaves open.", NULL },
	{ "source-not-local", CF_ADDRNOTAVAIL | CF_SRC_FOREIGN, 0, 0,
	  "the -s address {src} is not this host's",
	  "{src} is not an address of this host, so the kernel cannot bind "
	  "this socket to it.",
	  "Give -s one of this host's addresses, or leave -s out and let the "
	  "kernel choose.", NULL },
	{ "no-route-link-down", CF_NOROUTE | CF_DOWN_HOLDS, 0, 0,
	  "this host has no route to {dst}, and {downdev} is down",
	  "This host has no route to {dst}, and {downdev}, which holds "
	  "{downaddr}, is down: the kernel took the routes through it away "
	  "when it went down, and a route to {dst} may have been one of them.",
	  "`ip link set {downdev} up` brings it up (routes of its network "
	  "configuration come back with it; one added by hand must be added "
	  "again); if {dst} is not reached through it, add a route that covers "
	  "{dst}.", NULL },
	{ "zone-no-route", CF_NOROUTE | CF_ZONED, 0, 0,
	  "the zone's interface has no route to {dst}",
	  "The zone holds the route look-up to its interface, and no route "
	  "there covers {dst}: the kernel refused before any packet left (an "
	  "interface has its fe80::/64 route with its link-local address).",
	  "Give the zone of the interface on {dst}'s link: `ip -6 addr show "
	  "scope link` lists those with a link-local address.", NULL },
	{ "no-route", CF_NOROUTE, 0, CF_DOWN_HOLDS | CF_ZONED,
	  "this host has no route to {dst}",
	  "This host has no route to {dst}: the kernel refused before any "
	  "packet left.",
	  "Add a route that covers {dst} (`ip route add`), or a default route "
	  "towards a gateway.", NULL },
	{ "reject-route", CF_ROUTE_REJECT, 0, 0,
	  "a route of type {rtype} on this host covers {dst}",
	  "A route of type {rtype} on this host covers {dst}: the kernel "
	  "refused before any packet left.",
	  "`ip {v6}route show table {table} {prefix}` shows it: remove it, or "
	  "add a more specific route to {dst}.", NULL },
	{ "broadcast", CF_BROADCAST, 0, 0,
	  "a broadcast destination without -b", NULL,
	  "Run again with -b if a datagram to every host of that link is what "
	  "you mean.", NULL },
	{ "link-down", CF_LINK_DOWN, 0, CF_ICMP_ROUTER | CF_ICMP_FROM_DST,
	  "{dev} is down",
	  "The device {dev} of the route is down (not IFF_UP): the {syn} "
	  "never left.",
	  "`ip link set {dev} up` brings it up, if it was taken down by "
	  "mistake.", NULL },
	{ "link-no-carrier", CF_NO_CARRIER, 0,
	  CF_LINK_DOWN | CF_ICMP_ROUTER | CF_ICMP_FROM_DST,
	  "{dev} has no carrier",
	  "The device {dev} of the route is up but has no carrier (no "
	  "IFF_LOWER_UP): its cable, switch port or peer is down, so the {syn} "
	  "never left.",
	  "Look at the cable and the far end of {dev}: `ip link show {dev}` "
	  "says NO-CARRIER until they are back.", NULL },
	{ "arp-drop-here", CF_NEIGH_FAILED | CF_ARP_DROP, 0, CF_ICMP_ROUTER |
	  CF_ICMP_FROM_DST | CF_LINK_DOWN | CF_NO_CARRIER,
	  "this host's {arpchain} can drop ARP",
	  "This host's {arpchain} can drop ARP packets: the next hop {hop}'s "
	  "link-layer address was never learnt, so the {syn} never left.",
	  "`nft list chain {arpref}` shows the drop; its counter rising with "
	  "each attempt says it takes this host's ARP.",
	  "`nft list chain {arpref}`: a counter on its drop that rises with "
	  "each attempt says this host's ARP dies there." },
	{ "no-neighbour", CF_NEIGH_FAILED, 0, CF_ICMP_ROUTER | CF_ICMP_FROM_DST |
	  CF_LINK_DOWN | CF_NO_CARRIER | CF_ARP_DROP_SURE,
	  "the next hop {hop} did not answer {how}",
	  "The {syn} never left: the next hop {hop} did not answer {how}, so "
	  "there was no link-layer address to send it to.",
	  "{hop} is down or not on that link: `ip link` shows the device's "
	  "state, the host's own console whether it is up.", NULL },
	{ "reject-rule-here-icmp", CF_ICMP_HERE | CF_ICMP_RULE, 0,
	  CF_NEIGH_FAILED | CF_ROUTE_REJECT,
	  "a reject rule of this host",
	  "This host refused the packet itself: the {icmp} came from {sender}, "
	  "one of its own addresses, so a reject rule of this host's firewall "
	  "sent it.",
	  "`nft list ruleset` here shows the reject rule that matches {dst} "
	  "port {port} (an output or input chain).", NULL },
	{ "listener-nearby", CF_REFUSED | CF_LISTEN_NONE | CF_NEARBY, 0,
	  CF_ICMP_RULE,
	  "nothing listens on port {port}, and port {nearport} has a listener",
	  "Nothing listens on {proto} port {port} here, but port {nearport} "
	  "has a listener: a port given wrong, or a service set to another "
	  "port.",
	  "Is {nearport} the port meant? `isock-connect {dst} {nearport}` "
	  "tries it; otherwise the service's configuration names its port.",
	  NULL },
	{ "nothing-listens-here", CF_REFUSED | CF_LISTEN_NONE, 0,
	  CF_ICMP_RULE | CF_NEARBY,
	  "nothing listens on {proto} port {port} here",
	  NULL,
	  "Start the service, or find the port it uses in its configuration.",
	  NULL },
	{ "reject-rule-here", CF_REFUSED | CF_REJECT_HERE, 0,
	  CF_ICMP_RULE | CF_LISTEN_COVERS | CF_ICMP_ROUTER | CF_ICMP_FROM_DST,
	  "the reject rule in this host's {chain}",
	  "This host's {chain} holds a reject rule, which refuses the attempt.",
	  CAUSE_REJECT_CHECK("chainlist"), CAUSE_REJECT_TELL("chainlist") },
	{ "listener-rejected", CF_REFUSED | CF_LISTEN_COVERS, 0,
	  CF_NO_REJECT | CF_ICMP_ROUTER | CF_ICMP_FROM_DST,
	  "a reject rule of this host, before the listener",
	  "A {proto} listener covers {dst} port {port}, yet the attempt was "
	  "refused: a reject rule of this host's firewall refused it.",
	  "`nft list ruleset` shows the reject rule that matches port {port}.",
	  NULL },
	{ "listener-elsewhere", CF_REFUSED | CF_LISTEN_ELSEWHERE, 0,
	  CF_ICMP_RULE,
	  "the service listens on {listener} only",
	  NULL,
	  "Connect to {listener} instead, or make the service listen on {dst} "
	  "too (or on a wildcard address).", NULL },
	/* A reset with no ICMP, from another host or from a reject rule here
	   that only may match (after a `ct state established accept`, not
	   decided here): either sent it. */
	{ "refused-there", CF_REFUSED | CF_TCP | CF_REJECT_HERE, 0,
	  CF_REJECT_SURE | CF_ROUTE_LOCAL | CF_ICMP | CF_ICMP_HERE |
	  CF_LISTEN_NONE | CF_LISTEN_COVERS | CF_LISTEN_ELSEWHERE,
	  "{dst} itself, where nothing listens on port {port} or a rule rejects",
	  NULL,
	  "On {dst}, `ss -ltn 'sport = :{port}'` lists the listeners of port "
	  "{port}.", NULL },
	{ "queue-full-stopped", CF_SILENT_SYN | CF_QUEUE_FULL | CF_OWNER_STOPPED,
	  0, 0,
	  "a stopped listener with a full accept queue",
	  "The listener's accept queue is full and its process is stopped, so "
	  "it accepts nothing: the kernel drops new SYNs.",
	  "`kill -CONT {pid}` resumes {comm}, if it was stopped by mistake (a "
	  "debugger, Ctrl-Z).", NULL },
	{ "queue-full", CF_SILENT_SYN | CF_QUEUE_FULL, 0, CF_OWNER_STOPPED,
	  "a listener with a full accept queue",
	  "The listener's accept queue is full: its server does not call "
	  "accept() as fast as connections arrive, so the kernel drops new "
	  "SYNs.",
	  "The server's log shows why it stalls; `nstat -az "
	  "TcpExtListenOverflows` counts the drops, and a larger listen() "
	  "backlog gives room.", NULL },
	{ "drop-here-local", CF_SILENT_SYN | CF_ROUTE_LOCAL | CF_DROP_HERE, 0,
	  CF_QUEUE_FULL,
	  "a drop rule of this host",
	  "{dst} is an address of this host and nothing here refused the SYN: "
	  "a drop rule of this host's firewall took it.",
	  "`nft list ruleset` shows the drop rule that matches port {port}.",
	  NULL },
	/* Nothing read explains it: the errno's "dropped on the way or the
	   host is down" would be false of this host.  A reject rule that only
	   may match leaves it a candidate beside reject-here-silent. */
	{ "silent-here", CF_SILENT_SYN | CF_ROUTE_LOCAL | CF_NO_DROP, 0,
	  CF_QUEUE_FULL | CF_REJECT_SURE,
	  "what this host's nftables ruleset does not show",
	  "{dst} is an address of this host and no chain of its nftables "
	  "ruleset drops the SYN or its answer, nor surely rejects them: what "
	  "took them may not be in the facts read (an iptables-legacy rule, a "
	  "tc filter, a full SYN queue).",
	  "`iptables-legacy -S` lists the rules nft does not show; `tc filter "
	  "show dev lo ingress` the filters of the loopback; `nstat -az "
	  "TcpExtListenDrops` rising with each attempt says a listener drops "
	  "the SYNs.", NULL },
	{ "drop-here", CF_SILENT_SYN | CF_DROP_HERE, 0,
	  CF_ROUTE_LOCAL | CF_NEIGH_FAILED | CF_LINK_DOWN | CF_NO_CARRIER,
	  "a drop in this host's {chain}",
	  "This host's {chain} drops packets: it can take the SYN or its "
	  "answer before anything beyond this host.",
	  "`isock-connect --trace {dst} {port}` shows whether that chain "
	  "takes the SYN.",
	  "`isock-connect --trace {dst} {port}` shows which rule takes the "
	  "SYN, here or beyond." },
	/* A reject of the SYN-ACK at input answers the server, not this
	   socket, which times out: the rule is this host's all the same. */
	{ "reject-here-silent", CF_SILENT_SYN | CF_REJECT_HERE, 0,
	  CF_NEIGH_FAILED | CF_LINK_DOWN | CF_NO_CARRIER,
	  "a reject in this host's {rchain}",
	  "This host's {rchain} can reject {rpackets}: a packet it rejects goes "
	  "no further, and an answer rejected here never reaches this socket, "
	  "which waits as for silence.",
	  CAUSE_REJECT_CHECK("rchainlist"),
	  CAUSE_REJECT_TELL("rchainlist") },
	{ "ruleset-unread", CF_SILENT_SYN | CF_RULES_UNREAD, 0,
	  CF_QUEUE_FULL | CF_NEIGH_FAILED | CF_LINK_DOWN | CF_NO_CARRIER,
	  "a drop rule of this host (its ruleset was not read)",
	  NULL,
	  "`nft list ruleset` (as root) shows whether this host drops it; "
	  "`--trace` shows where the SYN dies.",
	  "`nft list ruleset` (as root) shows whether this host drops it; "
	  "`--trace` shows where the SYN dies." },
	{ "lost-at-neighbour", CF_SILENT_SYN | CF_NEIGH_OK, CF_RULES_SEEN,
	  CF_NEIGH_GW | CF_ROUTE_LOCAL | CF_NEIGH_FAILED | CF_LINK_DOWN | CF_NO_CARRIER,
	  "a firewall at {hop}, or its listener's full queue",
	  "{hop} answered {how}, so it is up and the SYN reached its link: a "
	  "firewall there dropped the SYN or its answer, or its listener's "
	  "accept queue is full.",
	  "`nft list ruleset` on {hop} shows the drop rule for port {port}.",
	  "`nft list ruleset` on {hop} shows a drop rule for port {port}." },
	{ "lost-beyond", CF_SILENT_SYN | CF_NEIGH_OK | CF_NEIGH_GW,
	  CF_RULES_SEEN,
	  CF_ROUTE_LOCAL | CF_NEIGH_FAILED | CF_LINK_DOWN | CF_NO_CARRIER,
	  "the SYN or its answer lost beyond the gateway {hop}",
	  "No input or output chain of this host drops or rejects the SYN or "
	  "its answer, and the gateway {hop} resolved: the SYN left this host and it or its answer was lost beyond: a firewall on "
	  "the way or at {dst}, {dst} down, or a listener there with a full "
	  "queue.",
	  "`isock-connect --trace {dst} {port}` shows how far SYNs get.",
	  "`isock-connect --trace {dst} {port}` shows how far SYNs get." },
	{ "nothing-listens-there", CF_DGRAM | CF_ICMP_PORT | CF_ICMP_FROM_DST, 0,
	  CF_ICMP_HERE,
	  "nothing listens on {proto} port {port} at {dst}",
	  "The kernel of {dst} answered port unreachable: nothing listens on "
	  "{proto} port {port} at {dst}, unless a reject rule there answers in "
	  "its place.",
	  "Start the service on {dst}, or find the port it uses; `ss -lun` "
	  "there lists what listens.", NULL },
	{ "reject-there", CF_ICMP | CF_ICMP_RULE, 0, CF_ICMP_HERE,
	  "a reject rule or prohibit route on {sender}",
	  "{sender} refused the attempt with an {icmp}: a reject rule or a "
	  "prohibit route there sent it, not this host.",
	  "On {sender}, `nft list ruleset` and `ip {ipf} route show match {dst}` "
	  "show which.",
	  NULL },
	{ "router-neighbour", CF_ICMP_ROUTER | CF_ICMP_HOST, 0, 0,
	  "{sender}'s {dhow} for {dst} got no answer ({dst} is off, or the "
	  "address belongs to no one)",
	  "{sender} is a router on the way to {dst}, and its {dhow} for {dst} "
	  "got no answer: {dst} is off, or the address belongs to no one.",
	  "Is {dst} up, and is it the address meant? On {sender}, `ip {ipf} "
	  "neigh show {dst}` says FAILED if it did not answer.",
	  "On {sender}, `ip {ipf} neigh show {dst}` says FAILED if {dst} did "
	  "not answer, `ip {ipf} route show match {dst}` prints the route's "
	  "type, and `nft list ruleset` shows a reject rule for port {port}." },
	{ "router-unreachable-route", CF_ICMP_ROUTER | CF_ICMP_HOST, 0,
	  CF_ICMP_ADDR6,
	  "a route of type unreachable on {sender} covers {dst}",
	  "A route of type unreachable on {sender}, a router on the way, "
	  "covers {dst}.",
	  "On {sender}, `ip {ipf} route show match {dst}` shows the route.",
	  "On {sender}, the type of the route `ip {ipf} route show match {dst}` "
	  "prints tells these apart." },
	{ "router-no-route", CF_ICMP_ROUTER | CF_ICMP_NET, 0, 0,
	  "{sender} has no route to {dst}",
	  "{sender}, on the way to {dst}, has no route to it: the network "
	  "stopped the attempt, not this host.",
	  "On {sender}, `ip {ipf} route show match {dst}` shows what it has "
	  "for {dst}.",
	  "On {sender}, `ip {ipf} route show match {dst}` shows what it has "
	  "for {dst}, and `nft list ruleset` a reject rule for port {port}." },
	/* `reject with icmp host-unreachable` (net-, addr-unreachable, no
	   route) sends what a failed neighbour or a missing route sends: a
	   rule there is always a candidate beside them. */
	{ "reject-rule-there-unreach", CF_ICMP_ROUTER,
	  CF_ICMP_HOST | CF_ICMP_NET, 0,
	  "a reject rule on {sender} that answers with an {icmp}",
	  NULL,
	  "On {sender}, `nft list ruleset` shows a reject rule for {dst} port "
	  "{port}.",
	  "On {sender}, `nft list ruleset` shows a reject rule for {dst} port "
	  "{port}, `ip {ipf} route show match {dst}` and `ip {ipf} neigh show "
	  "{dst}` its route and neighbour entry." },
	/* From the destination itself: no route or neighbour of its own
	   address is missing; a NAT there rewrites the errors of the host it
	   forwards to as its own. */
	{ "reject-rule-at-dst", CF_ICMP_FROM_DST, CF_ICMP_HOST | CF_ICMP_NET, 0,
	  "a reject rule on {dst} that answers with an {icmp}",
	  NULL,
	  "On {dst}, `nft list ruleset` shows the reject rule for port {port}.",
	  "On {dst}, `nft list ruleset` shows a reject rule for port {port}, "
	  "or a dnat rule that forwards it elsewhere." },
	{ "dst-forwards-unreach", CF_ICMP_FROM_DST, CF_ICMP_HOST | CF_ICMP_NET,
	  0,
	  "{dst} forwards port {port} (dnat) to a host it cannot reach",
	  NULL,
	  "On {dst}, `nft list ruleset` shows the dnat rule for port {port}: "
	  "the host it names is down or not routed there.",
	  "On {dst}, `nft list ruleset` shows a reject rule for port {port}, "
	  "or a dnat rule that forwards it elsewhere." },
	{ "icmp-other", CF_ICMP, 0, CF_ICMP_HERE | CF_ICMP_PORT | CF_ICMP_HOST |
	  CF_ICMP_RULE | CF_ICMP_NET,
	  "{sender} answered with {icmp}",
	  "{sender} answered with an {icmp}: the network stopped the attempt, "
	  "not this host.",
	  "On {sender}, `ip {ipf} route show match {dst}` shows how it forwards "
	  "{dst}.",
	  NULL },
	{ "denied-here-v6", CF_EACCES | CF_DST6, 0, CF_ICMP | CF_ICMP_HERE |
	  CF_ROUTE_REJECT | CF_NOROUTE | CF_BROADCAST,
	  "a security module or cgroup program of this host",
	  "This host denied the attempt to {dst} port {port}: no ICMP error "
	  "came back, and no prohibit route of this host covers it.",
	  "`journalctl -k` names the security module rule that refused it "
	  "(apparmor=, avc:), and `bpftool cgroup tree` the cgroup programs on "
	  "connect6.", NULL },
	{ "unix-nearby", CF_UNIX_NEAR, 0, CF_PATH_NOPERM,
	  "a socket near the path",
	  NULL,
	  "Is {near} the socket meant? `isock-connect -U {near}` tries it; the "
	  "server's configuration names the path it binds.", NULL },
	{ "unix-newgrp", CF_PATH_NOPERM | CF_GROUP_GRANTS | CF_LISTED_NOT_HELD,
	  0, 0,
	  "this process lacks group {group}",
	  NULL,
	  "A new login, or `newgrp {group}`, starts a process that has the "
	  "group.", NULL },
	{ "unix-group", CF_PATH_NOPERM | CF_GROUP_GRANTS, 0, CF_LISTED_NOT_HELD,
	  "this user is not in group {group}",
	  NULL,
	  "The owner of {path} decides: add {user} to group {group}, whose "
	  "bits give {right}, or change the mode of {path}.", NULL },
	{ "unix-owner-only", CF_PATH_NOPERM, 0, CF_GROUP_GRANTS,
	  "mode {mode} of {path}",
	  "{path} is mode {mode}: {grant}.",
	  "{permfix}.", NULL },
};

const struct cause_row *
cause_table(size_t *n)
{
	*n = sizeof(cause_rows) / sizeof(cause_rows[0]);
	return cause_rows;
}

/* The bits of the ICMP error: who sent it and what it means. */
static uint64_t
cause_icmp(const struct diag_facts *f)
{
	const struct icmp_fact *ic = &f->icmp;
	bool v6 = ic->family == AF_INET6;
	uint64_t b = 0;

	if ((f->have & DIAG_ICMP) == 0 || ic->family == 0 ||
	    ic->sender.family == 0)
		return 0;
	if (ic->local)
		b |= CF_ICMP_HERE;
	else if (diag_ip_eq(&ic->sender, &f->dst))
		b |= CF_ICMP | CF_ICMP_FROM_DST;
	else
		b |= CF_ICMP | CF_ICMP_ROUTER;
	if ((!v6 && ic->type != 3) || (v6 && ic->type != 1))
		return b;
	switch (ic->code) {
	case 0:
		b |= CF_ICMP_NET;
		break;
	case 1:
		b |= v6 ? CF_ICMP_RULE : CF_ICMP_HOST;
		break;
	case 3:
		b |= v6 ? CF_ICMP_HOST | CF_ICMP_ADDR6 : CF_ICMP_PORT;
		break;
	case 4:
		if (v6)
			b |= CF_ICMP_PORT;
		break;
	case 9: case 10: case 13:
		if (!v6)
			b |= CF_ICMP_RULE;
		break;
	case 5: case 6:
		if (v6)
			b |= CF_ICMP_RULE;
		break;
	default:
		break;
	}
	/* The kernel answers a SYN to a closed port with a reset: an ICMP
	   port unreachable to TCP comes from a rule. */
	if ((b & CF_ICMP_PORT) != 0 && f->type == SOCK_STREAM)
		b |= CF_ICMP_RULE;
	return b;
}

int
cause_listener(const struct diag_facts *f)
{
	return nearby_cover(&f->listen, &f->dst);
}

/* The bits of the local listeners, their queue and process. */
static uint64_t
cause_listen(const struct diag_facts *f)
{
	uint64_t b = 0;
	int i;

	if ((f->have & DIAG_LISTENERS) == 0)
		return 0;
	if (f->listen.count == 0)
		return CF_LISTEN_NONE;
	i = cause_listener(f);
	if (i < 0 && f->listen.count <= DIAG_LISTEN_MAX)
		return CF_LISTEN_ELSEWHERE;
	if (i < 0)
		return 0;	/* not all seen: claim nothing */
	b |= CF_LISTEN_COVERS;
	if (f->error == ETIMEDOUT && f->listen.queued[i] > f->listen.backlog[i])
		b |= CF_QUEUE_FULL;
	if ((f->have & DIAG_OWNER) != 0 && f->owner.pid > 0 &&
	    (f->owner.state == 'T' || f->owner.state == 't'))
		b |= CF_OWNER_STOPPED;
	return b;
}

/* The bits of this host's ruleset. */
static uint64_t
cause_ruleset(const struct diag_facts *f)
{
	const struct ruleset_fact *rs = &f->ruleset;
	uint64_t b = 0;
	size_t i;

	if ((f->have & DIAG_NORULESET) != 0)
		return CF_RULES_UNREAD;
	if ((f->have & DIAG_RULESET) == 0)
		return 0;
	for (i = 0; i < rs->nchains && i < RULESET_CHAINS_MAX; i++) {
		if (rs->chain[i].policy_drop || rs->chain[i].drops > 0)
			b |= CF_DROP_HERE;
		if (rs->chain[i].rejects > 0)
			b |= CF_REJECT_HERE;
		if (rs->chain[i].rejects > rs->chain[i].maybe)
			b |= CF_REJECT_SURE;
	}
	/* The chains beyond those kept, by what they can do. */
	if (rs->more_drop > 0)
		b |= CF_DROP_HERE;
	if (rs->more_reject > 0)
		b |= CF_REJECT_HERE;
	if ((b & CF_DROP_HERE) == 0)
		b |= CF_NO_DROP;
	if ((b & CF_REJECT_HERE) == 0)
		b |= CF_NO_REJECT;
	return b;
}

/* The bits of a Unix path this user may not use. */
static uint64_t
cause_path(const struct diag_facts *f)
{
	mode_t grp;

	if ((f->have & DIAG_PATH) == 0 || (f->path.kind != DIAG_PATH_NOSEARCH &&
	    f->path.kind != DIAG_PATH_NOWRITE))
		return 0;
	grp = f->path.kind == DIAG_PATH_NOSEARCH ? S_IXGRP : S_IWGRP;
	if ((f->path.mode & grp) == 0 || f->path.uid == f->path.my_uid)
		return CF_PATH_NOPERM;
	return CF_PATH_NOPERM | CF_GROUP_GRANTS |
	    ((f->have & DIAG_WHO) != 0 && f->who.listed_not_held ?
	    CF_LISTED_NOT_HELD : 0);
}

uint64_t
cause_facts(const struct diag_facts *f)
{
	uint64_t b = 0;
	int t = f->route.type;

	if (f->type == SOCK_STREAM)
		b |= CF_TCP;
	else if (f->type == SOCK_DGRAM)
		b |= CF_DGRAM;
	if (f->error == ECONNREFUSED)
		b |= CF_REFUSED;
	else if (f->error == ETIMEDOUT)
		b |= CF_TIMEDOUT;
	else if (f->error == EACCES)
		b |= CF_EACCES;
	else if (f->error == EADDRNOTAVAIL)
		b |= CF_ADDRNOTAVAIL;
	if ((f->have & DIAG_SOURCE) != 0 && !f->source.assigned)
		b |= CF_SRC_FOREIGN;
	if (f->dst.family == AF_INET6)
		b |= CF_DST6;
	b |= cause_icmp(f) | cause_listen(f) | cause_ruleset(f) | cause_path(f);
	if ((f->have & DIAG_ROUTE) != 0 && t == RTN_LOCAL)
		b |= CF_ROUTE_LOCAL;
	if ((f->have & DIAG_ROUTE) != 0 && FACTS_ERR_IN(f->error, EACCES,
	    EHOSTUNREACH, ENETUNREACH, EINVAL) && (t == RTN_PROHIBIT ||
	    t == RTN_UNREACHABLE || t == RTN_BLACKHOLE))
		b |= CF_ROUTE_REJECT;
	if (FACTS_ERR_IN(f->error, EACCES, EHOSTUNREACH, ENETUNREACH, EINVAL) &&
	    ((f->have & DIAG_NOROUTE) != 0 ||
	    ((f->have & DIAG_ROUTE) != 0 && t == RTN_THROW)))
		b |= CF_NOROUTE;
	if (f->zone > 0)
		b |= CF_ZONED;
	if ((f->have & DIAG_NEIGH) != 0) {
		if (f->neigh.state & (NUD_FAILED | NUD_INCOMPLETE))
			b |= CF_NEIGH_FAILED;
		else if (f->neigh.state & (NUD_REACHABLE | NUD_STALE |
		    NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP))
			b |= CF_NEIGH_OK;
		if (f->neigh.is_gateway)
			b |= CF_NEIGH_GW;
	}
	if (f->have & DIAG_BROADCAST)
		b |= CF_BROADCAST;
	if ((f->have & DIAG_FDS) != 0 && f->fds.error != 0)
		b |= CF_FD_LIMIT;
	if ((f->have & DIAG_NEARBY) != 0 && f->nearby.n > 0)
		b |= CF_NEARBY;
	if ((f->have & DIAG_UNIXNEAR) != 0 && f->unixnear.n > 0)
		b |= CF_UNIX_NEAR;
	if ((f->have & DIAG_DOWNLINK) != 0)
		b |= CF_DOWN_HOLDS;
	if ((f->have & DIAG_RULESET) != 0 && f->ruleset.narp > 0)
		b |= CF_ARP_DROP | (f->ruleset.arp_sure ? CF_ARP_DROP_SURE : 0);
	if ((f->have & DIAG_LINK) != 0)
		b |= !f->link.up ? CF_LINK_DOWN : !f->link.lower_up ?
		    CF_NO_CARRIER : 0;
	return b;
}

bool
cause_fits(const struct cause_row *row, uint64_t facts)
{
	return (facts & row->need) == row->need &&
	    (row->any == 0 || (facts & row->any) != 0) &&
	    (facts & row->exclude) == 0;
}

void
cause_decide_facts(uint64_t facts, struct cause_finding *out)
{
	size_t i, n;
	const struct cause_row *t = cause_table(&n);

	memset(out, 0, sizeof(*out));
	out->facts = facts;
	for (i = 0; i < n; i++) {
		if (!cause_fits(&t[i], facts))
			continue;
		if (out->n < CAUSE_CAND_MAX)
			out->row[out->n] = &t[i];
		out->n++;
	}
	if (out->n > CAUSE_CAND_MAX)
		out->n = CAUSE_CAND_MAX;
	out->strength = out->n == 0 ? CAUSE_UNKNOWN : out->n == 1 ?
	    CAUSE_PROVEN : CAUSE_CANDIDATES;
}

void
cause_decide(const struct diag_facts *f, struct cause_finding *out)
{
	cause_decide_facts(f != NULL ? cause_facts(f) : 0, out);
}
