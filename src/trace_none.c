/* SPDX-License-Identifier: ISC */
/*
 * trace_none.c: --trace in a build without libmnl and libnftnl (configure
 * --without-libmnl, make static): the trace needs both, so this build says
 * that it cannot trace rather than pretend that nothing was found.
 */
#include "config.h"

#include "trace.h"

/* A signal path may call it whatever the build: nothing to remove here. */
void
trace_cleanup(void)
{
}

/* Say on `err` that this build does not trace; `out` gets nothing. */
void
trace_report(const struct trace_query *q, const char *host, bool json,
    FILE *out, FILE *err)
{
	(void)q;
	(void)host;
	(void)json;
	(void)out;
	fprintf(err, "  Found: this build cannot trace (built without libmnl "
	    "and libnftnl): --trace was not run\n");
}
