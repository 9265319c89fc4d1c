/* SPDX-License-Identifier: ISC */
/*
 * fdfacts.c: the descriptor limit and the descriptors open (see fdfacts.h).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "fdfacts.h"

/*
 * The descriptors open below `n`, as /proc/self/fd lists them (the one
 * reading it left out); -1 when it cannot be read.  When no descriptor is
 * left to read it with (EMFILE: none is free below the limit), all `n`.
 */
static long
count_listed(unsigned long n)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned long fd;
	char *end;
	long open = 0;

	if (d == NULL)
		return errno == EMFILE ? (long)n : -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		errno = 0;
		fd = strtoul(e->d_name, &end, 10);
		if (errno == 0 && *end == '\0' && fd < n &&
		    (int)fd != dirfd(d))
			open++;
	}
	closedir(d);
	return open;
}

bool
fdfacts_read(struct fd_fact *fd)
{
	struct rlimit rl;
	unsigned long i, n;

	memset(fd, 0, sizeof(*fd));
	fd->open = -1;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return false;
	fd->limit = (unsigned long)rl.rlim_cur;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > FDFACTS_COUNT_MAX)
		return true;
	n = (unsigned long)rl.rlim_cur;
	/*
	 * Read off the kernel's list (a few system calls); without /proc,
	 * fcntl(F_GETFD) of each descriptor below the limit, EBADF for a
	 * closed one.  Both exact, neither waits (no poll: issue 19).
	 */
	if ((fd->open = count_listed(n)) >= 0)
		return true;
	fd->open = 0;
	for (i = 0; i < n; i++)
		if (fcntl((int)i, F_GETFD) >= 0 || errno != EBADF)
			fd->open++;
	return true;
}
