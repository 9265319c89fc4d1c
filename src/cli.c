/* SPDX-License-Identifier: ISC */
/*
 * cli.c: the command line: options as data, parsing, validation, help.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <regex.h>
#include <ifaddrs.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "exitcode.h"
#include "text.h"

/* Long-only options get codes above the characters. */
enum {
	OPT_FAMILY = 256, OPT_ANY, OPT_TARGETS, OPT_WAIT, OPT_EXPLAIN,
	OPT_LIST_ERRORS, OPT_PROBE, OPT_TRACE, OPT_INVERT, OPT_EXIT_CODES,
	OPT_COLOR, OPT_TLS, OPT_CACERT, OPT_HTTP_STATUS, OPT_HTTP_METHOD,
	OPT_HTTP_HEADER, OPT_HTTP_BODY, OPT_STRICT, OPT_OPEN, OPT_FAILED,
	OPT_CERT, OPT_KEY
};

const struct cli_option cli_options[] = {
	{ "ipv4", '4', NULL, "use IPv4 only", CLI_GROUP_TARGETS },
	{ "ipv6", '6', NULL, "use IPv6 only", CLI_GROUP_TARGETS },
	{ "family", OPT_FAMILY, "FAMILY",
	  "address family: inet, inet6, unix or unspec (the default)",
	  CLI_GROUP_TARGETS },
	{ "unix", 'U', NULL, "the operand is a Unix socket path (no PORT)",
	  CLI_GROUP_TARGETS },
	{ "udp", 'u', NULL, "datagram socket: the same as --type dgram",
	  CLI_GROUP_TARGETS },
	{ "type", 'T', "TYPE", "socket type: stream (the default), dgram or "
	  "seqpacket", CLI_GROUP_TARGETS },
	{ "timeout", 'w', "DURATION", "deadline of each attempt, resolution "
	  "included (default 5; 5 is seconds, or 500ms, 30s, 2m, 1h); the whole "
	  "wait is --wait", CLI_GROUP_CONNECT },
	{ "source", 's', "ADDR", "connect from this local IP address",
	  CLI_GROUP_CONNECT },
	{ "source-port", 'p', "PORT", "connect from this local port",
	  CLI_GROUP_CONNECT },
	{ "probe", OPT_PROBE, NULL, "datagram (-u or udp://): send one datagram "
	  "(a DNS query "
	  "on 53, NTP on 123, else empty) and wait for a reply or an ICMP "
	  "error", CLI_GROUP_CONNECT },
	{ "broadcast", 'b', NULL, "allow a broadcast address (SO_BROADCAST, "
	  "datagram only)", CLI_GROUP_CONNECT },
	{ "targets", OPT_TARGETS, "FILE", "read targets from FILE, one a line "
	  "(- for standard input); may be repeated", CLI_GROUP_TARGETS },
	{ "parallel", 'P', "N", "at most N attempts at once (default 100, "
	  "bounded by the descriptor limit)", CLI_GROUP_CONNECT },
	{ "any", OPT_ANY, NULL, "exit 0 when at least one target connects",
	  CLI_GROUP_WAIT },
	{ "wait", OPT_WAIT, "DURATION", "retry with backoff until connected or "
	  "DURATION has passed (0: no limit): the --timeout of wait-for-it, "
	  "wait4x and dockerize",
	  CLI_GROUP_WAIT },
	{ "invert", OPT_INVERT, NULL, "success is that nothing accepts: exit 0 "
	  "when the connect is refused, times out or is unreachable, 11 when it "
	  "succeeds (a TLS or HTTP check that got no answer too), any other "
	  "failure its own status; with --wait, wait until every target stops "
	  "accepting; UDP needs --probe",
	  CLI_GROUP_WAIT },
	{ "exit-codes", OPT_EXIT_CODES, "MODE", "full (the table below, the "
	  "default) or binary: 0 success, 1 any failure, usage errors too "
	  "(Docker HEALTHCHECK, Kubernetes probes)",
	  CLI_GROUP_WAIT },
	{ "count", 'c', "N", "probe each target N times (0: until a signal), "
	  "then show statistics",
	  CLI_GROUP_WAIT },
	{ "interval", 'i', "DURATION", "time between probes of --count "
	  "(default 1); with --wait, the longest pause between tries",
	  CLI_GROUP_WAIT },
	{ "trace", OPT_TRACE, NULL, "after a failed TCP connect, find where the "
	  "SYN dies: the local nftables rule (root) and the hops",
	  CLI_GROUP_CONNECT },
	{ "open", OPT_OPEN, NULL, "show only the targets that connected (the "
	  "exit status is unchanged)",
	  CLI_GROUP_OUTPUT },
	{ "failed", OPT_FAILED, NULL, "show only the targets that did not "
	  "connect (the exit status is unchanged)",
	  CLI_GROUP_OUTPUT },
	{ "tls", OPT_TLS, NULL, "after the connect, a TLS handshake (SNI and the "
	  "certificate's name from the host given): exit 12 when it fails",
	  CLI_GROUP_CONNECT },
	{ "cacert", OPT_CACERT, "FILE", "trust the CA certificates of FILE (PEM) "
	  "for https:// and --tls, in place of the system's; a --cacert, "
	  "--cert or --key FILE that cannot be read or holds no PEM of its "
	  "kind is a usage error",
	  CLI_GROUP_CONNECT },
	{ "cert", OPT_CERT, "FILE", "send the client certificate of FILE (PEM) "
	  "to a server that asks for one (https:// and --tls)",
	  CLI_GROUP_CONNECT },
	{ "key", OPT_KEY, "FILE", "the private key of --cert (PEM), when it "
	  "is not in the --cert file",
	  CLI_GROUP_CONNECT },
	{ "http-status", OPT_HTTP_STATUS, "LIST", "the HTTP statuses that mean "
	  "ready, such as 200,204,300-399 (default: any 2xx or 3xx); other "
	  "answers exit 13",
	  CLI_GROUP_CONNECT },
	{ "http-method", OPT_HTTP_METHOD, "METHOD", "GET (the default) or HEAD",
	  CLI_GROUP_CONNECT },
	{ "http-header", OPT_HTTP_HEADER, "HEADER", "send this request header, "
	  "'NAME: VALUE'; may be repeated",
	  CLI_GROUP_CONNECT },
	{ "http-body", OPT_HTTP_BODY, "REGEX", "a line of the body (its first "
	  "64 KiB), without its LF or CR LF, must match this POSIX extended "
	  "regular expression",
	  CLI_GROUP_CONNECT },
	{ "json", 'j', NULL, "write JSON Lines on standard output (on standard "
	  "error with -- COMMAND)",
	  CLI_GROUP_OUTPUT },
	{ "timestamps", 'D', NULL, "start each text line with its time (RFC "
	  "3339, UTC, milliseconds)",
	  CLI_GROUP_OUTPUT },
	{ "zero-io", 'z', NULL, "nc's -z: accepted; a connect never sends data "
	  "(but --probe's datagram)",
	  CLI_GROUP_CONNECT },
	{ "strict", OPT_STRICT, NULL, "wait-for-it's --strict: accepted; "
	  "-- COMMAND runs only after a success, always",
	  CLI_GROUP_WAIT },
	{ "explain", OPT_EXPLAIN, "ERROR", "explain an errno or EAI_* name or "
	  "number, and exit", CLI_GROUP_INFO },
	{ "list-errors", OPT_LIST_ERRORS, NULL, "list every error the tool "
	  "explains, with its exit status, and exit", CLI_GROUP_INFO },
	{ "quiet", 'q', NULL, "print no text (JSON Lines stay on): the exit status tells",
	  CLI_GROUP_OUTPUT },
	{ "verbose", 'v', NULL, "show each step with its time",
	  CLI_GROUP_OUTPUT },
	{ "color", OPT_COLOR, "WHEN", "colour the outcomes: auto (the default: "
	  "on a terminal, unless NO_COLOR is set), always or never",
	  CLI_GROUP_OUTPUT },
	{ "help", 'h', NULL, "show this help and exit", CLI_GROUP_INFO },
	{ "version", 'V', NULL, "show the version and exit", CLI_GROUP_INFO },
	{ NULL, 0, NULL, NULL, CLI_GROUP_NONE }
};

