/* SPDX-License-Identifier: ISC */
/*
 * check_isocket.c: the ISocket library against the real kernel.
 *
 * Every errno of the seed (shared/seed/ISocket.connect.txt) is produced for
 * real through the ISocket API: loopback addresses, Unix paths in a temporary
 * directory, descriptors of regular files, closed descriptors.  Built twice:
 * tests/check_isocket holds what needs neither root nor a namespace (and
 * passes as root too); tests/check_isocket_priv (-DISOCK_TEST_PRIV) holds the
 * cases that need root, each run in a child in a network namespace of its own
 * with only its loopback up, and exits 77 with a reason when it cannot.
 *
 * Seed errno      test that produces it (p: priv build)
 * ------------    --------------------------------------------------------
 * EACCES          p unix_no_write_permission, p unix_no_search_permission
 *                 (as uid 65534); udp_broadcast_needs_so_broadcast;
 *                 p route_types (a "prohibit" route)
 * EPERM           p bpf_connect_hook_eperm: a cgroup connect4 hook that
 *                 denies.  An nftables "drop" rule does NOT make connect()
 *                 fail: TCP ignores the local EPERM of its SYN and retries
 *                 until it times out, and a UDP connect sends nothing, so
 *                 the EPERM comes from the send (p nft_drop_and_reject).
 * EADDRINUSE      not produced by connect() on Linux for AF_INET, AF_INET6
 *                 or AF_UNIX.  A second socket bound (SO_REUSEADDR or
 *                 SO_REUSEPORT) to the local address of a connected one and
 *                 connected to the same peer gets EADDRNOTAVAIL
 *                 (tcp_same_four_tuple, IPv4 and IPv6); a port left in
 *                 TIME_WAIT with tcp_tw_reuse=0 gives 0 to an explicit bind
 *                 and EADDRNOTAVAIL to an automatic one, and a TCP connect
 *                 with no free local port is EADDRNOTAVAIL too
 *                 (p port_range_exhausted, p time_wait_not_addrinuse).
 *                 bind() is where EADDRINUSE comes from.
 * EAFNOSUPPORT    family_mismatch (an IPv6 address on an IPv4 socket), and
 *                 unknown_family (AF_PACKET, AF_APPLETALK through the
 *                 generic connect).  The kernel answers EINVAL, not
 *                 EAFNOSUPPORT, for an IPv4 address on an IPv6 TCP socket
 *                 and for an IP address on a Unix socket (family_mismatch).
 * EAGAIN          unix_backlog_full (non-blocking); p port_range_exhausted
 *                 (UDP with no free local port to bind automatically).  The
 *                 "routing cache" cause is gone since Linux 3.6.
 * EALREADY        tcp_ealready_then_wait_deadline.  Never for Unix sockets:
 *                 a Unix connect is never left pending.
 * EBADF           ebadf (never opened, closed, closed behind its back)
 * ECONNREFUSED    tcp_refused, tcp_refused_nonblocking (SO_ERROR through
 *                 isocket_finish and isocket_wait), unix_stale_socket_file,
 *                 udp_refused_on_recv (ICMP port unreachable, seen by the
 *                 recv after the send, whose error queue names 127.0.0.1
 *                 as the sender of ICMP 3/3); p nft_drop_and_reject ("reject")
 * EFAULT          efault (NULL through the library; an unmapped page
 *                 through isocket_connect_in/_in6, answered by the kernel)
 * EINPROGRESS     tcp_inprogress_then_wait.  Never for Unix sockets: a full
 *                 backlog is EAGAIN.
 * EINTR           tcp_eintr_waits_for_outcome, tcp_eintr_until_deadline,
 *                 unix_eintr_restarts: a caught signal without SA_RESTART
 *                 interrupts a blocking connect; the library never returns
 *                 EINTR but the outcome (IP: it waits; Unix: it retries).
 *                 Linux lets a blocking connect() made again on a socket in
 *                 SYN_SENT wait again (EALREADY is for non-blocking ones),
 *                 so what the library's wait adds is its deadline, which
 *                 tcp_eintr_until_deadline checks.
 * EISCONN         tcp_eisconn, unix_eisconn
 * ENETUNREACH     p route_types (a namespace with only lo).  The same test
 *                 asserts the other route types: "unreachable" EHOSTUNREACH,
 *                 "prohibit" EACCES, "blackhole" EINVAL.
 * ENOTSOCK        enotsock
 * ETIMEDOUT       tcp_kernel_timeout (TCP_USER_TIMEOUT, the kernel's own, for
 *                 a blocking and a non-blocking connect);
 *                 tcp_ealready_then_wait_deadline and tcp_eintr_until_deadline
 *                 (the library's deadline).  Never for Unix sockets.
 *
 * Beyond the errnos: datagram association, change and dissolution (UDP over
 * IPv4 and IPv6, Unix datagram); AF_UNSPEC on a connected TCP socket, which
 * Linux disconnects (and on a Unix stream socket, which it refuses with
 * EINVAL); SOCK_SEQPACKET over Unix and EPROTOTYPE for a mismatch; abstract
 * Unix names and isocket_addrlen; the ICMP error queue (p icmp_error_queue:
 * a router in a second namespace names itself as the sender of host
 * unreachable and administratively prohibited, for TCP, UDP and IPv6; a
 * prohibit route of this host queues nothing); open and close of the object (opening an
 * open ISocket is EINVAL, the descriptor kept and none leaked).
 *
 * Under valgrind (CK_FORK=no) the two EFAULT connects from an unreadable
 * page are reported as "points to unaddressable byte(s)": on purpose.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/errqueue.h>

#ifdef ISOCK_TEST_PRIV
#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#endif

#include "clock.h"
#include "isocket.h"

#define CHECK_EXIT_SKIP 77
#define CHECK_EXIT_ERROR 99

/* The temporary directory of the running test case (mkdtemp). */
static char tmpdir[64];

/* The symbolic name of an errno, for failure messages. */
static const char *
errname(int err)
{
#ifdef HAVE_STRERRORNAME_NP
	const char *name = strerrorname_np(err);

	if (name != NULL)
		return name;
#endif
	return err == 0 ? "0" : strerror(err);
}

/* Assert that `call` returned -1 with `s`.failure set to `err`. */
#define assert_fails(call, s, err) do {					\
	int rc_ = (call);						\
	ck_assert_msg(rc_ == -1 && (s).failure == (err),		\
	    "%s: returned %d, failure %s; expected -1, %s", #call,	\
	    rc_, errname((s).failure), errname(err));			\
} while (0)

/* Assert that `call` returned 0 with `s`.failure 0. */
#define assert_ok(call, s) do {						\
	int rc_ = (call);						\
	ck_assert_msg(rc_ == 0 && (s).failure == 0,			\
	    "%s: returned %d, failure %s; expected 0", #call, rc_,	\
	    errname((s).failure));					\
} while (0)

/* nftw() callback: remove one entry of the tree. */
static int
tmpdir_remove_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Unchecked fixture: a fresh temporary directory, readable by all. */
static void
tmpdir_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/isock-check-XXXXXX");
	if (mkdtemp(tmpdir) == NULL || chmod(tmpdir, 0755) < 0) {
		perror("check_isocket: mkdtemp");
		exit(CHECK_EXIT_ERROR);
	}
}

/* Unchecked fixture: remove the temporary directory and all in it. */
static void
tmpdir_teardown(void)
{
	if (nftw(tmpdir, tmpdir_remove_one, 8, FTW_DEPTH | FTW_PHYS) < 0)
		perror("check_isocket: removing the temporary directory");
}

/* `name` inside the temporary directory, in `buf`. */
static const char *
tmp_path(char *buf, size_t size, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", tmpdir, name);

	ck_assert(n > 0 && (size_t)n < size);
	return buf;
}

/* 127.0.0.1, port `port` (host order). */
static struct sockaddr_in
lo4(unsigned short port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* ::1, port `port` (host order). */
static struct sockaddr_in6
lo6(unsigned short port)
{
	struct sockaddr_in6 a;

	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_port = htons(port);
	a.sin6_addr = in6addr_loopback;
	return a;
}

/* A Unix address for `name` in the temporary directory. */
static struct sockaddr_un
un_addr(const char *name)
{
	struct sockaddr_un a;

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	tmp_path(a.sun_path, sizeof(a.sun_path), name);
	return a;
}

/*
 * A socket of `family` (AF_INET or AF_INET6) and `type` bound to the
 * loopback address, port `port` (0: any; SO_REUSEADDR when `reuse`); its
 * address in `addr` (a sockaddr_storage) and `*len`.
 */
static int
ip_bound(int family, int type, unsigned short port, bool reuse,
    struct sockaddr_storage *addr, socklen_t *len)
{
	int one = 1;
	int fd = socket(family, type | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memset(addr, 0, sizeof(*addr));
	if (family == AF_INET) {
		struct sockaddr_in a = lo4(port);

		memcpy(addr, &a, sizeof(a));
		*len = sizeof(a);
	} else {
		struct sockaddr_in6 a = lo6(port);

		memcpy(addr, &a, sizeof(a));
		*len = sizeof(a);
	}
	if (reuse)
		ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one)), 0);
	ck_assert_msg(bind(fd, (struct sockaddr *)addr, *len) == 0,
	    "bind: %s", strerror(errno));
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)addr, len), 0);
	return fd;
}

/* A TCP listener on 127.0.0.1 with `backlog`; its address in `addr`. */
static int
tcp_listener(int backlog, struct sockaddr_in *addr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = ip_bound(AF_INET, SOCK_STREAM, 0, false, &ss, &len);

	ck_assert_int_eq(listen(fd, backlog), 0);
	memcpy(addr, &ss, sizeof(*addr));
	return fd;
}

/* The TCP state (TCP_SYN_SENT, TCP_CLOSE, ...) of `fd`. */
static int
tcp_state(int fd)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	ck_assert_int_eq(getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len), 0);
	return info.tcpi_state;
}

/* A Unix socket of `type` bound at `a`, listening with `backlog` (< 0: not). */
static int
un_bound(int type, const struct sockaddr_un *a, int backlog)
{
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_msg(bind(fd, (const struct sockaddr *)a, sizeof(*a)) == 0,
	    "bind %s: %s", a->sun_path, strerror(errno));
	if (backlog >= 0)
		ck_assert_int_eq(listen(fd, backlog), 0);
	return fd;
}

/* Sleep `ms` milliseconds (a signal does not shorten it). */
static void
sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		continue;
}

/* Reap `pid` and assert that it exited with status 0. */
static void
reap(pid_t pid)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child status %#x", status);
}

/* Open `s` as a TCP/IPv4 socket, optionally non-blocking. */
static void
open_tcp4(ISocket *s, bool nonblocking)
{
	isocket_init(s);
	assert_ok(isocket_open(s, AF_INET, SOCK_STREAM, 0), *s);
	if (nonblocking)
		assert_ok(isocket_set_nonblocking(s, true), *s);
}

