/* SPDX-License-Identifier: ISC */
/*
 * explain.c: the table of errno and EAI_* explanations, and their rendering.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/socket.h>

#include "explain.h"
#include "text.h"

/* Name and number come from one token, so they cannot disagree. */
#define ERR(e)	#e, e, EXPLAIN_ERRNO
#define EAI(e)	#e, e, EXPLAIN_EAI

/* Indexes into meaning[] and check[], to keep entries readable. */
#define ANY	[EXPLAIN_ANY]
#define TCP	[EXPLAIN_TCP]
#define UDP	[EXPLAIN_UDP]
#define SCTP	[EXPLAIN_SCTP]
#define UNIX	[EXPLAIN_UNIX]

/*
 * Texts shared by several entries.  A check names the fact that decides
 * between causes; the diagnose module reads those facts off the system.
 */
#define NEXT_HOP \
	"`ip neigh show` marking the next hop (after via in `ip route get " \
	"{addr}`) FAILED means it is down or absent."
#define NEXT_HOP_SHORT \
	"`ip neigh show` marks a next hop that never answered FAILED,"
#define NO_SCTP \
	"This kernel has no SCTP: the sctp module is not loaded and could " \
	"not be loaded."
#define NO_SCTP_CHECK \
	"`lsmod | grep sctp` shows whether it is loaded; `modprobe sctp` " \
	"loads it and prints the reason when it cannot."
#define TOOL_DEFECT \
	"This is a defect of the tool, not of the system: report it with " \
	"the output of -v."
#define NEW_SOCKET \
	"This tool opens a new socket for every attempt, so this is a defect " \
	"of the tool: report it with the output of -v."
#define RESOLVER_SOURCES \
	"`getent ahosts {host}` asks the same resolver; the hosts: line of " \
	"/etc/nsswitch.conf says where it looks (files is /etc/hosts, dns " \
	"the nameserver lines of /etc/resolv.conf)."

