/* SPDX-License-Identifier: ISC */
/*
 * check_explain.c: the errno and EAI_* table of src/explain.c.
 *
 * The table is checked against sources that do not come from it: glibc's
 * strerrorname_np() for errno names, a table of EAI_* macros written here,
 * and a table of exit statuses written here from the contract of
 * shared/DESIGN.md.  Then every text is rendered in every context.
 */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "explain.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct named {
	const char *name;
	int number;
};

/* The errnos of the seed, ISocket.connect.txt. */
static const struct named seed_errnos[] = {
	{ "EACCES", EACCES }, { "EPERM", EPERM },
	{ "EADDRINUSE", EADDRINUSE }, { "EAFNOSUPPORT", EAFNOSUPPORT },
	{ "EAGAIN", EAGAIN }, { "EALREADY", EALREADY }, { "EBADF", EBADF },
	{ "ECONNREFUSED", ECONNREFUSED }, { "EFAULT", EFAULT },
	{ "EINPROGRESS", EINPROGRESS }, { "EINTR", EINTR },
	{ "EISCONN", EISCONN }, { "ENETUNREACH", ENETUNREACH },
	{ "ENOTSOCK", ENOTSOCK }, { "ETIMEDOUT", ETIMEDOUT },
};

/* What connect(), and the socket/bind/setsockopt before it, give on Linux. */
static const struct named linux_errnos[] = {
	{ "EHOSTUNREACH", EHOSTUNREACH }, { "ENETDOWN", ENETDOWN },
	{ "EHOSTDOWN", EHOSTDOWN }, { "EADDRNOTAVAIL", EADDRNOTAVAIL },
	{ "ECONNRESET", ECONNRESET }, { "ECONNABORTED", ECONNABORTED },
	{ "EPROTOTYPE", EPROTOTYPE }, { "ESOCKTNOSUPPORT", ESOCKTNOSUPPORT },
	{ "EPROTONOSUPPORT", EPROTONOSUPPORT }, { "EOPNOTSUPP", EOPNOTSUPP },
	{ "ENOENT", ENOENT }, { "ENOTDIR", ENOTDIR }, { "ELOOP", ELOOP },
	{ "ENAMETOOLONG", ENAMETOOLONG }, { "EMFILE", EMFILE },
	{ "ENFILE", ENFILE }, { "ENOBUFS", ENOBUFS }, { "ENOMEM", ENOMEM },
	{ "EINVAL", EINVAL }, { "ENOTCONN", ENOTCONN },
	{ "ENOPROTOOPT", ENOPROTOOPT }, { "EDESTADDRREQ", EDESTADDRREQ },
	{ "EMSGSIZE", EMSGSIZE }, { "ENODEV", ENODEV },
};

/* Every EAI_* code glibc defines, by its macro. */
static const struct named eai_codes[] = {
	{ "EAI_BADFLAGS", EAI_BADFLAGS }, { "EAI_NONAME", EAI_NONAME },
	{ "EAI_AGAIN", EAI_AGAIN }, { "EAI_FAIL", EAI_FAIL },
	{ "EAI_FAMILY", EAI_FAMILY }, { "EAI_SOCKTYPE", EAI_SOCKTYPE },
	{ "EAI_SERVICE", EAI_SERVICE }, { "EAI_MEMORY", EAI_MEMORY },
	{ "EAI_SYSTEM", EAI_SYSTEM }, { "EAI_OVERFLOW", EAI_OVERFLOW },
#ifdef EAI_NODATA
	{ "EAI_NODATA", EAI_NODATA },
#endif
#ifdef EAI_ADDRFAMILY
	{ "EAI_ADDRFAMILY", EAI_ADDRFAMILY },
#endif
#ifdef EAI_INPROGRESS
	{ "EAI_INPROGRESS", EAI_INPROGRESS },
#endif
#ifdef EAI_CANCELED
	{ "EAI_CANCELED", EAI_CANCELED },
#endif
#ifdef EAI_NOTCANCELED
	{ "EAI_NOTCANCELED", EAI_NOTCANCELED },
#endif
#ifdef EAI_ALLDONE
	{ "EAI_ALLDONE", EAI_ALLDONE },
#endif
#ifdef EAI_INTR
	{ "EAI_INTR", EAI_INTR },
#endif
#ifdef EAI_IDN_ENCODE
	{ "EAI_IDN_ENCODE", EAI_IDN_ENCODE },
#endif
};

