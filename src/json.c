/* SPDX-License-Identifier: ISC */
/*
 * json.c: a small streaming JSON writer for JSON Lines output.
 */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "text.h"

#define JSON_ESC_MAX 6		/* the longest escape: \uXXXX */
#define JSON_DECIMALS_MAX 17	/* enough for any double */

/* Write "\uXXXX" for the code point `cp` (at most U+FFFF) into `esc`;
 * returns its length. */
static size_t
json_escape_u(char *esc, unsigned cp)
{
	static const char hex[] = "0123456789abcdef";

	esc[0] = '\\';
	esc[1] = 'u';
	esc[2] = hex[(cp >> 12) & 0xf];
	esc[3] = hex[(cp >> 8) & 0xf];
	esc[4] = hex[(cp >> 4) & 0xf];
	esc[5] = hex[cp & 0xf];
	return JSON_ESC_MAX;
}

/* The short escape of a one-byte character ("\n" for a newline), or 0 when
 * it has none. */
static char
json_escape_short(unsigned char c)
{
	switch (c) {
	case '"':
		return '"';
	case '\\':
		return '\\';
	case '\b':
		return 'b';
	case '\f':
		return 'f';
	case '\n':
		return 'n';
	case '\r':
		return 'r';
	case '\t':
		return 't';
	default:
		return 0;
	}
}

/*
 * Look at the next character of the `n` (> 0) bytes at `s`: sets *len to the
 * bytes it takes, and returns 0 when they are written as they are, or the
 * length of the escape written into `esc` (at least JSON_ESC_MAX bytes) that
 * replaces them.
 */
static size_t
json_escape_next(const unsigned char *s, size_t n, char *esc, size_t *len)
{
	unsigned cp;
	char c;

	*len = text_utf8_len(s, n);
	if (*len == 0) {
		*len = 1;	/* not valid UTF-8: this byte alone */
		return json_escape_u(esc, 0xfffd);
	}
	if (*len == 1) {
		c = json_escape_short(s[0]);
		if (c != 0) {
			esc[0] = '\\';
			esc[1] = c;
			return 2;
		}
		if (s[0] < 0x20 || s[0] == 0x7f)
			return json_escape_u(esc, s[0]);
		return 0;
	}
	/* C2 80..C2 9F: the C1 controls U+0080..U+009F. */
	if (*len == 2 && s[0] == 0xc2 && s[1] < 0xa0)
		return json_escape_u(esc, s[1]);
	/* U+2028, U+2029 (which JavaScript takes for line ends), and the
	   bidirectional and zero-width characters that hide text. */
	if ((cp = text_invisible(s, *len)) != 0)
		return json_escape_u(esc, cp);
	return 0;
}

size_t
json_escape(char *dst, size_t size, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[JSON_ESC_MAX];
	const char *piece;
	size_t need = 0, used = 0, len, k;
	bool cut = false;

	while (n > 0) {
		k = json_escape_next(p, n, esc, &len);
		piece = k > 0 ? esc : (const char *)p;
		if (k == 0)
			k = len;
		/* Once a piece did not fit, nothing after it is copied. */
		if (!cut && used + k < size) {
			memcpy(dst + used, piece, k);
			used += k;
		} else
			cut = true;
		need += k;
		p += len;
		n -= len;
	}
	if (size > 0)
		dst[used] = '\0';
	return need;
}

/* Write `n` bytes unless an error stopped the writer; a short write sets
 * the error. */
static void
json_emit(struct json *j, const char *p, size_t n)
{
	if (j->error || n == 0)
		return;
	if (fwrite(p, 1, n, j->f) != n)
		j->error = true;
}

/* Before any value or container: the comma when the current container has
 * something already; a second top-level value before json_line_end is an
 * error.  Returns false when the writer is stopped. */
static bool
json_value_start(struct json *j)
{
	unsigned long bit = 1UL << j->depth;

	if (j->error)
		return false;
	if (j->depth == 0 && !(j->first & bit))
		j->error = true;
	else if (!(j->first & bit))
		json_emit(j, ",", 1);
	j->first &= ~bit;
	return !j->error;
}

/* Open a container with the character `c`, within the depth limit. */
static void
json_begin(struct json *j, char c)
{
	if (j->error)
		return;
	if (j->depth >= JSON_MAX_DEPTH) {
		j->error = true;
		return;
	}
	if (!json_value_start(j))
		return;
	json_emit(j, &c, 1);
	j->depth++;
	j->first |= 1UL << j->depth;
}

