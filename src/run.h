/* SPDX-License-Identifier: ISC */
/*
 * run.h: the run's policy.
 *
 * run_targets() runs the targets of the options once, with --wait until
 * each connects or the wait ends, or --count times, on probe's one loop;
 * prints each result in input order as soon as it and those before it are
 * final, after diagnosing a failure on a budget of its own (at most 250 ms,
 * after the attempt ended, never taken from -w); and gives the exit status
 * of the run, from result_run_status(): 0 when every target connected
 * (--any: one; --invert: did not), else the first failing target's in
 * input order (11 for one that --invert found accepting), 128+N when
 * signal N ended the run, every failure 1 with --exit-codes binary.
 * --wait 0 waits without limit.
 */
#ifndef ISOCK_RUN_H
#define ISOCK_RUN_H

#include <signal.h>

#include "cli.h"

/*
 * Run the targets of `o`; `*stop` becomes a signal's number when one asks
 * the run to end.  Returns the exit status.
 */
int run_targets(const struct options *o, volatile sig_atomic_t *stop);

#endif /* ISOCK_RUN_H */
