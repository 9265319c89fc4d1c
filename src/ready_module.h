/* SPDX-License-Identifier: ISC */
/*
 * ready_module.h: the table between the tool and its module
 * src/isock-ready.so (ready.c), which ready_load.c opens with dlopen.
 * Each entry is the function of ready.h of the same name.  The module is
 * built with the tool; a table of another version is refused.
 */
#ifndef ISOCK_READY_MODULE_H
#define ISOCK_READY_MODULE_H

#include "ready.h"

/* Changes with struct ready_facts, ready_opts or this table. */
#define READY_MODULE_VERSION 4

/* The file name of the module, in the tool's directory or PKGLIBDIR. */
#define READY_MODULE_NAME "isock-ready.so"

struct ready_module {
	int version;
	struct ready *(*new)(const struct target *t,
	    const struct ready_opts *o, int fd, const char *addr,
	    double connect_ms, char **cause);
	short (*events)(const struct ready *rd);
	int (*timeout)(const struct ready *rd);
	bool (*on_event)(struct ready *rd, short revents);
	void (*result)(struct ready *rd, bool stopped, struct ready_facts *f);
	void (*free)(struct ready *rd);
};

/* The module's one exported symbol. */
extern const struct ready_module isock_ready_module;

#endif /* ISOCK_READY_MODULE_H */
