/* SPDX-License-Identifier: ISC */
/*
 * cli.c: the command line: options as data, parsing, validation, help.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exitcode.h"
#include "text.h"

/* Long-only options get codes above the characters. */
enum {
	OPT_FAMILY = 256, OPT_ANY, OPT_TARGETS, OPT_WAIT, OPT_EXPLAIN,
	OPT_LIST_ERRORS, OPT_PROBE, OPT_TRACE, OPT_INVERT, OPT_EXIT_CODES,
	OPT_COLOR
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
	{ "timeout", 'w', "SECONDS", "deadline of the whole attempt (default 5)",
	  CLI_GROUP_CONNECT },
	{ "source", 's', "ADDR", "connect from this local IP address",
	  CLI_GROUP_CONNECT },
	{ "source-port", 'p', "PORT", "connect from this local port",
	  CLI_GROUP_CONNECT },
	{ "probe", OPT_PROBE, NULL, "datagram: send one datagram (a DNS query "
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
	{ "wait", OPT_WAIT, "SECONDS", "retry with backoff until connected or "
	  "SECONDS have passed (0: no limit)", CLI_GROUP_WAIT },
	{ "invert", OPT_INVERT, NULL, "success is that nothing accepts: exit 0 "
	  "when the connect fails, 11 when it succeeds; with --wait, wait until "
	  "every target stops accepting", CLI_GROUP_WAIT },
	{ "exit-codes", OPT_EXIT_CODES, "MODE", "full (the table below, the "
	  "default) or binary: 0 success, 1 any failure, usage errors too "
	  "(Docker HEALTHCHECK, Kubernetes probes)", CLI_GROUP_WAIT },
	{ "count", 'c', "N", "probe each target N times, then show statistics",
	  CLI_GROUP_WAIT },
	{ "interval", 'i', "SECONDS", "time between probes of --count "
	  "(default 1); with --wait, the longest pause between tries",
	  CLI_GROUP_WAIT },
	{ "trace", OPT_TRACE, NULL, "after a failed TCP connect, find where the "
	  "SYN dies: the local nftables rule (root) and the hops",
	  CLI_GROUP_CONNECT },
	{ "json", 'j', NULL, "write JSON Lines on standard output",
	  CLI_GROUP_OUTPUT },
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

/* Seconds to milliseconds; 0 allowed when `zero_ok`. */
static int
parse_seconds(const char *text, long *ms, bool zero_ok, char **cause)
{
	const char *p = text;
	long whole = 0, frac = 0, scale = 100;
	bool digits = false;

	for (; *p >= '0' && *p <= '9'; p++) {
		digits = true;
		if (whole <= CLI_MAX_TIMEOUT_MS / 1000)
			whole = whole * 10 + (*p - '0');
	}
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++) {
			digits = true;
			frac += scale * (*p - '0');
			scale /= 10;
		}
	if (!digits || *p != '\0') {
		*cause = text_quote("invalid number of seconds '%s': expected a "
		    "decimal number such as 5 or 0.25", text);
		return -1;
	}
	if (whole > CLI_MAX_TIMEOUT_MS / 1000 ||
	    whole * 1000 + frac > CLI_MAX_TIMEOUT_MS) {
		*cause = text_quote("%s seconds is too long: at most 86400 (a day)",
		    text);
		return -1;
	}
	if (!zero_ok && whole * 1000 + frac < 1) {
		*cause = text_quote("%s seconds is too short: at least 0.001", text);
		return -1;
	}
	*ms = whole * 1000 + frac;
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
	if (o->probe && o->type != SOCK_DGRAM) {
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
	return 0;
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

int
cli_parse(int argc, char **argv, const volatile sig_atomic_t *stop,
    struct options *o, char **cause)
{
	struct option longopts[NOPTIONS + 1];
	char shortopts[2 * NOPTIONS + 2], *s = shortopts;
	const struct cli_option *co;
	const char **files;
	const char *last;
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
	while ((c = getopt_long(argc, argv, shortopts, longopts, &idx)) != -1) {
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
		case OPT_INVERT:
			o->invert = true;
			break;
		case OPT_EXIT_CODES:
			if (parse_codes(optarg, &o->codes, cause) < 0)
				goto usage;
			break;
		case 'c':
			if (cli_parse_count(optarg, 1, CLI_MAX_COUNT, "--count",
			    &o->count, cause) < 0)
				goto usage;
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
			if (optopt != 0 && !known_code(optopt)) {
				char opt[3] = { '-', (char)optopt, '\0' };

				*cause = text_quote("unknown option '%s'", opt);
			} else if (optopt != 0)
				*cause = text_quote("option '%s' takes no "
				    "argument", argv[optind - 1]);
			else
				*cause = text_quote("unknown option '%s'",
				    argv[optind - 1]);
			goto usage;
		}
	}
	rc = validate(o, argc - optind, argv + optind, files, nfiles, stop,
	    cause);
	free(files);
	return rc;
usage:
	free(files);
	return -1;
}

void
cli_free(struct options *o)
{
	target_list_free(&o->targets);
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
	    "status is the exit status.\n", TARGET_LINE_MAX);
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
	    "  TLS and HTTP    no\n"
	    "  name look-ups   " CLI_HAS_RESOLVER "\n", f);
}