struct status {
	int number;
	int exit;
};

/* The contract of DESIGN.md; an errno not here has exit status 10. */
static const struct status errno_exit[] = {
	{ ECONNREFUSED, 1 }, { ECONNRESET, 1 },
	{ ETIMEDOUT, 3 },
	{ ENETUNREACH, 4 }, { EHOSTUNREACH, 4 }, { ENETDOWN, 4 },
	{ EHOSTDOWN, 4 },
	{ EACCES, 5 }, { EPERM, 5 },
	{ ENOENT, 6 }, { ENOTDIR, 6 },
	{ EADDRINUSE, 7 }, { EADDRNOTAVAIL, 7 }, { EAGAIN, 7 }, { EMFILE, 7 },
	{ ENFILE, 7 }, { ENOBUFS, 7 }, { ENOMEM, 7 },
	{ EAFNOSUPPORT, 8 }, { EPROTONOSUPPORT, 8 }, { ESOCKTNOSUPPORT, 8 },
	{ EPROTOTYPE, 8 }, { EOPNOTSUPP, 8 },
	{ EALREADY, 9 }, { EISCONN, 9 }, { EBADF, 9 }, { ENOTSOCK, 9 },
	{ EFAULT, 9 }, { EINPROGRESS, 9 }, { EINVAL, 9 },
};

/* The EAI_* codes of the contract; one not here has exit status 10. */
static const struct status eai_exit[] = {
	{ EAI_NONAME, 6 }, { EAI_AGAIN, 3 }, { EAI_FAIL, 6 },
#ifdef EAI_NODATA
	{ EAI_NODATA, 6 },
#endif
#ifdef EAI_ADDRFAMILY
	{ EAI_ADDRFAMILY, 6 },
#endif
#ifdef EAI_IDN_ENCODE
	{ EAI_IDN_ENCODE, 6 },
#endif
#ifdef EAI_CANCELED
	{ EAI_CANCELED, 3 },
#endif
	{ EAI_MEMORY, 7 },
	{ EAI_FAMILY, 8 }, { EAI_SOCKTYPE, 8 }, { EAI_SERVICE, 8 },
};

/* Slot values that no text contains by itself. */
#define V_ADDR	"127.0.0.42"
#define V_HOST	"host.test"
#define V_PATH	"/tmp/check-explain.d/s"
#define V_PROTO	"proto-x"
#define V_PORT	65001u
#define S_PORT	"65001"

static const struct explain_entry *
entry(int i)
{
	size_t n;
	const struct explain_entry *t = explain_table(&n);

	ck_assert_uint_lt((size_t)i, n);
	return &t[i];
}

static int
table_size(void)
{
	size_t n;

	explain_table(&n);
	return (int)n;
}

/* The exit status the contract gives `number` of `kind`. */
static int
expected_exit(enum explain_kind kind, int number)
{
	const struct status *s = kind == EXPLAIN_ERRNO ? errno_exit : eai_exit;
	size_t n = kind == EXPLAIN_ERRNO ? NELEM(errno_exit) : NELEM(eai_exit);
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i].number == number)
			return s[i].exit;
	return 10;
}

/* A context of `kind` with every slot filled. */
static struct explain_ctx
full_ctx(enum explain_ctx_kind kind)
{
	struct explain_ctx c = {
		.kind = kind, .addr = V_ADDR, .host = V_HOST, .path = V_PATH,
		.proto = V_PROTO, .port = V_PORT,
	};

	return c;
}

