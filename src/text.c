/* SPDX-License-Identifier: ISC */
/*
 * text.c: making text that came from outside safe to print.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text.h"

size_t
text_utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned long cp;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;	/* continuation byte, C0/C1 lead, F5..FF */
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

unsigned
text_invisible(const unsigned char *s, size_t len)
{
	unsigned cp;

	if (len == 2)
		cp = (unsigned)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	else if (len == 3)
		cp = (unsigned)(s[0] & 0x0f) << 12 |
		    (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	else
		return 0;
	if (cp == 0x00ad || cp == 0x061c || cp == 0x180e ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x206f) ||
	    cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb))
		return cp;
	return 0;
}

/* `c` in lower case when it is an ASCII capital letter. */
static int
ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int
text_ascii_ncasecmp(const char *a, const char *b, size_t n)
{
	int ca, cb;
	size_t i;

	for (i = 0; i < n; i++) {
		ca = ascii_lower((unsigned char)a[i]);
		cb = ascii_lower((unsigned char)b[i]);
		if (ca != cb || ca == '\0')
			return ca - cb;
	}
	return 0;
}

/* Append `n` bytes of `p` to dst at *used if they fit whole. */
static void
put(char *dst, size_t size, size_t *used, size_t *need, const char *p,
    size_t n)
{
	if (*need == *used && *used + n < size) {
		memcpy(dst + *used, p, n);
		*used += n;
	}
	*need += n;
}

size_t
text_escape(char *dst, size_t size, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t n = strlen(src), used = 0, need = 0, len;
	char esc[6];
	unsigned cp;

	while (n > 0) {
		len = text_utf8_len(s, n);
		/* U+0080..U+009F (C2 80..C2 9F) are C1 controls. */
		if (len == 2 && s[0] == 0xc2 && s[1] < 0xa0)
			len = 0;
		if (len == 1 && (s[0] < 0x20 || s[0] == 0x7f))
			len = 0;
		if (len == 1 && s[0] == '\\') {
			put(dst, size, &used, &need, "\\\\", 2);
		} else if ((cp = text_invisible(s, len)) != 0) {
			esc[0] = '\\';
			esc[1] = 'u';
			esc[2] = hex[cp >> 12 & 0xf];
			esc[3] = hex[cp >> 8 & 0xf];
			esc[4] = hex[cp >> 4 & 0xf];
			esc[5] = hex[cp & 0xf];
			put(dst, size, &used, &need, esc, 6);
		} else if (len > 0) {
			put(dst, size, &used, &need, (const char *)s, len);
		} else {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[s[0] >> 4];
			esc[3] = hex[s[0] & 0xf];
			put(dst, size, &used, &need, esc, 4);
			len = 1;
		}
		s += len;
		n -= len;
	}
	if (size > 0)
		dst[used] = '\0';
	return need;
}

char *
text_escape_dup(const char *src)
{
	size_t need = text_escape(NULL, 0, src);
	char *p = malloc(need + 1);

	if (p != NULL)
		text_escape(p, need + 1, src);
	return p;
}

char *
text_printf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : p;
}

/*
 * Where an excerpt of the `n` bytes at `p` ends: after all of them when
 * they are TEXT_EXCERPT_MAX or fewer, else before the first character
 * that would not fit whole in TEXT_EXCERPT_MAX bytes.
 */
static size_t
excerpt_cut(const unsigned char *p, size_t n)
{
	size_t cut, k;

	if (n <= TEXT_EXCERPT_MAX)
		return n;
	for (cut = 0; cut < TEXT_EXCERPT_MAX; cut += k) {
		k = text_utf8_len(p + cut, n - cut);
		if (k == 0)
			k = 1;
		if (cut + k > TEXT_EXCERPT_MAX)
			break;
	}
	return cut;
}

const char *
text_excerpt_bytes(char *buf, size_t size, const void *bytes, size_t n,
    size_t whole)
{
	const unsigned char *p = bytes;
	size_t cut = excerpt_cut(p, n), k = 0, len = 0, cl, w;
	char one[5], out[8];

	buf[0] = '\0';
	while (k < cut) {
		if ((cl = text_utf8_len(p + k, cut - k)) == 0)
			cl = 1;
		memcpy(one, p + k, cl);
		one[cl] = '\0';
		if (p[k] == '\0')
			memcpy(out, "\\x00", 5);
		else
			text_escape(out, sizeof(out), one);
		w = strlen(out);
		if (len + w + TEXT_EXCERPT_MARK > size)
			break;
		memcpy(buf + len, out, w + 1);
		len += w;
		k += cl;
	}
	if (k < whole && len + 1 < size)
		snprintf(buf + len, size - len, "[... %zu bytes]", whole);
	return buf;
}

char *
text_excerpt_dup(const char *src)
{
	size_t n = strlen(src);
	char *buf = malloc(TEXT_EXCERPT_SIZE);

	if (buf != NULL)
		text_excerpt_bytes(buf, TEXT_EXCERPT_SIZE, src, n, n);
	return buf;
}

bool
text_utc(time_t t, bool iso, char *buf, size_t size)
{
	struct tm tm;
	char one[64];

	if (t == 0 || gmtime_r(&t, &tm) == NULL || strftime(one, sizeof(one),
	    iso ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		return false;
	snprintf(buf, size, "%s", one);
	return true;
}

char *
text_quote(const char *fmt, const char *text)
{
	char *q = text_excerpt_dup(text), *out;
	size_t need, used = 0;
	const char *p;
	bool done = false;

	if (q == NULL)
		return NULL;
	need = strlen(fmt) + strlen(q) + 1;
	out = malloc(need);
	if (out == NULL) {
		free(q);
		return NULL;
	}
	for (p = fmt; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == '%') {
			out[used++] = '%';
			p++;
		} else if (p[0] == '%' && p[1] == 's' && !done) {
			memcpy(out + used, q, strlen(q));
			used += strlen(q);
			done = true;
			p++;
		} else
			out[used++] = *p;
	}
	out[used] = '\0';
	free(q);
	return out;
}
