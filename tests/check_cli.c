/* SPDX-License-Identifier: ISC */
/*
 * check_cli.c: the command line (src/cli.c) and target parsing and
 * resolution (src/target.c).
 *
 * Tables of good argv with the fields they must give, and of bad argv with
 * the text the message must quote; the number and port parsers directly;
 * resolution of literals (no look-up) and of "localhost"; --help against
 * the option table.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <netdb.h>
#include <netinet/in.h>
#include <regex.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "target.h"

#define MAX_ARGS 12

/* argv for cli_parse: "isock-connect" and the words, in writable copies. */
struct argv_copy {
	int argc;
	char *argv[MAX_ARGS + 2];
};

static void
argv_make(struct argv_copy *a, const char *const *words)
{
	a->argc = 0;
	a->argv[a->argc++] = strdup("isock-connect");
	for (; *words != NULL && a->argc <= MAX_ARGS; words++)
		a->argv[a->argc++] = strdup(*words);
	a->argv[a->argc] = NULL;
}

static void
argv_free(struct argv_copy *a)
{
	int i;

	for (i = 0; i < a->argc; i++)
		free(a->argv[i]);
}

/* True when `s` holds a C0 control character or DEL. */
static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/*
 * A good command line and what it gives.  Zero fields mean the defaults:
 * type 0 is SOCK_STREAM, timeout_ms 0 is CLI_DEFAULT_TIMEOUT_MS; host NULL
 * means no target (help, version).
 */
struct good_case {
	const char *argv[MAX_ARGS + 1];
	enum cli_action action;
	int family;		/* options.family */
	int type;
	long timeout_ms;
	const char *host;	/* the first target */
	unsigned port;
	bool literal;
	int tfamily;		/* the first target's family */
	int ttype;		/* the first target's type, 0: options.type */
	const char *source;	/* -s as numeric text, NULL: none */
	unsigned source_port;
	bool broadcast;
	bool quiet;
	int verbose;
	unsigned ready;		/* the first target's TARGET_TLS, _HTTP */
	const char *path;	/* and its HTTP path, NULL: none */
};

static const struct good_case good_cases[] = {
	/* http:// and https://: default ports, a path, --tls. */
	{ { "https://example.test" }, .host = "example.test", .port = 443,
	  .tfamily = AF_UNSPEC, .ready = TARGET_TLS | TARGET_HTTP,
	  .path = "/" },
	{ { "http://127.0.0.1/health?full=1" }, .host = "127.0.0.1",
	  .port = 80, .literal = true, .tfamily = AF_INET,
	  .ready = TARGET_HTTP, .path = "/health?full=1" },
	{ { "HTTPS://[::1]:8443/x" }, .host = "::1", .port = 8443,
	  .literal = true, .tfamily = AF_INET6,
	  .ready = TARGET_TLS | TARGET_HTTP, .path = "/x" },
	{ { "http://[::1]" }, .host = "::1", .port = 80, .literal = true,
	  .tfamily = AF_INET6, .ready = TARGET_HTTP, .path = "/" },
	{ { "--tls", "localhost", "993" }, .host = "localhost", .port = 993,
	  .tfamily = AF_UNSPEC, .ready = TARGET_TLS },
	{ { "127.0.0.1", "80" }, .host = "127.0.0.1", .port = 80,
	  .literal = true, .tfamily = AF_INET },
	{ { "127.0.0.1", "1" }, .host = "127.0.0.1", .port = 1,
	  .literal = true, .tfamily = AF_INET },
	{ { "127.0.0.1", "65535" }, .host = "127.0.0.1", .port = 65535,
	  .literal = true, .tfamily = AF_INET },
	{ { "-4", "localhost", "80" }, .family = AF_INET, .host = "localhost",
	  .port = 80, .tfamily = AF_INET },
	{ { "--ipv4", "localhost", "80" }, .family = AF_INET,
	  .host = "localhost", .port = 80, .tfamily = AF_INET },
	{ { "-6", "::1", "443" }, .family = AF_INET6, .host = "::1",
	  .port = 443, .literal = true, .tfamily = AF_INET6 },
	{ { "--ipv6", "localhost", "22" }, .family = AF_INET6,
	  .host = "localhost", .port = 22, .tfamily = AF_INET6 },
	{ { "[::1]", "22" }, .host = "::1", .port = 22, .literal = true,
	  .tfamily = AF_INET6 },
	{ { "fe80::1%lo", "80" }, .host = "fe80::1%lo", .port = 80,
	  .literal = true, .tfamily = AF_INET6 },
	{ { "::ffff:127.0.0.1", "80" }, .host = "::ffff:127.0.0.1", .port = 80,
	  .literal = true, .tfamily = AF_INET6 },
	{ { "example.com.", "80" }, .host = "example.com.", .port = 80,
	  .tfamily = AF_UNSPEC },
	{ { "host-1.example_x", "80" }, .host = "host-1.example_x", .port = 80,
	  .tfamily = AF_UNSPEC },
	{ { "--family", "inet", "localhost", "80" }, .family = AF_INET,
	  .host = "localhost", .port = 80, .tfamily = AF_INET },
	{ { "--family=inet6", "localhost", "80" }, .family = AF_INET6,
	  .host = "localhost", .port = 80, .tfamily = AF_INET6 },
	{ { "--family", "unspec", "localhost", "80" }, .host = "localhost",
	  .port = 80, .tfamily = AF_UNSPEC },
	{ { "-u", "-w", "0.25", "127.0.0.1", "53" }, .type = SOCK_DGRAM,
	  .timeout_ms = 250, .host = "127.0.0.1", .port = 53, .literal = true,
	  .tfamily = AF_INET },
	{ { "--udp", "--timeout=2.5", "127.0.0.1", "53" }, .type = SOCK_DGRAM,
	  .timeout_ms = 2500, .host = "127.0.0.1", .port = 53,
	  .literal = true, .tfamily = AF_INET },
	{ { "-T", "dgram", "127.0.0.1", "53" }, .type = SOCK_DGRAM,
	  .host = "127.0.0.1", .port = 53, .literal = true,
	  .tfamily = AF_INET },
	{ { "-w", "86400", "127.0.0.1", "80" }, .timeout_ms = 86400000L,
	  .host = "127.0.0.1", .port = 80, .literal = true,
	  .tfamily = AF_INET },
	{ { "-w", "0.001", "127.0.0.1", "80" }, .timeout_ms = 1,
	  .host = "127.0.0.1", .port = 80, .literal = true,
	  .tfamily = AF_INET },
	{ { "-w0.5", "127.0.0.1", "80" }, .timeout_ms = 500,
	  .host = "127.0.0.1", .port = 80, .literal = true,
	  .tfamily = AF_INET },
	{ { "-U", "/tmp/x.sock" }, .family = AF_UNIX, .host = "/tmp/x.sock",
	  .tfamily = AF_UNIX },
	{ { "--unix", "@abstract" }, .family = AF_UNIX, .host = "@abstract",
	  .tfamily = AF_UNIX },
	{ { "--family", "unix", "relative.sock" }, .family = AF_UNIX,
	  .host = "relative.sock", .tfamily = AF_UNIX },
	{ { "-T", "seqpacket", "-U", "/run/x.sock" }, .family = AF_UNIX,
	  .type = SOCK_SEQPACKET, .host = "/run/x.sock", .tfamily = AF_UNIX },
	{ { "-u", "-U", "/run/x.sock" }, .family = AF_UNIX,
	  .type = SOCK_DGRAM, .host = "/run/x.sock", .tfamily = AF_UNIX },
	/* -s fixes the family of every target, operand or line. */
	{ { "-s", "127.0.0.2", "-p", "4000", "127.0.0.1", "80" },
	  .family = AF_INET, .host = "127.0.0.1", .port = 80, .literal = true,
	  .tfamily = AF_INET, .source = "127.0.0.2", .source_port = 4000 },
	{ { "--source=::1", "localhost", "80" }, .family = AF_INET6,
	  .host = "localhost", .port = 80, .tfamily = AF_INET6,
	  .source = "::1" },
	/* URL forms and :PORT. */
	{ { "tcp://127.0.0.1:80" }, .host = "127.0.0.1", .port = 80,
	  .literal = true, .tfamily = AF_INET },
	{ { "tcp://db.example:5432/" }, .host = "db.example", .port = 5432,
	  .tfamily = AF_UNSPEC },
	{ { "tcp6://[::1]:80" }, .host = "::1", .port = 80, .literal = true,
	  .tfamily = AF_INET6 },
	{ { "tcp4://localhost:80" }, .host = "localhost", .port = 80,
	  .tfamily = AF_INET },
	{ { "udp://127.0.0.1:53" }, .host = "127.0.0.1", .port = 53,
	  .literal = true, .tfamily = AF_INET, .ttype = SOCK_DGRAM },
	{ { "udp6://[::1]:53" }, .host = "::1", .port = 53,
	  .literal = true, .tfamily = AF_INET6, .ttype = SOCK_DGRAM },
	{ { "-u", "udp://127.0.0.1:53" }, .type = SOCK_DGRAM,
	  .host = "127.0.0.1", .port = 53, .literal = true,
	  .tfamily = AF_INET },
	{ { "unix:///run/app.sock" }, .host = "/run/app.sock",
	  .tfamily = AF_UNIX },
	{ { "unix:/run/app.sock" }, .host = "/run/app.sock",
	  .tfamily = AF_UNIX },
	{ { ":8080" }, .host = "localhost", .port = 8080,
	  .tfamily = AF_UNSPEC },
	{ { "tcp://:8080" }, .host = "localhost", .port = 8080,
	  .tfamily = AF_UNSPEC },
	{ { "-p", "5000", "127.0.0.1", "80" }, .host = "127.0.0.1", .port = 80,
	  .literal = true, .tfamily = AF_INET, .source_port = 5000 },
	{ { "-ub", "127.255.255.255", "9" }, .type = SOCK_DGRAM,
	  .host = "127.255.255.255", .port = 9, .literal = true,
	  .tfamily = AF_INET, .broadcast = true },
	{ { "-q", "-v", "-v", "127.0.0.1", "80" }, .host = "127.0.0.1",
	  .port = 80, .literal = true, .tfamily = AF_INET, .quiet = true,
	  .verbose = 2 },
	{ { "127.0.0.1", "80", "-qvvv" }, .host = "127.0.0.1", .port = 80,
	  .literal = true, .tfamily = AF_INET, .quiet = true, .verbose = 3 },
	{ { "--", "127.0.0.1", "80" }, .host = "127.0.0.1", .port = 80,
	  .literal = true, .tfamily = AF_INET },
	{ { "-h" }, .action = CLI_HELP },
	{ { "--help" }, .action = CLI_HELP },
	{ { "127.0.0.1", "80", "--help" }, .action = CLI_HELP },
	{ { "-V" }, .action = CLI_VERSION },
	{ { "--version" }, .action = CLI_VERSION },
};

