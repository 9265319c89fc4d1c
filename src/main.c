/* SPDX-License-Identifier: ISC */
/*
 * main.c: isock-connect: parse, run, exit.  The run's policy is run.c's.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "exitcode.h"
#include "explain.h"
#include "report.h"
#include "run.h"
#include "text.h"

/* The signal that asked the run to end, or 0. */
static volatile sig_atomic_t stop_signal;

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
 * check and its wait is never lost (probe.c).
 */
static void
install_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	/* A closed stdout is reported as a write error, not a silent death. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/*
 * Standard descriptors the caller left closed are opened on /dev/null, read
 * only: otherwise the first socket would take descriptor 1 or 2 and the
 * report would be sent to a peer.  Writes there fail, so a closed stdout is
 * still a write error.  Returns false when /dev/null cannot be opened.
 */
static bool
hold_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
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
	struct options o;
	char *cause = NULL;
	int status;

	if (!hold_std_fds())
		return ISOCK_EXIT_RESOURCES;
	install_signals();
	/*
	 * A pipe gets each line at once, not a block at the end; the lines
	 * of one result go to stderr together (flushed after each result).
	 */
	setvbuf(stdout, NULL, _IOLBF, 0);
	setvbuf(stderr, NULL, _IOFBF, BUFSIZ);
	if ((status = cli_parse(argc, argv, &stop_signal, &o, &cause)) < 0) {
		status = cli_fail(status, cause, stop_signal, o.quiet, stderr);
		free(cause);
		cli_free(&o);
		return status;
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
		if (e == NULL) {
			char *q = text_escape_dup(o.explain);

			fprintf(stderr, "isock-connect: unknown error '%s': "
			    "expected a name such as ECONNREFUSED or "
			    "EAI_NONAME, or an errno number (see "
			    "--list-errors)\nTry 'isock-connect --help' for "
			    "more information.\n", q != NULL ? q : "?");
			free(q);
			cli_free(&o);
			return ISOCK_EXIT_USAGE;
		}
		report_explain(e, stdout);
		cli_free(&o);
		return close_stdout(0);
	case CLI_RUN:
		break;
	}

	status = run_targets(&o, &stop_signal);
	cli_free(&o);
	return close_stdout(status);
}
