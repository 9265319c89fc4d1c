/* SPDX-License-Identifier: ISC */
/*
 * fdfacts.c: the descriptor limit and the descriptors open (see fdfacts.h).
 */
#include "config.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "fdfacts.h"
#include "loop.h"

bool
fdfacts_read(struct fd_fact *fd)
{
	struct rlimit rl;
	struct pollfd *p;
	unsigned long i, n;

	memset(fd, 0, sizeof(*fd));
	fd->open = -1;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return false;
	fd->limit = (unsigned long)rl.rlim_cur;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > FDFACTS_COUNT_MAX)
		return true;
	n = (unsigned long)rl.rlim_cur;
	p = calloc(n > 0 ? n : 1, sizeof(*p));
	if (p == NULL)
		return true;
	for (i = 0; i < n; i++) {
		p[i].fd = (int)i;
		p[i].events = 0;
	}
	/* A closed descriptor comes back POLLNVAL; nothing waits (a zero
	   time-out, through the loop like every poll). */
	if (loop_poll(p, (nfds_t)n, 0) >= 0) {
		fd->open = 0;
		for (i = 0; i < n; i++)
			if ((p[i].revents & POLLNVAL) == 0)
				fd->open++;
	}
	free(p);
	return true;
}