#define NOPTIONS (sizeof(cli_options) / sizeof(cli_options[0]) - 1)

/* --color's WHEN: auto, always or never. */
static int
parse_color(const char *text, enum cli_color *color, char **cause)
{
	if (strcmp(text, "auto") == 0)
		*color = CLI_COLOR_AUTO;
	else if (strcmp(text, "always") == 0)
		*color = CLI_COLOR_ALWAYS;
	else if (strcmp(text, "never") == 0)
		*color = CLI_COLOR_NEVER;
	else {
		*cause = text_quote("unknown --color '%s': expected auto, "
		    "always or never", text);
		return -1;
	}
	return 0;
}

/* The milliseconds of one `unit` of a duration ("" is seconds), or 0. */
static long long
duration_unit(const char *unit)
{
	if (strcmp(unit, "ms") == 0)
		return 1;
	if (unit[0] == '\0' || strcmp(unit, "s") == 0)
		return 1000;
	if (strcmp(unit, "m") == 0)
		return 60 * 1000;
	if (strcmp(unit, "h") == 0)
		return 3600 * 1000;
	return 0;
}

/*
 * A duration to milliseconds: decimal digits with an optional fraction and
 * an optional unit (ms, s, m or h; none is seconds), at most a day, to the
 * millisecond (below it is dropped); 0 allowed when `zero_ok`.
 */
static int
parse_seconds(const char *text, long *ms, bool zero_ok, char **cause)
{
	const char *p = text;
	long long whole = 0, frac = 0, scale = 100000, unit, v;
	bool digits = false;

	for (; *p >= '0' && *p <= '9'; p++) {
		digits = true;
		if (whole <= CLI_MAX_TIMEOUT_MS)
			whole = whole * 10 + (*p - '0');
	}
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++) {
			digits = true;
			frac += scale * (*p - '0');
			scale /= 10;
		}
	if (!digits || (unit = duration_unit(p)) == 0) {
		*cause = text_quote("invalid duration '%s': expected a number of "
		    "seconds such as 5 or 0.25, or one with a unit: ms, s, m or h "
		    "(500ms, 30s, 2m)", text);
		return -1;
	}
	/* `frac` is in millionths of the unit. */
	v = whole > CLI_MAX_TIMEOUT_MS ? CLI_MAX_TIMEOUT_MS + 1 :
	    whole * unit + frac * unit / 1000000;
	if (v > CLI_MAX_TIMEOUT_MS) {
		*cause = text_quote("the duration '%s' is too long: at most a day "
		    "(86400, 1440m or 24h)", text);
		return -1;
	}
	if (!zero_ok && v < 1) {
		*cause = text_quote("the duration '%s' is too short: at least "
		    "1ms (0.001)", text);
		return -1;
	}
	*ms = (long)v;
	return 0;
}

int
cli_parse_seconds(const char *text, long *ms, char **cause)
{
	return parse_seconds(text, ms, false, cause);
}

int
cli_parse_seconds0(const char *text, long *ms, char **cause)
{
	return parse_seconds(text, ms, true, cause);
}

int
cli_parse_count(const char *text, unsigned long min, unsigned long max,
    const char *what, unsigned long *v, char **cause)
{
	const char *p;
	unsigned long n = 0;

	for (p = text; *p >= '0' && *p <= '9'; p++)
		if (n <= max)
			n = n * 10 + (unsigned long)(*p - '0');
	if (p == text || *p != '\0' || n < min || n > max) {
		char *q = text_excerpt_dup(text);

		*cause = text_printf("invalid %s '%s': expected a whole number "
		    "from %lu to %lu", what, q != NULL ? q : "?", min, max);
		free(q);
		return -1;
	}
	*v = n;
	return 0;
}

static int
parse_family(const char *text, int *family, char **cause)
{
	if (strcmp(text, "inet") == 0 || strcmp(text, "ipv4") == 0)
		*family = AF_INET;
	else if (strcmp(text, "inet6") == 0 || strcmp(text, "ipv6") == 0)
		*family = AF_INET6;
	else if (strcmp(text, "unix") == 0 || strcmp(text, "local") == 0)
		*family = AF_UNIX;
	else if (strcmp(text, "unspec") == 0)
		*family = AF_UNSPEC;
	else {
		*cause = text_quote("unknown family '%s': expected inet, inet6, "
		    "unix or unspec", text);
		return -1;
	}
	return 0;
}

static int
parse_type(const char *text, int *type, char **cause)
{
	if (strcmp(text, "stream") == 0)
		*type = SOCK_STREAM;
	else if (strcmp(text, "dgram") == 0)
		*type = SOCK_DGRAM;
	else if (strcmp(text, "seqpacket") == 0)
		*type = SOCK_SEQPACKET;
	else {
		*cause = text_quote("unknown socket type '%s': expected stream, "
		    "dgram or seqpacket", text);
		return -1;
	}
	return 0;
}

/* -s: an IP literal, which fixes the family when none was asked for. */
static int
parse_source(const char *text, struct options *o, char **cause)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&o->source;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&o->source;

	memset(&o->source, 0, sizeof(o->source));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		o->source_len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		o->source_len = sizeof(*sin6);
	} else {
		*cause = text_quote("invalid source address '%s': expected an IPv4 "
		    "or IPv6 address of this host", text);
		return -1;
	}
	o->has_source = true;
	return 0;
}

