/* SPDX-License-Identifier: ISC */
/*
 * fdfacts.h: this process's descriptor limit and how many descriptors it
 * holds (issue 20): a look-up that could open no socket is the limit, not
 * a name server that did not answer.
 */
#ifndef ISOCK_FDFACTS_H
#define ISOCK_FDFACTS_H

#include <stdbool.h>

/* DIAG_FDS: the descriptor limit and the descriptors open. */
struct fd_fact {
	unsigned long limit;		/* RLIMIT_NOFILE, the soft limit */
	long open;			/* descriptors open now; -1: not counted
					   (a limit above FDFACTS_COUNT_MAX) */
	int error;			/* EMFILE or ENFILE when a read of the
					   diagnosis failed for want of one,
					   else 0 */
};

/* Above this limit the open descriptors are not counted. */
#define FDFACTS_COUNT_MAX 65536

/*
 * Read the limit and count the descriptors open (/proc/self/fd, or fcntl()
 * of each without it; no descriptor needed) into `fd`; true when the limit
 * could be read.
 */
bool fdfacts_read(struct fd_fact *fd);

#endif /* ISOCK_FDFACTS_H */
