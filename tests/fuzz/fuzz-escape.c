/* SPDX-License-Identifier: ISC */
/*
 * fuzz-escape.c: libFuzzer harness of the escapers: json_escape, the JSON
 * writer's strings (json_string_n, json_string) and text_escape.
 *
 * Any bytes go in; what comes out must be printable, valid UTF-8 (JSON: a
 * valid string body), and the cut forms must be prefixes of the whole one,
 * cut between whole escapes, with the length the whole one needs returned.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json.h"
#include "text.h"

/* True when the `n` bytes at `s` are a valid JSON string body with no raw
 * control character, DEL, C1 control, U+2028 or U+2029 in it. */
static int
json_body_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, k;

	while (n > 0) {
		if (p[0] == '"')
			return 0;
		if (p[0] == '\\') {
			if (n < 2)
				return 0;
			if (p[1] == 'u') {
				if (n < 6)
					return 0;
				for (k = 2; k < 6; k++)
					if (strchr("0123456789abcdef", p[k]) ==
					    NULL || p[k] == '\0')
						return 0;
				len = 6;
			} else if (strchr("\"\\/bfnrt", p[1]) != NULL &&
			    p[1] != '\0')
				len = 2;
			else
				return 0;
		} else {
			len = text_utf8_len(p, n);
			if (len == 0 || (len == 1 && (p[0] < 0x20 ||
			    p[0] == 0x7f)) || (len == 2 && p[0] == 0xc2 &&
			    p[1] < 0xa0) || (len == 3 && p[0] == 0xe2 &&
			    p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)))
				return 0;
		}
		p += len;
		n -= len;
	}
	return 1;
}

static void
fuzz_json_escape(const char *s, size_t n, size_t cut)
{
	size_t need = json_escape(NULL, 0, s, n), got;
	char *full = malloc(need + 1), *part;

	FUZZ_ASSERT(need <= n * 6);
	if (full == NULL)
		return;
	FUZZ_ASSERT(json_escape(full, need + 1, s, n) == need);
	FUZZ_ASSERT(strlen(full) == need);
	FUZZ_ASSERT(json_body_ok(full, need));
	cut %= need + 2;
	part = malloc(cut > 0 ? cut : 1);
	if (part != NULL) {
		got = json_escape(cut > 0 ? part : NULL, cut, s, n);
		FUZZ_ASSERT(got == need);
		if (cut > 0) {
			FUZZ_ASSERT(strlen(part) < cut);
			FUZZ_ASSERT(strncmp(part, full, strlen(part)) == 0);
			/* Cut between whole escapes: still a valid body. */
			FUZZ_ASSERT(json_body_ok(part, strlen(part)));
		}
		free(part);
	}
	free(full);
}

static void
fuzz_json_writer(const char *s, size_t n)
{
	struct json j;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (f == NULL)
		return;
	json_init(&j, f);
	json_array_begin(&j);
	json_string_n(&j, s, n);
	json_string(&j, s);
	json_object_begin(&j);
	json_key(&j, s);
	json_string_n(&j, s, n);
	json_object_end(&j);
	json_array_end(&j);
	json_line_end(&j);
	FUZZ_ASSERT(!j.error);
	fclose(f);
	FUZZ_ASSERT(out != NULL && len >= 3);
	FUZZ_ASSERT(out[0] == '[' && out[len - 2] == ']' && out[len - 1] == '\n');
	FUZZ_ASSERT(memchr(out, '\0', len) == NULL);
	free(out);
}

static void
fuzz_text_escape(const char *s, size_t cut)
{
	size_t need = text_escape(NULL, 0, s), got;
	char *dup = text_escape_dup(s), *part;

	FUZZ_ASSERT(need <= strlen(s) * 4);
	if (dup == NULL)
		return;
	FUZZ_ASSERT(strlen(dup) == need);
	FUZZ_ASSERT(fuzz_printable(dup));
	cut %= need + 2;
	part = malloc(cut > 0 ? cut : 1);
	if (part != NULL) {
		got = text_escape(cut > 0 ? part : NULL, cut, s);
		FUZZ_ASSERT(got == need);
		if (cut > 0) {
			FUZZ_ASSERT(strlen(part) < cut);
			FUZZ_ASSERT(strncmp(part, dup, strlen(part)) == 0);
			FUZZ_ASSERT(fuzz_printable(part));
			/* Never cut inside an escape: \xHH, or \uXXXX for
			   characters that hide or reorder text (6 bytes). */
			FUZZ_ASSERT(strlen(part) == need || cut - strlen(part) <= 6);
		}
		free(part);
	}
	free(dup);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	size_t cut;

	if (size < 1)
		return 0;
	/* The first byte says where the cut forms are cut. */
	cut = data[0];
	s = malloc(size);
	if (s == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	fuzz_json_escape(s, size - 1, cut);
	fuzz_json_writer(s, size - 1);
	fuzz_text_escape(s, cut);
	free(s);
	return 0;
}
