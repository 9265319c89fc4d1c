/* SPDX-License-Identifier: ISC */
/*
 * text.h: making text that came from outside safe to print.
 */
#ifndef ISOCK_TEXT_H
#define ISOCK_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/*
 * Copy `src` into `dst` (at most `size` bytes with the NUL) so that it cannot
 * drive a terminal: C0 and C1 control characters, DEL and bytes that are not
 * valid UTF-8 become \xHH, the invisible characters of text_invisible()
 * \uXXXX, and a backslash becomes \\ (so the escaping is unambiguous);
 * valid printable UTF-8 is kept as it is.  Returns the length
 * the whole escaped text needs, like snprintf: a result >= `size` means it was
 * cut (never in the middle of an escape).
 */
size_t text_escape(char *dst, size_t size, const char *src);

/* text_escape into a new buffer; NULL only when out of memory. */
char *text_escape_dup(const char *src);

/*
 * Length of the valid UTF-8 sequence at `s` (1 to 4), or 0 when the bytes
 * there do not start one (overlong forms, surrogates and code points above
 * U+10FFFF are not valid).  `n` is how many bytes may be read.
 */
size_t text_utf8_len(const unsigned char *s, size_t n);

/*
 * The code point of the `len`-byte valid UTF-8 sequence at `s` when it is
 * one that prints nothing or reorders what follows (bidirectional
 * controls such as U+202E, zero-width characters such as U+200B, U+FEFF,
 * the soft hyphen, the line and paragraph separators), else 0.  Such a
 * character in outside text can hide or disguise a name on a terminal, so
 * text_escape writes it as \uXXXX (JSON, likewise).
 */
unsigned text_invisible(const unsigned char *s, size_t len);

/*
 * strncasecmp(3) of the C locale whatever the process's locale: ASCII
 * letters alone fold (under a Turkish locale 'I' is not 'i' to the C
 * library).  For names that are ASCII by definition: URL schemes, errno
 * and EAI_* names.
 */
int text_ascii_ncasecmp(const char *a, const char *b, size_t n);

/* At most this many bytes of outside text are quoted in a message. */
#define TEXT_EXCERPT_MAX 128

/* Room kept for the mark "[... N bytes]" of an excerpt, its NUL too. */
#define TEXT_EXCERPT_MARK 32

/* A buffer that holds every excerpt whole: each byte escaped takes at
   most 4 (\xHH), and the mark. */
#define TEXT_EXCERPT_SIZE (4 * TEXT_EXCERPT_MAX + TEXT_EXCERPT_MARK)

/*
 * The excerpt of the `n` bytes at `bytes` (NULs allowed, each written
 * \x00), of a text `whole` bytes long, escaped as text_escape does into
 * `buf` (`size` bytes, at least TEXT_EXCERPT_MARK): at most
 * TEXT_EXCERPT_MAX bytes, cut between characters, and of those as many
 * whole characters as `buf` holds with the room of the mark
 * "[... WHOLE bytes]", which follows when fewer than `whole` bytes are
 * shown.  Returns `buf`.
 */
const char *text_excerpt_bytes(char *buf, size_t size, const void *bytes,
    size_t n, size_t whole);

/*
 * text_excerpt_bytes of the string `src` (its whole length) into a new
 * buffer: a text longer than TEXT_EXCERPT_MAX bytes is cut and marked.
 * NULL only when out of memory.
 */
char *text_excerpt_dup(const char *src);

/*
 * A new sentence: `fmt` with its one "%s" replaced by an excerpt of `text`
 * (see text_excerpt_dup) and each "%%" by "%"; NULL only when out of
 * memory.  For messages that quote what the user gave.
 */
char *text_quote(const char *fmt, const char *text);

/*
 * The UTC time `t` into `buf`: "2026-12-01T10:00:00Z" with `iso` (JSON),
 * else "2026-12-01 10:00:00 UTC" (text); false (buf untouched) when `t` is
 * 0 (none) or cannot be formatted.
 */
bool text_utc(time_t t, bool iso, char *buf, size_t size);

/* A new string formatted like printf; NULL only when out of memory. */
char *text_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* ISOCK_TEXT_H */