/* The Linux aliases of one errno: strerrorname_np() names the first. */
static int
is_alias(const char *sys, const char *name)
{
	static const char *const pairs[][2] = {
		{ "EAGAIN", "EWOULDBLOCK" },
		{ "EOPNOTSUPP", "ENOTSUP" },
		{ "EDEADLK", "EDEADLOCK" },
	};
	size_t i;

	for (i = 0; i < NELEM(pairs); i++)
		if (strcmp(sys, pairs[i][0]) == 0 &&
		    strcmp(name, pairs[i][1]) == 0)
			return 1;
	return 0;
}

START_TEST(name_matches_number)
{
	const struct explain_entry *e = entry(_i);
	const char *sys;
	size_t i;

	if (e->kind == EXPLAIN_ERRNO) {
		sys = strerrorname_np(e->number);
		ck_assert_msg(sys != NULL, "%s: %d is no errno", e->name,
		    e->number);
		ck_assert_msg(strcmp(sys, e->name) == 0 ||
		    is_alias(sys, e->name), "%s has number %d, which is %s",
		    e->name, e->number, sys);
		return;
	}
	for (i = 0; i < NELEM(eai_codes); i++)
		if (strcmp(eai_codes[i].name, e->name) == 0) {
			ck_assert_int_eq(e->number, eai_codes[i].number);
			return;
		}
	ck_abort_msg("%s (%d) is no EAI_* code of <netdb.h>", e->name,
	    e->number);
}
END_TEST

/* Every errno of `list` has an entry of its own name. */
static void
has_entry(const struct named *list, int i)
{
	const struct explain_entry *e = explain_lookup_errno(list[i].number);

	ck_assert_msg(e != NULL, "no entry for %s", list[i].name);
	ck_assert_str_eq(e->name, list[i].name);
	ck_assert_int_eq(e->kind, EXPLAIN_ERRNO);
}

START_TEST(seed_errno_has_entry)
{
	has_entry(seed_errnos, _i);
}
END_TEST

START_TEST(linux_errno_has_entry)
{
	has_entry(linux_errnos, _i);
}
END_TEST

START_TEST(eai_code_has_entry)
{
	const struct explain_entry *e =
	    explain_lookup_eai(eai_codes[_i].number);

	ck_assert_msg(e != NULL, "no entry for %s", eai_codes[_i].name);
	ck_assert_str_eq(e->name, eai_codes[_i].name);
	ck_assert_int_eq(e->kind, EXPLAIN_EAI);
}
END_TEST

START_TEST(contract_errno_exit)
{
	const struct status *s = &errno_exit[_i];
	const struct explain_entry *e = explain_lookup_errno(s->number);

	ck_assert_msg(e != NULL, "no entry for errno %d", s->number);
	ck_assert_msg((int)explain_exit_class(s->number) == s->exit,
	    "%s: explain_exit_class() gives %d, the contract %d", e->name,
	    (int)explain_exit_class(s->number), s->exit);
}
END_TEST

START_TEST(entry_exit_class)
{
	const struct explain_entry *e = entry(_i);
	int want = expected_exit(e->kind, e->number);

	ck_assert_msg((int)e->exit_class == want,
	    "%s has exit class %d, the contract %d", e->name,
	    (int)e->exit_class, want);
	if (e->kind == EXPLAIN_ERRNO)
		ck_assert_int_eq((int)explain_exit_class(e->number), want);
}
END_TEST

START_TEST(exit_class_edges)
{
	ck_assert_int_eq(explain_exit_class(0), ISOCK_EXIT_CONNECTED);
	/* 4095 is the highest errno the kernel could return: none has it. */
	ck_assert_ptr_null(explain_lookup_errno(4095));
	ck_assert_int_eq(explain_exit_class(4095), ISOCK_EXIT_OTHER);
	ck_assert_int_eq(explain_exit_class(ELOOP), ISOCK_EXIT_OTHER);
	ck_assert_int_eq(explain_exit_class(EINTR), ISOCK_EXIT_OTHER);
	ck_assert_int_eq(explain_exit_class(ENAMETOOLONG), ISOCK_EXIT_OTHER);
}
END_TEST

