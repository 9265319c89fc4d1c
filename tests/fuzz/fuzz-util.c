/* SPDX-License-Identifier: ISC */
/*
 * fuzz-util.c: helpers of the libFuzzer harnesses (see fuzz.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "text.h"

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: contract broken: %s\n", file, line, what);
	abort();
}

size_t
fuzz_words(const uint8_t *data, size_t size, char **words, size_t max,
    char **buf)
{
	size_t n = 0, i;
	char *b = malloc(size + 1);

	*buf = b;
	if (b == NULL || size == 0 || max == 0)
		return 0;
	memcpy(b, data, size);
	b[size] = '\0';
	words[n++] = b;
	for (i = 0; i < size && n < max; i++)
		if (b[i] == '\0')
			words[n++] = b + i + 1;
	return n;
}

int
fuzz_printable(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;

	while (n > 0) {
		len = text_utf8_len(p, n);
		if (len == 0)
			return 0;
		if (len == 1 && (p[0] < 0x20 || p[0] == 0x7f))
			return 0;
		if (len == 2 && p[0] == 0xc2 && p[1] < 0xa0)
			return 0;
		p += len;
		n -= len;
	}
	return 1;
}
