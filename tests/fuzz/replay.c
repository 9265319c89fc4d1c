/* SPDX-License-Identifier: ISC */
/*
 * replay.c: a harness as a plain program: it feeds LLVMFuzzerTestOneInput
 * every file named on the command line (a directory: every file in it), or
 * by default every file of tests/fuzz/corpus/NAME under $SRCDIR.  So the
 * seed corpus, and each crash kept in it as a regression, runs in
 * `make check` without clang.
 *
 * Exit status: 0 when every input ran (a broken contract aborts), 99 when
 * an input cannot be read or there is none.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef FUZZ_NAME
#error "FUZZ_NAME must name the harness"
#endif

#define REPLAY_MAX_INPUT (1 << 20)

/* Run one file; returns 0, or -1 when it cannot be read. */
static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data;
	size_t n;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	data = malloc(REPLAY_MAX_INPUT);
	if (data == NULL) {
		fclose(f);
		return -1;
	}
	n = fread(data, 1, REPLAY_MAX_INPUT, f);
	fclose(f);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 0;
}

/* Run a file, or every regular file of a directory; returns the number of
 * inputs run, or -1. */
static long
replay_path(const char *path)
{
	struct dirent *d;
	struct stat st;
	char *p;
	long n = 0;
	DIR *dir;

	if (stat(path, &st) < 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path) < 0 ? -1 : 1;
	if ((dir = opendir(path)) == NULL) {
		perror(path);
		return -1;
	}
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		if (asprintf(&p, "%s/%s", path, d->d_name) < 0) {
			n = -1;
			break;
		}
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(p) < 0)
				n = -1;
			else if (n >= 0)
				n++;
		}
		free(p);
	}
	closedir(dir);
	return n;
}

int
main(int argc, char **argv)
{
	const char *srcdir = getenv("SRCDIR");
	char *dflt = NULL;
	long n, total = 0;
	int i;

	if (argc < 2) {
		if (asprintf(&dflt, "%s/tests/fuzz/corpus/%s", srcdir != NULL ?
		    srcdir : ".", FUZZ_NAME) < 0)
			return 99;
		n = replay_path(dflt);
		if (n > 0)
			printf("replayed %ld inputs of %s\n", n, dflt);
		free(dflt);
		return n > 0 ? 0 : 99;
	}
	for (i = 1; i < argc; i++) {
		n = replay_path(argv[i]);
		if (n < 0)
			return 99;
		total += n;
	}
	printf("replayed %ld inputs\n", total);
	return total > 0 ? 0 : 99;
}