/*
 * Add the targets of the --targets file `name` ("-": standard input).  An
 * open or a read ended by a signal is retried unless `*stop` is set.
 */
static int
read_targets(struct options *o, const char *name,
    const struct target_want *want, const volatile sig_atomic_t *stop,
    char **cause)
{
	FILE *f = stdin;
	int rc, err;

	while (strcmp(name, "-") != 0) {
		if (stop != NULL && *stop != 0)
			goto interrupted;
		if ((f = fopen(name, "re")) != NULL)
			break;
		if ((err = errno) != EINTR) {
			char *q = text_excerpt_dup(name);

			*cause = q == NULL ? NULL : text_printf("cannot open "
			    "targets file '%s': %s", q, strerror(err));
			free(q);
			return *cause != NULL ? -1 : CLI_ERR_NOMEM;
		}
	}
	rc = target_list_read(&o->targets, f, name, want, stop, cause);
	if (f != stdin)
		fclose(f);
	if (rc != CLI_ERR_SIGNAL)
		return rc;
interrupted:
	*cause = text_quote("reading the targets file '%s'", name);
	return CLI_ERR_SIGNAL;
}

/* True when `code` is the code of an option of the table. */
static bool
known_code(int code)
{
	const struct cli_option *co;

	for (co = cli_options; co->long_name != NULL; co++)
		if (co->short_name == code)
			return true;
	return false;
}

/* At most this much of a --cacert, --cert or --key file is read for its
   PEM block (a system CA bundle is some 200 KiB). */
#define CLI_PEM_SCAN (16L * 1024 * 1024)

/*
 * The usage error of the --cacert, --cert or --key file `path` (option
 * `opt`) when it cannot be read, is a directory, or holds no PEM line
 * ending in `label` ("CERTIFICATE-----", "PRIVATE KEY-----") in its first
 * CLI_PEM_SCAN bytes (then `what` names it, and `hint`, "" or more,
 * follows); 0 when it can be used.  A pipe (--cacert <(...)) is not read,
 * so that libcurl still finds its content.  Read here, a file of
 * this host is never blamed on the server's handshake after a connect.
 */
static int
pem_check(const char *opt, const char *path, const char *label,
    const char *what, const char *hint, char **cause)
{
	char buf[16384], *q;
	size_t len = strlen(label), keep = 0, n;
	long total = 0;
	struct stat st;
	ssize_t got = 0;
	int fd, err = 0;
	bool found = false, piped;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) != 0)
		err = errno;
	else if (S_ISDIR(st.st_mode))
		err = EISDIR;
	piped = err == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
	while (err == 0 && !piped && !found &&
	    total < CLI_PEM_SCAN) {
		got = read(fd, buf + keep, sizeof(buf) - keep);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			err = got < 0 ? errno : 0;
			break;
		}
		total += got;
		n = keep + (size_t)got;
		found = memmem(buf, n, label, len) != NULL;
		/* A label cut between two reads is found in the next. */
		keep = n < len - 1 ? n : len - 1;
		memmove(buf, buf + n - keep, keep);
	}
	if (fd >= 0)
		close(fd);
	if (err == 0 && (found || piped))
		return 0;
	if ((q = text_excerpt_dup(path)) == NULL)
		return CLI_ERR_NOMEM;
	*cause = err == EISDIR ? text_printf("the %s file '%s' is a "
	    "directory: expected a file (PEM)", opt, q) : err != 0 ?
	    text_printf("cannot read the %s file '%s': %s", opt, q,
	    strerror(err)) : text_printf("the %s file '%s' holds no %s "
	    "(PEM)%s", opt, q, what, hint);
	free(q);
	return *cause != NULL ? -1 : CLI_ERR_NOMEM;
}

/*
 * --tls on every TCP target; a check this build cannot make, or an option
 * of one no target asks for, is a usage error.
 */
static int
validate_ready(struct options *o, char **cause)
{
	bool http = false, tls = false;
	const struct target *t;
	size_t i;
	int rc;

	for (i = 0; i < o->targets.n; i++) {
		t = &o->targets.v[i];
		if (o->tls && t->family != AF_UNIX && t->type == SOCK_STREAM)
			o->targets.v[i].ready |= TARGET_TLS;
		http = http || (t->ready & TARGET_HTTP) != 0;
		tls = tls || (t->ready & TARGET_TLS) != 0;
		if (t->ready != 0 && !ready_built()) {
			*cause = text_quote("'%s' needs TLS and HTTP support, "
			    "which this build of isock-connect lacks "
			    "(configured without libcurl)", o->tls ? "--tls" :
			    t->spec);
			return -1;
		}
	}
	if (o->tls && !tls) {
		*cause = text_printf("--tls applies to TCP targets, and there "
		    "is none");
		return -1;
	}
	if (o->http_opt != NULL && !http) {
		*cause = text_printf("%s applies to http:// and https:// "
		    "targets, and there is none", o->http_opt);
		return -1;
	}
	if (o->ready.key != NULL && o->ready.cert == NULL) {
		*cause = text_printf("--key needs --cert: the key is that of "
		    "a client certificate");
		return -1;
	}
	if ((o->ready.cacert != NULL || o->ready.cert != NULL) && !tls) {
		*cause = text_printf("%s applies to https:// targets and --tls, "
		    "and there is none", o->ready.cacert != NULL ? "--cacert" :
		    "--cert");
		return -1;
	}
	if (o->ready.cacert != NULL && (rc = pem_check("--cacert",
	    o->ready.cacert, "CERTIFICATE-----", "certificate", "",
	    cause)) != 0)
		return rc;
	if (o->ready.cert != NULL && ((rc = pem_check("--cert", o->ready.cert,
	    "CERTIFICATE-----", "certificate", "", cause)) != 0 ||
	    (o->ready.key == NULL && (rc = pem_check("--cert", o->ready.cert,
	    "PRIVATE KEY-----", "private key", ": give it with --key FILE",
	    cause)) != 0)))
		return rc;
	if (o->ready.key != NULL && (rc = pem_check("--key", o->ready.key,
	    "PRIVATE KEY-----", "private key", "", cause)) != 0)
		return rc;
	return 0;
}

/* True when `list` ("a%eth0, a%eth1") names the interface `name`. */
static bool
if_seen(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (list = strchr(list, '%'); list != NULL;
	    list = strchr(list + 1, '%'))
		if (strncmp(list + 1, name, n) == 0 &&
		    (list[n + 1] == ',' || list[n + 1] == '\0'))
			return true;
	return false;
}

/*
 * The usage error of a target that is an IPv6 literal whose zone names no
 * interface here, or a link-local one without a zone (which interface is
 * meant cannot be guessed), naming the interfaces that have a link-local
 * address; NULL when `t` is neither.
 */