/* Close `s` and assert it is closed. */
static void
close_ok(ISocket *s)
{
	assert_ok(isocket_close(s), *s);
	ck_assert_int_eq(s->fd, -1);
}

/* Assert that `s` holds an ICMP of `origin`, `type`, `code` from `from`. */
static void
assert_icmp(const ISocket *s, int origin, int type, int code,
    const char *from)
{
	const struct isocket_icmp *r = isocket_icmp(s);
	char got[INET6_ADDRSTRLEN] = "none";
	const void *a = NULL;

	ck_assert_msg(r->present, "no ICMP read for %s", from);
	if (r->offender.ss_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)
		    &r->offender)->sin_addr;
	else if (r->offender.ss_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(const void *)
		    &r->offender)->sin6_addr;
	if (a != NULL)
		inet_ntop(r->offender.ss_family, a, got, sizeof(got));
	ck_assert_msg(r->origin == origin && r->type == type &&
	    r->code == code && strcmp(got, from) == 0,
	    "ICMP origin %d type %d code %d from %s; expected %d %d %d from %s",
	    r->origin, r->type, r->code, got, origin, type, code, from);
	ck_assert_int_eq(r->error, s->failure);
}

#ifndef ISOCK_TEST_PRIV

/* The lowest free descriptor number (to see that nothing leaked). */
static int
lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	close(fd);
	return fd;
}

/* True when ::1 is configured (a socket can bind to it). */
static bool
have_ipv6_loopback(void)
{
	struct sockaddr_in6 a = lo6(0);
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

/*
 * A TCP listener on 127.0.0.1 whose accept queue is full: listen(fd, 0) and
 * one connection (`*filler`) made and not accepted, so the kernel drops
 * further SYNs and a new connect stays in SYN_SENT.
 */
static int
tcp_full_listener(struct sockaddr_in *addr, int *filler)
{
	int fd = tcp_listener(0, addr);

	*filler = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(*filler, 0);
	ck_assert_int_eq(connect(*filler, (struct sockaddr *)addr,
	    sizeof(*addr)), 0);
	return fd;
}

/* True when a peer name can be read: the socket is connected. */
static bool
has_peer(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	return getpeername(fd, (struct sockaddr *)&ss, &len) == 0;
}

/* Assert that `fd` has no peer: getpeername fails with ENOTCONN. */
static void
assert_no_peer(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int rc = getpeername(fd, (struct sockaddr *)&ss, &len);

	ck_assert_msg(rc == -1 && errno == ENOTCONN,
	    "getpeername: %d %s, expected ENOTCONN", rc, errname(errno));
}

/* Milliseconds since `start`. */
static double
ms_since(const struct timespec *start)
{
	struct timespec now = clock_now();

	return clock_ms_between(start, &now);
}

/* A child that sleeps `ms`, accepts one connection on `listener`, exits. */
static pid_t
accept_later(int listener, long ms)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int c;

		sleep_ms(ms);
		c = accept(listener, NULL, NULL);
		_exit(c >= 0 ? 0 : 1);
	}
	return pid;
}

/* The number of SIGALRM caught since alarm_arm. */
static volatile sig_atomic_t alarm_caught;

/* SIGALRM handler: count the signals caught. */
static void
on_alarm(int sig)
{
	(void)sig;
	alarm_caught++;
}

/*
 * Catch SIGALRM without SA_RESTART (so it interrupts a blocking connect)
 * and raise it once, `ms` from now; the previous action goes to `old`.
 */
static void
alarm_arm(long ms, struct sigaction *old)
{
	struct sigaction sa;
	struct itimerval it;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	ck_assert_int_eq(sigaction(SIGALRM, &sa, old), 0);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_usec = (ms % 1000) * 1000;
	alarm_caught = 0;
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
}

/* Stop the timer and restore the SIGALRM action `old`. */
static void
alarm_disarm(const struct sigaction *old)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	sigaction(SIGALRM, old, NULL);
}

/* ---- the object: open, close, EBADF, ENOTSOCK, EFAULT, families ---- */

START_TEST(test_open_close)
{
	ISocket s;
	int fd, free_fd;

	isocket_init(&s);
	ck_assert_int_eq(s.fd, -1);
	assert_ok(isocket_open(&s, AF_INET, SOCK_STREAM, 0), s);
	ck_assert_int_ge(s.fd, 0);
	ck_assert_int_eq(s.family, AF_INET);
	ck_assert_int_eq(s.type, SOCK_STREAM);
	ck_assert(fcntl(s.fd, F_GETFD) & FD_CLOEXEC);

	/* Opening an open ISocket fails and leaks nothing. */
	fd = s.fd;
	free_fd = lowest_free_fd();
	assert_fails(isocket_open(&s, AF_INET6, SOCK_DGRAM, 0), s, EINVAL);
	ck_assert_int_eq(s.fd, fd);
	ck_assert_int_eq(s.family, AF_INET);
	ck_assert_int_ge(fcntl(fd, F_GETFD), 0);
	ck_assert_int_eq(lowest_free_fd(), free_fd);

	close_ok(&s);
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);	/* really closed */
	close_ok(&s);	/* a second close is harmless */

	/* The kernel's own refusal: no SOCK_SEQPACKET for plain AF_INET. */
	assert_ok(isocket_open(&s, AF_UNIX, SOCK_SEQPACKET, 0), s);
	close_ok(&s);
	ck_assert_int_eq(isocket_open(&s, AF_INET, SOCK_SEQPACKET, 0), -1);
	ck_assert_msg(s.failure == ESOCKTNOSUPPORT ||
	    s.failure == EPROTONOSUPPORT, "failure %s", errname(s.failure));
	ck_assert_int_eq(s.fd, -1);
}
END_TEST

START_TEST(test_ebadf)
{
	ISocket s;
	struct sockaddr_in a4 = lo4(9);
	struct sockaddr_in6 a6 = lo6(9);
	struct sockaddr_un au = un_addr("none");
	struct timespec dl = clock_add_ms(clock_now(), 100);

	/* Never opened. */
	isocket_init(&s);
	assert_fails(isocket_connect(&s, (struct sockaddr *)&a4), s, EBADF);
	assert_fails(isocket_connect_in(&s, &a4), s, EBADF);
	assert_fails(isocket_connect_in6(&s, &a6), s, EBADF);
	assert_fails(isocket_connect_un(&s, &au), s, EBADF);
	assert_fails(isocket_disconnect(&s), s, EBADF);
	assert_fails(isocket_set_nonblocking(&s, true), s, EBADF);
	assert_fails(isocket_wait(&s, &dl), s, EBADF);
	assert_fails(isocket_finish(&s), s, EBADF);

	/* Opened, then closed through the library. */
	open_tcp4(&s, false);
	close_ok(&s);
	assert_fails(isocket_connect(&s, (struct sockaddr *)&a4), s, EBADF);
	assert_fails(isocket_connect_in(&s, &a4), s, EBADF);

	/* A descriptor number the kernel has closed behind the library. */
	open_tcp4(&s, false);
	ck_assert_int_eq(close(s.fd), 0);
	assert_fails(isocket_connect_in(&s, &a4), s, EBADF);
	assert_fails(isocket_connect(&s, (struct sockaddr *)&a4), s, EBADF);
	assert_fails(isocket_set_nonblocking(&s, true), s, EBADF);
	assert_fails(isocket_finish(&s), s, EBADF);
	/* Closing it reports the kernel's EBADF and still leaves fd -1. */
	assert_fails(isocket_close(&s), s, EBADF);
	ck_assert_int_eq(s.fd, -1);
}
END_TEST

START_TEST(test_enotsock)
{
	ISocket s;
	char path[128];
	struct sockaddr_in a4 = lo4(9);
	struct sockaddr_un au = un_addr("none");
	int fd;

	fd = open(tmp_path(path, sizeof(path), "regular"),
	    O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	isocket_init(&s);
	s.fd = fd;
	s.family = AF_INET;
	s.type = SOCK_STREAM;
	assert_fails(isocket_connect_in(&s, &a4), s, ENOTSOCK);
	assert_fails(isocket_connect(&s, (struct sockaddr *)&a4), s, ENOTSOCK);
	assert_fails(isocket_connect(&s, (struct sockaddr *)&au), s, ENOTSOCK);
	assert_fails(isocket_disconnect(&s), s, ENOTSOCK);
	close_ok(&s);
	ck_assert_int_eq(unlink(path), 0);
}
END_TEST

START_TEST(test_efault)
{
	ISocket s;
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	/* NULL is answered by the library: it reads the family from it. */
	open_tcp4(&s, false);
	assert_fails(isocket_connect(&s, NULL), s, EFAULT);
	close_ok(&s);
	isocket_init(&s);
	assert_ok(isocket_open(&s, AF_UNIX, SOCK_STREAM, 0), s);
	assert_fails(isocket_connect_un(&s, NULL), s, EFAULT);
	close_ok(&s);

	/* A page the process cannot read: the kernel's copy fails. */
	p = mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	ck_assert(p != MAP_FAILED);
	open_tcp4(&s, false);
	assert_fails(isocket_connect_in(&s, (const struct sockaddr_in *)p), s,
	    EFAULT);
	close_ok(&s);
	isocket_init(&s);
	assert_ok(isocket_open(&s, AF_INET6, SOCK_STREAM, 0), s);
	assert_fails(isocket_connect_in6(&s, (const struct sockaddr_in6 *)p),
	    s, EFAULT);
	close_ok(&s);
	ck_assert_int_eq(munmap(p, (size_t)page), 0);
}
END_TEST

START_TEST(test_unknown_family)
{
	ISocket s;
	struct sockaddr_storage ss;
	static const int families[] = { AF_PACKET, AF_APPLETALK, AF_NETLINK };
	size_t i;

	open_tcp4(&s, false);
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		memset(&ss, 0, sizeof(ss));
		ss.ss_family = (sa_family_t)families[i];
		ck_assert_uint_eq(isocket_addrlen((struct sockaddr *)&ss), 0);
		assert_fails(isocket_connect(&s, (struct sockaddr *)&ss), s,
		    EAFNOSUPPORT);
	}
	ck_assert(!has_peer(s.fd));
	close_ok(&s);
}
END_TEST

