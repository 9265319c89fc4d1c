/* SPDX-License-Identifier: ISC */
/*
 * unixpath.c: the walk of a Unix socket path (see unixpath.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/un.h>

#include "unixpath.h"

/* The name of user `uid` into `buf`, or its number when it has none. */
static void
unixpath_user(uid_t uid, char *buf, size_t size)
{
	struct passwd pw, *res = NULL;
	char tmp[1024];

	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) == 0 && res != NULL)
		facts_strlcpy(buf, res->pw_name, size);
	else
		snprintf(buf, size, "%lu", (unsigned long)uid);
}

/* The name of group `gid` into `buf`, or its number when it has none. */
static void
unixpath_group(gid_t gid, char *buf, size_t size)
{
	struct group gr, *res = NULL;
	char tmp[1024];

	if (getgrgid_r(gid, &gr, tmp, sizeof(tmp), &res) == 0 && res != NULL)
		facts_strlcpy(buf, res->gr_name, size);
	else
		snprintf(buf, size, "%lu", (unsigned long)gid);
}

/* True when this process holds group `gid` (effective or supplementary). */
static bool
unixpath_in_group(gid_t gid)
{
	gid_t list[256];
	int i, n;

	if (getegid() == gid)
		return true;
	n = getgroups((int)(sizeof(list) / sizeof(list[0])), list);
	for (i = 0; i < n; i++)
		if (list[i] == gid)
			return true;
	return false;
}

/* Record the walk's finding `kind` at `at`, with its mode and owner. */
static unsigned
unixpath_fact_set(struct unixpath_fact *pf, enum diag_path_kind kind,
    const char *at, const struct stat *st)
{
	memset(pf, 0, sizeof(*pf));
	pf->kind = kind;
	facts_strlcpy(pf->at, at, sizeof(pf->at));
	pf->my_uid = geteuid();
	if (st == NULL)
		return DIAG_PATH;
	pf->mode = st->st_mode;
	pf->uid = st->st_uid;
	pf->gid = st->st_gid;
	pf->in_group = unixpath_in_group(st->st_gid);
	unixpath_user(st->st_uid, pf->owner, sizeof(pf->owner));
	unixpath_group(st->st_gid, pf->group, sizeof(pf->group));
	return DIAG_PATH;
}

/*
 * Record that nothing is found at `at` (stat failed with ENOENT): a
 * symbolic link there (lstat) is dangling, and where it points is kept.
 */
static unsigned
unixpath_missing(struct unixpath_fact *pf, const char *at)
{
	struct stat lst;
	ssize_t n;

	(void)unixpath_fact_set(pf, DIAG_PATH_MISSING, at, NULL);
	if (lstat(at, &lst) != 0 || !S_ISLNK(lst.st_mode))
		return DIAG_PATH;
	n = readlink(at, pf->target, sizeof(pf->target) - 1);
	if (n <= 0)
		return DIAG_PATH;
	pf->target[n] = '\0';
	pf->dangling = true;
	return DIAG_PATH;
}

/*
 * Check one directory on the way to the socket: it exists, is a directory
 * and this process may search it.  Returns 0 when it passes, DIAG_PATH with
 * the fact set at the first that fails, or ~0u when stat failed otherwise.
 */
static unsigned
unixpath_dir(struct unixpath_fact *pf, const char *dir)
{
	struct stat st;

	if (stat(dir, &st) != 0)
		return errno == ENOENT ? unixpath_missing(pf, dir) : ~0u;
	if (!S_ISDIR(st.st_mode))
		return unixpath_fact_set(pf, DIAG_PATH_NOTDIR, dir, &st);
	if (faccessat(AT_FDCWD, dir, X_OK, AT_EACCESS) != 0)
		return errno == EACCES ? unixpath_fact_set(pf,
		    DIAG_PATH_NOSEARCH, dir, &st) : ~0u;
	return 0;
}

/* The path of a Unix address, when it names a file. */
bool
unixpath_of(const struct sockaddr *sa, socklen_t len, char *path, size_t size)
{
	size_t off = offsetof(struct sockaddr_un, sun_path), n;

	n = len != 0 ? len : sizeof(struct sockaddr_un);
	if (size == 0 || n <= off || sa->sa_family != AF_UNIX)
		return false;
	n -= off;
	if (n > sizeof(((struct sockaddr_un *)0)->sun_path))
		n = sizeof(((struct sockaddr_un *)0)->sun_path);
	if (n > size - 1)
		n = size - 1;
	memcpy(path, ((const struct sockaddr_un *)(const void *)sa)->sun_path,
	    n);
	path[n] = '\0';
	return path[0] != '\0';
}

/* Walk `path` and record the first thing in the way. */
unsigned
unixpath_walk(const char *path, struct unixpath_fact *pf, struct stat *st)
{
	char prefix[DIAG_PATH_MAX];
	size_t len = strlen(path), i;
	unsigned r;

	if (len == 0 || len >= sizeof(prefix))
		return 0;
	if (path[0] == '/' && (r = unixpath_dir(pf, "/")) != 0)
		return r == ~0u ? 0 : r;
	for (i = 1; i < len; i++) {
		if (path[i] != '/' || path[i - 1] == '/')
			continue;
		memcpy(prefix, path, i);
		prefix[i] = '\0';
		if ((r = unixpath_dir(pf, prefix)) != 0)
			return r == ~0u ? 0 : r;
	}
	if (stat(path, st) != 0) {
		if (errno == ENOENT)
			return unixpath_missing(pf, path);
		if (errno == ENOTDIR)
			return unixpath_fact_set(pf, DIAG_PATH_NOTDIR, path,
			    NULL);
		return 0;
	}
	if (!S_ISSOCK(st->st_mode))
		return unixpath_fact_set(pf, DIAG_PATH_NOTSOCK, path, st);
	if (faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) != 0 &&
	    errno == EACCES)
		return unixpath_fact_set(pf, DIAG_PATH_NOWRITE, path, st);
	return unixpath_fact_set(pf, DIAG_PATH_SOCKET, path, st);
}