static char *
zone_usage(const struct target *t)
{
	struct ifaddrs *ifa = NULL, *p;
	struct in6_addr a6;
	char list[256] = "", addr[INET6_ADDRSTRLEN], *q, *r;
	const char *pct;
	size_t len;

	if (!t->literal || t->family != AF_INET6)
		return NULL;
	pct = strchr(t->host, '%');
	len = pct != NULL ? (size_t)(pct - t->host) : strlen(t->host);
	if (len >= sizeof(addr))
		return NULL;
	memcpy(addr, t->host, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET6, addr, &a6) != 1 || (pct != NULL ?
	    target_zone_index(pct + 1) != 0 : !IN6_IS_ADDR_LINKLOCAL(&a6)))
		return NULL;
	if (IN6_IS_ADDR_LINKLOCAL(&a6) && getifaddrs(&ifa) == 0)
		for (p = ifa; p != NULL; p = p->ifa_next) {
			const struct sockaddr_in6 *s6 =
			    (const struct sockaddr_in6 *)p->ifa_addr;

			if (s6 == NULL || s6->sin6_family != AF_INET6 ||
			    !IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr) ||
			    if_seen(list, p->ifa_name) || strlen(list) +
			    strlen(addr) + strlen(p->ifa_name) + 4 >=
			    sizeof(list))
				continue;
			len = strlen(list);
			if (snprintf(list + len, sizeof(list) - len, "%s%s%%%s",
			    len > 0 ? ", " : "", addr, p->ifa_name) < 0)
				list[len] = '\0';
		}
	if (ifa != NULL)
		freeifaddrs(ifa);
	q = text_excerpt_dup(t->host);
	if (q == NULL)
		return NULL;
	if (pct != NULL)
		r = list[0] != '\0' ? text_printf("'%s': its zone names no "
		    "interface of this host; those with a link-local address: "
		    "%s", q, list) : text_printf("'%s': its zone names no "
		    "interface of this host (`ip link` lists them)", q);
	else
		r = list[0] != '\0' ? text_printf("'%s' is a link-local "
		    "address without a zone: add the interface, as in %s", q,
		    list) : text_printf("'%s' is a link-local address without "
		    "a zone, and no interface here has a link-local address",
		    q);
	free(q);
	return r;
}

/* Checks that need every option: run once all are read. */
static int
validate(struct options *o, int noperands, char **operands,
    const char **files, size_t nfiles, const volatile sig_atomic_t *stop,
    char **cause)
{
	int sfamily = o->has_source ? o->source.ss_family : AF_UNSPEC;
	struct target_want want;
	char addr[INET6_ADDRSTRLEN];
	size_t i, j;
	int rc;

	if (o->family == AF_UNIX && (o->has_source || o->source_port != 0)) {
		*cause = text_printf("--source and --source-port apply to IP "
		    "sockets, not to a Unix path");
		return -1;
	}
	if (o->broadcast && o->type != SOCK_DGRAM) {
		*cause = text_printf("--broadcast applies to datagram sockets "
		    "only: add -u");
		return -1;
	}
	/* Without -u or -T, a udp:// target says the type itself. */
	if (o->probe && o->type != SOCK_DGRAM && o->type_opt != NULL) {
		*cause = text_printf("--probe applies to datagram sockets only: "
		    "add -u (a stream connect is a probe already)");
		return -1;
	}
	if (sfamily != AF_UNSPEC && o->family != AF_UNSPEC &&
	    sfamily != o->family) {
		*cause = text_printf("the --source address is %s but %s was "
		    "asked for", sfamily == AF_INET ? "IPv4" : "IPv6",
		    o->family == AF_INET ? "IPv4" : "IPv6");
		return -1;
	}
	if (o->invert && o->count > 0) {
		*cause = text_printf("--invert and --count do not go together: "
		    "--invert asks whether nothing accepts, once or with --wait");
		return -1;
	}
	if (o->wait && o->count > 0) {
		*cause = text_printf("--wait and --count do not go together: "
		    "--wait retries until connected, --count probes N times");
		return -1;
	}
	if (o->source_port != 0) {
		if (o->source.ss_family == AF_INET)
			((struct sockaddr_in *)&o->source)->sin_port =
			    htons(o->source_port);
		else if (o->source.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&o->source)->sin6_port =
			    htons(o->source_port);
	}
	if (o->action != CLI_RUN) {
		if (o->command != NULL) {
			*cause = text_printf("-- COMMAND runs after a run of "
			    "targets, not after --explain or --list-errors");
			return -1;
		}
		if (noperands > 0) {
			*cause = text_quote("unexpected operand '%s'", operands[0]);
			return -1;
		}
		return 0;
	}
	if (noperands == 0 && nfiles == 0) {
		*cause = text_printf(o->family == AF_UNIX ?
		    "missing operand: expected the PATH of a Unix socket" :
		    "missing operands: expected HOST PORT");
		return -1;
	}
	for (i = 0; i < nfiles; i++)
		for (j = 0; j < i; j++)
			if (strcmp(files[i], "-") == 0 &&
			    strcmp(files[j], "-") == 0) {
				*cause = text_printf("--targets - (standard "
				    "input) given twice: it is read once");
				return -1;
			}
	/* The one family of operands and lines, with the option to name. */
	if (o->family == AF_UNSPEC && sfamily != AF_UNSPEC) {
		o->family = sfamily;
		snprintf(o->family_opt, sizeof(o->family_opt), "-s %s",
		    inet_ntop(sfamily, sfamily == AF_INET ?
		    (void *)&((struct sockaddr_in *)&o->source)->sin_addr :
		    (void *)&((struct sockaddr_in6 *)&o->source)->sin6_addr,
		    addr, sizeof(addr)) != NULL ? addr : "");
	}
	want.family = o->family;
	want.family_opt = o->family_opt[0] != '\0' ? o->family_opt : NULL;
	want.type = o->type;
	want.type_opt = o->type_opt;
	rc = target_list_parse(&o->targets, operands, (size_t)noperands,
	    &want, cause);
	for (i = 0; rc == 0 && i < nfiles; i++)
		rc = read_targets(o, files[i], &want, stop, cause);
	if (rc < 0)
		return rc;
	if (o->targets.n == 0) {
		*cause = text_printf("no targets: the targets %s none",
		    nfiles > 1 ? "files hold" : "file holds");
		return -1;
	}
	for (i = 0; i < o->targets.n; i++) {
		const struct target *t = &o->targets.v[i];

		if (o->probe && t->type != SOCK_DGRAM) {
			*cause = text_quote("--probe applies to datagram "
			    "sockets only, and '%s' is not one: add -u, or "
			    "write udp://HOST:PORT (a stream connect is a probe "
			    "already)", t->spec != NULL ? t->spec : t->host);
			return -1;
		}
		/* An association sends nothing: neither "accepting" nor
		   its contrary can be told without a datagram. */
		if (o->invert && !o->probe && t->type == SOCK_DGRAM &&
		    t->family != AF_UNIX) {
			*cause = text_quote("--invert on a UDP target needs "
			    "--probe: a datagram association sends nothing, so "
			    "whether anything accepts on '%s' is not known",
			    t->spec != NULL ? t->spec : t->host);
			return -1;
		}
		if ((*cause = zone_usage(t)) != NULL)
			return -1;
	}
	return validate_ready(o, cause);
}