START_TEST(test_family_mismatch)
{
	ISocket s;
	struct sockaddr_in6 a6 = lo6(9);
	struct sockaddr_in a4 = lo4(9);
	struct sockaddr_in6 peer;
	socklen_t len = sizeof(peer);
	int udp;

	/* An IPv6 address on IPv4 sockets: EAFNOSUPPORT from the kernel. */
	open_tcp4(&s, false);
	assert_fails(isocket_connect(&s, (struct sockaddr *)&a6), s,
	    EAFNOSUPPORT);
	assert_fails(isocket_connect_in6(&s, &a6), s, EAFNOSUPPORT);
	close_ok(&s);
	isocket_init(&s);
	assert_ok(isocket_open(&s, AF_INET, SOCK_DGRAM, 0), s);
	assert_fails(isocket_connect_in6(&s, &a6), s, EAFNOSUPPORT);
	close_ok(&s);

	/* An IPv4 address (16 bytes) on an IPv6 TCP socket: too short, EINVAL. */
	assert_ok(isocket_open(&s, AF_INET6, SOCK_STREAM, 0), s);
	assert_fails(isocket_connect(&s, (struct sockaddr *)&a4), s, EINVAL);
	close_ok(&s);

	/* On an IPv6 UDP socket it is accepted as a v4-mapped address. */
	assert_ok(isocket_open(&s, AF_INET6, SOCK_DGRAM, 0), s);
	udp = 0;
	if (setsockopt(s.fd, IPPROTO_IPV6, IPV6_V6ONLY, &udp, sizeof(udp)) == 0) {
		assert_ok(isocket_connect(&s, (struct sockaddr *)&a4), s);
		ck_assert_int_eq(getpeername(s.fd, (struct sockaddr *)&peer,
		    &len), 0);
		ck_assert_int_eq(peer.sin6_family, AF_INET6);
		ck_assert(IN6_IS_ADDR_V4MAPPED(&peer.sin6_addr));
		ck_assert_uint_eq(ntohs(peer.sin6_port), 9);
	}
	close_ok(&s);

	/* An IP address on a Unix socket: the kernel says EINVAL. */
	assert_ok(isocket_open(&s, AF_UNIX, SOCK_STREAM, 0), s);
	assert_fails(isocket_connect(&s, (struct sockaddr *)&a4), s, EINVAL);
	assert_fails(isocket_connect(&s, (struct sockaddr *)&a6), s, EINVAL);
	close_ok(&s);
}
END_TEST

START_TEST(test_addrlen)
{
	struct sockaddr_in a4 = lo4(1);
	struct sockaddr_in6 a6 = lo6(1);
	struct sockaddr_un au;
	struct sockaddr sa;
	size_t base = offsetof(struct sockaddr_un, sun_path);

	ck_assert_uint_eq(isocket_addrlen((struct sockaddr *)&a4), sizeof(a4));
	ck_assert_uint_eq(isocket_addrlen((struct sockaddr *)&a6), sizeof(a6));
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNSPEC;
	ck_assert_uint_eq(isocket_addrlen(&sa), sizeof(sa));

	memset(&au, 0, sizeof(au));
	au.sun_family = AF_UNIX;
	memcpy(au.sun_path, "/tmp/x", 7);
	ck_assert_uint_eq(isocket_addrlen((struct sockaddr *)&au), base + 7);
	memset(au.sun_path, 0, sizeof(au.sun_path));
	memcpy(au.sun_path, "\0abc", 4);	/* abstract: NUL + name */
	ck_assert_uint_eq(isocket_addrlen((struct sockaddr *)&au), base + 4);
	memset(au.sun_path, 'p', sizeof(au.sun_path));	/* no NUL at all */
	ck_assert_uint_eq(isocket_addrlen((struct sockaddr *)&au), sizeof(au));
}
END_TEST

/* ---- TCP ---- */

START_TEST(test_tcp_refused)
{
	ISocket s;
	struct sockaddr_storage ss;
	socklen_t len;
	int held = ip_bound(AF_INET, SOCK_STREAM, 0, false, &ss, &len);

	/* The port is held by a bound socket that does not listen. */
	open_tcp4(&s, false);
	assert_fails(isocket_connect(&s, (struct sockaddr *)&ss), s,
	    ECONNREFUSED);
	close_ok(&s);
	open_tcp4(&s, false);
	assert_fails(isocket_connect_in(&s, (struct sockaddr_in *)&ss), s,
	    ECONNREFUSED);
	close_ok(&s);
	close(held);
}
END_TEST

START_TEST(test_tcp_refused_nonblocking)
{
	ISocket s;
	struct sockaddr_storage ss;
	socklen_t len;
	struct pollfd pfd;
	struct timespec dl;
	int held = ip_bound(AF_INET, SOCK_STREAM, 0, false, &ss, &len);

	/* Polled by the caller, then isocket_finish reads SO_ERROR. */
	open_tcp4(&s, true);
	assert_fails(isocket_connect_in(&s, (struct sockaddr_in *)&ss), s,
	    EINPROGRESS);
	pfd.fd = s.fd;
	pfd.events = POLLOUT;
	ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
	assert_fails(isocket_finish(&s), s, ECONNREFUSED);
	close_ok(&s);

	/* The same through isocket_wait. */
	open_tcp4(&s, true);
	assert_fails(isocket_connect(&s, (struct sockaddr *)&ss), s,
	    EINPROGRESS);
	dl = clock_add_ms(clock_now(), 1000);
	assert_fails(isocket_wait(&s, &dl), s, ECONNREFUSED);
	close_ok(&s);
	close(held);
}
END_TEST

/*
 * A socket bound to a port and connected to that very address is joined
 * to itself (TCP simultaneous open; UDP receives what it sends): refused,
 * with `self` set, blocking or not; and the reset leaves no TIME-WAIT.
 */
START_TEST(test_self_connect_refused)
{
	ISocket s;
	struct sockaddr_storage ss;
	socklen_t len;
	struct timespec dl;
	int types[2] = { SOCK_STREAM, SOCK_DGRAM };
	int k;

	for (k = 0; k < 2; k++) {
		isocket_init(&s);
		ck_assert_int_eq(isocket_open(&s, AF_INET, types[k], 0), 0);
		memset(&ss, 0, sizeof(ss));
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_addr.s_addr =
		    htonl(INADDR_LOOPBACK);
		len = sizeof(struct sockaddr_in);
		ck_assert_int_eq(bind(s.fd, (struct sockaddr *)&ss, len), 0);
		ck_assert_int_eq(getsockname(s.fd, (struct sockaddr *)&ss,
		    &len), 0);
		assert_fails(isocket_connect(&s, (struct sockaddr *)&ss), s,
		    ECONNREFUSED);
		ck_assert(s.self);
		close_ok(&s);
	}
	/* Non-blocking, through isocket_wait, on a port of its own (the
	   UDP socket's port may be another test's TCP port meanwhile). */
	open_tcp4(&s, true);
	((struct sockaddr_in *)&ss)->sin_port = 0;
	len = sizeof(struct sockaddr_in);
	ck_assert_int_eq(bind(s.fd, (struct sockaddr *)&ss, len), 0);
	ck_assert_int_eq(getsockname(s.fd, (struct sockaddr *)&ss, &len), 0);
	if (isocket_connect(&s, (struct sockaddr *)&ss) < 0) {
		ck_assert_int_eq(s.failure, EINPROGRESS);
		dl = clock_add_ms(clock_now(), 1000);
		assert_fails(isocket_wait(&s, &dl), s, ECONNREFUSED);
	}
	ck_assert(s.self);
	close_ok(&s);
	/* A connection to another socket is not the socket's own. */
	{
		struct sockaddr_in a;
		int lfd = tcp_listener(4, &a);

		open_tcp4(&s, false);
		assert_ok(isocket_connect_in(&s, &a), s);
		ck_assert(!s.self);
		close_ok(&s);
		close(lfd);
	}
}
END_TEST

/*
 * isocket_abort: the peer sees a reset (ECONNRESET on its read, not end
 * of file), and the port is free at once (bound again without
 * SO_REUSEADDR: no TIME-WAIT holds it).
 */
START_TEST(test_abort_resets)
{
	struct sockaddr_in a, me;
	socklen_t mlen = sizeof(me);
	ISocket s;
	char c;
	int lfd = tcp_listener(4, &a), afd, fd;

	open_tcp4(&s, false);
	assert_ok(isocket_connect_in(&s, &a), s);
	ck_assert_int_eq(getsockname(s.fd, (struct sockaddr *)&me, &mlen), 0);
	afd = accept(lfd, NULL, NULL);
	ck_assert_int_ge(afd, 0);
	/* The client closes first: its port would wait in TIME-WAIT. */
	assert_ok(isocket_abort(&s), s);
	ck_assert_int_eq(s.fd, -1);
	ck_assert_int_eq(read(afd, &c, 1), -1);
	ck_assert_int_eq(errno, ECONNRESET);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_msg(bind(fd, (struct sockaddr *)&me, sizeof(me)) == 0,
	    "bind to the aborted port: %s", strerror(errno));
	close(fd);
	close(afd);
	close(lfd);
}
END_TEST

START_TEST(test_tcp_inprogress_then_wait)
{
	ISocket s;
	struct sockaddr_in a;
	struct timespec dl;
	int lfd = tcp_listener(4, &a), c;

	open_tcp4(&s, true);
	assert_fails(isocket_connect_in(&s, &a), s, EINPROGRESS);
	dl = clock_add_ms(clock_now(), 1000);
	assert_ok(isocket_wait(&s, &dl), s);
	ck_assert(has_peer(s.fd));
	c = accept(lfd, NULL, NULL);	/* the listener has it */
	ck_assert_int_ge(c, 0);
	ck_assert_int_eq(write(s.fd, "x", 1), 1);
	close(c);
	close_ok(&s);

	/* isocket_finish on a socket that never connected: ENOTCONN. */
	open_tcp4(&s, true);
	assert_fails(isocket_finish(&s), s, ENOTCONN);
	close_ok(&s);
	close(lfd);
}
END_TEST

/*
 * A listener that takes the connection and resets it (SO_LINGER 0) before
 * the outcome is read: the handshake was done, so it is connected, with
 * `reset` set, through isocket_finish as through isocket_wait.  A
 * connection the peer keeps is connected without it, and a reset in reply
 * to the SYN (nothing listens) stays a refusal, without it.
 */
START_TEST(test_tcp_reset_at_once)
{
	struct linger now = { 1, 0 };
	struct sockaddr_in a;
	struct timespec dl;
	ISocket s;
	int lfd = tcp_listener(4, &a), afd, round;

	for (round = 0; round < 2; round++) {
		open_tcp4(&s, true);
		assert_fails(isocket_connect_in(&s, &a), s, EINPROGRESS);
		afd = accept(lfd, NULL, NULL);	/* the handshake is done */
		ck_assert_int_ge(afd, 0);
		ck_assert_int_eq(setsockopt(afd, SOL_SOCKET, SO_LINGER, &now,
		    sizeof(now)), 0);
		close(afd);			/* the reset, on loopback now */
		dl = clock_add_ms(clock_now(), 1000);
		if (round == 0)
			assert_ok(isocket_finish(&s), s);
		else
			assert_ok(isocket_wait(&s, &dl), s);
		ck_assert(s.reset);
		ck_assert(!s.self);
		close_ok(&s);
	}

	/* Kept by the peer: connected, no reset. */
	open_tcp4(&s, true);
	assert_fails(isocket_connect_in(&s, &a), s, EINPROGRESS);
	afd = accept(lfd, NULL, NULL);
	ck_assert_int_ge(afd, 0);
	assert_ok(isocket_finish(&s), s);
	ck_assert(!s.reset);
	close_ok(&s);
	close(afd);
	close(lfd);

	/* Nothing listens: the reset answers the SYN, a refusal. */
	open_tcp4(&s, true);
	assert_fails(isocket_connect_in(&s, &a), s, EINPROGRESS);
	dl = clock_add_ms(clock_now(), 1000);
	assert_fails(isocket_wait(&s, &dl), s, ECONNREFUSED);
	ck_assert(!s.reset);
	close_ok(&s);
}
END_TEST

