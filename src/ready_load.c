/* SPDX-License-Identifier: ISC */
/*
 * ready_load.c: ready.h in a build with libcurl: the functions of the
 * module src/isock-ready.so (ready.c), opened with dlopen while the name
 * look-ups of a run with a TLS or HTTP target run (ready_preload), else at
 * its first check.  A plain connect never loads
 * libcurl, OpenSSL and what they depend on (some thirty libraries, which
 * tripled the time of a run).  The module is looked for beside the
 * running program first (the build tree), then in PKGLIBDIR.
 */
#include "config.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ready.h"
#include "ready_module.h"
#include "text.h"

static const struct ready_module *mod;

bool
ready_built(void)
{
	return true;
}

/* dlopen `dir`/READY_MODULE_NAME; NULL with `*why` set (a new string). */
static void *
open_in(const char *dir, char **why)
{
	char *path = text_printf("%s/%s", dir, READY_MODULE_NAME);
	void *h;

	if (path == NULL)
		return NULL;
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		free(*why);
		*why = text_printf("%s", dlerror());
	}
	free(path);
	return h;
}

/* The module's table, opened once; NULL with `*cause` set. */
static const struct ready_module *
module(char **cause)
{
	char self[PATH_MAX], *slash, *why = NULL;
	const struct ready_module *m;
	ssize_t n;
	void *h = NULL;

	if (mod != NULL)
		return mod;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			h = open_in(self, &why);
		}
	}
	if (h == NULL)
		h = open_in(PKGLIBDIR, &why);
	if (h == NULL) {
		*cause = text_printf("the TLS and HTTP module %s/%s cannot be "
		    "loaded: %s", PKGLIBDIR, READY_MODULE_NAME, why != NULL ?
		    why : "out of memory");
		free(why);
		return NULL;
	}
	free(why);
	m = dlsym(h, "isock_ready_module");
	if (m == NULL || m->version != READY_MODULE_VERSION) {
		*cause = text_printf("%s is not the module of this build of "
		    "isock-connect", READY_MODULE_NAME);
		dlclose(h);
		return NULL;
	}
	mod = m;
	return mod;
}

void
ready_preload(void)
{
	char *cause = NULL;

	(void)module(&cause);
	free(cause);
}

struct ready *
ready_new(const struct target *t, const struct ready_opts *o, int fd,
    const char *addr, double connect_ms, char **cause)
{
	const struct ready_module *m = module(cause);

	return m != NULL ? m->new(t, o, fd, addr, connect_ms, cause) : NULL;
}

/* The functions below are called with a check ready_new() made, so the
   module is open. */

short
ready_events(const struct ready *rd)
{
	return mod->events(rd);
}

int
ready_timeout(const struct ready *rd)
{
	return mod->timeout(rd);
}

bool
ready_on_event(struct ready *rd, short revents)
{
	return mod->on_event(rd, revents);
}

void
ready_result(struct ready *rd, bool stopped, struct ready_facts *f)
{
	mod->result(rd, stopped, f);
}

void
ready_free(struct ready *rd)
{
	if (rd != NULL)
		mod->free(rd);
}
