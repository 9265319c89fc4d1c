/* SPDX-License-Identifier: ISC */
/*
 * check_fdfacts.c: the descriptor facts of src/fdfacts.c: the soft limit,
 * and the descriptors open below it counted exactly, also when none is
 * left (EMFILE: the count must need no descriptor of its own) and around
 * holes; above FDFACTS_COUNT_MAX they are not counted.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fdfacts.h"

/* Set the soft limit to `n` descriptors. */
static void
limit(rlim_t n)
{
	struct rlimit rl;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert(rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= n);
	rl.rlim_cur = n;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

/* The descriptors open below `n`, one fcntl() each (the test's count). */
static long
open_below(int n)
{
	long k = 0;
	int fd;

	for (fd = 0; fd < n; fd++)
		k += fcntl(fd, F_GETFD) >= 0;
	return k;
}

/* Under a limit of 64: the limit, and a count that follows opens. */
START_TEST(test_count)
{
	struct fd_fact f;
	long before;
	int a, b;

	limit(64);
	ck_assert(fdfacts_read(&f));
	ck_assert_uint_eq(f.limit, 64);
	before = open_below(64);
	ck_assert_int_eq(f.open, before);
	a = open("/dev/null", O_RDONLY | O_CLOEXEC);
	b = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(a, 0);
	ck_assert_int_ge(b, 0);
	ck_assert(fdfacts_read(&f));
	ck_assert_int_eq(f.open, before + 2);
	/* A hole below an open descriptor. */
	close(a);
	ck_assert(fdfacts_read(&f));
	ck_assert_int_eq(f.open, before + 1);
	close(b);
	ck_assert_int_eq(f.error, 0);
}
END_TEST

/*
 * Every descriptor taken: counted all the same.  The ones it took are
 * closed and the limit put back after (the suites may run in one process,
 * and LeakSanitizer needs a descriptor at its exit).
 */
START_TEST(test_full)
{
	struct fd_fact f;
	struct rlimit rl;
	int fd, first = -1, last = -1;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	limit(32);
	while ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0) {
		if (first < 0)
			first = fd;
		last = fd;
	}
	ck_assert_int_eq(last, 31);
	ck_assert(fdfacts_read(&f));
	for (fd = first; fd >= 0 && fd <= last; fd++)
		close(fd);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert_uint_eq(f.limit, 32);
	ck_assert_int_eq(f.open, 32);
}
END_TEST

/* Above FDFACTS_COUNT_MAX: not counted. */
START_TEST(test_not_counted)
{
	struct fd_fact f;

	limit(FDFACTS_COUNT_MAX + 1);
	ck_assert(fdfacts_read(&f));
	ck_assert_uint_eq(f.limit, FDFACTS_COUNT_MAX + 1);
	ck_assert_int_eq(f.open, -1);
}
END_TEST

static Suite *
fdfacts_suite(void)
{
	Suite *su = suite_create("fdfacts");
	TCase *tc = tcase_create("count");
	struct rlimit rl;

	tcase_add_test(tc, test_count);
	tcase_add_test(tc, test_full);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && (rl.rlim_max ==
	    RLIM_INFINITY || rl.rlim_max > FDFACTS_COUNT_MAX))
		tcase_add_test(tc, test_not_counted);
	else
		printf("check_fdfacts: test_not_counted is left out: the hard "
		    "limit is %d or less\n", FDFACTS_COUNT_MAX);
	suite_add_tcase(su, tc);
	return su;
}

int
main(void)
{
	SRunner *sr = srunner_create(fdfacts_suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