/* --exit-codes MODE: full or binary. */
static int
parse_codes(const char *text, enum result_codes *codes, char **cause)
{
	if (strcmp(text, "full") == 0)
		*codes = RESULT_CODES_FULL;
	else if (strcmp(text, "binary") == 0)
		*codes = RESULT_CODES_BINARY;
	else {
		*cause = text_quote("unknown exit-code mode '%s': expected full "
		    "or binary", text);
		return -1;
	}
	return 0;
}

/* --http-status LIST: statuses and ranges from 100 to 599, ",". */
static int
parse_http_status(const char *text, struct ready_opts *r, char **cause)
{
	const char *p = text;
	unsigned long lo, hi;
	char *end;

	r->nstatus = 0;
	for (;;) {
		if (*p < '0' || *p > '9')
			goto bad;
		lo = hi = strtoul(p, &end, 10);
		if (*end == '-') {
			p = end + 1;
			if (*p < '0' || *p > '9')
				goto bad;
			hi = strtoul(p, &end, 10);
		}
		if (lo < 100 || hi > 599 || lo > hi ||
		    r->nstatus == READY_STATUS_MAX)
			goto bad;
		r->status_lo[r->nstatus] = (uint16_t)lo;
		r->status_hi[r->nstatus++] = (uint16_t)hi;
		if (*end == '\0')
			return 0;
		if (*end != ',')
			goto bad;
		p = end + 1;
	}
bad:
	*cause = text_quote("invalid --http-status '%s': expected statuses "
	    "from 100 to 599 and ranges, such as 200,204,300-399 (at most "
	    "16)", text);
	return -1;
}

/* --http-header 'NAME: VALUE': a token, a colon, no line break. */
static int
parse_http_header(const char *text, struct ready_opts *r, char **cause)
{
	size_t n = strcspn(text, ":");

	if (n == 0 || text[n] != ':' || strpbrk(text, "\r\n") != NULL ||
	    strcspn(text, " \t") < n) {
		*cause = text_quote("invalid --http-header '%s': expected "
		    "'NAME: VALUE' on one line", text);
		return -1;
	}
	if (r->nheaders == READY_HEADERS_MAX) {
		*cause = text_printf("more than %d --http-header options",
		    READY_HEADERS_MAX);
		return -1;
	}
	r->headers[r->nheaders++] = text;
	return 0;
}

/* Groups nested deeper than this are refused in --http-body. */
#define CLI_REGEX_DEPTH_MAX 8

/*
 * The offset in the extended regular expression `text` of a duplication
 * symbol (*, +, ? or an interval) that follows another, or of a group
 * opened deeper than CLI_REGEX_DEPTH_MAX, or -1.  POSIX leaves such a
 * repetition of a repetition undefined, and glibc's regcomp spends memory
 * exponential in either ("q++++...": gigabytes for 150 bytes; 30 nested
 * repeated groups: 2 GB).
 */
static long
regex_stacked_repetition(const char *text)
{
	const char *p, *first = NULL;	/* a bracket's first member */
	bool dup = false;
	int depth = 0;

	for (p = text; *p != '\0'; p++) {
		if (first != NULL) {	/* a bracket expression: literal */
			if (*p == ']' && p > first)
				first = NULL;	/* a ']' first is a member */
			continue;
		}
		if (*p == '\\') {
			dup = false;
			if (p[1] != '\0')
				p++;
			continue;
		}
		if (*p == '*' || *p == '+' || *p == '?' || *p == '{') {
			if (dup)
				return (long)(p - text);
			dup = true;
			if (*p == '{')	/* to the end of the interval */
				while (p[1] != '\0' && *p != '}')
					p++;
			continue;
		}
		dup = false;
		if (*p == '[')
			first = p[1] == '^' ? p + 2 : p + 1;
		else if (*p == '(' && ++depth > CLI_REGEX_DEPTH_MAX)
			return (long)(p - text);
		else if (*p == ')' && depth > 0)
			depth--;
	}
	return -1;
}

/*
 * --http-body REGEX: it must compile, without stacked repetitions; it is
 * kept compiled in `r` for every check (cli_free frees it).
 */
static int
parse_http_body(const char *text, struct ready_opts *r, char **cause)
{
	char msg[128];
	regex_t *re;
	long at;
	int rc;

	if ((at = regex_stacked_repetition(text)) >= 0) {
		*cause = text_quote("invalid --http-body '%s': ", text);
		if (*cause != NULL) {
			char *c = text_printf("%sa repetition of a repetition, "
			    "or groups nested more than %d deep, at byte %ld "
			    "(a repetition of a repetition is undefined in "
			    "POSIX; group it: (a+)+)", *cause,
			    CLI_REGEX_DEPTH_MAX, at + 1);

			free(*cause);
			*cause = c;
		}
		return -1;
	}
	if ((re = malloc(sizeof(*re))) == NULL)
		return -1;
	if ((rc = regcomp(re, text, REG_EXTENDED | REG_NOSUB |
	    REG_NEWLINE)) != 0) {
		regerror(rc, re, msg, sizeof(msg));
		free(re);
		*cause = text_quote("invalid --http-body '%s': ", text);
		if (*cause != NULL) {
			char *c = text_printf("%s%s (a POSIX extended regular "
			    "expression)", *cause, msg);

			free(*cause);
			*cause = c;
		}
		return -1;
	}
	if (r->body_re != NULL) {	/* the last --http-body counts */
		regfree(r->body_re);
		free(r->body_re);
	}
	r->body_re = re;
	r->body = text;
	return 0;
}

/*
 * The mode of the last "--exit-codes MODE" (or "=MODE") of argv's `argc`
 * first words, read before any other option: a usage error anywhere gets
 * the exit status of the mode asked for.  A bad MODE counts as none.
 */
static enum result_codes
scan_codes(int argc, char **argv)
{
	enum result_codes codes = RESULT_CODES_FULL;
	char *ignored = NULL;
	const char *v;
	int i;

	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--exit-codes=", 13) == 0)
			v = argv[i] + 13;
		else if (strcmp(argv[i], "--exit-codes") == 0 && i + 1 < argc)
			v = argv[++i];
		else
			continue;
		if (parse_codes(v, &codes, &ignored) < 0) {
			free(ignored);
			ignored = NULL;
		}
	}
	return codes;
}

/* True when the option `word` ("-w", "--timeout", "--wait=1") needs the
 * next word as its value. */
