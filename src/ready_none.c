/* SPDX-License-Identifier: ISC */
/*
 * ready_none.c: ready.h in a build without libcurl (configure
 * --without-libcurl, make static).  cli.c refuses a target that needs a
 * check before one is started, so these are never asked to start one.
 */
#include "config.h"

#include <stddef.h>

#include "ready.h"
#include "text.h"

bool
ready_built(void)
{
	return false;
}

void
ready_preload(void)
{
}

struct ready *
ready_new(const struct target *t, const struct ready_opts *o, int fd,
    const char *addr, double connect_ms, char **cause)
{
	(void)t;
	(void)o;
	(void)fd;
	(void)addr;
	(void)connect_ms;
	*cause = text_printf("this build of isock-connect has no libcurl");
	return NULL;
}

short
ready_events(const struct ready *rd)
{
	(void)rd;
	return 0;
}

int
ready_timeout(const struct ready *rd)
{
	(void)rd;
	return -1;
}

bool
ready_on_event(struct ready *rd, short revents)
{
	(void)rd;
	(void)revents;
	return true;
}

void
ready_result(struct ready *rd, bool stopped, struct ready_facts *f)
{
	(void)rd;
	(void)stopped;
	(void)f;
}

void
ready_free(struct ready *rd)
{
	(void)rd;
}