/*
 * isocket_finish_polled: nothing but POLLOUT on a TCP connect is the
 * handshake done (no getpeername); the local address is read all the
 * same, a self-connect still reads as a refusal, and any other revents
 * (a reset at once: POLLHUP and POLLERR with it) take isocket_finish's
 * way, which reads the reset after the handshake as connected.
 */
START_TEST(test_tcp_finish_polled)
{
	struct linger now = { 1, 0 };
	struct sockaddr_in a, me;
	struct pollfd pfd;
	socklen_t len;
	ISocket s;
	int lfd = tcp_listener(4, &a), afd;

	/* Accepted and kept: POLLOUT alone, connected, from an address. */
	open_tcp4(&s, true);
	assert_fails(isocket_connect_in(&s, &a), s, EINPROGRESS);
	afd = accept(lfd, NULL, NULL);
	ck_assert_int_ge(afd, 0);
	pfd = (struct pollfd){ .fd = s.fd, .events = POLLOUT };
	ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
	ck_assert_int_eq(pfd.revents, POLLOUT);
	assert_ok(isocket_finish_polled(&s, pfd.revents,
	    (struct sockaddr *)&a), s);
	ck_assert(!s.reset && !s.self);
	ck_assert_uint_eq(s.local_len, sizeof(struct sockaddr_in));
	close_ok(&s);
	close(afd);

	/* Reset at once: not POLLOUT alone; connected with the reset. */
	open_tcp4(&s, true);
	assert_fails(isocket_connect_in(&s, &a), s, EINPROGRESS);
	afd = accept(lfd, NULL, NULL);
	ck_assert_int_ge(afd, 0);
	ck_assert_int_eq(setsockopt(afd, SOL_SOCKET, SO_LINGER, &now,
	    sizeof(now)), 0);
	close(afd);
	pfd = (struct pollfd){ .fd = s.fd, .events = POLLOUT };
	ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
	ck_assert_int_ne(pfd.revents, POLLOUT);
	assert_ok(isocket_finish_polled(&s, pfd.revents,
	    (struct sockaddr *)&a), s);
	ck_assert(s.reset);
	close_ok(&s);
	close(lfd);

	/* Nothing listens: POLLERR and POLLHUP, the refusal. */
	open_tcp4(&s, true);
	assert_fails(isocket_connect_in(&s, &a), s, EINPROGRESS);
	pfd = (struct pollfd){ .fd = s.fd, .events = POLLOUT };
	ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
	ck_assert(pfd.revents & (POLLERR | POLLHUP));
	assert_fails(isocket_finish_polled(&s, pfd.revents,
	    (struct sockaddr *)&a), s, ECONNREFUSED);
	ck_assert(!s.self);
	close_ok(&s);

	/* Joined to itself: POLLOUT alone, and still the refusal. */
	open_tcp4(&s, true);
	me = a;
	me.sin_port = 0;
	len = sizeof(me);
	ck_assert_int_eq(bind(s.fd, (struct sockaddr *)&me, len), 0);
	ck_assert_int_eq(getsockname(s.fd, (struct sockaddr *)&me, &len), 0);
	if (isocket_connect_in(&s, &me) < 0) {
		ck_assert_int_eq(s.failure, EINPROGRESS);
		pfd = (struct pollfd){ .fd = s.fd, .events = POLLOUT };
		ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
		assert_fails(isocket_finish_polled(&s, pfd.revents,
		    (struct sockaddr *)&me), s, ECONNREFUSED);
	}
	ck_assert(s.self);
	close_ok(&s);
}
END_TEST

START_TEST(test_tcp_eisconn)
{
	ISocket s;
	struct sockaddr_in a;
	int lfd = tcp_listener(4, &a);

	open_tcp4(&s, false);
	assert_ok(isocket_connect_in(&s, &a), s);
	assert_fails(isocket_connect_in(&s, &a), s, EISCONN);
	assert_fails(isocket_connect(&s, (struct sockaddr *)&a), s, EISCONN);
	close_ok(&s);
	close(lfd);
}
END_TEST

START_TEST(test_tcp_ealready_then_wait_deadline)
{
	ISocket s;
	struct sockaddr_in a;
	struct timespec start, dl;
	int filler, lfd = tcp_full_listener(&a, &filler);
	double ms;

	open_tcp4(&s, true);
	assert_fails(isocket_connect_in(&s, &a), s, EINPROGRESS);
	assert_fails(isocket_connect_in(&s, &a), s, EALREADY);
	assert_fails(isocket_connect(&s, (struct sockaddr *)&a), s, EALREADY);

	/* isocket_wait's own deadline, before the first SYN retransmission. */
	start = clock_now();
	dl = clock_add_ms(start, 300);
	assert_fails(isocket_wait(&s, &dl), s, ETIMEDOUT);
	ms = ms_since(&start);
	ck_assert_msg(ms >= 295 && ms < 900, "waited %.0f ms", ms);
	ck_assert_int_eq(tcp_state(s.fd), TCP_SYN_SENT);	/* still trying */
	close_ok(&s);
	close(filler);
	close(lfd);
}
END_TEST

START_TEST(test_tcp_kernel_timeout)
{
	ISocket s;
	struct sockaddr_in a;
	struct timespec start, dl;
	int filler, lfd = tcp_full_listener(&a, &filler);
	unsigned int user_timeout = 300;
	double ms;

	/* Non-blocking: SO_ERROR says ETIMEDOUT long before our deadline. */
	open_tcp4(&s, true);
	ck_assert_int_eq(setsockopt(s.fd, IPPROTO_TCP, TCP_USER_TIMEOUT,
	    &user_timeout, sizeof(user_timeout)), 0);
	assert_fails(isocket_connect_in(&s, &a), s, EINPROGRESS);
	start = clock_now();
	dl = clock_add_ms(start, 2000);
	assert_fails(isocket_wait(&s, &dl), s, ETIMEDOUT);
	ms = ms_since(&start);
	ck_assert_msg(ms < 1700, "waited %.0f ms", ms);
	ck_assert_int_eq(tcp_state(s.fd), TCP_CLOSE);	/* the kernel gave up */
	close_ok(&s);

	/* Blocking: connect() itself returns the kernel's ETIMEDOUT. */
	open_tcp4(&s, false);
	ck_assert_int_eq(setsockopt(s.fd, IPPROTO_TCP, TCP_USER_TIMEOUT,
	    &user_timeout, sizeof(user_timeout)), 0);
	isocket_set_timeout(&s, 2000);
	start = clock_now();
	assert_fails(isocket_connect_in(&s, &a), s, ETIMEDOUT);
	ms = ms_since(&start);
	ck_assert_msg(ms < 1700, "waited %.0f ms", ms);
	ck_assert_int_eq(tcp_state(s.fd), TCP_CLOSE);
	close_ok(&s);
	close(filler);
	close(lfd);
}
END_TEST

START_TEST(test_tcp_eintr_waits_for_outcome)
{
	ISocket s;
	struct sigaction old;
	struct sockaddr_in a;
	int filler, lfd = tcp_full_listener(&a, &filler);
	pid_t pid;

	/*
	 * The signal comes at 100 ms, while the SYN waits for its first
	 * retransmission; the queue is freed at 300 ms, so the retransmitted
	 * SYN (about 1 s) is answered and the connect succeeds.
	 */
	open_tcp4(&s, false);
	pid = accept_later(lfd, 300);
	isocket_set_timeout(&s, 2000);
	alarm_arm(100, &old);
	assert_ok(isocket_connect_in(&s, &a), s);
	alarm_disarm(&old);
	ck_assert_int_eq(alarm_caught, 1);
	ck_assert(has_peer(s.fd));
	ck_assert_int_eq(tcp_state(s.fd), TCP_ESTABLISHED);
	reap(pid);
	close_ok(&s);
	close(filler);
	close(lfd);
}
END_TEST

START_TEST(test_tcp_eintr_until_deadline)
{
	ISocket s;
	struct sigaction old;
	struct sockaddr_in a;
	struct timespec start;
	int filler, lfd = tcp_full_listener(&a, &filler);
	double ms;

	/* Nobody frees the queue: the deadline of set_timeout ends it. */
	open_tcp4(&s, false);
	isocket_set_timeout(&s, 500);
	start = clock_now();
	alarm_arm(100, &old);
	assert_fails(isocket_connect(&s, (struct sockaddr *)&a), s, ETIMEDOUT);
	alarm_disarm(&old);
	ms = ms_since(&start);
	ck_assert_int_eq(alarm_caught, 1);
	ck_assert_msg(ms >= 450 && ms < 950, "waited %.0f ms", ms);
	ck_assert_int_eq(tcp_state(s.fd), TCP_SYN_SENT);
	close_ok(&s);
	close(filler);
	close(lfd);
}
END_TEST

/*
 * Linux has no EADDRINUSE for this: a second socket bound to the local
 * address of a connected one (SO_REUSEADDR, or SO_REUSEPORT) and connected
 * to the same peer would duplicate a four-tuple: EADDRNOTAVAIL.
 */
START_TEST(test_tcp_same_four_tuple)
{
	static const int families[] = { AF_INET, AF_INET6 };
	static const int options[] = { SO_REUSEADDR, SO_REUSEPORT };
	struct sockaddr_storage la, first;
	socklen_t llen, flen;
	ISocket s1, s2;
	size_t f, o;
	int lfd, one = 1;

	for (f = 0; f < 2; f++) {
		if (families[f] == AF_INET6 && !have_ipv6_loopback())
			continue;
		lfd = ip_bound(families[f], SOCK_STREAM, 0, false, &la, &llen);
		ck_assert_int_eq(listen(lfd, 8), 0);
		for (o = 0; o < 2; o++) {
			isocket_init(&s1);
			isocket_init(&s2);
			assert_ok(isocket_open(&s1, families[f], SOCK_STREAM,
			    0), s1);
			assert_ok(isocket_open(&s2, families[f], SOCK_STREAM,
			    0), s2);
			ck_assert_int_eq(setsockopt(s1.fd, SOL_SOCKET,
			    options[o], &one, sizeof(one)), 0);
			ck_assert_int_eq(setsockopt(s2.fd, SOL_SOCKET,
			    options[o], &one, sizeof(one)), 0);
			memcpy(&first, &la, sizeof(la));
			((struct sockaddr_in *)&first)->sin_port = 0;
			flen = llen;
			ck_assert_int_eq(bind(s1.fd, (struct sockaddr *)&first,
			    flen), 0);
			ck_assert_int_eq(getsockname(s1.fd,
			    (struct sockaddr *)&first, &flen), 0);
			assert_ok(isocket_connect(&s1, (struct sockaddr *)&la),
			    s1);
			ck_assert_int_eq(bind(s2.fd, (struct sockaddr *)&first,
			    flen), 0);
			assert_fails(isocket_connect(&s2,
			    (struct sockaddr *)&la), s2, EADDRNOTAVAIL);
			close_ok(&s1);
			close_ok(&s2);
		}
		close(lfd);
	}
}
END_TEST