START_TEST(unique_names_and_numbers)
{
	const struct explain_entry *e = entry(_i), *o;
	int j;

	for (j = _i + 1; j < table_size(); j++) {
		o = entry(j);
		ck_assert_msg(strcmp(e->name, o->name) != 0,
		    "%s appears twice", e->name);
		ck_assert_msg(e->kind != o->kind || e->number != o->number,
		    "%s and %s share the number %d", e->name, o->name,
		    e->number);
	}
}
END_TEST

START_TEST(entry_is_complete)
{
	const struct explain_entry *e = entry(_i);
	size_t n;

	ck_assert_ptr_nonnull(e->summary);
	n = strlen(e->summary);
	ck_assert_msg(n > 0 && e->summary[0] >= 'a' && e->summary[0] <= 'z' &&
	    e->summary[n - 1] != '.', "%s: summary '%s' is not one lower-case "
	    "phrase", e->name, e->summary);
	ck_assert_msg(strchr(e->summary, '\n') == NULL, "%s", e->name);
	ck_assert_msg(e->meaning[EXPLAIN_ANY] != NULL, "%s has no meaning",
	    e->name);
	ck_assert_msg(e->check[EXPLAIN_ANY] != NULL, "%s has no check",
	    e->name);
	ck_assert_msg((e->kind == EXPLAIN_EAI) ==
	    (strncmp(e->name, "EAI_", 4) == 0), "%s: kind", e->name);
}
END_TEST

/* `t` lists no guesses and leaves nothing unfinished. */
static void
text_is_clean(const struct explain_entry *e, const char *t)
{
	static const char *const banned[] = { "; or", ", or ", "?", "\n" };
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < NELEM(banned); i++)
		ck_assert_msg(strstr(t, banned[i]) == NULL,
		    "%s: '%s' in \"%s\"", e->name, banned[i], t);
}

START_TEST(texts_are_clean)
{
	const struct explain_entry *e = entry(_i);
	int k;

	text_is_clean(e, e->summary);
	for (k = 0; k < EXPLAIN_NCTX; k++) {
		text_is_clean(e, e->meaning[k]);
		text_is_clean(e, e->check[k]);
	}
}
END_TEST

/* The number of words (runs of non-space) in `text`. */
static int
word_count(const char *text)
{
	int n = 0;
	bool in = false;

	for (; *text != '\0'; text++) {
		if (*text == ' ')
			in = false;
		else if (!in) {
			in = true;
			n++;
		}
	}
	return n;
}

/*
 * Issue 12: a Check gives the next step, briefly: at most 40 words in
 * every context.
 */
START_TEST(checks_are_brief)
{
	const struct explain_entry *e = entry(_i);
	int k;

	for (k = 0; k < EXPLAIN_NCTX; k++)
		if (e->check[k] != NULL)
			ck_assert_msg(word_count(e->check[k]) <= 40,
			    "%s: the Check of context %d has %d words: %s",
			    e->name, k, word_count(e->check[k]), e->check[k]);
}
END_TEST

/* A sentence ends at buf[i] and the next starts without a space. */
static int
sentences_touch(const char *buf, size_t i)
{
	unsigned char before = (unsigned char)buf[i - 1];
	unsigned char after = (unsigned char)buf[i + 1];

	return buf[i] == '.' && isupper(after) &&
	    (islower(before) || before == ')');
}

