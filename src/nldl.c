/* SPDX-License-Identifier: ISC */
/*
 * nldl.c: the tables of nldl.h, filled with dlopen and dlsym on first use.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#define NLDL_SELF
#include "nldl.h"

/* Each library: not tried yet, open, or not to be had this run. */
enum nldl_state { NLDL_UNTRIED, NLDL_OPEN, NLDL_FAILED };

static struct nldl_mnl mnl_fns;
static enum nldl_state mnl_state;
#ifdef HAVE_NFTNL
static struct nldl_nftnl nftnl_fns;
static enum nldl_state nftnl_state;
#endif
static char nldl_why[256];

/*
 * Store the function `f` that dlsym found in the pointer at `slot`, byte by
 * byte: the object is a function pointer, which a void * may not alias.
 * (memcpy does the same; gcc 12's -fanalyzer takes its read of `f` for a
 * read of an uninitialised value.)
 */
static void
nldl_put(void *slot, void *f)
{
	unsigned char *to = slot;
	const unsigned char *from = (const unsigned char *)&f;
	size_t k;

	for (k = 0; k < sizeof(f); k++)
		to[k] = from[k];
}

/*
 * Open `soname` and look up each of `names` (NULL-ended) into the function
 * pointer at `slots[i]`, in order.  Returns false with nldl_why set when
 * the library or one of its functions is missing; the library stays open
 * either way (another table may share it).
 */
static bool
nldl_open(const char *soname, const char *const *names, void *const *slots)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (h == NULL) {
		snprintf(nldl_why, sizeof(nldl_why), "%s", dlerror());
		return false;
	}
	for (i = 0; names[i] != NULL; i++) {
		void *f = dlsym(h, names[i]);

		if (f == NULL) {
			snprintf(nldl_why, sizeof(nldl_why), "%s has no %s",
			    soname, names[i]);
			return false;
		}
		nldl_put(slots[i], f);
	}
	return true;
}

#define NLDL_NAME(f) #f,
#define NLDL_SLOT(f) (void *)&t->f,

/* Fill `t` from libmnl. */
static bool
nldl_open_mnl(struct nldl_mnl *t)
{
	static const char *const names[] = { NLDL_MNL_FUNCS(NLDL_NAME)
	    NULL };
	void *const slots[] = { NLDL_MNL_FUNCS(NLDL_SLOT) NULL };

	return nldl_open(NLDL_MNL_SONAME, names, slots);
}

bool
nldl_mnl(void)
{
	if (mnl_state == NLDL_UNTRIED)
		mnl_state = nldl_open_mnl(&mnl_fns) ? NLDL_OPEN : NLDL_FAILED;
	return mnl_state == NLDL_OPEN;
}

const struct nldl_mnl *
nldl_mnl_fns(void)
{
	if (!nldl_mnl())
		abort();	/* a caller did not ask nldl_mnl() first */
	return &mnl_fns;
}

#ifdef HAVE_NFTNL
/* Fill `t` from libnftnl. */
static bool
nldl_open_nftnl(struct nldl_nftnl *t)
{
	static const char *const names[] = { NLDL_NFTNL_FUNCS(NLDL_NAME)
	    NULL };
	void *const slots[] = { NLDL_NFTNL_FUNCS(NLDL_SLOT) NULL };

	return nldl_open(NLDL_NFTNL_SONAME, names, slots);
}

bool
nldl_nftnl(void)
{
	if (!nldl_mnl())
		return false;
	if (nftnl_state == NLDL_UNTRIED)
		nftnl_state = nldl_open_nftnl(&nftnl_fns) ? NLDL_OPEN :
		    NLDL_FAILED;
	return nftnl_state == NLDL_OPEN;
}

const struct nldl_nftnl *
nldl_nftnl_fns(void)
{
	if (!nldl_nftnl())
		abort();	/* a caller did not ask nldl_nftnl() first */
	return &nftnl_fns;
}
#else
bool
nldl_nftnl(void)
{
	snprintf(nldl_why, sizeof(nldl_why), "built without libnftnl");
	return false;
}
#endif /* HAVE_NFTNL */

const char *
nldl_error(void)
{
	return nldl_why;
}