/*
 * AF_UNSPEC on a connected TCP socket: Linux disconnects it (tcp_disconnect,
 * a RST to the peer), returns 0, and the socket can connect again.
 */
START_TEST(test_tcp_unspec_disconnects)
{
	ISocket s;
	struct sockaddr sa;
	struct sockaddr_in a;
	int lfd = tcp_listener(4, &a), c;
	char byte;

	open_tcp4(&s, false);
	assert_ok(isocket_connect_in(&s, &a), s);
	c = accept(lfd, NULL, NULL);
	ck_assert_int_ge(c, 0);
	assert_ok(isocket_disconnect(&s), s);
	assert_no_peer(s.fd);
	ck_assert_int_eq(tcp_state(s.fd), TCP_CLOSE);
	/* The peer sees the connection reset. */
	ck_assert_int_eq(read(c, &byte, 1), -1);
	ck_assert_int_eq(errno, ECONNRESET);
	close(c);

	/* Connect again, then dissolve through the generic connect. */
	assert_ok(isocket_connect_in(&s, &a), s);
	ck_assert(has_peer(s.fd));
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNSPEC;
	assert_ok(isocket_connect(&s, &sa), s);
	assert_no_peer(s.fd);
	close_ok(&s);
	close(lfd);
}
END_TEST

/* ---- IPv4 broadcast, UDP ---- */

START_TEST(test_udp_broadcast_needs_so_broadcast)
{
	ISocket s;
	struct sockaddr_in b = lo4(9);
	int one = 1;

	/* 127.255.255.255: the broadcast address of lo's 127.0.0.0/8. */
	b.sin_addr.s_addr = htonl(0x7fffffffU);
	isocket_init(&s);
	assert_ok(isocket_open(&s, AF_INET, SOCK_DGRAM, 0), s);
	assert_fails(isocket_connect_in(&s, &b), s, EACCES);
	ck_assert(!has_peer(s.fd));
	ck_assert_int_eq(setsockopt(s.fd, SOL_SOCKET, SO_BROADCAST, &one,
	    sizeof(one)), 0);
	assert_ok(isocket_connect(&s, (struct sockaddr *)&b), s);
	ck_assert(has_peer(s.fd));
	close_ok(&s);

	/* TCP cannot connect to a broadcast address at all. */
	open_tcp4(&s, false);
	assert_fails(isocket_connect_in(&s, &b), s, ENETUNREACH);
	close_ok(&s);
}
END_TEST

/*
 * UDP: the connect itself succeeds (nothing is sent); the ICMP port
 * unreachable that answers the first datagram is reported by the next
 * receive.  The port is held by a socket connected elsewhere, so nothing
 * else can take it and it does not accept our datagram.
 */
START_TEST(test_udp_refused_on_recv)
{
	ISocket s;
	struct sockaddr_storage ss;
	struct sockaddr_in other = lo4(9);
	struct pollfd pfd;
	socklen_t len;
	char buf[8];
	int held = ip_bound(AF_INET, SOCK_DGRAM, 0, false, &ss, &len);

	ck_assert_int_eq(connect(held, (struct sockaddr *)&other,
	    sizeof(other)), 0);
	isocket_init(&s);
	assert_ok(isocket_open(&s, AF_INET, SOCK_DGRAM, 0), s);
	assert_ok(isocket_connect(&s, (struct sockaddr *)&ss), s);
	ck_assert_int_eq(send(s.fd, "ping", 4, 0), 4);
	pfd.fd = s.fd;
	pfd.events = POLLIN;
	ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
	ck_assert_int_eq(recv(s.fd, buf, sizeof(buf), MSG_DONTWAIT), -1);
	ck_assert_msg(errno == ECONNREFUSED, "recv: %s", errname(errno));
	/* The error queue names the sender: this host, port unreachable. */
	s.failure = ECONNREFUSED;
	ck_assert(isocket_read_icmp(&s));
	assert_icmp(&s, SO_EE_ORIGIN_ICMP, 3, 3, "127.0.0.1");
	close_ok(&s);
	ck_assert(isocket_icmp(&s)->present);	/* kept for the report */
	assert_ok(isocket_open(&s, AF_INET, SOCK_DGRAM, 0), s);
	ck_assert(!isocket_icmp(&s)->present);	/* a new attempt's own */
	close_ok(&s);
	close(held);
}
END_TEST

/* ---- datagram association: UDP/IPv4, UDP/IPv6, Unix ---- */

/* A datagram socket of `family` at a fresh local address (`name` for Unix). */
static int
dgram_peer(int family, const char *name, struct sockaddr_storage *addr,
    socklen_t *len)
{
	struct sockaddr_un a;
	int fd;

	if (family != AF_UNIX)
		return ip_bound(family, SOCK_DGRAM, 0, false, addr, len);
	a = un_addr(name);
	fd = un_bound(SOCK_DGRAM, &a, -1);
	memset(addr, 0, sizeof(*addr));
	memcpy(addr, &a, sizeof(a));
	*len = sizeof(a);
	return fd;
}

/*
 * Send `msg` from `from` to `to`.  A UDP datagram always leaves; a Unix
 * datagram to a socket associated with another is refused with EPERM at
 * once, so `expect_eperm` says which outcome the caller expects.
 */
static void
dgram_send(int from, const char *msg, const struct sockaddr_storage *to,
    socklen_t len, bool expect_eperm)
{
	ssize_t n = sendto(from, msg, strlen(msg), 0,
	    (const struct sockaddr *)to, len);

	if (expect_eperm)
		ck_assert_msg(n == -1 && errno == EPERM, "sendto %s: %zd %s",
		    msg, n, errname(errno));
	else
		ck_assert_msg(n == (ssize_t)strlen(msg), "sendto %s: %s", msg,
		    errname(errno));
}

/* Assert that the next datagram on `fd` (waiting up to 1 s) is `msg`. */
static void
dgram_expect(int fd, const char *msg)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	char buf[32];
	ssize_t n;

	ck_assert_msg(poll(&pfd, 1, 1000) == 1, "no datagram, expected %s",
	    msg);
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, msg);
}

/* Assert that no datagram waits on `fd`. */
static void
dgram_expect_none(int fd)
{
	char buf[32];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

	ck_assert_msg(n == -1 && errno == EAGAIN, "unexpected datagram (%zd)",
	    n);
}

static const int assoc_families[] = { AF_INET, AF_INET6, AF_UNIX };