static const struct explain_entry table[] = {
	/* Refused: the other end answered. */
	{ ERR(ECONNREFUSED), ISOCK_EXIT_REFUSED, "connection refused",
	  { ANY = "{addr} answered that nothing accepts {proto} connections on "
		  "port {port}.",
	    TCP = "{addr} answered the SYN to port {port} with a refusal (a "
		  "TCP reset or ICMP port unreachable): the host is up, but "
		  "nothing accepted the connection.",
	    UDP = "A datagram to {addr} port {port} came back as ICMP port "
		  "unreachable: the host is up, but nothing took the datagram "
		  "on that port.",
	    SCTP = "{addr} refused the SCTP association on port {port}: the "
		   "host is up, but nothing accepted it.",
	    UNIX = "{path} exists, but no socket listens on it." },
	  { ANY = "On {addr}, `ss -ltnp` lists what listens on which address "
		  "and port.",
	    TCP = "On {addr}, `ss -ltnp 'sport = :{port}'` lists the listeners "
		  "of port {port}: none means the service is down or on "
		  "another port; one on {addr} or a wildcard means a firewall "
		  "rejected the SYN.",
	    UDP = "On {addr}, `ss -lunp 'sport = :{port}'` lists the sockets "
		  "bound to port {port}. If one is bound there, a firewall "
		  "rule sent the ICMP message (`nft list ruleset` shows it).",
	    SCTP = "On {addr}, `ss -lSnp` lists the SCTP listeners. If one "
		   "listens on port {port}, a firewall rule rejected the INIT "
		   "(`nft list ruleset` shows it).",
	    UNIX = "`ss -xap src {path}` decides: a socket listed but not in "
		   "LISTEN is bound by a server that has not called listen(); "
		   "nothing listed means the server exited and left the file "
		   "behind." } },
	{ ERR(ECONNRESET), ISOCK_EXIT_REFUSED, "connection reset",
	  { ANY = "The other end took the connection and reset it before this "
		  "attempt could use it.",
	    TCP = "{addr} took the connection on port {port} and reset it "
		  "before this attempt could use it." },
	  { ANY = "The log of the server says why it reset the connection.",
	    TCP = "On {addr}, `nstat -az TcpExtListenOverflows` rising with "
		  "net.ipv4.tcp_abort_on_overflow = 1 means a full accept "
		  "queue; otherwise `tcpdump -ni any host {addr} and port "
		  "{port}` on each end shows which one sent the reset." } },

	/* Timed out: no answer at all. */
	{ ERR(ETIMEDOUT), ISOCK_EXIT_TIMEDOUT, "connection timed out",
	  { ANY = "No answer came from {addr} port {port} before the kernel's "
		  "retries ran out or the -w deadline passed.",
	    TCP = "No answer came to the SYN sent to {addr} port {port} before "
		  "the kernel's retries ran out or the -w deadline passed: the "
		  "packets are dropped on the way or the host is down.",
	    UDP = "No reply to the datagram sent to {addr} port {port} came "
		  "before the -w deadline. UDP has no handshake: a dropped "
		  "datagram and a service that does not reply look the same "
		  "from here.",
	    SCTP = "No answer came to the INIT sent to {addr} port {port} "
		   "before the kernel's retries ran out or the -w deadline "
		   "passed: the packets are dropped on the way or the host is "
		   "down.",
	    UNIX = "The connection to {path} did not complete in time; a Unix "
		   "connect waits only while the server's listen queue is "
		   "full." },
	  { ANY = NEXT_HOP " Otherwise a firewall drops the packets: `nft "
		  "list ruleset` here, on the routers and on {addr}.",
	    UDP = "`tcpdump -ni any udp port {port}` on {addr} shows whether "
		  "the datagram arrives; if it does, send the service's own "
		  "request (dig, ntpdate -q).",
	    UNIX = "`ss -xlp src {path}` shows Recv-Q (connections waiting) "
		   "against Send-Q (the backlog) and names the server; a full "
		   "queue means it does not call accept() fast enough." } },

	/* Unreachable: a route or a neighbour said no. */
	{ ERR(ENETUNREACH), ISOCK_EXIT_UNREACHABLE, "network is unreachable",
	  { ANY = "No route to {addr} was found, here or on a router on the "
		  "way.",
	    TCP = "No route to {addr} that a TCP connection can use was "
		  "found, here or on a router on the way." },
	  { ANY = "`ip route get {addr}` decides: \"Network is unreachable\" "
		  "means no route here; a route it prints means a router on "
		  "the way sent ICMP network unreachable, which `tcpdump -ni "
		  "any icmp or icmp6` names.",
	    TCP = "`ip route get {addr}` decides: \"Network is unreachable\": "
		  "no route here; broadcast: TCP cannot reach a broadcast "
		  "address; any other route: a router sent ICMP network "
		  "unreachable, which `tcpdump -ni any icmp or icmp6` "
		  "names." } },
	{ ERR(EHOSTUNREACH), ISOCK_EXIT_UNREACHABLE, "no route to host",
	  { ANY = "{addr} cannot be reached: a route, a neighbour look-up or a "
		  "router on the way said so." },
	  { ANY = "\"No route to host\" from `ip route get {addr}` means an "
		  "unreachable route here. Otherwise " NEXT_HOP_SHORT " and "
		  "`tcpdump -ni any icmp or icmp6` names a router that "
		  "refused." } },
	{ ERR(ENETDOWN), ISOCK_EXIT_UNREACHABLE, "network is down",
	  { ANY = "The interface this attempt had to send through is down." },
	  { ANY = "`ip route get {addr}` names the interface (after dev); `ip "
		  "link show` marks it UP when it is up and LOWER_UP when it "
		  "has a carrier." } },
	{ ERR(EHOSTDOWN), ISOCK_EXIT_UNREACHABLE, "host is down",
	  { ANY = "A router on the way to {addr} answered that the host is "
		  "unknown (ICMP host unknown)." },
	  { ANY = "`tcpdump -ni any icmp` names the router that sends it; `ip "
		  "route get {addr}` shows the way the packets take." } },

	/* Denied. */
	{ ERR(EACCES), ISOCK_EXIT_DENIED, "permission denied",
	  { ANY = "This host denied the attempt to {addr} port {port}.",
	    UDP = "This host denied associating the datagram socket with "
		  "{addr} port {port}.",
	    UNIX = "This user may not connect to {path}: that needs write "
		   "permission on the socket file and search (x) permission on "
		   "every directory above it." },
	  { ANY = "A bind() headline: -p is a privileged port. \"Permission "
		  "denied\" from `ip route get {addr}`: a prohibit route. "
		  "Otherwise `tcpdump -ni any icmp or icmp6` names a refusing "
		  "router and `journalctl -k` a security module rule.",
	    UDP = "An IPv4 broadcast route in `ip route get {addr}`: add -b. "
		  "\"Permission denied\" there: a prohibit route. Otherwise "
		  "`tcpdump -ni any icmp or icmp6` names a refusing router and "
		  "`journalctl -k` a security module rule.",
	    UNIX = "`namei -l {path}` lists the owner and mode of every "
		   "component: a directory without x for this user denies, and "
		   "so does a socket file without w." } },
	{ ERR(EPERM), ISOCK_EXIT_DENIED, "operation not permitted",
	  { ANY = "This host did not permit the attempt to {addr} port {port}.",
	    UNIX = "This host did not permit the connection to {path}." },
	  { ANY = "If `nft list ruleset` has a drop rule in an output chain "
		  "that matches {addr}, it is the cause (a dropped datagram "
		  "fails with this error); otherwise `bpftool cgroup tree` "
		  "lists the cgroup programs on connect4/connect6 that refuse "
		  "it.",
	    TCP = "`bpftool cgroup tree` lists the cgroup programs on "
		  "connect4/connect6 that can refuse a connect; a drop rule of "
		  "the firewall makes TCP time out instead.",
	    UNIX = "`journalctl -k` names the security module rule that "
		   "refused it (apparmor=, avc:)." } },

	/* Not found. */
	{ ERR(ENOENT), ISOCK_EXIT_NOTFOUND, "no such file or directory",
	  { ANY = "Something this attempt names does not exist.",
	    UNIX = "Nothing exists at {path}." },
	  { ANY = "Run again with -v to see the step that failed.",
	    UNIX = "`namei -l {path}` stops at the first missing component. If "
		   "only the last one is missing, no server has bound this "
		   "path: `ss -xlp` lists the paths that servers listen "
		   "on." } },
	{ ERR(ENOTDIR), ISOCK_EXIT_NOTFOUND, "not a directory",
	  { ANY = "A component of a path this attempt uses is not a directory.",
	    UNIX = "A component of {path} before the last is not a "
		   "directory." },
	  { ANY = "Run again with -v to see the step that failed.",
	    UNIX = "`namei -l {path}` shows the type of every component; the "
		   "one that is not d is where the path goes wrong." } },

	/* Local resources. */
	{ ERR(EADDRINUSE), ISOCK_EXIT_RESOURCES, "address already in use",
	  { ANY = "The source address and port given with -s and -p are "
		  "already bound by another socket." },
	  { ANY = "`ss -tuanp` names the process that holds the port in its "
		  "Local Address:Port column; choose a free port for -p." } },
	{ ERR(EADDRNOTAVAIL), ISOCK_EXIT_RESOURCES,
	  "cannot assign requested address",
	  { ANY = "No usable local address was left for a connection to "
		  "{addr}.",
	    TCP = "No usable local address and port was left to connect to "
		  "{addr} port {port}." },
	  { TCP = "A bind() headline: the -s address is not this host's (`ip "
		  "addr`). Otherwise `ip route get {addr}` shows no src: no "
		  "address of that family. With one, `ss -tan dst {addr}` "
		  "lists the sockets filling ip_local_port_range.",
	    ANY = "A bind() headline: the -s address is not this host's (`ip "
		  "addr`). Otherwise `ip route get {addr}` shows no src: no "
		  "address of that family here (disable_ipv6 = 1 removes every "
		  "IPv6 one)." } },
	{ ERR(EAGAIN), ISOCK_EXIT_RESOURCES, "resource temporarily unavailable",
	  { ANY = "The kernel had no free local port for this socket.",
	    TCP = "The kernel could not start this connection for now: a "
		  "resource it needed was taken. For TCP an exhausted port "
		  "range shows as EADDRNOTAVAIL, not as this error.",
	    UNIX = "The server at {path} has a full listen queue: connections "
		   "arrive faster than it accepts them." },
	  { ANY = "`cat /proc/sys/net/ipv4/ip_local_port_range` shows the "
		  "ports the kernel picks from, and `ss -s` counts the sockets "
		  "that hold them; a wider range gives more.",
	    TCP = "`ss -s` counts the sockets of this host and "
		  "/proc/net/sockstat their memory; run again when they fall.",
	    UNIX = "`ss -xlp src {path}` shows Recv-Q (connections waiting) "
		   "against Send-Q (the backlog) and names the server; a "
		   "larger listen() backlog, capped by net.core.somaxconn, "
		   "gives it room." } },
	{ ERR(EMFILE), ISOCK_EXIT_RESOURCES, "too many open files",
	  { ANY = "This process has as many descriptors open as its limit "
		  "allows, so no socket could be opened." },
	  { ANY = "`ulimit -n` shows the limit of the shell that runs the "
		  "tool; raise it there (LimitNOFILE= for a systemd "
		  "service)." } },
	{ ERR(ENFILE), ISOCK_EXIT_RESOURCES, "too many open files in system",
	  { ANY = "The whole system has as many open files as fs.file-max "
		  "allows, so no socket could be opened." },
	  { ANY = "`cat /proc/sys/fs/file-nr` shows the files in use (first "
		  "number) against the limit (third); `sysctl fs.file-max` "
		  "raises it." } },
	{ ERR(ENOBUFS), ISOCK_EXIT_RESOURCES, "no buffer space available",
	  { ANY = "The kernel had no buffer memory left for this socket." },
	  { ANY = "`cat /proc/net/sockstat` shows the memory (mem, in pages) "
		  "the sockets of each protocol use, against `sysctl "
		  "net.ipv4.tcp_mem`; `free -m` shows the memory left.",
	    UDP = "`cat /proc/net/sockstat` shows the memory (mem, in pages) "
		  "the sockets of each protocol use, against `sysctl "
		  "net.ipv4.udp_mem`; `free -m` shows the memory left." } },
	{ ERR(ENOMEM), ISOCK_EXIT_RESOURCES, "out of memory",
	  { ANY = "The kernel could not allocate memory for this attempt." },
	  { ANY = "`free -m` shows the memory left, and `journalctl -k` the "
		  "allocation failures of the kernel." } },

	/* Unsupported. */
	{ ERR(EAFNOSUPPORT), ISOCK_EXIT_UNSUPPORTED,
	  "address family not supported",
	  { ANY = "The kernel does not support the address family of {addr} "
		  "for this socket.",
	    UNIX = "The address given for {path} is not of the family of the "
		   "socket (AF_UNIX)." },
	  { ANY = "A socket() headline: this kernel has no IPv6 (`cat "
		  "/proc/cmdline` shows ipv6.disable=1). A connect() headline: "
		  "the address and the socket differ in family, a defect of "
		  "the tool: report it with -v's output.",
	    UNIX = "This is a defect of the tool: report it with the output of "
		   "-v." } },
	{ ERR(EPROTONOSUPPORT), ISOCK_EXIT_UNSUPPORTED,
	  "protocol not supported",
	  { ANY = "The kernel has no {proto} protocol for sockets of this "
		  "family and type.",
	    SCTP = NO_SCTP },
	  { ANY = "`cat /proc/net/protocols` lists the protocols this kernel "
		  "has.",
	    SCTP = NO_SCTP_CHECK } },
	{ ERR(ESOCKTNOSUPPORT), ISOCK_EXIT_UNSUPPORTED,
	  "socket type not supported",
	  { ANY = "The kernel has no sockets of the type {proto} uses in this "
		  "family.",
	    SCTP = NO_SCTP },
	  { ANY = "`cat /proc/net/protocols` lists the protocols this kernel "
		  "has.",
	    SCTP = NO_SCTP_CHECK } },
	{ ERR(EPROTOTYPE), ISOCK_EXIT_UNSUPPORTED,
	  "protocol wrong type for socket",
	  { ANY = "The protocol does not fit the socket type of {proto}.",
	    UNIX = "{path} is a socket of another type than {proto}: a socket "
		   "connects only to a server of its own type." },
	  { ANY = "`cat /proc/net/protocols` lists the protocols this kernel "
		  "has; run again with -v to see the socket() call.",
	    UNIX = "`ss -xap src {path}` shows the server's type in the Netid "
		   "column (u_str stream, u_dgr dgram, u_seq seqpacket); give "
		   "that type with -T." } },
	{ ERR(EOPNOTSUPP), ISOCK_EXIT_UNSUPPORTED, "operation not supported",
	  { ANY = "A {proto} socket does not support the operation that "
		  "failed." },
	  { ANY = "The headline names the step that failed; -v shows every "
		  "call of the attempt in order." } },

	/* Socket state: defects of the caller. */
	{ ERR(EALREADY), ISOCK_EXIT_STATE, "operation already in progress",
	  { ANY = "A connect on this socket was still in progress when connect "
		  "was called again." },
	  { ANY = NEW_SOCKET } },
	{ ERR(EISCONN), ISOCK_EXIT_STATE, "already connected",
	  { ANY = "The socket was already connected when connect was called "
		  "again." },
	  { ANY = NEW_SOCKET } },
	{ ERR(EBADF), ISOCK_EXIT_STATE, "bad file descriptor",
	  { ANY = "The descriptor given to connect is not an open "
		  "descriptor." },
	  { ANY = TOOL_DEFECT } },
	{ ERR(ENOTSOCK), ISOCK_EXIT_STATE, "not a socket",
	  { ANY = "The descriptor given to connect is open but is not a "
		  "socket." },
	  { ANY = TOOL_DEFECT } },
	{ ERR(EFAULT), ISOCK_EXIT_STATE, "bad address",
	  { ANY = "The address given to connect is not readable memory (a NULL "
		  "pointer)." },
	  { ANY = TOOL_DEFECT } },
	{ ERR(EINPROGRESS), ISOCK_EXIT_STATE, "operation now in progress",
	  { ANY = "The non-blocking connect had not finished when its result "
		  "was read." },
	  { ANY = NEW_SOCKET } },
	{ ERR(EINVAL), ISOCK_EXIT_STATE, "invalid argument",
	  { ANY = "The kernel refused {addr} port {port} as an argument of "
		  "this connect.",
	    UNIX = "The kernel refused the address given for {path} as "
		   "malformed." },
	  { ANY = "\"Invalid argument\" from `ip route get {addr}`: a "
		  "blackhole route covers it. An IPv6 link-local address "
		  "needs its interface as a zone (fe80::1%eth0). Otherwise "
		  "report the output of -v.",
	    UNIX = TOOL_DEFECT } },

	/* Other errnos. */
	{ ERR(EINTR), ISOCK_EXIT_OTHER, "interrupted system call",
	  { ANY = "A signal arrived while the attempt waited, and the attempt "
		  "stopped." },
	  { ANY = "Run again. If nobody pressed Ctrl-C, the program that "
		  "started this one sent the signal (a timeout(1) wrapper, a "
		  "CI job's time limit), and its settings show when." } },
	{ ERR(ELOOP), ISOCK_EXIT_OTHER, "too many levels of symbolic links",
	  { ANY = "Resolving a path met more than 40 symbolic links, which "
		  "happens when they form a loop.",
	    UNIX = "Resolving {path} met more than 40 symbolic links, which "
		   "happens when they form a loop." },
	  { ANY = "Run again with -v to see the path that failed.",
	    UNIX = "`namei {path}` prints every link it follows; the loop is "
		   "where a name comes back." } },
	{ ERR(ENAMETOOLONG), ISOCK_EXIT_OTHER, "file name too long",
	  { ANY = "A component of a path is longer than 255 bytes, the limit "
		  "of one file name.",
	    UNIX = "A component of {path} is longer than 255 bytes, the limit "
		   "of one file name." },
	  { ANY = "Run again with -v to see the path that failed.",
	    UNIX = "`namei {path}` lists the components; shorten the long "
		   "one." } },
	{ ERR(ENOTCONN), ISOCK_EXIT_OTHER, "socket is not connected",
	  { ANY = "An operation that needs a connected socket ran on one whose "
		  "connect had not completed." },
	  { ANY = TOOL_DEFECT } },
	{ ERR(ENOPROTOOPT), ISOCK_EXIT_OTHER, "protocol not available",
	  { ANY = "{addr} answered that it does not handle {proto} (ICMP "
		  "protocol unreachable).",
	    SCTP = "{addr} answered the INIT with ICMP protocol unreachable: "
		   "it does not handle SCTP.",
	    UNIX = "An option this attempt set does not exist for {proto} "
		   "sockets." },
	  { ANY = "If the headline names setsockopt(), this kernel lacks the "
		  "option. Otherwise, if the host runs a {proto} service, a "
		  "firewall rule rejects with that ICMP type (`nft list "
		  "ruleset` shows reject with icmp type prot-unreachable).",
	    SCTP = "On {addr}, `cat /proc/net/protocols` lists SCTP when its "
		   "kernel has it; if it does, a firewall rule there rejects "
		   "the packets with that ICMP type (`nft list ruleset`).",
	    UNIX = TOOL_DEFECT } },
	{ ERR(EDESTADDRREQ), ISOCK_EXIT_OTHER, "destination address required",
	  { ANY = "A datagram was sent without a destination: the association "
		  "was not set." },
	  { ANY = TOOL_DEFECT } },
	{ ERR(EMSGSIZE), ISOCK_EXIT_OTHER, "message too long",
	  { ANY = "A datagram to {addr} was larger than the path to it "
		  "carries.",
	    UNIX = "A datagram for {path} was larger than the send buffer of "
		   "the socket." },
	  { ANY = "`ip route get {addr}` shows the path MTU it learnt (mtu in "
		  "its cache line); `ip link show` the MTU of each interface.",
	    UNIX = "`sysctl net.core.wmem_default` shows the default send "
		   "buffer; net.core.wmem_max caps a larger one." } },
	{ ERR(ENODEV), ISOCK_EXIT_OTHER, "no such device",
	  { ANY = "No network interface matches the one this attempt names "
		  "(the zone after % of an IPv6 address)." },
	  { ANY = "`ip link show` lists the interfaces by index and name; the "
		  "zone must be one of them." } },
	{ ERR(ECONNABORTED), ISOCK_EXIT_OTHER, "connection aborted",
	  { ANY = "This host's kernel aborted the connection before it was "
		  "used." },
	  { ANY = "A process with CAP_NET_ADMIN destroyed the socket, as `ss "
		  "-K` does; `journalctl` at that time shows which program "
		  "ran." } },
	{ ERR(EPROTO), ISOCK_EXIT_OTHER, "protocol error",
	  { ANY = "A router or {addr} answered with ICMP parameter problem: it "
		  "found a header of the packet invalid." },
	  { ANY = "`tcpdump -ni any icmp or icmp6` names the sender and the "
		  "header field it points at." } },
	{ ERR(ENONET), ISOCK_EXIT_OTHER, "machine is not on the network",
	  { ANY = "A router on the way to {addr} answered that the host is "
		  "isolated (ICMP host isolated)." },
	  { ANY = "`tcpdump -ni any icmp` names the router that sends it." } },
	{ ERR(EPIPE), ISOCK_EXIT_OTHER, "broken pipe",
	  { ANY = "Data was written to a connection that was already shut "
		  "down." },
	  { ANY = "The other end closed the connection first; its log says "
		  "why." } },

	/* getaddrinfo() results. */
	{ EAI(EAI_BADFLAGS), ISOCK_EXIT_OTHER, "bad resolver flags",
	  { ANY = "getaddrinfo() rejected the flags this tool passed for "
		  "{host}." },
	  { ANY = TOOL_DEFECT } },
	{ EAI(EAI_NONAME), ISOCK_EXIT_NOTFOUND, "name or service not known",
	  { ANY = "The resolver has no address for {host}: the name is not "
		  "known to any source it asks." },
	  { ANY = RESOLVER_SOURCES } },
	/*
	 * No answer says nothing about the name: a time-out, never "not
	 * found" (glibc gives EAI_AGAIN when its retries run out).
	 */
	{ EAI(EAI_AGAIN), ISOCK_EXIT_TIMEDOUT,
	  "temporary failure in name resolution",
	  { ANY = "No DNS server gave a usable answer for {host} in time (a "
		  "SERVFAIL counts as none)." },
	  { ANY = "The nameserver lines of /etc/resolv.conf name the servers "
		  "asked. If `ip route get` to one of them fails, this host "
		  "cannot reach it; if it has a route, `dig @SERVER {host}` "
		  "shows what that server answers." } },
	{ EAI(EAI_FAIL), ISOCK_EXIT_NOTFOUND,
	  "non-recoverable failure in name resolution",
	  { ANY = "The DNS server answered the look-up of {host} with a "
		  "permanent error (REFUSED, FORMERR, NOTIMP)." },
	  { ANY = "`dig {host}` shows the status of the answer; the nameserver "
		  "lines of /etc/resolv.conf name the server that gave it." } },
	{ EAI(EAI_FAMILY), ISOCK_EXIT_UNSUPPORTED,
	  "address family not supported by the resolver",
	  { ANY = "The resolver does not support the address family asked for "
		  "{host}." },
	  { ANY = TOOL_DEFECT } },
	{ EAI(EAI_SOCKTYPE), ISOCK_EXIT_UNSUPPORTED,
	  "socket type not supported by the resolver",
	  { ANY = "The resolver does not know the socket type and protocol "
		  "asked for {host} ({proto})." },
	  { ANY = TOOL_DEFECT } },
	{ EAI(EAI_SERVICE), ISOCK_EXIT_UNSUPPORTED,
	  "service not supported for socket type",
	  { ANY = "The service given as the port is not defined for {proto} in "
		  "/etc/services." },
	  { ANY = "`getent services` lists each service with its protocol; a "
		  "port number works for every protocol." } },
	{ EAI(EAI_MEMORY), ISOCK_EXIT_RESOURCES,
	  "out of memory while resolving",
	  { ANY = "The resolver could not allocate memory to look up {host}." },
	  { ANY = "`free -m` shows the memory left, and `ulimit -v` the limit "
		  "of this process." } },
	{ EAI(EAI_SYSTEM), ISOCK_EXIT_OTHER, "system error while resolving",
	  { ANY = "The look-up of {host} failed with a system error." },
	  { ANY = "The errno of the system error decides; run again with -v to "
		  "see it." } },
	{ EAI(EAI_OVERFLOW), ISOCK_EXIT_OTHER, "resolver buffer overflow",
	  { ANY = "A buffer given to the resolver was too small for the answer "
		  "about {host}." },
	  { ANY = TOOL_DEFECT } },
#ifdef EAI_NODATA
	{ EAI(EAI_NODATA), ISOCK_EXIT_NOTFOUND, "no address for the name",
	  { ANY = "{host} exists, but has no address records (A, AAAA)." },
	  { ANY = "`dig {host} A` and `dig {host} AAAA` show which records the "
		  "name has." } },
#endif
#ifdef EAI_ADDRFAMILY
	{ EAI(EAI_ADDRFAMILY), ISOCK_EXIT_NOTFOUND,
	  "no address in the requested family",
	  { ANY = "{host} has addresses, but none of the family asked for with "
		  "-4 or -6." },
	  { ANY = "`getent ahostsv4 {host}` and `getent ahostsv6 {host}` list "
		  "the addresses of each family; without -4 and -6 every "
		  "family is tried." } },
#endif
#ifdef EAI_INPROGRESS
	{ EAI(EAI_INPROGRESS), ISOCK_EXIT_OTHER, "resolution still in progress",
	  { ANY = "The look-up of {host} had not finished when its result was "
		  "read." },
	  { ANY = TOOL_DEFECT } },
#endif
#ifdef EAI_CANCELED
	{ EAI(EAI_CANCELED), ISOCK_EXIT_TIMEDOUT, "resolution canceled",
	  { ANY = "The look-up of {host} did not finish before the -w "
		  "deadline, and it was canceled." },
	  { ANY = "`time getent ahosts {host}` shows how long the resolver "
		  "takes; options timeout: and attempts: in /etc/resolv.conf "
		  "set how long it waits for each server." } },
#endif
#ifdef EAI_NOTCANCELED
	{ EAI(EAI_NOTCANCELED), ISOCK_EXIT_OTHER, "resolution not canceled",
	  { ANY = "The look-up of {host} could not be canceled: it was already "
		  "running." },
	  { ANY = TOOL_DEFECT } },
#endif
#ifdef EAI_ALLDONE
	{ EAI(EAI_ALLDONE), ISOCK_EXIT_OTHER, "all resolutions done",
	  { ANY = "No look-up of {host} was left to cancel: all had "
		  "finished." },
	  { ANY = TOOL_DEFECT } },
#endif
#ifdef EAI_INTR
	{ EAI(EAI_INTR), ISOCK_EXIT_OTHER, "resolution interrupted",
	  { ANY = "A signal interrupted the wait for the look-up of {host}." },
	  { ANY = "Run again. If nobody pressed Ctrl-C, the program that "
		  "started this one sent the signal, and its settings show "
		  "when." } },
#endif
#ifdef EAI_IDN_ENCODE
	{ EAI(EAI_IDN_ENCODE), ISOCK_EXIT_NOTFOUND,
	  "name cannot be encoded for DNS",
	  { ANY = "{host} has characters that do not convert to an ASCII "
		  "(IDNA) name for DNS." },
	  { ANY = "Run with a UTF-8 locale (LC_ALL=C.UTF-8): the name is read "
		  "in the locale's character set, which under C is bytes. "
		  "`idn2 {host}` prints the ASCII form (xn--...) to give "
		  "instead." } },
#endif
};

