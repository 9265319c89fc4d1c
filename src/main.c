/* SPDX-License-Identifier: ISC */
/*
 * main.c: isock-connect: parse, run, exit.  The run's policy is run.c's.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "exitcode.h"
#include "explain.h"
#include "loop.h"
#include "report.h"
#include "result.h"
#include "run.h"
#include "text.h"

/* stderr's buffer (main). */
static char err_buf[BUFSIZ];

/* The signal that asked the run to end, or 0. */
static volatile sig_atomic_t stop_signal;

/* The signals the tool handles or ignores, and what the caller gave. */
static const int handled[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
#define NHANDLED (sizeof(handled) / sizeof(handled[0]))

struct caller_signals {
	struct sigaction action[NHANDLED];
	bool saved[NHANDLED];
};

static void
on_signal(int sig)
{
	if (stop_signal == 0)
		stop_signal = sig;
}

/*
 * SIGINT, SIGTERM and SIGHUP end the run cleanly; no call is restarted.  A
 * signal the caller set to be ignored (nohup) stays ignored.  The loop
 * keeps them blocked but inside ppoll(), so one that comes between its
 * check and its wait is never lost (probe.c).  What the caller gave is
 * kept in `cs`, for a -- COMMAND.  One call a signal: each is set and its
 * old action read at once, and put back when it was SIG_IGN (the lean
 * success of issue 19 counts system calls).
 */
static void
install_signals(struct caller_signals *cs)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NHANDLED; i++) {
		/* A closed stdout is a write error, not a silent death. */
		sa.sa_handler = handled[i] == SIGPIPE ? SIG_IGN : on_signal;
		cs->saved[i] = sigaction(handled[i], &sa, &cs->action[i]) == 0;
		if (cs->saved[i] && handled[i] != SIGPIPE &&
		    cs->action[i].sa_handler == SIG_IGN) {
			sigaction(handled[i], &cs->action[i], NULL);
			/* One that came while it was caught is not ours. */
			if (stop_signal == handled[i])
				stop_signal = 0;
		}
	}
}

/*
 * -- COMMAND: replace this process with `argv` (a PATH search as a shell
 * does), after the report is flushed and with the signal dispositions and
 * mask the caller gave.  A signal that asked the run to end before then
 * wins.  Returns only when the command did not start: 127 when it was not
 * found, 126 when it could not be run, said on stderr; or 128+N.
 */
static int
exec_command(char **argv, const struct caller_signals *cs)
{
	sigset_t hold, mask;
	size_t i;
	char *q;
	int err;

	fflush(stderr);
	sigemptyset(&hold);
	for (i = 0; i < NHANDLED; i++)
		sigaddset(&hold, handled[i]);
	/* The run's loops are over: the mask found is the caller's. */
	sigprocmask(SIG_BLOCK, &hold, &mask);
	if (stop_signal != 0)
		return ISOCK_EXIT_SIGNAL + stop_signal;
	for (i = 0; i < NHANDLED; i++)
		if (cs->saved[i])
			sigaction(handled[i], &cs->action[i], NULL);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	execvp(argv[0], argv);
	err = errno;
	q = text_escape_dup(argv[0]);
	fprintf(stderr, "isock-connect: cannot run '%s': %s\n", q != NULL ? q :
	    "?", strerror(err));
	free(q);
	return err == ENOENT || err == ENOTDIR ? ISOCK_EXIT_NO_COMMAND :
	    ISOCK_EXIT_CANNOT_RUN;
}

/*
 * Standard descriptors the caller left closed are opened on /dev/null, read
 * only: otherwise the first socket would take descriptor 1 or 2 and the
 * report would be sent to a peer.  Writes there fail, so a closed stdout is
 * still a write error.  Returns false when /dev/null cannot be opened.
 * The three are asked at once (loop_closed_fds: one poll(2)).
 */
static bool
hold_std_fds(void)
{
	unsigned closed = loop_closed_fds(3);
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if ((closed & 1u << fd) != 0 &&
		    open("/dev/null", O_RDONLY) != fd)
			return false;
	return true;
}

/* Flush stdout; a write error turns any status into a failure. */
static int
close_stdout(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "isock-connect: write error on standard output: "
		    "%s\n", strerror(errno));
		return status == 0 ? ISOCK_EXIT_OTHER : status;
	}
	return status;
}


int
main(int argc, char **argv)
{
	const struct explain_entry *e;
	struct caller_signals cs;
	enum result_codes codes;
	struct options o;
	char *cause = NULL;
	int status;

	if (!hold_std_fds())
		return ISOCK_EXIT_RESOURCES;
	install_signals(&cs);
	/*
	 * The character set of the user's locale, for AI_IDN to convert a
	 * name beyond ASCII; nothing else: messages, numbers and collation
	 * stay the C locale's, and text.c escapes by bytes, not by locale.
	 */
	(void)setlocale(LC_CTYPE, "");
	/* The lines of one result go to stderr together (run.c flushes);
	   a buffer of our own spares stdio's fstat(2) and malloc. */
	setvbuf(stderr, err_buf, _IOFBF, sizeof(err_buf));
	if ((status = cli_parse(argc, argv, &stop_signal, &o, &cause)) < 0) {
		status = cli_fail(status, cause, stop_signal, o.quiet, stderr);
		free(cause);
		cli_free(&o);
		return result_exit_mode(status, o.codes);
	}
	switch (o.action) {
	case CLI_HELP:
		cli_help(stdout);
		cli_free(&o);
		return close_stdout(0);
	case CLI_VERSION:
		cli_version(stdout);
		cli_free(&o);
		return close_stdout(0);
	case CLI_LIST_ERRORS:
		report_list_errors(stdout);
		cli_free(&o);
		return close_stdout(0);
	case CLI_EXPLAIN:
		e = explain_lookup(o.explain);
		if (e == NULL && ready_text_lookup(o.explain) != NULL) {
			report_explain_ready(ready_text_lookup(o.explain),
			    stdout);
			cli_free(&o);
			return close_stdout(0);
		}
		if (e == NULL) {
			char *q = text_escape_dup(o.explain);

			fprintf(stderr, "isock-connect: unknown error '%s': "
			    "expected a name such as ECONNREFUSED, "
			    "EAI_NONAME or TLS_CERT_EXPIRED, or an errno "
			    "number (see "
			    "--list-errors)\nTry 'isock-connect --help' for "
			    "more information.\n", q != NULL ? q : "?");
			free(q);
			cli_free(&o);
			return result_exit_mode(ISOCK_EXIT_USAGE, o.codes);
		}
		report_explain(e, stdout);
		cli_free(&o);
		return close_stdout(0);
	case CLI_RUN:
		break;
	}

	/*
	 * A run's pipe gets each line at once, not a block at the end.  The
	 * texts above (--help, --explain) stay one block, written at exit:
	 * `--explain E | head -2` then reads them whole, not a line, while
	 * the rest meets a closed pipe.
	 */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (o.note != NULL && !o.quiet)
		fprintf(stderr, "isock-connect: %s\n", o.note);
	status = close_stdout(run_targets(&o, &stop_signal));
	if (status == 0 && o.command != NULL)
		status = exec_command(o.command, &cs);
	codes = o.codes;
	cli_free(&o);
	return result_exit_mode(status, codes);
}
