/* SPDX-License-Identifier: ISC */
/*
 * check_text.c: escaping text that came from outside (src/text.c).
 *
 * Tables of inputs and the exact escaped text a user would see; UTF-8
 * validity byte by byte; truncation of the output buffer.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* An input and its escaped form. */
struct escape_case {
	const char *in;
	const char *out;
};

static const struct escape_case escape_cases[] = {
	/* Plain text is kept. */
	{ "", "" },
	{ "localhost", "localhost" },
	{ "a b~!\"#$%&'()*+,-./:;<=>?@[]^_`{|}", "a b~!\"#$%&'()*+,-./:;<=>?@[]^_`{|}" },
	/* C0 controls and DEL become \xHH, in lower case. */
	{ "\001", "\\x01" },
	{ "a\tb", "a\\x09b" },
	{ "a\nb", "a\\x0ab" },
	{ "\r", "\\x0d" },
	{ "\033[31mred", "\\x1b[31mred" },
	{ "\037", "\\x1f" },
	{ "\177", "\\x7f" },
	{ "~\177", "~\\x7f" },
	/* A backslash is doubled, so an escape in the input stays visible. */
	{ "\\", "\\\\" },
	{ "a\\x41", "a\\\\x41" },
	{ "\\\033", "\\\\\\x1b" },
	/* Valid UTF-8 of 2, 3 and 4 bytes is kept. */
	{ "\303\251t\303\251", "\303\251t\303\251" },		/* été */
	{ "\302\240", "\302\240" },				/* U+00A0 */
	{ "\337\277", "\337\277" },				/* U+07FF */
	{ "\340\240\200", "\340\240\200" },			/* U+0800 */
	{ "\342\202\254", "\342\202\254" },			/* U+20AC */
	{ "\355\237\277", "\355\237\277" },			/* U+D7FF */
	{ "\356\200\200", "\356\200\200" },			/* U+E000 */
	{ "\357\277\275", "\357\277\275" },			/* U+FFFD */
	{ "\360\220\200\200", "\360\220\200\200" },		/* U+10000 */
	{ "\360\237\230\200", "\360\237\230\200" },		/* U+1F600 */
	{ "\364\217\277\277", "\364\217\277\277" },		/* U+10FFFF */
	/* Characters that hide or reorder text are \uXXXX (issue 21). */
	{ "a\342\200\256b", "a\\u202eb" },			/* RLO */
	{ "a\342\200\213b", "a\\u200bb" },			/* ZWSP */
	{ "\357\273\277x", "\\ufeffx" },			/* BOM */
	{ "\342\201\246", "\\u2066" },			/* LRI */
	{ "\302\255", "\\u00ad" },				/* SHY */
	{ "\330\234", "\\u061c" },				/* ALM */
	{ "\342\200\252\342\200\217", "\\u202a\\u200f" },
	{ "\342\200\220", "\342\200\220" },		/* U+2010 kept */
	{ "\357\273\276", "\357\273\276" },		/* U+FEFE kept */
	/* C1 controls (U+0080..U+009F) are escaped, both bytes. */
	{ "\302\200", "\\xc2\\x80" },
	{ "\302\233" "2J", "\\xc2\\x9b2J" },			/* CSI */
	{ "\302\237", "\\xc2\\x9f" },
	/* Bytes that are not UTF-8 at all. */
	{ "\233", "\\x9b" },
	{ "\200", "\\x80" },
	{ "\377\376", "\\xff\\xfe" },
	{ "a\300b", "a\\xc0b" },
	/* Overlong forms. */
	{ "\300\257", "\\xc0\\xaf" },
	{ "\301\277", "\\xc1\\xbf" },
	{ "\340\200\257", "\\xe0\\x80\\xaf" },
	{ "\340\237\277", "\\xe0\\x9f\\xbf" },
	{ "\360\200\200\257", "\\xf0\\x80\\x80\\xaf" },
	{ "\360\217\277\277", "\\xf0\\x8f\\xbf\\xbf" },
	/* UTF-16 surrogates. */
	{ "\355\240\200", "\\xed\\xa0\\x80" },
	{ "\355\277\277", "\\xed\\xbf\\xbf" },
	/* Above U+10FFFF. */
	{ "\364\220\200\200", "\\xf4\\x90\\x80\\x80" },
	{ "\365\200\200\200", "\\xf5\\x80\\x80\\x80" },
	{ "\367\277\277\277", "\\xf7\\xbf\\xbf\\xbf" },
	/* Truncated sequences, at the end and before other text. */
	{ "\303", "\\xc3" },
	{ "\342\202", "\\xe2\\x82" },
	{ "\360\237\230", "\\xf0\\x9f\\x98" },
	{ "\342\202A", "\\xe2\\x82A" },
	{ "\342\202\342\202\254", "\\xe2\\x82\342\202\254" },
	{ "\303\033", "\\xc3\\x1b" },
	{ "\360\237\230\033[0m", "\\xf0\\x9f\\x98\\x1b[0m" },
};