static bool
takes_next(const char *word)
{
	const struct cli_option *co;
	size_t len;

	if (word[1] == '-') {
		len = strlen(word + 2);
		if (strchr(word, '=') != NULL || len == 0)
			return false;
		for (co = cli_options; co->long_name != NULL; co++)
			if (strncmp(co->long_name, word + 2, len) == 0)
				return co->arg != NULL;
		return false;
	}
	for (word++; *word != '\0'; word++)
		for (co = cli_options; co->long_name != NULL; co++)
			if (co->short_name == *word && co->arg != NULL)
				return word[1] == '\0';	/* else "-w5" */
	return false;
}

/*
 * Where the command of "-- COMMAND" starts in argv, or 0.  A "--" after a
 * target (an operand, or --targets) starts the command; one before any
 * ends the options (POSIX), and a second "--" after it starts the command.
 */
static int
command_start(int argc, char **argv)
{
	bool target = false, ended = false;
	int i;

	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (strcmp(w, "--") == 0) {
			if (target)
				return i + 1;
			ended = true;
		} else if (ended || w[0] != '-' || w[1] == '\0')
			target = true;
		else {
			if (strncmp(w, "--ta", 4) == 0)	/* --targets */
				target = true;
			if (takes_next(w))
				i++;
		}
	}
	return 0;
}

/*
 * The edit distance of `a` and `b` (insertions, deletions, substitutions
 * and swaps of two neighbours), or 99 when either is longer than 31.
 */