/* Render `part` of `e` in context `k` and judge the result. */
static void
render_one(const struct explain_entry *e, enum explain_part part, int k)
{
	struct explain_ctx c = full_ctx((enum explain_ctx_kind)k);
	char buf[1024];
	const char *r, *open;
	size_t n, i;

	r = explain_render(e, part, &c, buf, sizeof(buf));
	ck_assert_msg(r == buf, "%s: nothing rendered in context %d", e->name,
	    k);
	n = strlen(buf);
	ck_assert_msg(n > 0 && n < sizeof(buf) - 1, "%s: %zu bytes", e->name,
	    n);
	ck_assert_msg(buf[n - 1] == '.', "%s: \"%s\" is not a sentence",
	    e->name, buf);
	ck_assert_msg(strchr(buf, '?') == NULL, "%s: '?' in \"%s\"", e->name,
	    buf);
	for (i = 1; i + 1 < n; i++)
		ck_assert_msg(!sentences_touch(buf, i),
		    "%s: no space after a sentence in \"%s\"", e->name, buf);
	open = strchr(buf, '{');
	ck_assert_msg(open == NULL || strchr(open, '}') == NULL,
	    "%s: a slot is left in \"%s\"", e->name, buf);
	if (k == EXPLAIN_UNIX)
		ck_assert_msg(strstr(buf, S_PORT) == NULL,
		    "%s: a port in the Unix text \"%s\"", e->name, buf);
	else if (k != EXPLAIN_ANY)
		ck_assert_msg(strstr(buf, V_PATH) == NULL,
		    "%s: a path in the IP text \"%s\"", e->name, buf);
}

START_TEST(render_every_context)
{
	const struct explain_entry *e = entry(_i);
	int k;

	for (k = 0; k < EXPLAIN_NCTX; k++) {
		render_one(e, EXPLAIN_MEANING, k);
		render_one(e, EXPLAIN_CHECK, k);
	}
}
END_TEST

START_TEST(render_null_slot_is_question_mark)
{
	const struct explain_entry *e = explain_lookup("ECONNREFUSED");
	struct explain_ctx c = full_ctx(EXPLAIN_TCP);
	char with_null[1024], with_mark[1024], with_addr[1024];

	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(strstr(e->meaning[EXPLAIN_TCP], "{addr}"));
	c.addr = NULL;
	explain_render(e, EXPLAIN_MEANING, &c, with_null, sizeof(with_null));
	c.addr = "?";
	explain_render(e, EXPLAIN_MEANING, &c, with_mark, sizeof(with_mark));
	c.addr = V_ADDR;
	explain_render(e, EXPLAIN_MEANING, &c, with_addr, sizeof(with_addr));
	ck_assert_str_eq(with_null, with_mark);
	ck_assert_ptr_nonnull(strchr(with_null, '?'));
	ck_assert_ptr_null(strchr(with_addr, '?'));
	ck_assert_ptr_nonnull(strstr(with_addr, V_ADDR));
}
END_TEST

START_TEST(render_fills_slots)
{
	const struct explain_entry *e = explain_lookup("ECONNREFUSED");
	struct explain_ctx c = full_ctx(EXPLAIN_TCP);
	char buf[1024], small[8];

	explain_render(e, EXPLAIN_MEANING, &c, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, V_ADDR));
	ck_assert_ptr_nonnull(strstr(buf, "port " S_PORT));
	c.kind = EXPLAIN_UNIX;
	explain_render(e, EXPLAIN_MEANING, &c, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, V_PATH));
	/* A context without a text of its own falls back to ANY. */
	c.kind = EXPLAIN_ANY;
	ck_assert_ptr_eq(explain_render(e, EXPLAIN_CHECK, &c, buf,
	    sizeof(buf)), buf);
	ck_assert_uint_gt(strlen(buf), 0);
	/* A short buffer is cut and stays a string. */
	ck_assert_ptr_eq(explain_render(e, EXPLAIN_MEANING, &c, small,
	    sizeof(small)), small);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
}
END_TEST

/* The texts of `name` in contexts a and b differ. */
static void
differs(const char *name, enum explain_part part, enum explain_ctx_kind a,
    enum explain_ctx_kind b)
{
	const struct explain_entry *e = explain_lookup(name);
	struct explain_ctx ca = full_ctx(a), cb = full_ctx(b);
	char ba[1024], bb[1024];

	ck_assert_ptr_nonnull(e);
	explain_render(e, part, &ca, ba, sizeof(ba));
	explain_render(e, part, &cb, bb, sizeof(bb));
	ck_assert_msg(strcmp(ba, bb) != 0, "%s: contexts %d and %d say \"%s\"",
	    name, a, b, ba);
}