#define NESCAPE (sizeof(escape_cases) / sizeof(escape_cases[0]))

/* Each case: the text, and the length returned is the text's. */
START_TEST(test_escape_table)
{
	const struct escape_case *c = &escape_cases[_i];
	char buf[256];
	size_t n;

	memset(buf, 'Z', sizeof(buf));
	n = text_escape(buf, sizeof(buf), c->in);
	ck_assert_str_eq(buf, c->out);
	ck_assert_uint_eq(n, strlen(c->out));
}
END_TEST

/* text_escape_dup gives the same text. */
START_TEST(test_escape_dup_table)
{
	const struct escape_case *c = &escape_cases[_i];
	char *p = text_escape_dup(c->in);

	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p, c->out);
	free(p);
}
END_TEST

/* Every printable ASCII character but the backslash stays as it is. */
START_TEST(test_escape_printable_ascii)
{
	char in[128], out[256];
	size_t n = 0;
	int c;

	for (c = 0x20; c < 0x7f; c++)
		if (c != '\\')
			in[n++] = (char)c;
	in[n] = '\0';
	ck_assert_uint_eq(text_escape(out, sizeof(out), in), n);
	ck_assert_str_eq(out, in);
}
END_TEST

/* Every C0 control and DEL is escaped as \xHH, alone. */
START_TEST(test_escape_every_control)
{
	static const char hex[] = "0123456789abcdef";
	char in[2] = { (char)(_i == 0 ? 0x7f : _i), '\0' };
	char want[5] = { '\\', 'x', 0, 0, '\0' }, out[16];
	unsigned c = (unsigned char)in[0];

	want[2] = hex[c >> 4];
	want[3] = hex[c & 0xf];
	ck_assert_uint_eq(text_escape(out, sizeof(out), in), 4);
	ck_assert_str_eq(out, want);
}
END_TEST

/* Every C1 control, U+0080..U+009F, is escaped as two \xHH. */
START_TEST(test_escape_every_c1)
{
	static const char hex[] = "0123456789abcdef";
	unsigned c = 0x80 + (unsigned)_i;
	char in[3] = { (char)0xc2, (char)c, '\0' };
	char want[9] = "\\xc2\\x..", out[16];

	want[6] = hex[c >> 4];
	want[7] = hex[c & 0xf];
	ck_assert_uint_eq(text_escape(out, sizeof(out), in), 8);
	ck_assert_str_eq(out, want);
}
END_TEST

/* An input split in the units the escaping keeps whole. */
struct cut_case {
	const char *in;
	const char *units[8];	/* the escaped text, unit by unit */
};

static const struct cut_case cut_cases[] = {
	{ "ab\033cd", { "a", "b", "\\x1b", "c", "d", NULL } },
	{ "\\\\", { "\\\\", "\\\\", NULL } },
	{ "x\303\251\360\237\230\200y",
	  { "x", "\303\251", "\360\237\230\200", "y", NULL } },
	{ "\302\233!", { "\\xc2", "\\x9b", "!", NULL } },
	{ "\342\202", { "\\xe2", "\\x82", NULL } },
};

