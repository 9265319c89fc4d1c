/* SPDX-License-Identifier: ISC */
/*
 * unixnear.h: sockets near a Unix path that does not exist (issue 20): the
 * same name in a neighbouring directory, or another socket in the same
 * one, is one read away and says more than "start the server".
 */
#ifndef ISOCK_UNIXNEAR_H
#define ISOCK_UNIXNEAR_H

#include "facts.h"

/* How many sockets near the path are kept. */
#define UNIXNEAR_MAX 3

/* DIAG_UNIXNEAR: sockets near a missing path. */
struct unixnear_fact {
	unsigned n;
	char path[UNIXNEAR_MAX][DIAG_PATH_MAX];	/* raw: escape to print */
};

/*
 * Look for sockets near the missing `path`: other sockets in its directory,
 * and its name in the directory's siblings, /run, /var/run and /tmp (at most
 * UNIXNEAR_SCAN entries of a directory read, no link followed); true with
 * `nf` filled when one is there.
 */
bool unixnear_find(const char *path, struct unixnear_fact *nf);

/* The entries of one directory read at most. */
#define UNIXNEAR_SCAN 256

#endif /* ISOCK_UNIXNEAR_H */
