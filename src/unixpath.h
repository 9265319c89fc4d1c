/* SPDX-License-Identifier: ISC */
/*
 * unixpath.h: the walk of a Unix socket path, component by component as
 * connect() resolves it, and the first thing found in the way.
 */
#ifndef ISOCK_UNIXPATH_H
#define ISOCK_UNIXPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "facts.h"

/* What the Unix path walk found (unixpath_fact.kind). */
enum diag_path_kind {
	DIAG_PATH_MISSING,	/* `at` does not exist (first missing one) */
	DIAG_PATH_NOTDIR,	/* `at` is not a directory, yet a component
				   follows it */
	DIAG_PATH_NOSEARCH,	/* this user cannot search directory `at` */
	DIAG_PATH_NOWRITE,	/* the socket `at` is not writable for us */
	DIAG_PATH_NOTSOCK,	/* `at` (the whole path) is not a socket */
	DIAG_PATH_SOCKET	/* `at` is a socket this user may connect to */
};

/* DIAG_PATH: what the walk found. */
struct unixpath_fact {
	enum diag_path_kind kind;
	char at[DIAG_PATH_MAX];	/* the component (a prefix of the path),
				   raw: escape it to print */
	mode_t mode;		/* st_mode of `at` (not for MISSING) */
	uid_t uid;
	gid_t gid;
	char owner[DIAG_NAME_MAX];	/* user name (raw), or the number */
	char group[DIAG_NAME_MAX];
	uid_t my_uid;		/* this process's effective uid */
	bool in_group;		/* this process holds group `gid` */
	bool dangling;		/* MISSING: `at` is a symbolic link whose
				   target does not exist ... */
	char target[DIAG_PATH_MAX];	/* ... this one, as the link reads
				   (raw) */
};

/*
 * The file-system path of the Unix address `sa` (`len` bytes, 0: the
 * whole struct) into `path` (at least sizeof(sun_path) + 1 bytes); false
 * for another family, an abstract name or an empty path.
 */
bool unixpath_of(const struct sockaddr *sa, socklen_t len, char *path,
    size_t size);

/*
 * Walk `path` and record the first thing in the way into `pf`: DIAG_PATH,
 * or 0 when a stat failed otherwise.  When the path is a socket the fact is
 * DIAG_PATH_NOWRITE or DIAG_PATH_SOCKET and `st` is its stat.
 */
unsigned unixpath_walk(const char *path, struct unixpath_fact *pf,
    struct stat *st);

#endif /* ISOCK_UNIXPATH_H */
