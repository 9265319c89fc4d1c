/* SPDX-License-Identifier: ISC */
/*
 * fuzz.h: what the libFuzzer harnesses share with their replay program.
 *
 * Each harness defines LLVMFuzzerTestOneInput().  Built with clang and
 * -fsanitize=fuzzer it is a fuzzer (`make fuzz`); linked with replay.c it
 * is a plain program that feeds it every file of its seed corpus, so
 * `make check` replays the corpus and every crash kept there, with any
 * compiler.  A harness checks the contracts of the code it calls and
 * aborts when one is broken, so a broken contract is a crash too.
 */
#ifndef ISOCK_FUZZ_H
#define ISOCK_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry point: run the code under test on one input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with a message naming the broken contract when `cond` is false. */
#define FUZZ_ASSERT(cond) \
	((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))

/* Print where a contract broke, then abort(). */
void fuzz_fail(const char *file, int line, const char *what)
    __attribute__((noreturn));

/*
 * Split the `size` bytes at `data` into at most `max` words at NUL bytes:
 * a new buffer (free it) holding the words, whose starts go in `words`.
 * Returns the number of words; an input of no bytes has none.
 */
size_t fuzz_words(const uint8_t *data, size_t size, char **words, size_t max,
    char **buf);

/* True when `s` holds no C0 control, DEL or C1 control, and is valid UTF-8:
 * the rule for any text the tool prints that came from outside. */
int fuzz_printable(const char *s);

#endif /* ISOCK_FUZZ_H */