#define NGOOD (sizeof(good_cases) / sizeof(good_cases[0]))

/* The numeric text of the -s address. */
static const char *
source_text(const struct options *o, char *buf, size_t size)
{
	const void *a = o->source.ss_family == AF_INET ?
	    (const void *)&((const struct sockaddr_in *)&o->source)->sin_addr :
	    (const void *)&((const struct sockaddr_in6 *)&o->source)->sin6_addr;

	if (inet_ntop(o->source.ss_family, a, buf, (socklen_t)size) == NULL)
		return "?";
	return buf;
}

START_TEST(test_cli_good)
{
	const struct good_case *c = &good_cases[_i];
	struct argv_copy a;
	struct options o;
	const struct target *t;
	char *cause = NULL, buf[INET6_ADDRSTRLEN];
	int rc;

	argv_make(&a, c->argv);
	rc = cli_parse(a.argc, a.argv, NULL, &o, &cause);
	ck_assert_msg(rc == 0, "case %d (%s ...): cli_parse failed: %s", _i,
	    c->argv[0], cause != NULL ? cause : "(no cause)");
	ck_assert_ptr_null(cause);
	ck_assert_int_eq(o.action, c->action);
	if (c->host != NULL) {
		ck_assert_int_eq(o.family, c->family);
		ck_assert_int_eq(o.type, c->type != 0 ? c->type : SOCK_STREAM);
		ck_assert_int_eq(o.timeout_ms, c->timeout_ms != 0 ?
		    c->timeout_ms : CLI_DEFAULT_TIMEOUT_MS);
		ck_assert_int_eq(o.quiet, c->quiet);
		ck_assert_int_eq(o.verbose, c->verbose);
		ck_assert_int_eq(o.broadcast, c->broadcast);
		ck_assert_uint_eq(o.targets.n, 1);
		t = &o.targets.v[0];
		ck_assert_str_eq(t->host, c->host);
		ck_assert_uint_eq(t->port, c->port);
		ck_assert_int_eq(t->literal, c->literal);
		ck_assert_int_eq(t->family, c->tfamily);
		ck_assert_int_eq(t->type, c->ttype != 0 ? c->ttype : o.type);
		ck_assert_int_eq(o.has_source, c->source != NULL);
		if (c->source != NULL)
			ck_assert_str_eq(source_text(&o, buf, sizeof(buf)),
			    c->source);
		ck_assert_uint_eq(o.source_port, c->source_port);
		ck_assert_uint_eq(t->ready, c->ready);
		if (c->path != NULL)
			ck_assert_str_eq(t->path, c->path);
		else
			ck_assert_ptr_null(t->path);
	}
	cli_free(&o);
	argv_free(&a);
}
END_TEST

