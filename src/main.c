/*
 * main.c: isock-connect: parse, run, report, exit.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "exitcode.h"
#include "probe.h"
#include "report.h"

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* SIGINT, SIGTERM and SIGHUP end the run cleanly; no call is restarted. */
static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A closed stdout is reported as a write error, not a silent death. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
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
	struct options o;
	struct probe_opts po;
	struct probe_result r;
	struct report_opts ro = { .out = stdout, .err = stderr };
	char *cause = NULL;
	int status;

	install_signals();
	if (cli_parse(argc, argv, &o, &cause) < 0) {
		fprintf(stderr, "isock-connect: %s\nTry 'isock-connect --help' "
		    "for more information.\n", cause != NULL ? cause :
		    "out of memory");
		free(cause);
		cli_free(&o);
		return ISOCK_EXIT_USAGE;
	}
	if (o.action == CLI_HELP || o.action == CLI_VERSION) {
		if (o.action == CLI_HELP)
			cli_help(stdout);
		else
			cli_version(stdout);
		cli_free(&o);
		return close_stdout(0);
	}

	memset(&po, 0, sizeof(po));
	po.deadline = clock_add_ms(clock_now(), o.timeout_ms);
	po.source = o.has_source ? &o.source : NULL;
	po.source_len = o.has_source ? o.source_len : 0;
	po.source_port = o.source_port;
	po.broadcast = o.broadcast;
	po.stop = &stop_signal;
	if (o.verbose > 0 && !o.quiet) {
		po.trace = report_trace;
		po.trace_arg = stderr;
	}
	probe_run(&o.target, &po, &r);

	ro.quiet = o.quiet;
	ro.timeout_ms = o.timeout_ms;
	report_text(&o.target, &r, &ro);
	status = probe_exit_code(&r);
	probe_result_free(&r);
	cli_free(&o);
	return close_stdout(status);
}
