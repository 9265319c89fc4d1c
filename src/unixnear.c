/* SPDX-License-Identifier: ISC */
/*
 * unixnear.c: sockets near a missing Unix path (see unixnear.h).
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "unixnear.h"

/* Keep `path` when it is a socket not kept yet. */
static void
unixnear_keep(struct unixnear_fact *nf, const char *path)
{
	struct stat st;
	unsigned i;

	if (nf->n >= UNIXNEAR_MAX || strlen(path) >= DIAG_PATH_MAX ||
	    lstat(path, &st) != 0 || !S_ISSOCK(st.st_mode))
		return;
	for (i = 0; i < nf->n; i++)
		if (strcmp(nf->path[i], path) == 0)
			return;
	facts_strlcpy(nf->path[nf->n++], path, DIAG_PATH_MAX);
}

/*
 * Each entry of directory `dir` (UNIXNEAR_SCAN at most): with `name`, the
 * entry's `name` when the entry is a directory; without, the entry itself.
 */
static void
unixnear_scan(struct unixnear_fact *nf, const char *dir, const char *name)
{
	struct dirent *e;
	char p[2 * DIAG_PATH_MAX + sizeof(e->d_name)];
	unsigned seen = 0;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while (nf->n < UNIXNEAR_MAX && seen++ < UNIXNEAR_SCAN &&
	    (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (name != NULL)
			snprintf(p, sizeof(p), "%s/%s/%s", strcmp(dir, "/") == 0 ?
			    "" : dir, e->d_name, name);
		else
			snprintf(p, sizeof(p), "%s/%s", strcmp(dir, "/") == 0 ?
			    "" : dir, e->d_name);
		unixnear_keep(nf, p);
	}
	closedir(d);
}

bool
unixnear_find(const char *path, struct unixnear_fact *nf)
{
	static const char *const usual[] = { "/run", "/var/run", "/tmp" };
	char dir[DIAG_PATH_MAX], parent[DIAG_PATH_MAX], p[2 * DIAG_PATH_MAX];
	const char *name, *slash;
	size_t i;

	memset(nf, 0, sizeof(*nf));
	slash = strrchr(path, '/');
	if (path[0] != '/' || slash == NULL || slash[1] == '\0' ||
	    (size_t)(slash - path) >= sizeof(dir))
		return false;
	name = slash + 1;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	if (dir[0] == '\0')
		strcpy(dir, "/");
	unixnear_scan(nf, dir, NULL);
	facts_strlcpy(parent, dir, sizeof(parent));
	slash = strrchr(parent, '/');
	if (slash != NULL && slash != parent) {
		parent[slash - parent] = '\0';
		unixnear_scan(nf, parent, name);
	} else if (slash == parent && strcmp(parent, "/") != 0) {
		unixnear_scan(nf, "/", name);
	}
	for (i = 0; i < sizeof(usual) / sizeof(usual[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", usual[i], name);
		unixnear_keep(nf, p);
	}
	return nf->n > 0;
}