/* A bad command line and the text its message must hold. */
struct bad_case {
	const char *argv[MAX_ARGS + 1];
	const char *quote;
};

static const struct bad_case bad_cases[] = {
	/* Operands. */
	{ { NULL }, "missing operand" },
	{ { "-v" }, "missing operand" },
	{ { "127.0.0.1" }, "PORT" },
	{ { "127.0.0.1", "80", "extra" }, "'extra'" },
	{ { "-U" }, "PATH" },
	/* Options. */
	{ { "-Z", "127.0.0.1", "80" }, "'-Z'" },
	{ { "--bogus", "127.0.0.1", "80" }, "'--bogus'" },
	{ { "127.0.0.1", "80", "-w" }, "'-w'" },
	{ { "127.0.0.1", "80", "--timeout" }, "'--timeout'" },
	{ { "127.0.0.1", "80", "-T" }, "'-T'" },
	{ { "--family", "bogus", "127.0.0.1", "80" }, "'bogus'" },
	{ { "--family=", "127.0.0.1", "80" }, "''" },
	{ { "-T", "bogus", "127.0.0.1", "80" }, "'bogus'" },
	{ { "-T", "Stream", "127.0.0.1", "80" }, "'Stream'" },
	{ { "-b", "127.255.255.255", "9" }, "--broadcast" },
	{ { "-s", "127.0.0.1", "-U", "/tmp/x.sock" }, "--source" },
	{ { "-p", "4000", "-U", "/tmp/x.sock" }, "--source-port" },
	{ { "-s", "nothost", "127.0.0.1", "80" }, "'nothost'" },
	{ { "-s", "127.0.0.1/8", "127.0.0.1", "80" }, "'127.0.0.1/8'" },
	{ { "-4", "::1", "80" }, "'::1'" },
	{ { "-6", "127.0.0.1", "80" }, "'127.0.0.1'" },
	{ { "-6", "-s", "127.0.0.1", "::1", "80" }, "IPv4" },
	/* The family's option is named as the user gave it. */
	{ { "-4", "::1", "80" }, "asked for (-4)" },
	{ { "--family", "inet6", "127.0.0.1", "80" }, "(--family inet6)" },
	{ { "-s", "127.0.0.1", "[::1]:80" }, "IPv4 was asked for (-s 127.0.0.1)" },
	{ { "-s", "::1", "127.0.0.1", "80" }, "IPv6 was asked for (-s ::1)" },
	/* URL forms. */
	{ { "ftp://127.0.0.1:21" }, "http://, https://" },
	{ { "http://" }, "has no host" },
	{ { "http://user@127.0.0.1/" }, "user names" },
	{ { "https://127.0.0.1/#top" }, "fragments" },
	{ { "http://127.0.0.1:http-bogus/" }, "'http-bogus'" },
	{ { "-u", "https://127.0.0.1/" }, "-u" },
	{ { "--tls", "-u", "127.0.0.1", "53" }, "--tls applies to TCP" },
	{ { "--http-status", "200", "127.0.0.1", "80" },
	  "--http-status applies to http://" },
	{ { "--cacert", "/x.pem", "http://127.0.0.1/" }, "--cacert applies" },
	{ { "--cert", "/c.pem", "http://127.0.0.1/" }, "--cert applies" },
	{ { "--key", "/k.pem", "https://127.0.0.1/" }, "--key needs --cert" },
	{ { "--http-status", "200-99", "http://127.0.0.1/" }, "'200-99'" },
	{ { "--http-status", "600", "http://127.0.0.1/" }, "'600'" },
	{ { "--http-status", "200,", "http://127.0.0.1/" }, "'200,'" },
	{ { "--http-method", "POST", "http://127.0.0.1/" }, "'POST'" },
	{ { "--http-header", "NoColon", "http://127.0.0.1/" }, "'NoColon'" },
	{ { "--http-header", "Bad Name: x", "http://127.0.0.1/" },
	  "'Bad Name: x'" },
	{ { "--http-body", "a(", "http://127.0.0.1/" }, "'a('" },
	{ { "tcp://127.0.0.1" }, "missing port" },
	{ { "tcp://127.0.0.1:80/health" }, "has a path" },
	{ { "tcp4://[::1]:80" }, "IPv6" },
	{ { "-6", "tcp4://127.0.0.1:80" }, "(-6)" },
	{ { "-s", "::1", "tcp4://localhost:80" }, "(-s ::1)" },
	{ { "-u", "tcp://127.0.0.1:80" }, "-u" },
	{ { "-T", "seqpacket", "udp://127.0.0.1:80" }, "-T" },
	{ { "unix://" }, "empty path" },
	{ { ":" }, "port" },
	/* One grammar of IPv4: dotted quads; no other form as a name. */
	{ { "127.1", "80" }, "'127.1'" },
	{ { "0x7f.1", "80" }, "'0x7f.1'" },
	{ { "0x7f000001", "80" }, "'0x7f000001'" },
	{ { "2130706433", "80" }, "'2130706433'" },
	{ { "0x7f.0.0.1:80" }, "'0x7f.0.0.1'" },
	/* Ports. */
	{ { "127.0.0.1", "" }, "port" },
	{ { "127.0.0.1", "0" }, "'0'" },
	{ { "127.0.0.1", "65536" }, "'65536'" },
	{ { "--", "127.0.0.1", "-1" }, "'-1'" },
	{ { "127.0.0.1", "+80" }, "'+80'" },
	{ { "127.0.0.1", "0x50" }, "'0x50'" },
	{ { "127.0.0.1", "80abc" }, "'80abc'" },
	{ { "127.0.0.1", " 80" }, "' 80'" },
	{ { "127.0.0.1", "99999999999999999999" }, "'99999999999999999999'" },
	{ { "127.0.0.1", "nosuchservice" }, "'nosuchservice'" },
	{ { "-p", "0", "127.0.0.1", "80" }, "'0'" },
	{ { "-p", "65536", "127.0.0.1", "80" }, "'65536'" },
	/* Hosts. */
	{ { "", "80" }, "empty host" },
	{ { "1.2.3", "80" }, "'1.2.3'" },
	{ { "256.1.1.1", "80" }, "'256.1.1.1'" },
	{ { "1.2.3.4.5", "80" }, "'1.2.3.4.5'" },
	{ { "a..b", "80" }, "'a..b'" },
	{ { ".a", "80" }, "'.a'" },
	{ { "a b", "80" }, "'a b'" },
	{ { "a/b", "80" }, "'a/b'" },
	{ { "::1::2", "80" }, "'::1::2'" },
	{ { "fe80::1%", "80" }, "'fe80::1%'" },
	{ { "[::1", "80" }, "'[::1'" },
	{ { "[127.0.0.1]", "80" }, "'127.0.0.1'" },
	/* Seconds. */
	{ { "-w", "0", "127.0.0.1", "80" }, "'0' is too short" },
	{ { "-w", "-1", "127.0.0.1", "80" }, "'-1'" },
	{ { "-w", "abc", "127.0.0.1", "80" }, "'abc'" },
	{ { "-w", "1e3", "127.0.0.1", "80" }, "'1e3'" },
	{ { "-w", "nan", "127.0.0.1", "80" }, "'nan'" },
	{ { "-w", "inf", "127.0.0.1", "80" }, "'inf'" },
	{ { "-w", "86401", "127.0.0.1", "80" }, "'86401' is too long" },
	{ { "-w", ".0001", "127.0.0.1", "80" }, "'.0001' is too short" },
	{ { "-w", "", "127.0.0.1", "80" }, "''" },
	{ { "-w", "1,5", "127.0.0.1", "80" }, "'1,5'" },
	/* Paths. */
	{ { "-U", "" }, "empty path" },
	/* Hostile text is quoted escaped. */
	{ { "a\033[31mb", "80" }, "a\\x1b[31mb" },
	{ { "a\nb", "80" }, "a\\x0ab" },
	{ { "127.0.0.1", "8\0338" }, "'8\\x1b8'" },
	{ { "-T", "\033]0;x\007", "127.0.0.1", "80" }, "'\\x1b]0;x\\x07'" },
	{ { "-s", "\r1.2.3.4", "127.0.0.1", "80" }, "'\\x0d1.2.3.4'" },
};