#define NCUT (sizeof(cut_cases) / sizeof(cut_cases[0]))
#define CUT_SIZES 24	/* buffer sizes 0..23 for each case */

/*
 * Each case with each buffer size: the return value is the whole length;
 * the output is the longest run of whole units that fits with its NUL;
 * nothing is written past `size`, and nothing at all for size 0.
 */
START_TEST(test_escape_truncation)
{
	const struct cut_case *c = &cut_cases[_i / CUT_SIZES];
	size_t size = (size_t)_i % CUT_SIZES, total = 0, fit = 0, u, i;
	char buf[64], want[64];

	want[0] = '\0';
	for (u = 0; c->units[u] != NULL; u++) {
		total += strlen(c->units[u]);
		if (total < size) {
			fit = total;
			strcat(want, c->units[u]);
		}
	}
	if (size > total + 1)
		return;		/* nothing new past the whole text */
	memset(buf, 'Z', sizeof(buf));
	ck_assert_uint_eq(text_escape(buf, size, c->in), total);
	if (size == 0) {
		for (i = 0; i < sizeof(buf); i++)
			ck_assert_int_eq(buf[i], 'Z');
		return;
	}
	ck_assert_str_eq(buf, want);
	ck_assert_uint_eq(strlen(buf), fit);
	for (i = size; i < sizeof(buf); i++)
		ck_assert_int_eq(buf[i], 'Z');
}
END_TEST

/* size 0 with a NULL buffer: only the length, as snprintf. */
START_TEST(test_escape_measure_null)
{
	ck_assert_uint_eq(text_escape(NULL, 0, "a\033b"), 6);
	ck_assert_uint_eq(text_escape(NULL, 0, ""), 0);
}
END_TEST

/* A long hostile text: escaped whole, no control byte left. */
START_TEST(test_escape_long)
{
	char in[5001], *out;
	size_t i;

	for (i = 0; i < 5000; i++)
		in[i] = i % 5 == 0 ? '\033' : 'a';
	in[5000] = '\0';
	out = text_escape_dup(in);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(strlen(out), 4000 + 1000 * 4);
	for (i = 0; out[i] != '\0'; i++)
		ck_assert((unsigned char)out[i] >= 0x20 &&
		    (unsigned char)out[i] != 0x7f);
	free(out);
}
END_TEST

/* Bytes, how many may be read, and the length text_utf8_len returns. */
struct utf8_case {
	const char *s;
	size_t n;
	size_t want;
};

static const struct utf8_case utf8_cases[] = {
	{ "A", 1, 1 },
	{ "\177", 1, 1 },
	{ "Abc", 3, 1 },
	{ "", 0, 0 },
	{ "\303\251", 2, 2 },
	{ "\303\251rest", 6, 2 },
	{ "\303\251", 1, 0 },		/* cut by n */
	{ "\302\200", 2, 2 },		/* a C1 control is valid UTF-8 */
	{ "\337\277", 2, 2 },
	{ "\342\202\254", 3, 3 },
	{ "\342\202\254", 2, 0 },
	{ "\340\240\200", 3, 3 },
	{ "\355\237\277", 3, 3 },
	{ "\356\200\200", 3, 3 },
	{ "\360\237\230\200", 4, 4 },
	{ "\360\237\230\200", 3, 0 },
	{ "\360\220\200\200", 4, 4 },
	{ "\364\217\277\277", 4, 4 },
	/* Not the start of a valid sequence. */
	{ "\200", 1, 0 },
	{ "\277", 1, 0 },
	{ "\300\257", 2, 0 },
	{ "\301\277", 2, 0 },
	{ "\340\200\257", 3, 0 },
	{ "\340\237\277", 3, 0 },
	{ "\360\200\200\257", 4, 0 },
	{ "\360\217\277\277", 4, 0 },
	{ "\355\240\200", 3, 0 },
	{ "\355\277\277", 3, 0 },
	{ "\364\220\200\200", 4, 0 },
	{ "\365\200\200\200", 4, 0 },
	{ "\370\210\200\200\200", 5, 0 },
	{ "\376", 1, 0 },
	{ "\377", 1, 0 },
	{ "\302A", 2, 0 },		/* not a continuation byte */
	{ "\342\202A", 3, 0 },
	{ "\360\237\230A", 4, 0 },
	{ "\342\202", 2, 0 },		/* truncated */
};

