/* SPDX-License-Identifier: ISC */
/*
 * cli.h: the command line: options as data, parsing, validation, help.
 *
 * The option table is the one source of the short and long options, their
 * arguments and their help lines; getopt_long's tables and --help are built
 * from it, and a test checks it against the man page.
 */
#ifndef ISOCK_CLI_H
#define ISOCK_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "ready.h"
#include "result.h"
#include "target.h"

enum cli_action {
	CLI_RUN,		/* connect to the targets */
	CLI_HELP,		/* -h: help on stdout, exit 0 */
	CLI_VERSION,		/* -V: version on stdout, exit 0 */
	CLI_EXPLAIN,		/* --explain NAME: one explanation, offline */
	CLI_LIST_ERRORS		/* --list-errors: the whole table */
};

/* --color: when the outcomes are coloured. */
/* --open, --failed: which results a run shows (the exit status stays). */
enum cli_only {
	CLI_ONLY_ALL,		/* every result */
	CLI_ONLY_OPEN,		/* --open: those that connected */
	CLI_ONLY_FAILED		/* --failed: those that did not */
};

enum cli_color {
	CLI_COLOR_AUTO = 0,	/* on a terminal, unless NO_COLOR is set */
	CLI_COLOR_ALWAYS,
	CLI_COLOR_NEVER
};

struct options {
	enum cli_action action;
	int family;		/* AF_UNSPEC, AF_INET, AF_INET6, AF_UNIX */
	int type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	long timeout_ms;	/* the deadline of the whole attempt */
	bool has_source;	/* -s given */
	struct sockaddr_storage source;	/* -s, with -p's port */
	socklen_t source_len;
	uint16_t source_port;	/* -p, 0 when not given */
	bool broadcast;		/* -b */
	bool probe;		/* --probe: a datagram after the connect */
	bool quiet;		/* -q */
	int verbose;		/* -v, counted */
	bool json;		/* --json: JSON Lines on stdout */
	bool any;		/* --any: success when one target connects */
	bool invert;		/* --invert: success when nothing accepts */
	enum cli_only only;	/* --open, --failed: the results shown */
	enum result_codes codes; /* --exit-codes */
	char **command;		/* -- COMMAND [ARG...]: NULL-ended, or NULL */
	bool trace;		/* --trace: after a failure, where the SYN dies */
	enum cli_color color;	/* --color */
	unsigned parallel;	/* -P: attempts at once; 0: the default */
	bool wait;		/* --wait given: retry */
	long wait_ms;		/* --wait: retry until then; 0: no limit */
	unsigned long count;	/* -c: probes per target; 0: one, no stats;
				   ULONG_MAX with endless */
	bool endless;		/* -c 0: probes until a signal */
	bool timestamps;	/* -D: each text line starts with its time */
	char *note;		/* a habit of another tool to warn of, or NULL */
	long interval_ms;	/* -i: time between probes */
	bool interval_given;	/* -i was given (with --wait: the retry cap) */
	const char *explain;	/* --explain's argument */
	struct target_list targets; /* the operands, then each --targets file */
	char family_opt[64];	/* the option that fixed `family`, as named */
	const char *type_opt;	/* the option that fixed `type`, or NULL */
	bool tls;		/* --tls: a TLS handshake after each connect */
	struct ready_opts ready; /* --cacert, --http-*: what a check asks */
	const char *http_opt;	/* the last --http-* option given, or NULL */
};

/*
 * The groups of --help, in the order it prints them; an option of the
 * table must name one (check_cli checks that none is CLI_GROUP_NONE).
 */
enum cli_group {
	CLI_GROUP_NONE = 0,
	CLI_GROUP_TARGETS,	/* what to connect to, and how to read it */
	CLI_GROUP_CONNECT,	/* how each attempt is made */
	CLI_GROUP_WAIT,		/* retries, repeats, what counts as success */
	CLI_GROUP_OUTPUT,	/* what is printed */
	CLI_GROUP_INFO,		/* print something and exit */
	CLI_GROUP_COUNT
};

/* One option of the table. */
struct cli_option {
	const char *long_name;	/* without the dashes */
	int short_name;		/* 0 when there is none */
	const char *arg;	/* metavariable, NULL when it takes none */
	const char *help;	/* one sentence; --help wraps it at 80 columns */
	enum cli_group group;	/* where --help lists it */
};

/* The width --help keeps within, and the column its help texts start at. */
#define CLI_HELP_WIDTH 80
#define CLI_HELP_INDENT 29

/* The table, ended by an entry whose long_name is NULL. */
extern const struct cli_option cli_options[];

#define CLI_DEFAULT_TIMEOUT_MS 5000L
#define CLI_DEFAULT_INTERVAL_MS 1000L
#define CLI_MAX_PARALLEL 4096
#define CLI_MAX_COUNT 1000000UL
#define CLI_MAX_TIMEOUT_MS (86400L * 1000L)

/* Failures of cli_parse besides -1 (a usage error). */
#define CLI_ERR_NOMEM TARGET_ERR_NOMEM	/* out of memory */
#define CLI_ERR_SIGNAL TARGET_ERR_SIGNAL /* a signal set `*stop` */

/*
 * Parse argv into `o`, and read the --targets files.  Returns 0; -1 with
 * `*cause` set to a new sentence naming the bad text (a usage error: exit
 * 2, nothing attempted); CLI_ERR_NOMEM; or CLI_ERR_SIGNAL when a signal
 * that set `*stop` (may be NULL: never) ended an open or a read of the
 * targets, with `*cause` saying what was being read.
 */
int cli_parse(int argc, char **argv, const volatile sig_atomic_t *stop,
    struct options *o, char **cause);

/*
 * Print on `err` the message of a cli_parse that returned `rc` < 0 with
 * `cause` (NULL: out of memory); `sig` is the signal that stopped it, if
 * any.  Returns the exit status: ISOCK_EXIT_USAGE, ISOCK_EXIT_RESOURCES
 * when out of memory, ISOCK_EXIT_SIGNAL + `sig` when interrupted (printed
 * unless `quiet`).
 */
int cli_fail(int rc, const char *cause, int sig, bool quiet, FILE *err);

/* Free what cli_parse() allocated. */
void cli_free(struct options *o);

/*
 * A number of seconds: decimal digits with an optional fraction, more than
 * 0 and at most 86400, to the millisecond.
 */
int cli_parse_seconds(const char *text, long *ms, char **cause);

/* The same, where 0 is allowed (--interval 0). */
int cli_parse_seconds0(const char *text, long *ms, char **cause);

/* A whole decimal number from `min` to `max`; `what` names it in errors. */
int cli_parse_count(const char *text, unsigned long min, unsigned long max,
    const char *what, unsigned long *v, char **cause);

/* The usage lines. */
void cli_usage(FILE *f);

/* The whole --help text. */
void cli_help(FILE *f);

/* The --version text. */
void cli_version(FILE *f);

#endif /* ISOCK_CLI_H */