START_TEST(test_dgram_association)
{
	int family = assoc_families[_i];
	bool unix_dgram = family == AF_UNIX;
	struct sockaddr_storage aa, ba, ca;
	socklen_t alen, blen, clen;
	struct sockaddr sa;
	ISocket s;
	int b, c, bound;

	if (family == AF_INET6 && !have_ipv6_loopback()) {
		fprintf(stderr, "check_isocket: ::1 is not configured, "
		    "UDP/IPv6 association not tested\n");
		return;
	}
	/* The ISocket A, bound so the others can send to it; peers B and C. */
	isocket_init(&s);
	assert_ok(isocket_open(&s, family, SOCK_DGRAM, 0), s);
	bound = dgram_peer(family, "a", &aa, &alen);
	close(bound);
	if (unix_dgram)
		ck_assert_int_eq(unlink(((struct sockaddr_un *)&aa)->sun_path),
		    0);
	ck_assert_int_eq(bind(s.fd, (struct sockaddr *)&aa, alen), 0);
	ck_assert_int_eq(getsockname(s.fd, (struct sockaddr *)&aa, &alen), 0);
	b = dgram_peer(family, "b", &ba, &blen);
	c = dgram_peer(family, "c", &ca, &clen);

	/* Associated with B: C's datagram is not received, B's is. */
	assert_ok(isocket_connect(&s, (struct sockaddr *)&ba), s);
	ck_assert(has_peer(s.fd));
	dgram_send(c, "c1", &aa, alen, unix_dgram);
	dgram_send(b, "b1", &aa, alen, false);
	dgram_expect(s.fd, "b1");
	dgram_expect_none(s.fd);

	/* Connect again: the association moves to C. */
	assert_ok(isocket_connect(&s, (struct sockaddr *)&ca), s);
	dgram_send(b, "b2", &aa, alen, unix_dgram);
	dgram_send(c, "c2", &aa, alen, false);
	dgram_expect(s.fd, "c2");
	dgram_expect_none(s.fd);

	/* AF_UNSPEC dissolves it: no peer, datagrams from both arrive. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNSPEC;
	if (family == AF_INET6)
		assert_ok(isocket_disconnect(&s), s);
	else
		assert_ok(isocket_connect(&s, &sa), s);
	assert_no_peer(s.fd);
	dgram_send(b, "b3", &aa, alen, false);
	dgram_send(c, "c3", &aa, alen, false);
	dgram_expect(s.fd, "b3");
	dgram_expect(s.fd, "c3");
	dgram_expect_none(s.fd);

	close_ok(&s);
	close(b);
	close(c);
}
END_TEST

/* ---- Unix stream and seqpacket ---- */

START_TEST(test_unix_backlog_full)
{
	ISocket s1, s2;
	struct sockaddr_un a = un_addr("full");
	int lfd = un_bound(SOCK_STREAM, &a, 0);

	/* listen(fd, 0): one connection is queued, the next finds no room. */
	isocket_init(&s1);
	isocket_init(&s2);
	assert_ok(isocket_open(&s1, AF_UNIX, SOCK_STREAM, 0), s1);
	assert_ok(isocket_set_nonblocking(&s1, true), s1);
	assert_ok(isocket_connect_un(&s1, &a), s1);
	assert_ok(isocket_open(&s2, AF_UNIX, SOCK_STREAM, 0), s2);
	assert_ok(isocket_set_nonblocking(&s2, true), s2);
	assert_fails(isocket_connect_un(&s2, &a), s2, EAGAIN);
	assert_fails(isocket_connect(&s2, (struct sockaddr *)&a), s2, EAGAIN);
	ck_assert(!has_peer(s2.fd));
	close_ok(&s1);
	close_ok(&s2);
	close(lfd);
	ck_assert_int_eq(unlink(a.sun_path), 0);
}
END_TEST

/*
 * A blocking Unix connect interrupted while it waits for backlog room has
 * nothing pending: the library makes it again, and it succeeds once the
 * listener accepts.
 */
START_TEST(test_unix_eintr_restarts)
{
	ISocket s1, s2;
	struct sigaction old;
	struct sockaddr_un a = un_addr("eintr");
	int lfd = un_bound(SOCK_STREAM, &a, 0);
	pid_t pid;

	isocket_init(&s1);
	isocket_init(&s2);
	assert_ok(isocket_open(&s1, AF_UNIX, SOCK_STREAM, 0), s1);
	assert_ok(isocket_connect_un(&s1, &a), s1);	/* fills the queue */
	assert_ok(isocket_open(&s2, AF_UNIX, SOCK_STREAM, 0), s2);
	pid = accept_later(lfd, 300);
	alarm_arm(100, &old);
	assert_ok(isocket_connect_un(&s2, &a), s2);
	alarm_disarm(&old);
	ck_assert_int_eq(alarm_caught, 1);
	ck_assert(has_peer(s2.fd));
	reap(pid);
	close_ok(&s1);
	close_ok(&s2);
	close(lfd);
	ck_assert_int_eq(unlink(a.sun_path), 0);
}
END_TEST

START_TEST(test_unix_stale_socket_file)
{
	ISocket s;
	struct sockaddr_un a = un_addr("stale");
	struct sockaddr_un missing = un_addr("missing");
	int fd = un_bound(SOCK_STREAM, &a, 4);

	close(fd);	/* the file stays, nobody is behind it */
	isocket_init(&s);
	assert_ok(isocket_open(&s, AF_UNIX, SOCK_STREAM, 0), s);
	assert_fails(isocket_connect_un(&s, &a), s, ECONNREFUSED);
	assert_fails(isocket_connect_un(&s, &missing), s, ENOENT);
	close_ok(&s);
	assert_ok(isocket_open(&s, AF_UNIX, SOCK_DGRAM, 0), s);
	assert_fails(isocket_connect(&s, (struct sockaddr *)&a), s,
	    ECONNREFUSED);
	close_ok(&s);
	ck_assert_int_eq(unlink(a.sun_path), 0);
}
END_TEST

START_TEST(test_unix_eisconn)
{
	ISocket s;
	struct sockaddr_un a = un_addr("twice");
	int lfd = un_bound(SOCK_STREAM, &a, 4);

	isocket_init(&s);
	assert_ok(isocket_open(&s, AF_UNIX, SOCK_STREAM, 0), s);
	assert_ok(isocket_connect_un(&s, &a), s);
	assert_fails(isocket_connect_un(&s, &a), s, EISCONN);
	assert_fails(isocket_connect(&s, (struct sockaddr *)&a), s, EISCONN);
	/* A Unix stream socket cannot be dissolved: EINVAL, still connected. */
	assert_fails(isocket_disconnect(&s), s, EINVAL);
	ck_assert(has_peer(s.fd));
	close_ok(&s);
	close(lfd);
	ck_assert_int_eq(unlink(a.sun_path), 0);
}
END_TEST

START_TEST(test_unix_seqpacket)
{
	ISocket s;
	struct sockaddr_un sp = un_addr("seqpacket");
	struct sockaddr_un st = un_addr("stream");
	int lsp = un_bound(SOCK_SEQPACKET, &sp, 4);
	int lst = un_bound(SOCK_STREAM, &st, 4);
	int c;
	char buf[8];

	isocket_init(&s);
	assert_ok(isocket_open(&s, AF_UNIX, SOCK_SEQPACKET, 0), s);
	assert_ok(isocket_connect(&s, (struct sockaddr *)&sp), s);
	c = accept(lsp, NULL, NULL);
	ck_assert_int_ge(c, 0);
	/* Record boundaries are kept: two sends, two reads. */
	ck_assert_int_eq(send(s.fd, "ab", 2, 0), 2);
	ck_assert_int_eq(send(s.fd, "c", 1, 0), 1);
	ck_assert_int_eq(recv(c, buf, sizeof(buf), 0), 2);
	ck_assert_int_eq(recv(c, buf, sizeof(buf), 0), 1);
	close(c);
	close_ok(&s);

	/* A type that differs from the listener's: EPROTOTYPE. */
	assert_ok(isocket_open(&s, AF_UNIX, SOCK_STREAM, 0), s);
	assert_fails(isocket_connect_un(&s, &sp), s, EPROTOTYPE);
	close_ok(&s);
	assert_ok(isocket_open(&s, AF_UNIX, SOCK_SEQPACKET, 0), s);
	assert_fails(isocket_connect_un(&s, &st), s, EPROTOTYPE);
	close_ok(&s);
	close(lsp);
	close(lst);
	ck_assert_int_eq(unlink(sp.sun_path), 0);
	ck_assert_int_eq(unlink(st.sun_path), 0);
}
END_TEST

/*
 * An abstract name ("\0name") through the generic connect: the name is all
 * the bytes of the address length, so the listener is found only when
 * isocket_addrlen stops at the end of the name.
 */
START_TEST(test_unix_abstract)
{
	ISocket s;
	struct sockaddr_un a;
	size_t base = offsetof(struct sockaddr_un, sun_path);
	socklen_t len;
	int n, lfd, c;

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	n = snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1,
	    "isock-check-%ld", (long)getpid());
	ck_assert(n > 0);
	len = (socklen_t)(base + 1 + (size_t)n);
	ck_assert_uint_eq(isocket_addrlen((struct sockaddr *)&a), len);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&a, len), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);

	isocket_init(&s);
	assert_ok(isocket_open(&s, AF_UNIX, SOCK_STREAM, 0), s);
	assert_ok(isocket_connect(&s, (struct sockaddr *)&a), s);
	c = accept(lfd, NULL, NULL);
	ck_assert_int_ge(c, 0);
	close(c);
	close_ok(&s);

	/* The same name with one byte more is another name: refused. */
	assert_ok(isocket_open(&s, AF_UNIX, SOCK_STREAM, 0), s);
	a.sun_path[1 + n] = 'x';
	assert_fails(isocket_connect(&s, (struct sockaddr *)&a), s,
	    ECONNREFUSED);
	close_ok(&s);
	close(lfd);
}
END_TEST

/* The suite of the normal build. */
static Suite *
isocket_suite(void)
{
	Suite *su = suite_create("isocket");
	TCase *tc;

	tc = tcase_create("object");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_open_close);
	tcase_add_test(tc, test_ebadf);
	tcase_add_test(tc, test_enotsock);
	tcase_add_test(tc, test_efault);
	tcase_add_test(tc, test_unknown_family);
	tcase_add_test(tc, test_family_mismatch);
	tcase_add_test(tc, test_addrlen);
	suite_add_tcase(su, tc);

	tc = tcase_create("tcp");
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_tcp_refused);
	tcase_add_test(tc, test_tcp_refused_nonblocking);
	tcase_add_test(tc, test_self_connect_refused);
	tcase_add_test(tc, test_abort_resets);
	tcase_add_test(tc, test_tcp_inprogress_then_wait);
	tcase_add_test(tc, test_tcp_reset_at_once);
	tcase_add_test(tc, test_tcp_finish_polled);
	tcase_add_test(tc, test_tcp_eisconn);
	tcase_add_test(tc, test_tcp_ealready_then_wait_deadline);
	tcase_add_test(tc, test_tcp_kernel_timeout);
	tcase_add_test(tc, test_tcp_eintr_waits_for_outcome);
	tcase_add_test(tc, test_tcp_eintr_until_deadline);
	tcase_add_test(tc, test_tcp_same_four_tuple);
	tcase_add_test(tc, test_tcp_unspec_disconnects);
	suite_add_tcase(su, tc);

	tc = tcase_create("dgram");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_udp_broadcast_needs_so_broadcast);
	tcase_add_test(tc, test_udp_refused_on_recv);
	tcase_add_loop_test(tc, test_dgram_association, 0,
	    (int)(sizeof(assoc_families) / sizeof(assoc_families[0])));
	suite_add_tcase(su, tc);

	tc = tcase_create("unix");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_unix_backlog_full);
	tcase_add_test(tc, test_unix_eintr_restarts);
	tcase_add_test(tc, test_unix_stale_socket_file);
	tcase_add_test(tc, test_unix_eisconn);
	tcase_add_test(tc, test_unix_seqpacket);
	tcase_add_test(tc, test_unix_abstract);
	suite_add_tcase(su, tc);
	return su;
}

/* The normal build needs nothing special. */
static int
suite_gate(void)
{
	return 0;
}

#else /* ISOCK_TEST_PRIV */

/* Run `cmd` through the shell and assert that it exits 0. */
static void
run_ok(const char *cmd)
{
	int status = system(cmd);

	ck_assert_msg(status != -1 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0, "\"%s\": status %#x", cmd, status);
}

/* Write `text` into the file `path` (a sysctl under /proc/sys). */
static void
write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(text);

	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	ck_assert_msg(write(fd, text, len) == (ssize_t)len, "write %s: %s",
	    path, strerror(errno));
	close(fd);
}

/*
 * Checked fixture (in the test's own child): a network namespace of its
 * own with only its loopback up, so nothing touches the host's network.
 */
static void
netns_setup(void)
{
	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare: %s",
	    strerror(errno));
	run_ok("ip link set lo up");
}

/* What a connect made in a child reported: the return value and failure. */
struct outcome {
	int rc;
	int failure;
};

/*
 * In a child made ready by `prepare` (0 on success), open a stream ISocket
 * of the family of `addr` and connect it through the generic connect;
 * return what it got.  The parent keeps its identity and cgroup.
 */
static struct outcome
connect_in_child(int (*prepare)(const void *), const void *arg,
    const struct sockaddr *addr)
{
	struct outcome out = { 0, 0 };
	int p[2];
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		ISocket s;

		close(p[0]);
		isocket_init(&s);
		if (prepare(arg) != 0)
			_exit(1);
		if (isocket_open(&s, addr->sa_family, SOCK_STREAM, 0) < 0)
			_exit(2);
		out.rc = isocket_connect(&s, addr);
		out.failure = s.failure;
		isocket_close(&s);
		_exit(write(p[1], &out, sizeof(out)) == sizeof(out) ? 0 : 3);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &out, sizeof(out)), sizeof(out));
	close(p[0]);
	reap(pid);
	return out;
}

/* Child preparation: become uid and gid 65534, no supplementary groups. */
static int
become_nobody(const void *unused)
{
	(void)unused;
	if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
		return -1;
	return getuid() == 65534 ? 0 : -1;
}

