/* SPDX-License-Identifier: ISC */
/*
 * fds.h: for the Check suites, how many descriptors this process has open
 * (/proc/self/fd, the directory's own not counted): a test compares the
 * count before and after the code it runs, to find one left open.
 */
#ifndef ISOCK_TESTS_FDS_H
#define ISOCK_TESTS_FDS_H

#include <check.h>
#include <dirent.h>

static inline int
fds_open(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;		/* opendir's own */
}

#endif /* ISOCK_TESTS_FDS_H */
