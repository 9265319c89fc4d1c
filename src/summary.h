/* SPDX-License-Identifier: ISC */
/*
 * summary.h: what a person sees of many targets.
 *
 * One short line a target as its result is printed ("127.0.0.1 port 1003
 * (tcp): connected in 0.213 ms", "... port 1010 (tcp): timed out") where
 * the run wants it (a log), then the results grouped by host, protocol
 * and outcome (the errno, and the facts as facts, never as text, but for
 * the target's own address and port) with their ports folded into ranges
 * ("127.0.0.1 (tcp): 1000-1002,1004-1009 refused"), and under each
 * failing group the facts not said before and, once per cause, the
 * explanation of its first target.  --count uses the groups for its failures alone: each
 * distinct failure is diagnosed once, after the statistics.
 *
 * A summary keeps, for each group, the result and the facts of the target
 * that stands for it (taken over from the run, which frees the rest), and
 * the ports of the group; the cost is one small record a target.
 */
#ifndef ISOCK_SUMMARY_H
#define ISOCK_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>

#include "diagnose.h"
#include "report.h"
#include "result.h"
#include "target.h"

struct summary;

/*
 * A new empty summary, or NULL when out of memory; `invert`: of a run
 * under --invert, where nothing accepting is the success.
 */
struct summary *summary_new(bool invert);

/* Free `s` and every result and fact it holds (NULL: nothing). */
void summary_free(struct summary *s);

/*
 * Before target `i` is diagnosed: true when its failure `r` is of a kind
 * not seen yet (by host, protocol, errno or resolver code, not by facts),
 * false when an earlier target already stands for it, so that a costly
 * diagnosis (a name's, asking the name servers) need not be made again.
 * Out of memory answers true.
 */
bool summary_claim(struct summary *s, size_t i, const struct target *t,
    const struct result *r);

/*
 * Count target `i`'s final result `r` in its group.  When `i` stands for
 * a failing group, the summary takes over its attempts and `*facts`
 * (`r` is left not started, `*facts` NULL); otherwise both stay the
 * caller's.  Returns -1 when out of memory (the target is not counted).
 */
int summary_add(struct summary *s, size_t i, const struct target *t,
    struct result *r, struct diag_facts **facts);

/*
 * The one line of target `t` among several: on `o->out` when `r`
 * connected, on `o->err` otherwise.
 */
void summary_line(const struct target *t, const struct result *r,
    const struct report_opts *o);

/* What summary_print() shows: the connected groups, the failing ones. */
#define SUMMARY_CONNECTED 1u
#define SUMMARY_FAILED 2u

/*
 * The groups, by host and protocol in the order first seen, each host's
 * groups in input order (of their first target): with SUMMARY_CONNECTED
 * in `show`, a line for the ports that connected on `o->out`; with
 * SUMMARY_FAILED, for each failing group, on `o->err`, its line with the
 * failure, the addresses tried, the facts not said before, and the
 * meaning and what to check unless an earlier group has its cause (then
 * its line ends "as above").
 */
void summary_print(const struct summary *s, unsigned show,
    const struct report_opts *o);

/*
 * The status line of a long run on the terminal `tty`, rewritten in place:
 * "312/1000 done: 12 connected, 250 refused, 50 timed out; 4.1 s
 * elapsed".  `count` holds the targets done per exit status, 0 to
 * ISOCK_EXIT_MAX, then those a signal ended.  report_progress_clear(tty)
 * removes it.
 */
void summary_progress(FILE *tty, size_t done, size_t n,
    const unsigned long *count, double ms);

/*
 * The status line of --wait on the terminal `tty`, rewritten in place:
 * what is awaited and how long, against the limit: "db:5432: 2.2 s of 30 s,
 * 7 attempts, last: refused" (`limit_ms` 0: "2.2 s (no limit)"), for
 * target `t` whose last try gave `r`.
 */
void summary_waiting(FILE *tty, const struct target *t,
    const struct result *r, double ms, long limit_ms, unsigned tries);

#endif /* ISOCK_SUMMARY_H */