/* Connect to the Unix path `a` as uid 65534. */
static struct outcome
connect_un_as_nobody(const struct sockaddr_un *a)
{
	return connect_in_child(become_nobody, NULL,
	    (const struct sockaddr *)(const void *)a);
}

/* Assert that an outcome is -1 with `err`, or 0 when `err` is 0. */
static void
assert_outcome(struct outcome out, int err, const char *what)
{
	ck_assert_msg(out.rc == (err ? -1 : 0) && out.failure == err,
	    "%s: returned %d, failure %s; expected %s", what, out.rc,
	    errname(out.failure), errname(err));
}

START_TEST(test_unix_no_write_permission)
{
	struct sockaddr_un a = un_addr("nowrite");
	int lfd = un_bound(SOCK_STREAM, &a, 4);

	ck_assert_int_eq(chmod(a.sun_path, 0755), 0);
	assert_outcome(connect_un_as_nobody(&a), EACCES, "socket mode 0755");
	ck_assert_int_eq(chmod(a.sun_path, 0777), 0);	/* the control */
	assert_outcome(connect_un_as_nobody(&a), 0, "socket mode 0777");
	close(lfd);
	ck_assert_int_eq(unlink(a.sun_path), 0);
}
END_TEST

START_TEST(test_unix_no_search_permission)
{
	char dir[96];
	struct sockaddr_un a = un_addr("locked/sock");
	int lfd;

	tmp_path(dir, sizeof(dir), "locked");
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	lfd = un_bound(SOCK_STREAM, &a, 4);
	ck_assert_int_eq(chmod(a.sun_path, 0777), 0);
	ck_assert_int_eq(chmod(dir, 0766), 0);	/* read and write, no search */
	assert_outcome(connect_un_as_nobody(&a), EACCES, "directory 0766");
	ck_assert_int_eq(chmod(dir, 0711), 0);	/* the control */
	assert_outcome(connect_un_as_nobody(&a), 0, "directory 0711");
	close(lfd);
	ck_assert_int_eq(unlink(a.sun_path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/*
 * A route for 198.51.100.0/24 (TEST-NET-2, only inside this namespace) of
 * each type, and none at all.
 */
START_TEST(test_route_types)
{
	static const struct {
		const char *cmd;
		int err;
	} cases[] = {
		{ NULL, ENETUNREACH },
		{ "ip route add unreachable 198.51.100.0/24", EHOSTUNREACH },
		{ "ip route replace prohibit 198.51.100.0/24", EACCES },
		{ "ip route replace blackhole 198.51.100.0/24", EINVAL },
	};
	struct sockaddr_in a = lo4(80);
	ISocket s;
	size_t i;

	a.sin_addr.s_addr = htonl(0xc6336401U);	/* 198.51.100.1 */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].cmd != NULL)
			run_ok(cases[i].cmd);
		open_tcp4(&s, false);
		assert_fails(isocket_connect_in(&s, &a), s, cases[i].err);
		close_ok(&s);
		isocket_init(&s);
		assert_ok(isocket_open(&s, AF_INET, SOCK_DGRAM, 0), s);
		assert_fails(isocket_connect(&s, (struct sockaddr *)&a), s,
		    cases[i].err);
		close_ok(&s);
	}
}
END_TEST

/*
 * A router in a network namespace of its own, joined to the test's by a
 * veth pair (10.98.0.1 and fd98::1 here, 10.98.0.2 and fd98::2 there),
 * with forwarding on and refusing routes: 198.51.100.0/25 unreachable,
 * 198.51.100.128/25 and 2001:db8:1::/64 prohibit; a firewall that rejects
 * what it forwards to 192.0.2.0/24 with "icmpx type admin-prohibited"; and
 * no rate limit on the ICMP it sends (one a second per peer by default).
 * The three prefixes are routed there from here.  The router is a child
 * that dies with the test's child (PR_SET_PDEATHSIG), and its namespace
 * with it; returns its pid.
 */
static pid_t
router_setup(void)
{
	char cmd[2048], c;
	int p[2];
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 ||
		    unshare(CLONE_NEWNET) < 0)
			_exit(1);
		(void)!write(p[1], "r", 1);
		close(p[1]);
		for (;;)
			pause();
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	snprintf(cmd, sizeof(cmd),
	    "ip link add ia type veth peer name ib netns %ld && "
	    "ip addr add 10.98.0.1/24 dev ia && "
	    "ip addr add fd98::1/64 dev ia nodad && ip link set ia up && "
	    "ip route add 198.51.100.0/24 via 10.98.0.2 && "
	    "ip route add 2001:db8:1::/64 via fd98::2 && "
	    "nsenter -t %ld -n sh -c '"
	    "ip link set lo up && ip addr add 10.98.0.2/24 dev ib && "
	    "ip addr add fd98::2/64 dev ib nodad && ip link set ib up && "
	    "sysctl -qw net.ipv4.ip_forward=1 "
	    "net.ipv6.conf.all.forwarding=1 net.ipv4.icmp_ratelimit=0 "
	    "net.ipv6.icmp.ratelimit=0 && "
	    "ip route add unreachable 198.51.100.0/25 && "
	    "ip route add prohibit 198.51.100.128/25 && "
	    "ip -6 route add prohibit 2001:db8:1::/64 && "
	    "ip route add 192.0.2.0/24 dev ib && "
	    "nft add table inet isock_fw && "
	    "nft add chain inet isock_fw relay "
	    "\"{ type filter hook forward priority 0; }\" && "
	    "nft add rule inet isock_fw relay ip daddr 192.0.2.0/24 "
	    "reject with icmpx type admin-prohibited' && "
	    "ip route add 192.0.2.0/24 via 10.98.0.2",
	    (long)pid, (long)pid);
	run_ok(cmd);
	return pid;
}


/*
 * The router refuses: its unreachable route answers with ICMP host
 * unreachable (type 3 code 1), its prohibit routes with ICMP communication
 * administratively prohibited (type 3 code 13) and ICMPv6 administratively
 * prohibited (type 1 code 1), and so does its firewall's reject rule
 * (type 3 code 13); each names the router as the sender, for a
 * blocking and a non-blocking connect and for a datagram's recv.  A
 * prohibit route of this host refuses with the same EACCES as the remote
 * ICMPv6 but queues nothing: that is how the two are told apart.
 */
START_TEST(test_icmp_error_queue)
{
	struct sockaddr_in unreach = lo4(80), prohib = lo4(80), local = lo4(80);
	struct sockaddr_in rejected = lo4(80);
	struct sockaddr_in6 prohib6 = lo6(80);
	struct timespec dl;
	pid_t router = router_setup();
	char buf[8];
	ISocket s;

	unreach.sin_addr.s_addr = htonl(0xc6336401U);	/* 198.51.100.1 */
	prohib.sin_addr.s_addr = htonl(0xc6336481U);	/* 198.51.100.129 */
	local.sin_addr.s_addr = htonl(0xcb007101U);	/* 203.0.113.1 */
	rejected.sin_addr.s_addr = htonl(0xc0000201U);	/* 192.0.2.1 */
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8:1::1",
	    &prohib6.sin6_addr), 1);

	/* A datagram: the connect sends nothing; the ICMP ends the recv. */
	isocket_init(&s);
	assert_ok(isocket_open(&s, AF_INET, SOCK_DGRAM, 0), s);
	assert_ok(isocket_connect_in(&s, &unreach), s);
	ck_assert_int_eq(send(s.fd, "x", 1, 0), 1);
	{
		struct pollfd pfd = { s.fd, POLLIN, 0 };

		ck_assert_int_eq(poll(&pfd, 1, 3000), 1);
	}
	ck_assert_int_eq(recv(s.fd, buf, sizeof(buf), 0), -1);
	s.failure = errno;
	ck_assert_int_eq(s.failure, EHOSTUNREACH);
	ck_assert(isocket_read_icmp(&s));
	assert_icmp(&s, SO_EE_ORIGIN_ICMP, 3, 1, "10.98.0.2");
	close_ok(&s);

	open_tcp4(&s, false);
	assert_fails(isocket_connect_in(&s, &unreach), s, EHOSTUNREACH);
	assert_icmp(&s, SO_EE_ORIGIN_ICMP, 3, 1, "10.98.0.2");
	close_ok(&s);

	open_tcp4(&s, true);
	assert_fails(isocket_connect_in(&s, &prohib), s, EINPROGRESS);
	ck_assert(!isocket_icmp(&s)->present);
	dl = clock_add_ms(clock_now(), 3000);
	assert_fails(isocket_wait(&s, &dl), s, EHOSTUNREACH);
	assert_icmp(&s, SO_EE_ORIGIN_ICMP, 3, 13, "10.98.0.2");
	close_ok(&s);

	open_tcp4(&s, false);
	assert_fails(isocket_connect_in(&s, &rejected), s, EHOSTUNREACH);
	assert_icmp(&s, SO_EE_ORIGIN_ICMP, 3, 13, "10.98.0.2");
	close_ok(&s);

	isocket_init(&s);
	assert_ok(isocket_open(&s, AF_INET6, SOCK_STREAM, 0), s);
	assert_fails(isocket_connect_in6(&s, &prohib6), s, EACCES);
	assert_icmp(&s, SO_EE_ORIGIN_ICMP6, 1, 1, "fd98::2");
	close_ok(&s);

	/* This host's own prohibit route: EACCES, and nothing queued. */
	run_ok("ip route add prohibit 203.0.113.0/24");
	open_tcp4(&s, false);
	assert_fails(isocket_connect_in(&s, &local), s, EACCES);
	ck_assert(!isocket_icmp(&s)->present);
	close_ok(&s);

	kill(router, SIGKILL);
	ck_assert_int_eq(waitpid(router, NULL, 0), router);
}
END_TEST

/*
 * nftables in this namespace: a "reject" rule answers the SYN with an ICMP
 * port unreachable (ECONNREFUSED); a "drop" rule makes the SYN's
 * transmission fail with EPERM, which TCP ignores: the connect goes on
 * retrying until it times out.  A UDP connect sends nothing, so it
 * succeeds and the EPERM comes from the send.
 */
