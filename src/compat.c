/* SPDX-License-Identifier: ISC */
/*
 * compat.c: what glibc has and other C libraries (musl) lack, for the
 * functions configure found missing; config.h declares each replacement.
 */
#include "config.h"

#include <signal.h>
#include <stddef.h>

#ifndef HAVE_SIGABBREV_NP
/*
 * The short name of signal `sig` ("INT" for SIGINT), as glibc's
 * sigabbrev_np(3) gives it, or NULL for a number that names none here.
 */
const char *
sigabbrev_np(int sig)
{
	static const struct {
		int	 sig;
		const char *name;
	} names[] = {
		{ SIGHUP, "HUP" }, { SIGINT, "INT" }, { SIGQUIT, "QUIT" },
		{ SIGILL, "ILL" }, { SIGTRAP, "TRAP" }, { SIGABRT, "ABRT" },
		{ SIGBUS, "BUS" }, { SIGFPE, "FPE" }, { SIGKILL, "KILL" },
		{ SIGUSR1, "USR1" }, { SIGSEGV, "SEGV" }, { SIGUSR2, "USR2" },
		{ SIGPIPE, "PIPE" }, { SIGALRM, "ALRM" }, { SIGTERM, "TERM" },
		{ SIGCHLD, "CHLD" }, { SIGCONT, "CONT" }, { SIGSTOP, "STOP" },
		{ SIGTSTP, "TSTP" }, { SIGTTIN, "TTIN" }, { SIGTTOU, "TTOU" },
		{ SIGURG, "URG" }, { SIGXCPU, "XCPU" }, { SIGXFSZ, "XFSZ" },
		{ SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" },
		{ SIGWINCH, "WINCH" }, { SIGIO, "IO" }, { SIGSYS, "SYS" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig)
			return names[i].name;
	return NULL;
}
#endif