/* Rendered `part` of `name` in context `k` contains `want`. */
static void
mentions(const char *name, enum explain_part part, enum explain_ctx_kind k,
    const char *want)
{
	const struct explain_entry *e = explain_lookup(name);
	struct explain_ctx c = full_ctx(k);
	char buf[1024];

	ck_assert_ptr_nonnull(e);
	explain_render(e, part, &c, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, want) != NULL, "%s: \"%s\" lacks '%s'", name,
	    buf, want);
}

START_TEST(family_and_type_aware)
{
	differs("ECONNREFUSED", EXPLAIN_MEANING, EXPLAIN_TCP, EXPLAIN_UDP);
	differs("ECONNREFUSED", EXPLAIN_MEANING, EXPLAIN_TCP, EXPLAIN_UNIX);
	differs("ECONNREFUSED", EXPLAIN_MEANING, EXPLAIN_UDP, EXPLAIN_UNIX);
	differs("ECONNREFUSED", EXPLAIN_CHECK, EXPLAIN_TCP, EXPLAIN_UDP);
	differs("EACCES", EXPLAIN_MEANING, EXPLAIN_TCP, EXPLAIN_UNIX);
	differs("EACCES", EXPLAIN_CHECK, EXPLAIN_TCP, EXPLAIN_UDP);
	differs("EACCES", EXPLAIN_CHECK, EXPLAIN_UDP, EXPLAIN_UNIX);
	differs("ETIMEDOUT", EXPLAIN_MEANING, EXPLAIN_TCP, EXPLAIN_UDP);
	differs("EAGAIN", EXPLAIN_MEANING, EXPLAIN_UDP, EXPLAIN_UNIX);
	mentions("ECONNREFUSED", EXPLAIN_CHECK, EXPLAIN_TCP, "ss -ltnp");
	mentions("ECONNREFUSED", EXPLAIN_MEANING, EXPLAIN_UDP, "ICMP");
	mentions("ECONNREFUSED", EXPLAIN_MEANING, EXPLAIN_UNIX, V_PATH);
	mentions("EACCES", EXPLAIN_CHECK, EXPLAIN_UDP, "-b");
	mentions("EACCES", EXPLAIN_CHECK, EXPLAIN_TCP, "ip route get " V_ADDR);
	mentions("EACCES", EXPLAIN_MEANING, EXPLAIN_UNIX, "write permission");
	mentions("ETIMEDOUT", EXPLAIN_MEANING, EXPLAIN_TCP, "-w");
	mentions("ETIMEDOUT", EXPLAIN_CHECK, EXPLAIN_TCP, "FAILED");
	mentions("EAGAIN", EXPLAIN_CHECK, EXPLAIN_UDP, "ip_local_port_range");
	mentions("ESOCKTNOSUPPORT", EXPLAIN_CHECK, EXPLAIN_SCTP, "lsmod");
	mentions("EINVAL", EXPLAIN_CHECK, EXPLAIN_TCP, "blackhole");
}
END_TEST

START_TEST(lookup_by_name_any_case)
{
	const struct explain_entry *e = entry(_i);
	char lower[64];
	size_t i;

	ck_assert_ptr_eq(explain_lookup(e->name), e);
	ck_assert_uint_lt(strlen(e->name), sizeof(lower));
	for (i = 0; e->name[i] != '\0'; i++)
		lower[i] = (char)(e->name[i] >= 'A' && e->name[i] <= 'Z' ?
		    e->name[i] - 'A' + 'a' : e->name[i]);
	lower[i] = '\0';
	ck_assert_ptr_eq(explain_lookup(lower), e);
	if (e->kind == EXPLAIN_EAI)
		ck_assert_ptr_eq(explain_lookup_eai(e->number), e);
	else
		ck_assert_ptr_eq(explain_lookup_errno(e->number), e);
}
END_TEST

START_TEST(lookup_by_number)
{
	const struct explain_entry *e = entry(_i);
	char num[16];

	if (e->kind != EXPLAIN_ERRNO)
		return;
	snprintf(num, sizeof(num), "%d", e->number);
	ck_assert_ptr_eq(explain_lookup(num), e);
}
END_TEST