/* Close the innermost container with the character `c`. */
static void
json_end(struct json *j, char c)
{
	if (j->error)
		return;
	if (j->depth == 0) {
		j->error = true;
		return;
	}
	json_emit(j, &c, 1);
	j->depth--;
}

/* The quoted, escaped form of the `n` bytes at `s`, with no comma. */
static void
json_quoted(struct json *j, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *run = s;	/* bytes kept as they are, not yet written */
	char esc[JSON_ESC_MAX];
	size_t len, k;

	json_emit(j, "\"", 1);
	while (n > 0) {
		k = json_escape_next(p, n, esc, &len);
		if (k > 0) {
			json_emit(j, run, (size_t)((const char *)p - run));
			json_emit(j, esc, k);
			run = (const char *)p + len;
		}
		p += len;
		n -= len;
	}
	json_emit(j, run, (size_t)((const char *)p - run));
	json_emit(j, "\"", 1);
}

void
json_init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first = 1UL;
	j->error = false;
}

void
json_object_begin(struct json *j)
{
	json_begin(j, '{');
}

void
json_object_end(struct json *j)
{
	json_end(j, '}');
}

void
json_array_begin(struct json *j)
{
	json_begin(j, '[');
}

void
json_array_end(struct json *j)
{
	json_end(j, ']');
}

void
json_key(struct json *j, const char *key)
{
	unsigned long bit = 1UL << j->depth;

	if (j->error)
		return;
	if (j->depth == 0 || key == NULL) {
		j->error = true;
		return;
	}
	if (!(j->first & bit))
		json_emit(j, ",", 1);
	json_quoted(j, key, strlen(key));
	json_emit(j, ":", 1);
	/* The value that follows takes no comma of its own. */
	j->first |= bit;
}

void
json_string_n(struct json *j, const char *s, size_t n)
{
	if (!json_value_start(j))
		return;
	if (s == NULL)
		json_emit(j, "null", 4);
	else
		json_quoted(j, s, n);
}

void
json_string(struct json *j, const char *s)
{
	json_string_n(j, s, s != NULL ? strlen(s) : 0);
}

/* Write the `len` bytes of a number or literal formatted in `buf`. */
static void
json_scalar(struct json *j, const char *buf, int len)
{
	if (!json_value_start(j))
		return;
	if (len < 0)
		j->error = true;
	else
		json_emit(j, buf, (size_t)len);
}

void
json_int(struct json *j, long long v)
{
	char buf[32];

	json_scalar(j, buf, snprintf(buf, sizeof(buf), "%lld", v));
}

void
json_uint(struct json *j, unsigned long long v)
{
	char buf[32];

	json_scalar(j, buf, snprintf(buf, sizeof(buf), "%llu", v));
}

/* Replace the locale's decimal point in the number `buf` by '.'; returns
 * the new length. */
static int
json_c_point(char *buf, int len)
{
	const char *dp = localeconv()->decimal_point;
	size_t dl = dp != NULL ? strlen(dp) : 0;
	char *at;

	if (len < 0 || dl == 0 || strcmp(dp, ".") == 0 ||
	    (at = strstr(buf, dp)) == NULL)
		return len;
	*at = '.';
	memmove(at + 1, at + dl, strlen(at + dl) + 1);
	return len - (int)(dl - 1);
}

void
json_double(struct json *j, double v, int decimals)
{
	/* DBL_MAX has 309 digits before the point. */
	char buf[320 + JSON_DECIMALS_MAX];
	int len;

	if (!isfinite(v)) {
		json_null(j);
		return;
	}
	if (decimals < 0)
		decimals = 0;
	if (decimals > JSON_DECIMALS_MAX)
		decimals = JSON_DECIMALS_MAX;
	len = snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	if (len >= (int)sizeof(buf))
		len = -1;
	json_scalar(j, buf, json_c_point(buf, len));
}

void
json_bool(struct json *j, bool v)
{
	json_scalar(j, v ? "true" : "false", v ? 4 : 5);
}

void
json_null(struct json *j)
{
	json_scalar(j, "null", 4);
}

void
json_line_end(struct json *j)
{
	if (j->error)
		return;
	if (j->depth != 0) {
		j->error = true;
		return;
	}
	json_emit(j, "\n", 1);
	if (fflush(j->f) != 0 || ferror(j->f))
		j->error = true;
	j->first = 1UL;
}
