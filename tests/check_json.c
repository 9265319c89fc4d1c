/* SPDX-License-Identifier: ISC */
/*
 * check_json.c: the JSON writer and its string escaper, checked against
 * exact expected text, and a strict JSON string reader fed with random
 * bytes through the writer.
 */
#include "config.h"

#include <check.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* A literal with its length, NULs included. */
#define BYTES(s) (s), (sizeof(s) - 1)

/* ---- escaping: every control character, one test each ---- */

/* RFC 8259 short forms where they exist, \u00XX for the rest. */
static const char *const control_escapes[32] = {
	"\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005",
	"\\u0006", "\\u0007", "\\b", "\\t", "\\n", "\\u000b", "\\f", "\\r",
	"\\u000e", "\\u000f", "\\u0010", "\\u0011", "\\u0012", "\\u0013",
	"\\u0014", "\\u0015", "\\u0016", "\\u0017", "\\u0018", "\\u0019",
	"\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
};

/* Run `s` (`n` bytes) through json_escape with room to spare; the result
 * must say the length it wrote. */
static void
assert_escape(const char *s, size_t n, const char *want)
{
	char buf[512];
	size_t len = json_escape(buf, sizeof(buf), s, n);

	ck_assert_str_eq(buf, want);
	ck_assert_uint_eq(len, strlen(want));
}

/* A memory stream and its buffer, for the writer tests. */
struct mem {
	FILE *f;
	char *buf;
	size_t size;
};

static void
mem_open(struct mem *m, struct json *j)
{
	m->buf = NULL;
	m->size = 0;
	m->f = open_memstream(&m->buf, &m->size);
	ck_assert_ptr_nonnull(m->f);
	json_init(j, m->f);
}

/* Close the stream and compare what was written with `want`. */
static void
mem_close_expect(struct mem *m, const char *want)
{
	ck_assert_int_eq(fclose(m->f), 0);
	ck_assert_str_eq(m->buf, want);
	free(m->buf);
}

/* The same escape through json_string_n, as a quoted top-level line. */
static void
assert_string_line(const char *s, size_t n, const char *want)
{
	struct json j;
	struct mem m;
	char line[600];

	snprintf(line, sizeof(line), "\"%s\"\n", want);
	mem_open(&m, &j);
	json_string_n(&j, s, n);
	json_line_end(&j);
	ck_assert(!j.error);
	mem_close_expect(&m, line);
}

START_TEST(test_escape_control)
{
	char c = (char)_i;

	assert_escape(&c, 1, control_escapes[_i]);
	assert_string_line(&c, 1, control_escapes[_i]);
}
END_TEST

/* The C1 controls U+0080..U+009F, encoded C2 80..C2 9F. */
START_TEST(test_escape_c1)
{
	char in[2] = { (char)0xc2, (char)(0x80 + _i) }, want[8];

	snprintf(want, sizeof(want), "\\u%04x", 0x80 + _i);
	assert_escape(in, 2, want);
	assert_string_line(in, 2, want);
}
END_TEST

/* ---- escaping: a table of exact outputs ---- */