const struct explain_entry *
explain_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

static const struct explain_entry *
lookup(enum explain_kind kind, int number)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].kind == kind && table[i].number == number)
			return &table[i];
	return NULL;
}

const struct explain_entry *
explain_lookup_errno(int err)
{
	return lookup(EXPLAIN_ERRNO, err);
}

const struct explain_entry *
explain_lookup_eai(int code)
{
	return lookup(EXPLAIN_EAI, code);
}

const struct explain_entry *
explain_lookup(const char *text)
{
	size_t i;
	char *end;
	long v;

	if (text[0] >= '0' && text[0] <= '9') {
		errno = 0;
		v = strtol(text, &end, 10);
		if (*end != '\0' || errno != 0 || v > 100000)
			return NULL;
		return explain_lookup_errno((int)v);
	}
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (text_ascii_ncasecmp(table[i].name, text, SIZE_MAX) == 0)
			return &table[i];
	return NULL;
}

enum isock_exit
explain_exit_class(int err)
{
	const struct explain_entry *e;

	if (err == 0)
		return ISOCK_EXIT_CONNECTED;
	e = explain_lookup_errno(err);
	return e != NULL ? e->exit_class : ISOCK_EXIT_OTHER;
}

enum explain_ctx_kind
explain_ctx_kind_of(int family, int type)
{
	if (family == AF_UNIX)
		return EXPLAIN_UNIX;
	switch (type) {
	case SOCK_STREAM:
		return EXPLAIN_TCP;
	case SOCK_DGRAM:
		return EXPLAIN_UDP;
	case SOCK_SEQPACKET:
		return EXPLAIN_SCTP;
	default:
		return EXPLAIN_ANY;
	}
}