#define NUTF8 (sizeof(utf8_cases) / sizeof(utf8_cases[0]))

START_TEST(test_utf8_len_table)
{
	const struct utf8_case *c = &utf8_cases[_i];

	ck_assert_msg(text_utf8_len((const unsigned char *)c->s, c->n) ==
	    c->want, "case %d: text_utf8_len returned %zu, expected %zu", _i,
	    text_utf8_len((const unsigned char *)c->s, c->n), c->want);
}
END_TEST

/* text_printf formats as printf does, into new memory. */
START_TEST(test_printf)
{
	char *p = text_printf("%s port %u", "::1", 22u);

	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p, "::1 port 22");
	free(p);
}
END_TEST

/*
 * text_excerpt_dup and text_quote keep at most TEXT_EXCERPT_MAX bytes of a
 * long text, cut between characters, and mark the cut with the length.
 */
START_TEST(test_excerpt)
{
	char in[401], *out;
	size_t i;

	out = text_excerpt_dup("short\033");
	ck_assert_str_eq(out, "short\\x1b");
	free(out);
	/* 'x', 199 two-byte characters, 'y': one straddles byte 128. */
	in[0] = 'x';
	for (i = 1; i < 399; i += 2) {
		in[i] = (char)0xc3;
		in[i + 1] = (char)0xa9;
	}
	in[399] = 'y';
	in[400] = '\0';
	out = text_excerpt_dup(in);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_null(strstr(out, "\\x"));
	ck_assert_uint_eq(strlen(out), 127 + strlen("[... 400 bytes]"));
	ck_assert_str_eq(out + 127, "[... 400 bytes]");
	free(out);
	out = text_quote("bad '%s'", in);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(strlen(out), 6 + 127 + strlen("[... 400 bytes]"));
	free(out);
}
END_TEST

/*
 * text_excerpt_bytes: NUL bytes written \x00; bytes known to be fewer
 * than the whole marked; a small buffer holds whole escapes and the mark.
 */
START_TEST(test_excerpt_bytes)
{
	unsigned char ones[100];
	char buf[TEXT_EXCERPT_SIZE], small[64];

	memset(ones, 1, sizeof(ones));
	ck_assert_str_eq(text_excerpt_bytes(buf, sizeof(buf), "a\0b", 3, 3),
	    "a\\x00b");
	ck_assert_str_eq(text_excerpt_bytes(buf, sizeof(buf), "abc", 3, 10),
	    "abc[... 10 bytes]");
	/* 64 bytes: 8 escapes of 4 and the mark's room of 32. */
	ck_assert_str_eq(text_excerpt_bytes(small, sizeof(small), ones,
	    sizeof(ones), sizeof(ones)), "\\x01\\x01\\x01\\x01\\x01\\x01"
	    "\\x01\\x01[... 100 bytes]");
}
END_TEST

static Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("escape");

	tcase_add_loop_test(tc, test_escape_table, 0, (int)NESCAPE);
	tcase_add_loop_test(tc, test_escape_dup_table, 0, (int)NESCAPE);
	tcase_add_test(tc, test_escape_printable_ascii);
	tcase_add_loop_test(tc, test_escape_every_control, 0, 0x20);
	tcase_add_loop_test(tc, test_escape_every_c1, 0, 0x20);
	tcase_add_test(tc, test_escape_long);
	tcase_add_test(tc, test_excerpt);
	tcase_add_test(tc, test_excerpt_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("truncation");
	tcase_add_loop_test(tc, test_escape_truncation, 0,
	    (int)(NCUT * CUT_SIZES));
	tcase_add_test(tc, test_escape_measure_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("utf8");
	tcase_add_loop_test(tc, test_utf8_len_table, 0, (int)NUTF8);
	tcase_add_test(tc, test_printf);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(text_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