static const struct {
	const char *in;
	size_t n;
	const char *want;
} escapes[] = {
	{ BYTES(""), "" },
	{ BYTES("plain text 123"), "plain text 123" },
	{ BYTES("\""), "\\\"" },
	{ BYTES("\\"), "\\\\" },
	{ BYTES("say \"hi\\there\""), "say \\\"hi\\\\there\\\"" },
	{ BYTES("/"), "/" },
	{ BYTES("\x7f"), "\\u007f" },
	{ BYTES("a\x7f" "b"), "a\\u007fb" },
	{ BYTES("\x1b[31mred"), "\\u001b[31mred" },
	/* 2-byte UTF-8 kept, from U+00A0 (the first after the C1 block) */
	{ BYTES("\xc2\xa0"), "\xc2\xa0" },
	{ BYTES("caf\xc3\xa9"), "caf\xc3\xa9" },
	{ BYTES("\xdf\xbf"), "\xdf\xbf" },
	/* 3-byte UTF-8 kept */
	{ BYTES("\xe0\xa0\x80"), "\xe0\xa0\x80" },
	{ BYTES("\xe2\x82\xac 5"), "\xe2\x82\xac 5" },
	{ BYTES("\xed\x9f\xbf"), "\xed\x9f\xbf" },
	{ BYTES("\xee\x80\x80"), "\xee\x80\x80" },
	{ BYTES("\xef\xbf\xbd"), "\xef\xbf\xbd" },
	{ BYTES("\xef\xbf\xbf"), "\xef\xbf\xbf" },
	{ BYTES("\xe2\x80\xa7\xe2\x80\xaf"), "\xe2\x80\xa7\xe2\x80\xaf" },
	/* U+202A is a bidirectional control (issue 21): escaped */
	{ BYTES("\xe2\x80\xaa"), "\\u202a" },
	/* 4-byte UTF-8 kept */
	{ BYTES("\xf0\x90\x80\x80"), "\xf0\x90\x80\x80" },
	{ BYTES("\xf0\x9f\x98\x80!"), "\xf0\x9f\x98\x80!" },
	{ BYTES("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf" },
	/* U+2028 and U+2029 escaped for JavaScript */
	{ BYTES("\xe2\x80\xa8"), "\\u2028" },
	/* bidirectional and zero-width characters, and U+FEFF (issue 21) */
	{ BYTES("\xe2\x80\xae"), "\\u202e" },
	{ BYTES("\xe2\x80\x8b"), "\\u200b" },
	{ BYTES("\xef\xbb\xbf"), "\\ufeff" },
	{ BYTES("a\xe2\x80\xa9" "b"), "a\\u2029b" },
	/* overlong forms: one \ufffd per byte */
	{ BYTES("\xc0\xaf"), "\\ufffd\\ufffd" },
	{ BYTES("\xc1\xbf"), "\\ufffd\\ufffd" },
	{ BYTES("\xc0\x80"), "\\ufffd\\ufffd" },
	{ BYTES("\xe0\x80\xaf"), "\\ufffd\\ufffd\\ufffd" },
	{ BYTES("\xe0\x9f\xbf"), "\\ufffd\\ufffd\\ufffd" },
	{ BYTES("\xf0\x80\x80\xaf"), "\\ufffd\\ufffd\\ufffd\\ufffd" },
	{ BYTES("\xf0\x8f\xbf\xbf"), "\\ufffd\\ufffd\\ufffd\\ufffd" },
	/* UTF-16 surrogates encoded in UTF-8 */
	{ BYTES("\xed\xa0\x80"), "\\ufffd\\ufffd\\ufffd" },
	{ BYTES("\xed\xbf\xbf"), "\\ufffd\\ufffd\\ufffd" },
	{ BYTES("\xed\xa0\xbd\xed\xb8\x80"),
	  "\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd" },
	/* above U+10FFFF, and bytes that never occur in UTF-8 */
	{ BYTES("\xf4\x90\x80\x80"), "\\ufffd\\ufffd\\ufffd\\ufffd" },
	{ BYTES("\xf5\x80\x80\x80"), "\\ufffd\\ufffd\\ufffd\\ufffd" },
	{ BYTES("\xf8\x88\x80\x80\x80"),
	  "\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd" },
	{ BYTES("\xfe\xff"), "\\ufffd\\ufffd" },
	/* truncated sequences */
	{ BYTES("\xc3"), "\\ufffd" },
	{ BYTES("a\xc3"), "a\\ufffd" },
	{ BYTES("\xe2\x82"), "\\ufffd\\ufffd" },
	{ BYTES("\xe2\x82" "a"), "\\ufffd\\ufffda" },
	{ BYTES("\xf0\x9f\x98"), "\\ufffd\\ufffd\\ufffd" },
	{ BYTES("\xf0\x9f\x98" "\xc3\xa9"), "\\ufffd\\ufffd\\ufffd\xc3\xa9" },
	/* lone continuation bytes */
	{ BYTES("\x80"), "\\ufffd" },
	{ BYTES("\xbf"), "\\ufffd" },
	{ BYTES("a\x80\x80" "b"), "a\\ufffd\\ufffdb" },
	{ BYTES("\xc3\xa9\xa9"), "\xc3\xa9\\ufffd" },
	/* embedded NULs are data, not the end */
	{ BYTES("a\0b"), "a\\u0000b" },
	{ BYTES("\0\0"), "\\u0000\\u0000" },
	/* a mixture */
	{ BYTES("host\tname\r\n\"x\"\xc2\x85\xff\xe2\x80\xa8z"),
	  "host\\tname\\r\\n\\\"x\\\"\\u0085\\ufffd\\u2028z" },
};

START_TEST(test_escape_table)
{
	assert_escape(escapes[_i].in, escapes[_i].n, escapes[_i].want);
	assert_string_line(escapes[_i].in, escapes[_i].n, escapes[_i].want);
}
END_TEST

/* json_string stops at the first NUL; json_string_n does not. */
START_TEST(test_string_nul)
{
	struct json j;
	struct mem m;

	mem_open(&m, &j);
	json_array_begin(&j);
	json_string(&j, "a\0b");
	json_string_n(&j, "a\0b", 3);
	json_string(&j, NULL);
	json_string_n(&j, NULL, 5);
	json_array_end(&j);
	json_line_end(&j);
	ck_assert(!j.error);
	mem_close_expect(&m, "[\"a\",\"a\\u0000b\",null,null]\n");
}
END_TEST

/* ---- json_escape with too small a buffer ---- */

static const struct {
	const char *in;
	size_t n;
	size_t size;
	const char *want;	/* what the buffer holds */
	size_t need;		/* what json_escape returns */
} cuts[] = {
	{ BYTES("abc"), 0, NULL, 3 },
	{ BYTES("abc"), 1, "", 3 },
	{ BYTES("abc"), 3, "ab", 3 },
	{ BYTES("abc"), 4, "abc", 3 },
	{ BYTES(""), 1, "", 0 },
	/* an escape is copied whole or not at all */
	{ BYTES("a\n"), 2, "a", 3 },
	{ BYTES("a\n"), 3, "a", 3 },
	{ BYTES("a\n"), 4, "a\\n", 3 },
	{ BYTES("\x01"), 6, "", 6 },
	{ BYTES("\x01"), 7, "\\u0001", 6 },
	{ BYTES("x\xff"), 6, "x", 7 },
	{ BYTES("x\xff"), 7, "x", 7 },
	{ BYTES("x\xff"), 8, "x\\ufffd", 7 },
	/* so is a UTF-8 sequence */
	{ BYTES("\xc3\xa9"), 2, "", 2 },
	{ BYTES("\xc3\xa9"), 3, "\xc3\xa9", 2 },
	{ BYTES("z\xf0\x9f\x98\x80"), 4, "z", 5 },
	{ BYTES("z\xf0\x9f\x98\x80"), 5, "z", 5 },
	{ BYTES("z\xf0\x9f\x98\x80"), 6, "z\xf0\x9f\x98\x80", 5 },
	/* nothing after the cut, even what would still fit */
	{ BYTES("\na"), 2, "", 3 },
	{ BYTES("\xe2\x80\xa8" "ab"), 4, "", 8 },
	{ BYTES("a\0b"), 3, "a", 8 },
};

START_TEST(test_escape_cut)
{
	char buf[32];
	size_t i, len;

	memset(buf, 'X', sizeof(buf));
	len = json_escape(cuts[_i].size > 0 ? buf : NULL, cuts[_i].size,
	    cuts[_i].in, cuts[_i].n);
	ck_assert_uint_eq(len, cuts[_i].need);
	if (cuts[_i].want != NULL)
		ck_assert_str_eq(buf, cuts[_i].want);
	/* nothing written past `size` */
	for (i = cuts[_i].size; i < sizeof(buf); i++)
		ck_assert_int_eq(buf[i], 'X');
}
END_TEST

/* ---- whole documents ---- */

static void
doc_empty_object(struct json *j)
{
	json_object_begin(j);
	json_object_end(j);
}

static void
doc_empty_array(struct json *j)
{
	json_array_begin(j);
	json_array_end(j);
}

static void
doc_nested(struct json *j)
{
	json_object_begin(j);
	json_key(j, "a");
	json_int(j, 1);
	json_key(j, "b");
	json_array_begin(j);
	json_bool(j, true);
	json_bool(j, false);
	json_null(j);
	json_array_end(j);
	json_key(j, "c");
	json_object_begin(j);
	json_key(j, "d");
	json_string(j, "e");
	json_key(j, "f");
	json_object_begin(j);
	json_object_end(j);
	json_object_end(j);
	json_key(j, "g");
	json_array_begin(j);
	json_array_begin(j);
	json_array_end(j);
	json_array_begin(j);
	json_uint(j, 1);
	json_array_begin(j);
	json_int(j, 2);
	json_array_end(j);
	json_object_begin(j);
	json_object_end(j);
	json_array_end(j);
	json_array_end(j);
	json_object_end(j);
}

static void
doc_doubles(struct json *j)
{
	json_array_begin(j);
	json_double(j, 0.5, 2);
	json_double(j, 1.23456, 3);
	json_double(j, -2.25, 1);
	json_double(j, 12.0, 1);
	json_double(j, 0.21, 2);
	json_double(j, -0.0, 0);
	json_double(j, 1e21, 0);
	json_double(j, NAN, 3);
	json_double(j, INFINITY, 1);
	json_double(j, -INFINITY, 1);
	json_double(j, 3.7, -1);		/* clamped to 0 decimals */
	json_double(j, 0.5, 99);		/* clamped to 17 */
	json_array_end(j);
}

static void
doc_integers(struct json *j)
{
	json_array_begin(j);
	json_int(j, 0);
	json_int(j, -1);
	json_int(j, -42);
	json_int(j, LLONG_MIN);
	json_int(j, LLONG_MAX);
	json_uint(j, 0);
	json_uint(j, ULLONG_MAX);
	json_array_end(j);
}

static void
doc_keys_escaped(struct json *j)
{
	json_object_begin(j);
	json_key(j, "k\"ey\n");
	json_string(j, "v\tal");
	json_key(j, "\xff");
	json_string(j, NULL);
	json_key(j, "");
	json_string(j, "");
	json_object_end(j);
}

/* Two JSON Lines in a row: the second starts without a comma. */
static void
doc_two_lines(struct json *j)
{
	json_object_begin(j);
	json_key(j, "n");
	json_int(j, 1);
	json_object_end(j);
	json_line_end(j);
	json_array_begin(j);
	json_int(j, 2);
	json_array_end(j);
}

/* Top-level scalars are values too. */
static void
doc_scalar(struct json *j)
{
	json_string(j, "only");
}

/* `levels` arrays, each inside the one before, then closed. */
static void
nest(struct json *j, int levels)
{
	int i;

	for (i = 0; i < levels; i++)
		json_array_begin(j);
	for (i = 0; i < levels; i++)
		json_array_end(j);
}

static void
doc_depth_16(struct json *j)
{
	nest(j, JSON_MAX_DEPTH);
}

/* The 17th level is refused: error set, nothing more written. */
static void
doc_depth_17(struct json *j)
{
	nest(j, JSON_MAX_DEPTH + 1);
}

static void
doc_end_unopened(struct json *j)
{
	json_object_end(j);
	json_null(j);
}

static void
doc_key_top_level(struct json *j)
{
	json_key(j, "a");
	json_int(j, 1);
}

static void
doc_key_null(struct json *j)
{
	json_object_begin(j);
	json_key(j, NULL);
	json_int(j, 1);
	json_object_end(j);
}

/* One value a line: a second one before json_line_end is refused. */
static void
doc_two_values(struct json *j)
{
	json_int(j, 1);
	json_int(j, 2);
}

/* json_line_end inside an array: an error, and no newline. */
static void
doc_line_end_open(struct json *j)
{
	json_array_begin(j);
	json_int(j, 1);
	json_line_end(j);
	json_array_end(j);
}

static const struct {
	void (*build)(struct json *);
	const char *want;	/* the whole output, json_line_end included */
	bool error;
} docs[] = {
	{ doc_empty_object, "{}\n", false },
	{ doc_empty_array, "[]\n", false },
	{ doc_nested, "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\","
	  "\"f\":{}},\"g\":[[],[1,[2],{}]]}\n", false },
	{ doc_doubles, "[0.50,1.235,-2.2,12.0,0.21,-0,1000000000000000000000,"
	  "null,null,null,4,0.50000000000000000]\n", false },
	{ doc_integers, "[0,-1,-42,-9223372036854775808,9223372036854775807,"
	  "0,18446744073709551615]\n", false },
	{ doc_keys_escaped, "{\"k\\\"ey\\n\":\"v\\tal\",\"\\ufffd\":null,"
	  "\"\":\"\"}\n", false },
	{ doc_two_lines, "{\"n\":1}\n[2]\n", false },
	{ doc_scalar, "\"only\"\n", false },
	{ doc_depth_16, "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]\n", false },
	{ doc_depth_17, "[[[[[[[[[[[[[[[[", true },
	{ doc_end_unopened, "", true },
	{ doc_key_top_level, "", true },
	{ doc_key_null, "{", true },
	{ doc_two_values, "1", true },
	{ doc_line_end_open, "[1", true },
};

START_TEST(test_document)
{
	struct json j;
	struct mem m;

	mem_open(&m, &j);
	docs[_i].build(&j);
	json_line_end(&j);
	ck_assert_int_eq(j.error, docs[_i].error);
	mem_close_expect(&m, docs[_i].want);
}
END_TEST

/* json_init starts over: a writer stopped by an error works again. */
START_TEST(test_init_clears_error)
{
	struct json j;
	struct mem m;

	mem_open(&m, &j);
	json_array_end(&j);
	ck_assert(j.error);
	json_init(&j, m.f);
	json_array_begin(&j);
	json_array_end(&j);
	json_line_end(&j);
	ck_assert(!j.error);
	mem_close_expect(&m, "[]\n");
}
END_TEST

/* ---- write errors on the FILE ---- */

/* /dev/full takes the bytes into the buffer; the flush fails (ENOSPC). */
START_TEST(test_write_error_flush)
{
	struct json j;
	FILE *f = fopen("/dev/full", "w");

	if (f == NULL) {
		fprintf(stderr, "no /dev/full: flush error case not run\n");
		return;
	}
	json_init(&j, f);
	json_object_begin(&j);
	json_key(&j, "a");
	json_int(&j, 1);
	json_object_end(&j);
	ck_assert(!j.error);
	json_line_end(&j);
	ck_assert(j.error);
	fclose(f);
}
END_TEST

/* A stream open for reading refuses the first write. */
START_TEST(test_write_error_write)
{
	struct json j;
	FILE *f = fopen("/dev/null", "r");

	ck_assert_ptr_nonnull(f);
	json_init(&j, f);
	json_string(&j, "x");
	ck_assert(j.error);
	fclose(f);
}
END_TEST

/* ---- the decimal point whatever the locale ---- */

START_TEST(test_double_locale)
{
	static const char *const names[] = {
		"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8",
	};
	struct json j;
	struct mem m;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (setlocale(LC_NUMERIC, names[i]) != NULL)
			break;
	if (i == sizeof(names) / sizeof(names[0])) {
		fprintf(stderr, "no locale with a decimal comma installed: "
		    "decimal point case not run\n");
		return;
	}
	mem_open(&m, &j);
	json_double(&j, 1.5, 2);
	json_line_end(&j);
	setlocale(LC_NUMERIC, "C");
	mem_close_expect(&m, "1.50\n");
}
END_TEST

/* ---- random bytes through the writer, read back strictly ---- */

#define RANDOM_STRINGS 10000
#define RANDOM_MAX_LEN 64

/* xorshift64: the same sequence on every libc. */
static uint64_t
rnd_next(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* Encode the code point `cp` (any value up to 0x1fffff, surrogates and
 * all, as a careless encoder would) at `p`; returns its length. */
static size_t
utf8_put(unsigned char *p, unsigned long cp)
{
	if (cp < 0x80) {
		p[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (unsigned char)(0xc0 | (cp >> 6));
		p[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = (unsigned char)(0xe0 | (cp >> 12));
		p[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		p[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	p[0] = (unsigned char)(0xf0 | ((cp >> 18) & 0x07));
	p[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	p[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	p[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* At most `max` (>= 4) bytes likely to reach every branch of the escaper:
 * ASCII, controls, stray UTF-8 bytes and whole encoded code points from the
 * interesting ranges. */
static size_t
random_bytes(uint64_t *st, unsigned char *p, size_t max)
{
	static const unsigned long ranges[][2] = {
		{ 0x80, 0x9f }, { 0xa0, 0x7ff }, { 0x800, 0xfff },
		{ 0xd7f0, 0xe00f }, { 0x2020, 0x202f }, { 0xfff0, 0xffff },
		{ 0x10000, 0x1ffff }, { 0x10fff0, 0x11000f },
	};
	size_t n = 0, len = rnd_next(st) % (max + 1);
	unsigned long r, lo, hi;

	while (n + 4 <= len) {
		r = rnd_next(st) % 10;
		if (r < 4)
			p[n++] = (unsigned char)(0x20 + rnd_next(st) % 0x5f);
		else if (r < 5)
			p[n++] = (unsigned char)(rnd_next(st) % 0x20);
		else if (r < 7)
			p[n++] = (unsigned char)(0x7f + rnd_next(st) % 0x81);
		else {
			r = rnd_next(st) % (sizeof(ranges) / sizeof(ranges[0]));
			lo = ranges[r][0];
			hi = ranges[r][1];
			n += utf8_put(p + n, lo + rnd_next(st) % (hi - lo + 1));
		}
	}
	return n;
}

/*
 * Length of the well-formed UTF-8 sequence at `s` (`n` bytes there), or 0,
 * from the table of well-formed byte sequences in the Unicode Standard
 * (section 3.9, table 3-7).
 */
static size_t
utf8_wellformed(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] <= 0x7f)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* What a reader must get back from `in`: the input with each byte that is
 * not part of well-formed UTF-8 replaced by U+FFFD.  Returns the length. */
static size_t
expected_text(const unsigned char *in, size_t n, unsigned char *out)
{
	size_t i = 0, o = 0, len;

	while (i < n) {
		len = utf8_wellformed(in + i, n - i);
		if (len == 0) {
			o += utf8_put(out + o, 0xfffd);
			i++;
		} else {
			memcpy(out + o, in + i, len);
			o += len;
			i += len;
		}
	}
	return o;
}

/* The value of the 4 hex digits at `s`, or -1. */
static long
hex4(const char *s)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		v <<= 4;
		if (s[i] >= '0' && s[i] <= '9')
			v |= s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			v |= s[i] - 'a' + 10;
		else if (s[i] >= 'A' && s[i] <= 'F')
			v |= s[i] - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* The value of one escape at `s` (just after its backslash) into `out`;
 * returns the bytes the escape takes after the backslash, 0 if invalid. */
static size_t
read_escape(const char *s, unsigned char *out, size_t *o)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *c = *s != '\0' ? strchr(from, *s) : NULL;
	long cp, lo;

	if (c != NULL) {
		out[(*o)++] = (unsigned char)to[c - from];
		return 1;
	}
	if (*s != 'u' || (cp = hex4(s + 1)) < 0)
		return 0;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return 0;		/* a lone low surrogate */
	if (cp < 0xd800 || cp > 0xdbff) {
		*o += utf8_put(out + *o, (unsigned long)cp);
		return 5;
	}
	if (s[5] != '\\' || s[6] != 'u' || (lo = hex4(s + 7)) < 0xdc00 ||
	    lo > 0xdfff)
		return 0;		/* a high surrogate without its pair */
	*o += utf8_put(out + *o, 0x10000UL + (((unsigned long)cp - 0xd800)
	    << 10) + ((unsigned long)lo - 0xdc00));
	return 11;
}

/*
 * A strict reader for one JSON Lines line holding a string: the quotes, the
 * escapes of RFC 8259, well-formed UTF-8, no raw control character (nor DEL,
 * C1, U+2028, U+2029, which this writer promises to escape) and "\n" at the
 * end.  Puts the decoded text into `out`; returns its length, or -1 with
 * `why` set.
 */
static long
read_string_line(const char *s, unsigned char *out, const char **why)
{
	const unsigned char *u;
	size_t o = 0, len;

	if (*s++ != '"') {
		*why = "no opening quote";
		return -1;
	}
	while (*s != '"') {
		u = (const unsigned char *)s;
		if (*s == '\0') {
			*why = "no closing quote";
			return -1;
		}
		if (*s == '\\') {
			if ((len = read_escape(s + 1, out, &o)) == 0) {
				*why = "a bad escape";
				return -1;
			}
			s += 1 + len;
			continue;
		}
		if (u[0] < 0x20 || u[0] == 0x7f) {
			*why = "a raw control character";
			return -1;
		}
		if ((len = utf8_wellformed(u, strlen(s))) == 0) {
			*why = "invalid UTF-8";
			return -1;
		}
		if ((len == 2 && u[0] == 0xc2 && u[1] < 0xa0) || (len == 3 &&
		    u[0] == 0xe2 && u[1] == 0x80 && (u[2] & 0xfe) == 0xa8)) {
			*why = "a raw C1 control, U+2028 or U+2029";
			return -1;
		}
		memcpy(out + o, u, len);
		o += len;
		s += len;
	}
	if (strcmp(s, "\"\n") != 0) {
		*why = "something after the closing quote";
		return -1;
	}
	return (long)o;
}

START_TEST(test_random_strings)
{
	unsigned char in[RANDOM_MAX_LEN + 1], want[3 * RANDOM_MAX_LEN];
	unsigned char got[3 * RANDOM_MAX_LEN + 8];
	uint64_t st = 0x9e3779b97f4a7c15ULL;
	const char *why = NULL;
	size_t n, k, want_len;
	struct json j;
	struct mem m;
	long got_len;
	int i;

	for (i = 0; i < RANDOM_STRINGS; i++) {
		n = random_bytes(&st, in, RANDOM_MAX_LEN);
		mem_open(&m, &j);
		if (i % 2 == 0) {
			/* json_string: NUL-terminated, so no NULs inside */
			for (k = 0; k < n; k++)
				if (in[k] == 0)
					in[k] = 'N';
			in[n] = '\0';
			json_string(&j, (const char *)in);
		} else
			json_string_n(&j, (const char *)in, n);
		json_line_end(&j);
		ck_assert(!j.error);
		ck_assert_int_eq(fclose(m.f), 0);
		got_len = read_string_line(m.buf, got, &why);
		ck_assert_msg(got_len >= 0, "string %d: %s in %s", i, why,
		    m.buf);
		want_len = expected_text(in, n, want);
		ck_assert_msg((size_t)got_len == want_len &&
		    memcmp(got, want, want_len) == 0,
		    "string %d: %s does not read back as the input", i, m.buf);
		/* json_escape agrees with the writer. */
		ck_assert_uint_eq(json_escape(NULL, 0, (const char *)in, n) + 3,
		    m.size);
		free(m.buf);
	}
}
END_TEST

/* The strict reader itself refuses what it must. */
static const char *const bad_lines[] = {
	"abc\"\n", "\"abc\n", "\"a\x01\"\n", "\"a\x7f\"\n", "\"\\x41\"\n",
	"\"\\u12\"\n", "\"\\ud800\"\n", "\"\\udc00\"\n", "\"\xc0\xaf\"\n",
	"\"\xc2\x85\"\n", "\"\xe2\x80\xa8\"\n", "\"\xed\xa0\x80\"\n",
	"\"a\"b\n", "\"a\"",
};

START_TEST(test_reader_refuses)
{
	unsigned char out[64];
	const char *why = NULL;

	ck_assert_int_eq(read_string_line(bad_lines[_i], out, &why), -1);
	ck_assert_ptr_nonnull(why);
}
END_TEST

START_TEST(test_reader_accepts)
{
	unsigned char out[64];
	const char *why = NULL;
	long len = read_string_line("\"a\\u00e9\\ud83d\\ude00\\/\xc3\xa9\"\n",
	    out, &why);

	ck_assert_int_eq(len, 10);
	ck_assert(memcmp(out, "a\xc3\xa9\xf0\x9f\x98\x80/\xc3\xa9", 10) == 0);
}
END_TEST

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("escape");

	tcase_add_loop_test(tc, test_escape_control, 0, 32);
	tcase_add_loop_test(tc, test_escape_c1, 0, 32);
	tcase_add_loop_test(tc, test_escape_table, 0, N_OF(escapes));
	tcase_add_test(tc, test_string_nul);
	tcase_add_loop_test(tc, test_escape_cut, 0, N_OF(cuts));
	suite_add_tcase(s, tc);

	tc = tcase_create("writer");
	tcase_add_loop_test(tc, test_document, 0, N_OF(docs));
	tcase_add_test(tc, test_init_clears_error);
	tcase_add_test(tc, test_write_error_flush);
	tcase_add_test(tc, test_write_error_write);
	tcase_add_test(tc, test_double_locale);
	suite_add_tcase(s, tc);

	tc = tcase_create("random");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_reader_refuses, 0, N_OF(bad_lines));
	tcase_add_test(tc, test_reader_accepts);
	tcase_add_test(tc, test_random_strings);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(json_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