/* The value of slot `name` (`len` bytes), or NULL for an unknown slot. */
static const char *
slot(const struct explain_entry *e, const struct explain_ctx *ctx,
    const char *name, size_t len, char *num, size_t numsize)
{
	const char *v;

#define IS(s) (len == sizeof(s) - 1 && memcmp(name, s, len) == 0)
	if (IS("addr"))
		v = ctx->addr;
	else if (IS("host"))
		v = ctx->host;
	else if (IS("path"))
		v = ctx->path;
	else if (IS("proto"))
		v = ctx->proto;
	else if (IS("name"))
		v = e->name;
	else if (IS("port")) {
		snprintf(num, numsize, "%u", ctx->port);
		v = num;
	} else
		return NULL;
#undef IS
	return v != NULL ? v : "?";
}

const char *
explain_render(const struct explain_entry *e, enum explain_part part,
    const struct explain_ctx *ctx, char *buf, size_t size)
{
	const char *const *texts = part == EXPLAIN_MEANING ? e->meaning : e->check;
	const char *t, *close, *v;
	char num[16];
	size_t used = 0, n;

	if (size == 0)
		return NULL;
	buf[0] = '\0';
	t = ctx->kind < EXPLAIN_NCTX ? texts[ctx->kind] : NULL;
	if (t == NULL)
		t = texts[EXPLAIN_ANY];
	if (t == NULL)
		return NULL;
	while (*t != '\0' && used + 1 < size) {
		v = NULL;
		close = NULL;
		if (*t == '{' && (close = strchr(t, '}')) != NULL)
			v = slot(e, ctx, t + 1, (size_t)(close - t - 1), num,
			    sizeof(num));
		if (v != NULL) {
			n = strlen(v);
			if (n > size - 1 - used)
				n = size - 1 - used;
			memcpy(buf + used, v, n);
			used += n;
			t = close + 1;
		} else
			buf[used++] = *t++;
	}
	buf[used] = '\0';
	return buf;
}