#define NBAD (sizeof(bad_cases) / sizeof(bad_cases[0]))

/* cli_parse fails with a cause that holds `quote` and no raw control. */
static void
assert_bad(struct argv_copy *a, const char *quote, const char *what)
{
	struct options o;
	char *cause = NULL;
	int rc;

	rc = cli_parse(a->argc, a->argv, NULL, &o, &cause);
	ck_assert_msg(rc == -1, "%s: cli_parse accepted it", what);
	ck_assert_msg(cause != NULL, "%s: no cause", what);
	ck_assert_msg(quote == NULL || strstr(cause, quote) != NULL,
	    "%s: the cause \"%s\" does not hold \"%s\"", what, cause, quote);
	ck_assert_msg(!has_control(cause), "%s: a control character in the "
	    "cause", what);
	free(cause);
	cli_free(&o);
}

START_TEST(test_cli_bad)
{
	const struct bad_case *c = &bad_cases[_i];
	struct argv_copy a;
	char what[64];

	snprintf(what, sizeof(what), "bad case %d (%s)", _i,
	    c->argv[0] != NULL ? c->argv[0] : "no words");
	argv_make(&a, c->argv);
	assert_bad(&a, c->quote, what);
	argv_free(&a);
}
END_TEST

/* Long texts, made at run time. */
START_TEST(test_cli_bad_long)
{
	char name300[301], label64[64 + 9], path[201], host5000[5001];
	const char *w1[] = { name300, "80", NULL };
	const char *w2[] = { label64, "80", NULL };
	const char *w3[] = { "-U", path, NULL };
	const char *w4[] = { host5000, "80", NULL };
	struct argv_copy a;

	memset(name300, 'a', 300);
	name300[300] = '\0';
	memset(label64, 'b', 64);
	strcpy(label64 + 64, ".example");
	memcpy(path, "/tmp/", 5);
	memset(path + 5, 'p', 195);
	path[200] = '\0';
	memset(host5000, 'h', 5000);
	host5000[5000] = '\0';

	argv_make(&a, w1);
	assert_bad(&a, "300 characters", "a 300-character name");
	argv_free(&a);
	argv_make(&a, w2);
	assert_bad(&a, "'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	    "bbbbbb.example'", "a label of 64 characters");
	argv_free(&a);
	argv_make(&a, w3);
	assert_bad(&a, "too long", "a 200-byte Unix path");
	argv_free(&a);
	argv_make(&a, w4);
	assert_bad(&a, "5000 characters", "a 5000-byte host");
	argv_free(&a);
}
END_TEST

/* A label of exactly 63 characters and a name of 253 are still good. */
START_TEST(test_cli_name_limits)
{
	char label63[63 + 9], name253[254];
	const char *w1[] = { label63, "80", NULL };
	const char *w2[] = { name253, "80", NULL };
	struct argv_copy a;
	struct options o;
	char *cause = NULL;
	int i;

	memset(label63, 'c', 63);
	strcpy(label63 + 63, ".example");
	/* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 */
	for (i = 0; i < 253; i++)
		name253[i] = (i + 1) % 64 == 0 ? '.' : 'd';
	name253[253] = '\0';

	argv_make(&a, w1);
	ck_assert_msg(cli_parse(a.argc, a.argv, NULL, &o, &cause) == 0,
	    "63-character label: %s", cause);
	cli_free(&o);
	argv_free(&a);
	argv_make(&a, w2);
	ck_assert_msg(cli_parse(a.argc, a.argv, NULL, &o, &cause) == 0,
	    "253-character name: %s", cause);
	ck_assert_str_eq(o.targets.v[0].host, name253);
	cli_free(&o);
	argv_free(&a);
}
END_TEST

/* A new temporary file holding the `n` bytes of `text`; its path in `path`. */
static void
temp_file(char *path, size_t size, const char *text, size_t n)
{
	int fd;

	snprintf(path, size, "/tmp/check_cli.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, n), (ssize_t)n);
	ck_assert_int_eq(close(fd), 0);
}

/*
 * cli_parse of `w` (NULL-ended, without argv[0]); returns its result and
 * leaves `o` and the cause for the caller to check and free.
 */
static int
parse_words(const char *const *w, struct options *o, char **cause)
{
	struct argv_copy a;
	int rc;

	*cause = NULL;
	argv_make(&a, w);
	rc = cli_parse(a.argc, a.argv, NULL, o, cause);
	argv_free(&a);
	return rc;
}

/* The family asked by -s applies to the lines of a file as to operands. */
START_TEST(test_cli_file_family)
{
	char f1[64], f2[64], *cause;
	const char *w1[] = { "-s", "127.0.0.1", "--targets", f1, NULL };
	const char *w2[] = { "-s", "127.0.0.1", "--targets", f2, NULL };
	struct options o;

	temp_file(f1, sizeof(f1), "[::1]:80\n", 9);
	temp_file(f2, sizeof(f2), "localhost 80\n", 13);
	ck_assert_int_eq(parse_words(w1, &o, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, "line 1: '[::1]' is an IPv6 address, but "
	    "IPv4 was asked for (-s 127.0.0.1)") != NULL, "%s", cause);
	free(cause);
	cli_free(&o);
	ck_assert_int_eq(parse_words(w2, &o, &cause), 0);
	ck_assert_int_eq(o.targets.v[0].family, AF_INET);
	cli_free(&o);
	unlink(f1);
	unlink(f2);
}
END_TEST

/* Every --targets file is read, after the operands, in order. */
START_TEST(test_cli_files_in_order)
{
	char f1[64], f2[64], *cause;
	const char *w[] = { "--targets", f1, "127.0.0.1:3", "--targets", f2,
	    NULL };
	const char *twice[] = { "--targets", "-", "--targets", "-", NULL };
	struct options o;

	temp_file(f1, sizeof(f1), "127.0.0.1 1\n", 12);
	temp_file(f2, sizeof(f2), "tcp://127.0.0.1:2\n:4 # localhost\n", 33);
	ck_assert_int_eq(parse_words(w, &o, &cause), 0);
	ck_assert_uint_eq(o.targets.n, 4);
	ck_assert_uint_eq(o.targets.v[0].port, 3);
	ck_assert_uint_eq(o.targets.v[1].port, 1);
	ck_assert_uint_eq(o.targets.v[2].port, 2);
	ck_assert_uint_eq(o.targets.v[3].port, 4);
	ck_assert_str_eq(o.targets.v[3].host, "localhost");
	cli_free(&o);
	ck_assert_int_eq(parse_words(twice, &o, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "twice"));
	free(cause);
	cli_free(&o);
	unlink(f1);
	unlink(f2);
}
END_TEST

/* A line file "127.0.0.1 1\n" then `line2` of `n` bytes gives `quote`. */
static void
assert_bad_line2(const char *line2, size_t n, const char *quote)
{
	char f[64], *text, *cause;
	const char *w[] = { "--targets", f, NULL };
	struct options o;

	text = malloc(12 + n);
	ck_assert_ptr_nonnull(text);
	memcpy(text, "127.0.0.1 1\n", 12);
	memcpy(text + 12, line2, n);
	temp_file(f, sizeof(f), text, 12 + n);
	free(text);
	ck_assert_int_eq(parse_words(w, &o, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, quote) != NULL, "\"%s\" lacks \"%s\"",
	    cause, quote);
	ck_assert_msg(strlen(cause) < 400, "a cause of %zu bytes",
	    strlen(cause));
	free(cause);
	cli_free(&o);
	unlink(f);
}

/* Nothing of a file is dropped: NUL bytes, long lines, two targets. */
START_TEST(test_cli_file_limits)
{
	char *big = malloc(100000), *cause;
	const char *zero[] = { "--targets", "/dev/zero", NULL };
	struct options o;

	ck_assert_ptr_nonnull(big);
	assert_bad_line2("127.0.0.1 2\0junk\n", 17, "line 2: a NUL byte");
	memset(big, 'a', 100000);
	assert_bad_line2(big, 100000, "line 2: the line is longer than");
	/* A line of the limit is read; its bad port quoted in part. */
	memcpy(big, "127.0.0.1 ", 10);
	big[TARGET_LINE_MAX] = '\n';
	assert_bad_line2(big, TARGET_LINE_MAX + 1, "'aaaa");
	assert_bad_line2(big, TARGET_LINE_MAX + 1, "[... 4342 bytes]");
	assert_bad_line2("tcp://127.0.0.1:1 2\n", 20, "line 2: one target");
	ck_assert_int_eq(parse_words(zero, &o, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "/dev/zero line 1"));
	free(cause);
	cli_free(&o);
	free(big);
}
END_TEST

/* A bad operand of 100,000 bytes is quoted as a short excerpt. */
START_TEST(test_cli_excerpt)
{
	char *big = malloc(100001), *cause;
	const char *w[] = { "127.0.0.1", big, NULL };
	struct options o;

	ck_assert_ptr_nonnull(big);
	memset(big, '9', 100000);
	big[100000] = '\0';
	ck_assert_int_eq(parse_words(w, &o, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strlen(cause) < 400, "a cause of %zu bytes",
	    strlen(cause));
	ck_assert_ptr_nonnull(strstr(cause, "'9999"));
	ck_assert_ptr_nonnull(strstr(cause, "[... 100000 bytes]"));
	free(cause);
	cli_free(&o);
	free(big);
}
END_TEST

/* The targets of a port list share one host string. */
START_TEST(test_cli_ports_share_host)
{
	const char *w[] = { "127.0.0.1:1-40000", NULL };
	struct options o;
	char *cause;

	ck_assert_int_eq(parse_words(w, &o, &cause), 0);
	ck_assert_uint_eq(o.targets.n, 40000);
	ck_assert_ptr_eq(o.targets.v[0].host, o.targets.v[39999].host);
	ck_assert_ptr_eq(o.targets.v[0].spec, o.targets.v[39999].spec);
	ck_assert_uint_eq(o.targets.v[39999].port, 40000);
	cli_free(&o);
}
END_TEST

/* A read ended by a signal that stops the run says so. */
START_TEST(test_cli_read_stopped)
{
	struct target_list l = { 0 };
	struct target_want want = { AF_UNSPEC, NULL, SOCK_STREAM, NULL };
	volatile sig_atomic_t stop = SIGTERM;
	char *cause = NULL, text[] = "127.0.0.1 1\n";
	FILE *f = fmemopen(text, 12, "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(target_list_read(&l, f, "x", &want, &stop, &cause),
	    TARGET_ERR_SIGNAL);
	ck_assert_uint_eq(l.n, 0);
	stop = 0;
	ck_assert_int_eq(target_list_read(&l, f, "x", &want, &stop, &cause),
	    0);
	ck_assert_uint_eq(l.n, 1);
	target_list_free(&l);
	fclose(f);
}
END_TEST

/* Each option of the table is known to the parser, short and long. */
START_TEST(test_cli_table_parsed)
{
	const struct cli_option *co = &cli_options[_i];
	char lng[64], shrt[3] = { '-', (char)co->short_name, '\0' };
	const char *w[] = { lng, "1", NULL, NULL };
	struct argv_copy a;
	struct options o;
	char *cause = NULL;

	snprintf(lng, sizeof(lng), "--%s", co->long_name);
	if (co->arg == NULL)
		w[1] = NULL;
	argv_make(&a, w);
	cli_parse(a.argc, a.argv, NULL, &o, &cause);
	ck_assert_msg(cause == NULL || strstr(cause, "unknown option") == NULL,
	    "%s: %s", lng, cause);
	free(cause);
	cause = NULL;
	cli_free(&o);
	argv_free(&a);
	if (co->short_name <= 0 || co->short_name >= 256)
		return;
	w[0] = shrt;
	argv_make(&a, w);
	cli_parse(a.argc, a.argv, NULL, &o, &cause);
	ck_assert_msg(cause == NULL || strstr(cause, "unknown option") == NULL,
	    "%s: %s", shrt, cause);
	free(cause);
	cli_free(&o);
	argv_free(&a);
}
END_TEST

/*
 * --http-body is compiled once, into the options, for every check; the
 * last one given counts, and cli_free frees it.
 */
START_TEST(test_cli_http_body_compiled)
{
	const char *w[] = { "--http-body", "^no$", "--http-body",
	    "^ready: (yes|ok)$", "http://127.0.0.1/", NULL };
	struct argv_copy a;
	struct options o;
	char *cause = NULL;

	argv_make(&a, w);
	ck_assert_int_eq(cli_parse(a.argc, a.argv, NULL, &o, &cause), 0);
	ck_assert_str_eq(o.ready.body, "^ready: (yes|ok)$");
	ck_assert_ptr_nonnull(o.ready.body_re);
	ck_assert_int_eq(regexec(o.ready.body_re, "x\nready: ok\n", 0, NULL,
	    0), 0);
	ck_assert_int_ne(regexec(o.ready.body_re, "no\n", 0, NULL, 0), 0);
	cli_free(&o);
	ck_assert_ptr_null(o.ready.body_re);
	argv_free(&a);
}
END_TEST

/* `text` with every run of spaces and newlines made one space, in place. */
static char *
squeeze_spaces(char *text)
{
	char *w = text;

	for (const char *r = text; *r != '\0'; r++) {
		if (*r == ' ' || *r == '\n') {
			if (w > text && w[-1] == ' ')
				continue;
			*w++ = ' ';
		} else
			*w++ = *r;
	}
	*w = '\0';
	return text;
}

/* The --help text, in memory. */
static char *
help_text(void)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	ck_assert_ptr_nonnull(f);
	cli_help(f);
	ck_assert_int_eq(fclose(f), 0);
	return text;
}

/*
 * Every option of the table appears in --help, with its short form, its
 * argument and its help text (wrapped: compared with the spaces squeezed).
 */
START_TEST(test_cli_help_lists_options)
{
	const struct cli_option *co;
	char *text = help_text(), want[80];
	char *flat = squeeze_spaces(strdup(text));

	ck_assert_ptr_nonnull(flat);
	ck_assert_ptr_nonnull(strstr(text, "usage: isock-connect"));
	for (co = cli_options; co->long_name != NULL; co++) {
		snprintf(want, sizeof(want), "--%s", co->long_name);
		ck_assert_msg(strstr(text, want) != NULL, "--help lacks %s",
		    want);
		if (co->short_name > 0 && co->short_name < 256) {
			snprintf(want, sizeof(want), "-%c, --%s",
			    co->short_name, co->long_name);
			ck_assert_msg(strstr(text, want) != NULL,
			    "--help lacks %s", want);
		}
		if (co->arg != NULL) {
			snprintf(want, sizeof(want), "--%s %s", co->long_name,
			    co->arg);
			ck_assert_msg(strstr(text, want) != NULL,
			    "--help lacks %s", want);
		}
		ck_assert_msg(strstr(flat, co->help) != NULL,
		    "--help lacks the text of --%s: %s", co->long_name,
		    co->help);
	}
	free(flat);
	free(text);
}
END_TEST

/*
 * --help fits 80 columns, and lists each option under the heading of its
 * group, the groups in the order of enum cli_group; no option of the table
 * is left without a group.
 */
START_TEST(test_cli_help_grouped)
{
	const struct cli_option *co;
	char *text = help_text();
	const char *heads[] = { "\nTargets:\n", "\nConnect:\n",
	    "\nWait, repeat and succeed:\n", "\nOutput:\n",
	    "\nInformation:\n", "\nExit status:\n" };
	const char *at[6], *line;

	for (line = text; *line != '\0'; ) {
		size_t len = strcspn(line, "\n");

		ck_assert_msg(len <= CLI_HELP_WIDTH, "%zu columns: %.*s", len,
		    (int)len, line);
		line += len + (line[len] == '\n');
	}
	for (size_t i = 0; i < 6; i++) {
		at[i] = strstr(text, heads[i]);
		ck_assert_msg(at[i] != NULL, "no heading %s", heads[i] + 1);
		ck_assert(i == 0 || at[i] > at[i - 1]);
	}
	for (co = cli_options; co->long_name != NULL; co++) {
		char want[80];
		const char *o;

		ck_assert_msg(co->group > CLI_GROUP_NONE &&
		    co->group < CLI_GROUP_COUNT, "--%s has no group",
		    co->long_name);
		snprintf(want, sizeof(want), "--%s", co->long_name);
		o = at[co->group - 1];
		do
			o = strstr(o + 1, want);
		while (o != NULL && o[strlen(want)] != ' ' &&
		    o[strlen(want)] != '\n');
		ck_assert_msg(o != NULL && o < at[co->group],
		    "--%s is not under %s", co->long_name,
		    heads[co->group - 1] + 1);
	}
	free(text);
}
END_TEST

/* Seconds: text, and the milliseconds (-1: rejected). */
struct seconds_case {
	const char *text;
	long ms;
};

static const struct seconds_case seconds_cases[] = {
	{ "5", 5000 },
	{ "0.25", 250 },
	{ "0.001", 1 },
	{ "1.5", 1500 },
	{ "007", 7000 },
	{ "86400", 86400000L },
	{ "86400.000", 86400000L },
	{ "1.0009", 1000 },	/* below a millisecond is dropped */
	{ "0.0005", -1 },
	{ "0", -1 },
	{ "0.000", -1 },
	{ "86400.001", -1 },
	{ "86401", -1 },
	{ "99999999999999999999", -1 },
	{ "", -1 },
	{ ".", -1 },
	{ "-1", -1 },
	{ "+1", -1 },
	{ " 1", -1 },
	{ "1 ", -1 },
	{ "1e3", -1 },
	{ "0x10", -1 },
	{ "nan", -1 },
	{ "inf", -1 },
	{ "1.2.3", -1 },
	/* Units, as wait4x and dockerize take them (issue 23). */
	{ "500ms", 500 },
	{ "30s", 30000 },
	{ "1m", 60000 },
	{ "1.5m", 90000 },
	{ "2h", 7200000L },
	{ "24h", 86400000L },
	{ "1440m", 86400000L },
	{ "0.5s", 500 },
	{ "1ms", 1 },
	{ "86400000ms", 86400000L },
	{ "25h", -1 },
	{ "86400001ms", -1 },
	{ "0.5ms", -1 },
	{ "0s", -1 },
	{ "ms", -1 },
	{ "30x", -1 },
	{ "30 s", -1 },
	{ "30S", -1 },
	{ "1h30m", -1 },
	{ "30sec", -1 },
};

#define NSECONDS (sizeof(seconds_cases) / sizeof(seconds_cases[0]))

START_TEST(test_cli_seconds)
{
	const struct seconds_case *c = &seconds_cases[_i];
	long ms = -42;
	char *cause = NULL;
	int rc = cli_parse_seconds(c->text, &ms, &cause);

	if (c->ms >= 0) {
		ck_assert_msg(rc == 0, "'%s': %s", c->text, cause);
		ck_assert_int_eq(ms, c->ms);
	} else {
		ck_assert_msg(rc == -1, "'%s' accepted as %ld ms", c->text, ms);
		ck_assert_ptr_nonnull(cause);
		ck_assert_msg(strstr(cause, c->text) != NULL,
		    "the cause \"%s\" does not quote '%s'", cause, c->text);
		ck_assert_int_eq(ms, -42);
		free(cause);
	}
}
END_TEST

/* Ports: text, and the number (0: rejected). */
struct port_case {
	const char *text;
	unsigned port;
};

static const struct port_case port_cases[] = {
	{ "1", 1 },
	{ "80", 80 },
	{ "0080", 80 },
	{ "65535", 65535 },
	{ "0", 0 },
	{ "00000", 0 },
	{ "65536", 0 },
	{ "4294967376", 0 },	/* 80 + 2^32 */
	{ "99999999999999999999", 0 },
	{ "", 0 },
	{ "-1", 0 },
	{ "+1", 0 },
	{ " 80", 0 },
	{ "80 ", 0 },
	{ "0x50", 0 },
	{ "80abc", 0 },
	{ "8_0", 0 },
	{ "no-such-service-x", 0 },
	{ "a\033b", 0 },
};

#define NPORTS (sizeof(port_cases) / sizeof(port_cases[0]))

START_TEST(test_target_port)
{
	const struct port_case *c = &port_cases[_i];
	uint16_t port = 42;
	char *cause = NULL;
	int rc = target_parse_port(c->text, SOCK_STREAM, &port, &cause);

	if (c->port != 0) {
		ck_assert_msg(rc == 0, "'%s': %s", c->text, cause);
		ck_assert_uint_eq(port, c->port);
	} else {
		ck_assert_msg(rc == -1, "'%s' accepted as %u", c->text, port);
		ck_assert_ptr_nonnull(cause);
		ck_assert(!has_control(cause));
		if (c->text[0] != '\0' && !has_control(c->text))
			ck_assert_msg(strstr(cause, c->text) != NULL,
			    "the cause \"%s\" does not quote '%s'", cause,
			    c->text);
		free(cause);
	}
}
END_TEST

/* Service names give the number of the services database. */
START_TEST(test_target_port_service)
{
	static const char *const names[] = { "ssh", "http", "domain" };
	const struct servent *se;
	uint16_t port;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		se = getservbyname(names[i], "tcp");
		if (se == NULL)
			continue;	/* no /etc/services entry here */
		ck_assert_msg(target_parse_port(names[i], SOCK_STREAM, &port,
		    &cause) == 0, "%s: %s", names[i], cause);
		ck_assert_uint_eq(port, ntohs((uint16_t)se->s_port));
	}
	se = getservbyname("domain", "udp");
	if (se != NULL) {
		ck_assert_int_eq(target_parse_port("domain", SOCK_DGRAM, &port,
		    &cause), 0);
		ck_assert_uint_eq(port, 53);
	}
}
END_TEST

/* target_make and target_make_unix directly. */
START_TEST(test_target_make)
{
	struct target t;
	char *cause = NULL, path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];

	ck_assert_int_eq(target_make(&t, "[::1]", "80", AF_UNSPEC,
	    SOCK_STREAM, &cause), 0);
	ck_assert_str_eq(t.host, "::1");
	ck_assert_int_eq(t.family, AF_INET6);
	ck_assert(t.literal);
	ck_assert_uint_eq(t.port, 80);
	target_free(&t);

	ck_assert_int_eq(target_make(&t, "localhost", "8080", AF_INET,
	    SOCK_DGRAM, &cause), 0);
	ck_assert_int_eq(t.family, AF_INET);
	ck_assert_int_eq(t.type, SOCK_DGRAM);
	ck_assert(!t.literal);
	target_free(&t);

	ck_assert_int_eq(target_make(&t, "127.0.0.1", "80", AF_INET6,
	    SOCK_STREAM, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "'127.0.0.1'"));
	free(cause);
	ck_assert_int_eq(target_make(&t, "::1", "80", AF_INET, SOCK_STREAM,
	    &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "'::1'"));
	free(cause);
	ck_assert_int_eq(target_make(&t, "127.0.0.1", "0", AF_UNSPEC,
	    SOCK_STREAM, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "'0'"));
	free(cause);

	/* sun_path holds 107 bytes and the NUL. */
	memset(path, 'q', sizeof(path) - 2);
	path[0] = '/';
	path[sizeof(path) - 2] = '\0';
	ck_assert_uint_eq(strlen(path), 107);
	ck_assert_int_eq(target_make_unix(&t, path, SOCK_STREAM, &cause), 0);
	ck_assert_str_eq(t.host, path);
	ck_assert_int_eq(t.family, AF_UNIX);
	ck_assert_uint_eq(t.port, 0);
	target_free(&t);
	path[sizeof(path) - 2] = 'q';
	path[sizeof(path) - 1] = '\0';
	ck_assert_int_eq(target_make_unix(&t, path, SOCK_STREAM, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "too long"));
	free(cause);
	ck_assert_int_eq(target_make_unix(&t, "", SOCK_STREAM, &cause), -1);
	free(cause);
	ck_assert_int_eq(target_make_unix(&t, "@name", SOCK_SEQPACKET,
	    &cause), 0);
	ck_assert_int_eq(t.type, SOCK_SEQPACKET);
	target_free(&t);
}
END_TEST

