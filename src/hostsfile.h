/* SPDX-License-Identifier: ISC */
/*
 * hostsfile.h: where a name's address came from, when it is a line of
 * /etc/hosts (issue 20): an address no one answers for is often a stale
 * hosts entry, and the report says which line gave it.
 */
#ifndef ISOCK_HOSTSFILE_H
#define ISOCK_HOSTSFILE_H

#include <stdbool.h>

#include "facts.h"

/* DIAG_HOSTS: the line of the hosts file that gives the name the address. */
struct hosts_fact {
	unsigned line;			/* 1-based */
	char name[DIAG_NAME_MAX];	/* the name as the line spells it (raw) */
};

/*
 * Look for a line of the hosts file `file` (NULL: /etc/hosts) that gives
 * `name` (case-insensitive, a final dot ignored) the address `ip`; true
 * with `h` filled when there is one.  The file is read without blocking
 * (facts_read_file), its first 64 KiB only.
 */
bool hostsfile_find(const char *file, const char *name,
    const struct diag_ip *ip, struct hosts_fact *h);

#endif /* ISOCK_HOSTSFILE_H */