START_TEST(test_nft_drop_and_reject)
{
	struct sockaddr_in dropped = lo4(9), rejected = lo4(10), udp = lo4(11);
	unsigned int user_timeout = 300;
	struct timespec dl;
	ISocket s;

	run_ok("nft add table inet isock && "
	    "nft add chain inet isock out "
	    "'{ type filter hook output priority 0; }' && "
	    "nft add rule inet isock out tcp dport 9 drop && "
	    "nft add rule inet isock out tcp dport 10 reject && "
	    "nft add rule inet isock out udp dport 11 drop");

	open_tcp4(&s, false);
	assert_fails(isocket_connect_in(&s, &rejected), s, ECONNREFUSED);
	close_ok(&s);

	open_tcp4(&s, true);
	ck_assert_int_eq(setsockopt(s.fd, IPPROTO_TCP, TCP_USER_TIMEOUT,
	    &user_timeout, sizeof(user_timeout)), 0);
	assert_fails(isocket_connect_in(&s, &dropped), s, EINPROGRESS);
	dl = clock_add_ms(clock_now(), 2000);
	assert_fails(isocket_wait(&s, &dl), s, ETIMEDOUT);
	ck_assert_int_eq(tcp_state(s.fd), TCP_CLOSE);
	close_ok(&s);

	isocket_init(&s);
	assert_ok(isocket_open(&s, AF_INET, SOCK_DGRAM, 0), s);
	assert_ok(isocket_connect_in(&s, &udp), s);
	ck_assert_int_eq(send(s.fd, "x", 1, 0), -1);
	ck_assert_msg(errno == EPERM, "send: %s", errname(errno));
	close_ok(&s);
}
END_TEST

/*
 * A cgroup v2 directory of its own for this test, below the cgroup this
 * process is in.  The hierarchy is mounted afresh in a private mount
 * namespace, so a host that mounts it read-only (or not at all) is no
 * obstacle and nothing is left mounted.
 */
static void
cgroup_create(char *dir, size_t size)
{
	char root[128], self[512], line[600];
	FILE *f;

	ck_assert_int_eq(unshare(CLONE_NEWNS), 0);
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	tmp_path(root, sizeof(root), "cgroup2");
	ck_assert_int_eq(mkdir(root, 0755), 0);
	ck_assert_msg(mount("cgroup2", root, "cgroup2", 0, NULL) == 0,
	    "mount cgroup2: %s", strerror(errno));
	self[0] = '\0';
	f = fopen("/proc/self/cgroup", "re");
	ck_assert(f != NULL);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "0::", 3) == 0)
			sscanf(line + 3, "%511s", self);
	fclose(f);
	ck_assert_msg(self[0] == '/', "no cgroup v2 path for this process");
	ck_assert((size_t)snprintf(dir, size, "%s%s/isock-check-%ld", root,
	    strcmp(self, "/") == 0 ? "" : self, (long)getpid()) < size);
	ck_assert_msg(mkdir(dir, 0755) == 0, "mkdir %s: %s", dir,
	    strerror(errno));
}

/*
 * Load a cgroup/connect4 program that denies every connect (it returns 0)
 * and attach it to the cgroup directory `dir`.  Returns the program fd.
 */
static int
bpf_attach_deny(const char *dir)
{
	struct bpf_insn prog[2];
	union bpf_attr attr;
	char log[256] = "";
	int pfd, cfd;

	memset(prog, 0, sizeof(prog));
	prog[0].code = BPF_ALU64 | BPF_MOV | BPF_K;	/* r0 = 0: deny */
	prog[0].dst_reg = BPF_REG_0;
	prog[1].code = BPF_JMP | BPF_EXIT;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_SOCK_ADDR;
	attr.expected_attach_type = BPF_CGROUP_INET4_CONNECT;
	attr.insns = (unsigned long)prog;
	attr.insn_cnt = 2;
	attr.license = (unsigned long)"GPL";
	attr.log_buf = (unsigned long)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	pfd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	ck_assert_msg(pfd >= 0, "BPF_PROG_LOAD: %s %s", strerror(errno), log);
	cfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(cfd, 0);
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (unsigned int)cfd;
	attr.attach_bpf_fd = (unsigned int)pfd;
	attr.attach_type = BPF_CGROUP_INET4_CONNECT;
	ck_assert_msg(syscall(SYS_bpf, BPF_PROG_ATTACH, &attr,
	    sizeof(attr)) == 0, "BPF_PROG_ATTACH: %s", strerror(errno));
	close(cfd);
	return pfd;
}

/* Child preparation: move into the cgroup whose cgroup.procs is `arg`. */
static int
enter_cgroup(const void *arg)
{
	int fd = open(arg, O_WRONLY | O_CLOEXEC);
	int rc = fd >= 0 && write(fd, "0", 1) == 1 ? 0 : -1;

	if (fd >= 0)
		close(fd);
	return rc;
}

/* Remove the cgroup `dir` once its last process has gone (bounded). */
static void
cgroup_remove(const char *dir)
{
	int i;

	for (i = 0; i < 50 && rmdir(dir) < 0 && errno == EBUSY; i++)
		sleep_ms(10);
	ck_assert_msg(access(dir, F_OK) < 0, "cgroup %s left behind", dir);
}

/*
 * EPERM from connect() itself: a cgroup connect4 hook (the firewall of
 * socket calls) that denies.  A connect from outside the cgroup, to the
 * same listener, is the control.
 */
START_TEST(test_bpf_connect_hook_eperm)
{
	char dir[700], procs[720];
	struct sockaddr_in a;
	ISocket s;
	int lfd = tcp_listener(4, &a), pfd;
	struct outcome inside;

	cgroup_create(dir, sizeof(dir));
	pfd = bpf_attach_deny(dir);
	ck_assert((size_t)snprintf(procs, sizeof(procs), "%s/cgroup.procs",
	    dir) < sizeof(procs));
	inside = connect_in_child(enter_cgroup, procs,
	    (const struct sockaddr *)&a);
	close(pfd);
	cgroup_remove(dir);
	assert_outcome(inside, EPERM, "connect in the denying cgroup");

	open_tcp4(&s, false);
	assert_ok(isocket_connect_in(&s, &a), s);
	close_ok(&s);
	close(lfd);
}
END_TEST

/*
 * One local port (40000) in this namespace's range, taken: a UDP connect
 * cannot bind automatically (EAGAIN); a TCP connect cannot either, and
 * says EADDRNOTAVAIL.
 */
START_TEST(test_port_range_exhausted)
{
	struct sockaddr_in any = lo4(40000), dst = lo4(53);
	int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ISocket s;

	write_file("/proc/sys/net/ipv4/ip_local_port_range", "40000 40000");
	any.sin_addr.s_addr = htonl(INADDR_ANY);
	ck_assert_int_eq(bind(udp, (struct sockaddr *)&any, sizeof(any)), 0);
	ck_assert_int_eq(bind(tcp, (struct sockaddr *)&any, sizeof(any)), 0);

	isocket_init(&s);
	assert_ok(isocket_open(&s, AF_INET, SOCK_DGRAM, 0), s);
	assert_fails(isocket_connect_in(&s, &dst), s, EAGAIN);
	close_ok(&s);
	open_tcp4(&s, false);
	assert_fails(isocket_connect(&s, (struct sockaddr *)&dst), s,
	    EADDRNOTAVAIL);
	close_ok(&s);

	/* The port freed, the same UDP connect binds to it. */
	close(udp);
	assert_ok(isocket_open(&s, AF_INET, SOCK_DGRAM, 0), s);
	assert_ok(isocket_connect_in(&s, &dst), s);
	close_ok(&s);
	close(tcp);
}
END_TEST

/*
 * The EADDRINUSE of the seed, looked for through TIME_WAIT with
 * tcp_tw_reuse=0: an explicit bind to the port in TIME_WAIT connects (0),
 * and with that port the only one in the range an automatic bind finds
 * none free: EADDRNOTAVAIL.
 */
START_TEST(test_time_wait_not_addrinuse)
{
	struct sockaddr_in a, local = lo4(40001);
	int lfd = tcp_listener(4, &a), c, one = 1;
	ISocket s;

	write_file("/proc/sys/net/ipv4/tcp_tw_reuse", "0");
	write_file("/proc/sys/net/ipv4/ip_local_port_range", "40001 40001");

	/* Connect from 40001, close first: 40001 goes to TIME_WAIT. */
	open_tcp4(&s, false);
	ck_assert_int_eq(setsockopt(s.fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)), 0);
	ck_assert_int_eq(bind(s.fd, (struct sockaddr *)&local, sizeof(local)),
	    0);
	assert_ok(isocket_connect_in(&s, &a), s);
	c = accept(lfd, NULL, NULL);
	ck_assert_int_ge(c, 0);
	close_ok(&s);
	sleep_ms(50);
	close(c);
	sleep_ms(50);

	open_tcp4(&s, false);
	assert_fails(isocket_connect_in(&s, &a), s, EADDRNOTAVAIL);
	close_ok(&s);

	open_tcp4(&s, false);
	ck_assert_int_eq(setsockopt(s.fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)), 0);
	ck_assert_int_eq(bind(s.fd, (struct sockaddr *)&local, sizeof(local)),
	    0);
	assert_ok(isocket_connect_in(&s, &a), s);
	close_ok(&s);
	close(lfd);
}
END_TEST

/* The suite of the priv build. */
static Suite *
isocket_suite(void)
{
	Suite *su = suite_create("isocket_priv");
	TCase *tc = tcase_create("netns");

	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_checked_fixture(tc, netns_setup, NULL);
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_unix_no_write_permission);
	tcase_add_test(tc, test_unix_no_search_permission);
	tcase_add_test(tc, test_route_types);
	tcase_add_test(tc, test_icmp_error_queue);
	tcase_add_test(tc, test_nft_drop_and_reject);
	tcase_add_test(tc, test_bpf_connect_hook_eperm);
	tcase_add_test(tc, test_port_range_exhausted);
	tcase_add_test(tc, test_time_wait_not_addrinuse);
	suite_add_tcase(su, tc);
	return su;
}

/* True when the shell finds `tool` on PATH. */
static bool
have_tool(const char *tool)
{
	char cmd[128];
	int status;

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	status = system(cmd);
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * 0 when the priv cases can run here: root, `ip` and `nft`, and a child
 * that can make a network namespace and bring its loopback up.  Otherwise
 * print why and return the skip status.
 */
static int
suite_gate(void)
{
	int status;
	pid_t pid;

	if (geteuid() != 0) {
		printf("check_isocket_priv: SKIP: needs root\n");
		return CHECK_EXIT_SKIP;
	}
	if (!have_tool("ip") || !have_tool("nft")) {
		printf("check_isocket_priv: SKIP: needs ip and nft on PATH\n");
		return CHECK_EXIT_SKIP;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return CHECK_EXIT_ERROR;
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		status = system("ip link set lo up && nft list ruleset "
		    ">/dev/null");
		_exit(status == 0 ? 0 : 2);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		printf("check_isocket_priv: SKIP: cannot make a network "
		    "namespace with lo up and nftables (status %#x)\n", status);
		return CHECK_EXIT_SKIP;
	}
	return 0;
}

#endif /* ISOCK_TEST_PRIV */

int
main(void)
{
	SRunner *sr;
	int failed, gate = suite_gate();

	if (gate != 0)
		return gate;
	sr = srunner_create(isocket_suite());
#ifdef ISOCK_TEST_PRIV
	/* Each case must run in a child: it changes its own namespace. */
	srunner_set_fork_status(sr, CK_FORK);
#endif
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