/* Literals resolve to one address, without a look-up, port in place. */
START_TEST(test_target_resolve_literals)
{
	struct target t;
	struct target_addr *v;
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;
	char *cause = NULL, buf[INET6_ADDRSTRLEN];
	size_t n;
	int err;

	ck_assert_int_eq(target_make(&t, "127.0.0.1", "8080", AF_UNSPEC,
	    SOCK_STREAM, &cause), 0);
	ck_assert_int_eq(target_resolve(&t, &v, &n, &err), 0);
	ck_assert_uint_eq(n, 1);
	sin = (const struct sockaddr_in *)&v[0].ss;
	ck_assert_int_eq(sin->sin_family, AF_INET);
	ck_assert_uint_eq(v[0].len, sizeof(*sin));
	ck_assert_uint_eq(ntohs(sin->sin_port), 8080);
	ck_assert_uint_eq(ntohl(sin->sin_addr.s_addr), 0x7f000001);
	free(v);
	target_free(&t);

	ck_assert_int_eq(target_make(&t, "[::1]", "443", AF_UNSPEC,
	    SOCK_STREAM, &cause), 0);
	ck_assert_int_eq(target_resolve(&t, &v, &n, &err), 0);
	ck_assert_uint_eq(n, 1);
	sin6 = (const struct sockaddr_in6 *)&v[0].ss;
	ck_assert_int_eq(sin6->sin6_family, AF_INET6);
	ck_assert_uint_eq(v[0].len, sizeof(*sin6));
	ck_assert_uint_eq(ntohs(sin6->sin6_port), 443);
	ck_assert(IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
	free(v);
	target_free(&t);

	ck_assert_int_eq(target_make(&t, "::ffff:192.0.2.1", "9", AF_UNSPEC,
	    SOCK_DGRAM, &cause), 0);
	ck_assert_int_eq(target_resolve(&t, &v, &n, &err), 0);
	ck_assert_uint_eq(n, 1);
	sin6 = (const struct sockaddr_in6 *)&v[0].ss;
	ck_assert_str_eq(inet_ntop(AF_INET6, &sin6->sin6_addr, buf,
	    sizeof(buf)), "::ffff:192.0.2.1");
	ck_assert_uint_eq(ntohs(sin6->sin6_port), 9);
	free(v);
	target_free(&t);
}
END_TEST

/* A Unix path and an abstract name: the sockaddr and its exact length. */
START_TEST(test_target_resolve_unix)
{
	struct target t;
	struct target_addr *v;
	const struct sockaddr_un *sun;
	char *cause = NULL;
	size_t n;
	int err;

	ck_assert_int_eq(target_make_unix(&t, "/tmp/x.sock", SOCK_STREAM,
	    &cause), 0);
	ck_assert_int_eq(target_resolve(&t, &v, &n, &err), 0);
	ck_assert_uint_eq(n, 1);
	sun = (const struct sockaddr_un *)&v[0].ss;
	ck_assert_int_eq(sun->sun_family, AF_UNIX);
	ck_assert_str_eq(sun->sun_path, "/tmp/x.sock");
	ck_assert_uint_eq(v[0].len, offsetof(struct sockaddr_un, sun_path) +
	    strlen("/tmp/x.sock") + 1);
	free(v);
	target_free(&t);

	ck_assert_int_eq(target_make_unix(&t, "@name", SOCK_STREAM, &cause),
	    0);
	ck_assert_int_eq(target_resolve(&t, &v, &n, &err), 0);
	ck_assert_uint_eq(n, 1);
	sun = (const struct sockaddr_un *)&v[0].ss;
	ck_assert_int_eq(sun->sun_path[0], '\0');
	ck_assert_int_eq(memcmp(sun->sun_path + 1, "name", 4), 0);
	ck_assert_uint_eq(v[0].len, offsetof(struct sockaddr_un, sun_path) +
	    5);
	free(v);
	target_free(&t);
}
END_TEST

/* "localhost" resolves (from /etc/hosts) to loopback addresses only. */
START_TEST(test_target_resolve_localhost)
{
	static const int families[] = { AF_UNSPEC, AF_INET };
	struct target t;
	struct target_addr *v;
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;
	char *cause = NULL;
	size_t n, i, f;
	int err, rc;
	bool has_v4;

	for (f = 0; f < 2; f++) {
		ck_assert_int_eq(target_make(&t, "localhost", "8080",
		    families[f], SOCK_STREAM, &cause), 0);
		rc = target_resolve(&t, &v, &n, &err);
		ck_assert_msg(rc == 0, "localhost: %s", gai_strerror(rc));
		ck_assert_uint_ge(n, 1);
		has_v4 = false;
		for (i = 0; i < n; i++) {
			sin = (const struct sockaddr_in *)&v[i].ss;
			sin6 = (const struct sockaddr_in6 *)&v[i].ss;
			if (sin->sin_family == AF_INET) {
				has_v4 = true;
				ck_assert_uint_eq(ntohl(sin->sin_addr.s_addr) >>
				    24, 127);
				ck_assert_uint_eq(ntohs(sin->sin_port), 8080);
				ck_assert_uint_eq(v[i].len, sizeof(*sin));
			} else {
				ck_assert_int_eq(families[f], AF_UNSPEC);
				ck_assert_int_eq(sin6->sin6_family, AF_INET6);
				ck_assert(IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
				ck_assert_uint_eq(ntohs(sin6->sin6_port), 8080);
			}
		}
		if (families[f] == AF_INET)
			ck_assert(has_v4);
		free(v);
		target_free(&t);
	}
}
END_TEST

/* The number of entries of cli_options[]. */
static int
options_count(void)
{
	int n = 0;

	while (cli_options[n].long_name != NULL)
		n++;
	return n;
}

static Suite *
cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("argv");

	tcase_add_loop_test(tc, test_cli_good, 0, (int)NGOOD);
	tcase_add_loop_test(tc, test_cli_bad, 0, (int)NBAD);
	tcase_add_test(tc, test_cli_bad_long);
	tcase_add_test(tc, test_cli_name_limits);
	tcase_add_test(tc, test_cli_excerpt);
	tcase_add_test(tc, test_cli_ports_share_host);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_test(tc, test_cli_file_family);
	tcase_add_test(tc, test_cli_files_in_order);
	tcase_add_test(tc, test_cli_file_limits);
	tcase_add_test(tc, test_cli_read_stopped);
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_add_loop_test(tc, test_cli_table_parsed, 0, options_count());
	tcase_add_test(tc, test_cli_http_body_compiled);
	tcase_add_test(tc, test_cli_help_lists_options);
	tcase_add_test(tc, test_cli_help_grouped);
	suite_add_tcase(s, tc);

	tc = tcase_create("numbers");
	tcase_add_loop_test(tc, test_cli_seconds, 0, (int)NSECONDS);
	tcase_add_loop_test(tc, test_target_port, 0, (int)NPORTS);
	tcase_add_test(tc, test_target_port_service);
	suite_add_tcase(s, tc);

	tc = tcase_create("target");
	tcase_add_test(tc, test_target_make);
	tcase_add_test(tc, test_target_resolve_literals);
	tcase_add_test(tc, test_target_resolve_unix);
	tcase_add_test(tc, test_target_resolve_localhost);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(cli_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