static unsigned
edit_distance(const char *a, const char *b)
{
	unsigned d[32][32];
	size_t la = strlen(a), lb = strlen(b), i, j;

	if (la > 31 || lb > 31)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			unsigned v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

/*
 * The usage error of the unknown long option `word` ("--tagets",
 * "--ver=1"): ambiguous when it begins several long names (listed), else
 * with the nearest long name when one is near enough to be a typo.
 */
static char *
unknown_long(const char *word)
{
	const struct cli_option *co, *best = NULL;
	char name[32], list[256] = "";
	size_t len = strcspn(word + 2, "=");
	unsigned d, bestd = 99, nprefix = 0;

	if (strncmp(word, "--", 2) != 0 || len == 0 || len >= sizeof(name))
		return text_quote("unknown option '%s'", word);
	memcpy(name, word + 2, len);
	name[len] = '\0';
	for (co = cli_options; co->long_name != NULL; co++) {
		if (strncmp(co->long_name, name, len) == 0) {
			nprefix++;
			snprintf(list + strlen(list), sizeof(list) - strlen(list),
			    "%s--%s", list[0] != '\0' ? ", " : "",
			    co->long_name);
		}
		d = edit_distance(name, co->long_name);
		if (d < bestd) {
			bestd = d;
			best = co;
		}
	}
	if (nprefix > 1)
		return text_printf("ambiguous option '--%s': it begins %s",
		    name, list);
	/* A typo: at most a third of the name, and never all of it. */
	if (best != NULL && bestd > 0 && bestd <= 2 && bestd * 3 <= len) {
		char *fmt = text_printf("unknown option '%%s'; did you mean "
		    "'--%s'?", best->long_name), *r;

		r = fmt != NULL ? text_quote(fmt, word) : NULL;
		free(fmt);
		return r;
	}
	return text_quote("unknown option '%s'", word);
}

/*
 * The usage error of -t: wait-for-it's whole wait (and nc's -t, telnet
 * mode).  The value that followed it, if any, is named in the way out.
 */
static char *
wait_for_it_t(int argc, char **argv)
{
	const char *v = NULL;
	int i;

	for (i = 1; i < argc && v == NULL; i++)
		if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			v = argv[i + 1];
		else if (strncmp(argv[i], "-t", 2) == 0 && argv[i][2] != '\0' &&
		    argv[i][2] != '-')
			v = argv[i] + 2;
	if (v == NULL || strlen(v) > 16)
		v = "SECONDS";
	return text_quote("unknown option '-t': the whole wait (wait-for-it's "
	    "-t) is --wait %s; -w is the deadline of each attempt", v);
}

int
cli_parse(int argc, char **argv, const volatile sig_atomic_t *stop,
    struct options *o, char **cause)
{
	struct option longopts[NOPTIONS + 1];
	char shortopts[2 * NOPTIONS + 2], *s = shortopts;
	const struct cli_option *co;
	const char **files;
	const char *last, *timeout_long = NULL;
	char *q;
	unsigned long n;
	size_t i, nfiles = 0;
	int c, idx, rc;

	memset(o, 0, sizeof(*o));
	/* "-- COMMAND [ARG...]": argv ends before it for getopt_long. */
	if ((c = command_start(argc, argv)) > 0) {
		o->command = argv + c;
		argc = c - 1;
	}
	/* An option lacking its value is the last argument; taken before
	 * getopt_long permutes argv (musl's moves it past the end). */
	last = argc > 1 ? argv[argc - 1] : "";
	o->codes = scan_codes(argc, argv);
	if (o->command != NULL && o->command[0] == NULL) {
		*cause = text_printf("'--' must be followed by a COMMAND to run "
		    "after a success");
		return -1;
	}
	o->action = CLI_RUN;
	o->family = AF_UNSPEC;
	o->type = SOCK_STREAM;
	o->timeout_ms = CLI_DEFAULT_TIMEOUT_MS;
	o->interval_ms = CLI_DEFAULT_INTERVAL_MS;
	*cause = NULL;

	*s++ = ':';	/* report a missing argument as ':' */
	for (i = 0; i < NOPTIONS; i++) {
		co = &cli_options[i];
		longopts[i].name = co->long_name;
		longopts[i].has_arg = co->arg != NULL ? required_argument :
		    no_argument;
		longopts[i].flag = NULL;
		longopts[i].val = co->short_name;
		if (co->short_name > 0 && co->short_name < 256) {
			*s++ = (char)co->short_name;
			if (co->arg != NULL)
				*s++ = ':';
		}
	}
	memset(&longopts[NOPTIONS], 0, sizeof(longopts[NOPTIONS]));
	*s = '\0';
	/* The --targets files, in order: at most one per argument. */
	files = calloc(argc > 0 ? (size_t)argc : 1, sizeof(*files));
	if (files == NULL) {
		*cause = text_printf("out of memory");
		return CLI_ERR_NOMEM;
	}

	optind = 0;	/* a fresh scan, also when called again (tests) */
	opterr = 0;
	for (;;) {
		idx = -1;	/* set by getopt_long for a long option only */
		if ((c = getopt_long(argc, argv, shortopts, longopts,
		    &idx)) == -1)
			break;
		switch (c) {
		case '4':
		case '6':
		case 'U':
			o->family = c == '4' ? AF_INET : c == '6' ? AF_INET6 :
			    AF_UNIX;
			snprintf(o->family_opt, sizeof(o->family_opt), "-%c",
			    c);
			break;
		case OPT_FAMILY:
			if (parse_family(optarg, &o->family, cause) < 0)
				goto usage;
			snprintf(o->family_opt, sizeof(o->family_opt),
			    "--family %s", optarg);
			if (o->family == AF_UNSPEC)
				o->family_opt[0] = '\0';
			break;
		case 'u':
			o->type = SOCK_DGRAM;
			o->type_opt = "-u";
			break;
		case 'T':
			if (parse_type(optarg, &o->type, cause) < 0)
				goto usage;
			o->type_opt = "-T";
			break;
		case 'w':
			if (cli_parse_seconds(optarg, &o->timeout_ms, cause) < 0)
				goto usage;
			timeout_long = idx >= 0 ? optarg : NULL;
			break;
		case 's':
			if (parse_source(optarg, o, cause) < 0)
				goto usage;
			break;
		case 'p':
			if (target_parse_port(optarg, o->type, &o->source_port,
			    cause) < 0)
				goto usage;
			break;
		case 'b':
			o->broadcast = true;
			break;
		case OPT_PROBE:
			o->probe = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case OPT_TARGETS:
			files[nfiles++] = optarg;
			break;
		case 'P':
			if (cli_parse_count(optarg, 1, CLI_MAX_PARALLEL,
			    "--parallel", &n, cause) < 0)
				goto usage;
			o->parallel = (unsigned)n;
			break;
		case OPT_ANY:
			o->any = true;
			break;
		case OPT_WAIT:
			if (cli_parse_seconds0(optarg, &o->wait_ms, cause) < 0)
				goto usage;
			o->wait = true;
			break;
		case OPT_OPEN:
		case OPT_FAILED:
			if (o->only != CLI_ONLY_ALL && o->only !=
			    (c == OPT_OPEN ? CLI_ONLY_OPEN : CLI_ONLY_FAILED)) {
				*cause = text_printf("--open and --failed do "
				    "not go together: give one (neither shows "
				    "every result)");
				goto usage;
			}
			o->only = c == OPT_OPEN ? CLI_ONLY_OPEN :
			    CLI_ONLY_FAILED;
			break;
		case OPT_INVERT:
			o->invert = true;
			break;
		case OPT_EXIT_CODES:
			if (parse_codes(optarg, &o->codes, cause) < 0)
				goto usage;
			break;
		case 'c':
			if (cli_parse_count(optarg, 0, CLI_MAX_COUNT, "--count",
			    &o->count, cause) < 0)
				goto usage;
			/* -c 0: until a signal. */
			o->endless = o->count == 0;
			if (o->endless)
				o->count = ULONG_MAX;
			break;
		case 'i':
			if (cli_parse_seconds0(optarg, &o->interval_ms,
			    cause) < 0)
				goto usage;
			o->interval_given = true;
			break;
		case OPT_TRACE:
			o->trace = true;
			break;
		case OPT_COLOR:
			if (parse_color(optarg, &o->color, cause) < 0)
				goto usage;
			break;
		case 'j':
			o->json = true;
			break;
		case OPT_TLS:
			o->tls = true;
			break;
		case OPT_CACERT:
			o->ready.cacert = optarg;
			break;
		case OPT_CERT:
			o->ready.cert = optarg;
			break;
		case OPT_KEY:
			o->ready.key = optarg;
			break;
		case OPT_HTTP_STATUS:
			if (parse_http_status(optarg, &o->ready, cause) < 0)
				goto usage;
			o->http_opt = "--http-status";
			break;
		case OPT_HTTP_METHOD:
			if (strcmp(optarg, "GET") != 0 &&
			    strcmp(optarg, "HEAD") != 0) {
				*cause = text_quote("unknown --http-method '%s': "
				    "expected GET or HEAD", optarg);
				goto usage;
			}
			o->ready.head = optarg[0] == 'H';
			o->http_opt = "--http-method";
			break;
		case OPT_HTTP_HEADER:
			if (parse_http_header(optarg, &o->ready, cause) < 0)
				goto usage;
			o->http_opt = "--http-header";
			break;
		case OPT_HTTP_BODY:
			if (parse_http_body(optarg, &o->ready, cause) < 0)
				goto usage;
			o->http_opt = "--http-body";
			break;
		case 'D':
			o->timestamps = true;
			break;
		case 'z':
		case OPT_STRICT:
			break;	/* what isock-connect always does */
		case OPT_EXPLAIN:
			o->action = CLI_EXPLAIN;
			o->explain = optarg;
			break;
		case OPT_LIST_ERRORS:
			o->action = CLI_LIST_ERRORS;
			break;
		case 'h':
			o->action = CLI_HELP;
			free(files);
			return 0;
		case 'V':
			o->action = CLI_VERSION;
			free(files);
			return 0;
		case ':':
			*cause = text_quote("option '%s' needs an argument",
			    last);
			goto usage;
		default:
			/*
			 * optopt: an unknown letter; the code of a known
			 * option when a long one was given "=VALUE" it does
			 * not take; 0 for an unknown long option.
			 */
			if (optopt == 't')
				*cause = wait_for_it_t(argc, argv);
			else if (optopt != 0 && !known_code(optopt)) {
				char opt[3] = { '-', (char)optopt, '\0' };

				*cause = text_quote("unknown option '%s'", opt);
			} else if (optopt != 0)
				*cause = text_quote("option '%s' takes no "
				    "argument", argv[optind - 1]);
			else
				*cause = unknown_long(argv[optind - 1]);
			goto usage;
		}
	}
	rc = validate(o, argc - optind, argv + optind, files, nfiles, stop,
	    cause);
	free(files);
	if (rc == 0 && o->action == CLI_RUN && timeout_long != NULL &&
	    o->command != NULL && !o->wait &&
	    (q = text_excerpt_dup(timeout_long)) != NULL) {
		o->note = text_printf("note: --timeout is the deadline of each "
		    "attempt (as nc's -w), not the whole wait of wait-for-it's "
		    "--timeout: to wait up to %s for the target, use --wait %s",
		    q, q);
		free(q);
	}
	return rc;
usage:
	free(files);
	return -1;
}

void
cli_free(struct options *o)
{
	free(o->note);
	o->note = NULL;
	target_list_free(&o->targets);
	if (o->ready.body_re != NULL) {
		regfree(o->ready.body_re);
		free(o->ready.body_re);
		o->ready.body_re = NULL;
	}
}

int
cli_fail(int rc, const char *cause, int sig, bool quiet, FILE *err)
{
	const char *name = sigabbrev_np(sig);

	if (rc == CLI_ERR_SIGNAL) {
		if (!quiet)
			fprintf(err, "isock-connect: interrupted by %s%s while "
			    "%s\n", name != NULL ? "SIG" : "a signal",
			    name != NULL ? name : "", cause != NULL ? cause :
			    "reading the targets");
		return ISOCK_EXIT_SIGNAL + sig;
	}
	if (rc == CLI_ERR_NOMEM || cause == NULL) {
		fprintf(err, "isock-connect: out of memory while reading the "
		    "command line and the targets\n");
		return ISOCK_EXIT_RESOURCES;
	}
	fprintf(err, "isock-connect: %s\nTry 'isock-connect --help' for more "
	    "information.\n", cause);
	return ISOCK_EXIT_USAGE;
}

void
cli_usage(FILE *f)
{
	fputs("usage: isock-connect [options] HOST PORT\n"
	    "       isock-connect [options] -U PATH\n"
	    "       isock-connect [options] TARGET...   (HOST:PORTS, "
	    "[IPV6]:PORTS, :PORTS,\n"
	    "           tcp://HOST:PORTS, tcp4://, tcp6://, udp://, udp4://, "
	    "udp6://,\n"
	    "           http://HOST[:PORT][/PATH], https://...,\n"
	    "           unix:PATH, unix://PATH)\n"
	    "       isock-connect [options] TARGET... -- COMMAND [ARG...]\n"
	    "       isock-connect --explain ERROR | --list-errors\n", f);
}

/* The heading of each group of --help. */
static const char *const cli_group_title[CLI_GROUP_COUNT] = {
	[CLI_GROUP_NONE] = "Other options",
	[CLI_GROUP_TARGETS] = "Targets",
	[CLI_GROUP_CONNECT] = "Connect",
	[CLI_GROUP_WAIT] = "Wait, repeat and succeed",
	[CLI_GROUP_OUTPUT] = "Output",
	[CLI_GROUP_INFO] = "Information",
};

/*
 * Print `text` on `f` from column `col`, where the cursor is, wrapped at
 * spaces within CLI_HELP_WIDTH columns, each further line indented by
 * CLI_HELP_INDENT; ends with a newline.  A word longer than a line is
 * printed whole.
 */
static void
help_wrap(FILE *f, const char *text, int col)
{
	const char *p = text;

	while (*p != '\0') {
		size_t len = strcspn(p, " ");

		if (p != text && col + 1 + (int)len > CLI_HELP_WIDTH) {
			fprintf(f, "\n%*s", CLI_HELP_INDENT, "");
			col = CLI_HELP_INDENT;
		} else if (p != text) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, len, f);
		col += (int)len;
		p += len;
		p += strspn(p, " ");
	}
	fputc('\n', f);
}

