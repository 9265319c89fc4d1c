/* SPDX-License-Identifier: ISC */
/*
 * json.h: a small streaming JSON writer for JSON Lines output.
 *
 * The writer puts a JSON document on a FILE piece by piece, with no heap
 * allocation: the caller opens containers, writes keys and values, closes
 * the containers and ends the line.  Commas between members and elements
 * are the writer's business; the order of calls is the caller's (a value in
 * an object follows json_key, containers are closed in the order opened).
 *
 * Strings are written per RFC 8259 and made safe for terminals and
 * JavaScript:
 *   - '"' and '\' are escaped; U+0000..U+001F become \b \f \n \r \t or
 *     \u00XX; DEL and the C1 controls (U+007F..U+009F) become \u007f..\u009f;
 *     U+2028 and U+2029 become \u2028 and \u2029;
 *   - valid UTF-8 (no overlong forms, surrogates or code points above
 *     U+10FFFF) is kept as it is;
 *   - every byte that is not part of valid UTF-8 is replaced by \ufffd, one
 *     escape per byte.
 * So the output is always valid UTF-8 JSON, whatever bytes the input holds.
 *
 * Errors: nesting deeper than JSON_MAX_DEPTH, closing a container that is not
 * open, a key outside any container, a second top-level value before
 * json_line_end and ending a line inside a container are programming errors; a failed write or flush on the FILE is a write error.
 * Either sets `error`, and from then on the writer writes nothing more (so
 * check `error` once, after json_line_end).  json_init clears it.
 */
#ifndef ISOCK_JSON_H
#define ISOCK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16	/* containers open at once */

struct json {
	FILE *f;
	unsigned depth;		/* containers open */
	unsigned long first;	/* bit per depth: nothing written yet there */
	bool error;		/* programming or write error: writes stopped */
};

/* Start a writer on `f`, at the top level, with no error. */
void json_init(struct json *j, FILE *f);

/* Open or close an object ("{", "}") or an array ("[", "]"). */
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);

/* Inside an object: the member name, written as "key": after a comma when
 * the object already has a member.  The next call writes its value. */
void json_key(struct json *j, const char *key);

/* A string from the NUL-terminated `s`, escaped as above; NULL writes null. */
void json_string(struct json *j, const char *s);

/* A string from the `n` bytes at `s`, which may hold NULs (written as
 * \u0000); NULL writes null. */
void json_string_n(struct json *j, const char *s, size_t n);

/* Numbers.  json_double writes `decimals` digits after the point (clamped to
 * 0..17) with '.' whatever the locale; NaN and infinities are written as
 * null, since JSON has no such numbers. */
void json_int(struct json *j, long long v);
void json_uint(struct json *j, unsigned long long v);
void json_double(struct json *j, double v, int decimals);

void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* After a whole top-level value: write "\n" and flush, so each line reaches
 * a reader as soon as it is complete.  A flush failure sets `error`. */
void json_line_end(struct json *j);

/*
 * The string escaper alone: the escaped form of the `n` bytes at `s`
 * (without the surrounding quotes) into `dst`, at most `size` bytes with the
 * terminating NUL.  Like snprintf it returns the length the whole escaped
 * text needs; a result >= `size` means it was cut, and it is cut only
 * between whole escapes or whole UTF-8 sequences.  `dst` is NUL-terminated
 * whenever `size` > 0; with `size` == 0 it may be NULL.
 */
size_t json_escape(char *dst, size_t size, const char *s, size_t n);

#endif /* ISOCK_JSON_H */