START_TEST(lookup_examples)
{
	const struct explain_entry *e;

	e = explain_lookup("111");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->name, "ECONNREFUSED");
	e = explain_lookup("eConnRefused");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->number, ECONNREFUSED);
	e = explain_lookup("EAI_NONAME");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->kind, EXPLAIN_EAI);
	ck_assert_int_eq(e->number, EAI_NONAME);
	e = explain_lookup("eai_again");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->number, EAI_AGAIN);
}
END_TEST

static const char *const unknown_names[] = {
	"", "-1", "99999999999", "ENOSUCH", "EAI_NOSUCH", "0", "111x",
	" 111", "ECONNREFUSED ", "4095", "-2",
};

START_TEST(lookup_unknown)
{
	ck_assert_msg(explain_lookup(unknown_names[_i]) == NULL,
	    "\"%s\" found", unknown_names[_i]);
}
END_TEST

START_TEST(ctx_kind_of)
{
	ck_assert_int_eq(explain_ctx_kind_of(AF_INET, SOCK_STREAM),
	    EXPLAIN_TCP);
	ck_assert_int_eq(explain_ctx_kind_of(AF_INET6, SOCK_STREAM),
	    EXPLAIN_TCP);
	ck_assert_int_eq(explain_ctx_kind_of(AF_INET, SOCK_DGRAM),
	    EXPLAIN_UDP);
	ck_assert_int_eq(explain_ctx_kind_of(AF_INET6, SOCK_SEQPACKET),
	    EXPLAIN_SCTP);
	ck_assert_int_eq(explain_ctx_kind_of(AF_UNIX, SOCK_STREAM),
	    EXPLAIN_UNIX);
	ck_assert_int_eq(explain_ctx_kind_of(AF_UNIX, SOCK_DGRAM),
	    EXPLAIN_UNIX);
	ck_assert_int_eq(explain_ctx_kind_of(AF_INET, SOCK_RAW), EXPLAIN_ANY);
}
END_TEST

static Suite *
explain_suite(void)
{
	Suite *s = suite_create("explain");
	TCase *tc = tcase_create("table");
	int n = table_size();

	tcase_add_loop_test(tc, name_matches_number, 0, n);
	tcase_add_loop_test(tc, seed_errno_has_entry, 0,
	    (int)NELEM(seed_errnos));
	tcase_add_loop_test(tc, linux_errno_has_entry, 0,
	    (int)NELEM(linux_errnos));
	tcase_add_loop_test(tc, eai_code_has_entry, 0, (int)NELEM(eai_codes));
	tcase_add_loop_test(tc, contract_errno_exit, 0,
	    (int)NELEM(errno_exit));
	tcase_add_loop_test(tc, entry_exit_class, 0, n);
	tcase_add_test(tc, exit_class_edges);
	tcase_add_loop_test(tc, unique_names_and_numbers, 0, n);
	tcase_add_loop_test(tc, entry_is_complete, 0, n);
	tcase_add_loop_test(tc, texts_are_clean, 0, n);
	tcase_add_loop_test(tc, checks_are_brief, 0, n);
	suite_add_tcase(s, tc);

	tc = tcase_create("render");
	tcase_add_loop_test(tc, render_every_context, 0, n);
	tcase_add_test(tc, render_null_slot_is_question_mark);
	tcase_add_test(tc, render_fills_slots);
	tcase_add_test(tc, family_and_type_aware);
	suite_add_tcase(s, tc);

	tc = tcase_create("lookup");
	tcase_add_loop_test(tc, lookup_by_name_any_case, 0, n);
	tcase_add_loop_test(tc, lookup_by_number, 0, n);
	tcase_add_test(tc, lookup_examples);
	tcase_add_loop_test(tc, lookup_unknown, 0,
	    (int)NELEM(unknown_names));
	tcase_add_test(tc, ctx_kind_of);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(explain_suite());
	int failed;

	if (sr == NULL)
		return 99;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