/*
 * The option `co` of --help: "  -x, --long ARG" or "      --long ARG" in
 * a column of its own, its help text wrapped beside it (under it when the
 * column is too narrow).
 */
static void
help_option(FILE *f, const struct cli_option *co)
{
	char left[64];
	int n;

	if (co->short_name > 0 && co->short_name < 256)
		n = snprintf(left, sizeof(left), "  -%c, --%s%s%s",
		    co->short_name, co->long_name, co->arg != NULL ? " " : "",
		    co->arg != NULL ? co->arg : "");
	else
		n = snprintf(left, sizeof(left), "      --%s%s%s",
		    co->long_name, co->arg != NULL ? " " : "",
		    co->arg != NULL ? co->arg : "");
	fputs(left, f);
	if (n + 1 > CLI_HELP_INDENT) {
		fputc('\n', f);
		n = 0;
	}
	fprintf(f, "%*s", CLI_HELP_INDENT - n, "");
	help_wrap(f, co->help, CLI_HELP_INDENT);
}

void
cli_help(FILE *f)
{
	const struct cli_option *co;

	cli_usage(f);
	fprintf(f, "\nConnect to HOST on PORT (or to the Unix socket PATH) "
	    "and explain the outcome.\nPORTS may be a list with ranges: "
	    "80,443,8000-8010.  IPv4 addresses are dotted\nquads "
	    "(127.0.0.1).  A line of a --targets file is at most %d bytes;\n"
	    "see LIMITS in isock-connect(1).  After a success, -- COMMAND "
	    "runs COMMAND in\nplace of the tool (the same process); its "
	    "status is the exit status, and\nstandard output is its own: the "
	    "report goes to standard error.  A DURATION\nis seconds (5, 0.25) "
	    "or has a unit: 500ms, 30s, 2m, 1h.\n", TARGET_LINE_MAX);
	for (int g = CLI_GROUP_NONE; g < CLI_GROUP_COUNT; g++) {
		bool head = false;

		for (co = cli_options; co->long_name != NULL; co++) {
			if ((int)co->group != g)
				continue;
			if (!head)
				fprintf(f, "\n%s:\n", cli_group_title[g]);
			head = true;
			help_option(f, co);
		}
	}
	fputs("\nExit status:\n", f);
	for (int code = 0; code <= ISOCK_EXIT_MAX; code++)
		fprintf(f, "  %3d  %s\n", code,
		    exitcode_name((enum isock_exit)code));
	for (int code = ISOCK_EXIT_CANNOT_RUN; code <= ISOCK_EXIT_NO_COMMAND;
	    code++)
		fprintf(f, "  %3d  %s\n", code,
		    exitcode_name((enum isock_exit)code));
	fputs("  128+N  ended by signal N (130: interrupted)\n"
	    "\nSee isock-connect(1) for the errno of each exit status.\n", f);
}

/*
 * What this build has, a line each: the feature, yes or no, and what it
 * brings or why not.  configure decides; the tests read "  NAME  yes|no".
 */
#ifdef HAVE_LIBMNL
#define CLI_HAS_NETLINK "yes (libmnl): routes, neighbours and listeners"
#else
#define CLI_HAS_NETLINK "no (built without libmnl)"
#endif
#ifdef HAVE_NFTNL
#define CLI_HAS_TRACE "yes (libnftnl): --trace"
#else
#define CLI_HAS_TRACE "no (built without libnftnl)"
#endif
#ifdef HAVE_LIBCURL
#define CLI_HAS_READY "yes (libcurl): https://, http:// and --tls, in the " \
	"module isock-ready.so"
#else
#define CLI_HAS_READY "no (built without libcurl)"
#endif
#ifdef HAVE_GETADDRINFO_A
#define CLI_HAS_RESOLVER "getaddrinfo_a"
#else
#define CLI_HAS_RESOLVER "a look-up thread per name"
#endif

void
cli_version(FILE *f)
{
	fputs(PACKAGE_NAME " " PACKAGE_VERSION "\n"
	    "Features:\n"
	    "  netlink facts   " CLI_HAS_NETLINK "\n"
	    "  nftables trace  " CLI_HAS_TRACE "\n"
	    "  TLS and HTTP    " CLI_HAS_READY "\n"
	    "  name look-ups   " CLI_HAS_RESOLVER "\n", f);
}
