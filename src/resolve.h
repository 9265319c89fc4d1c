/* SPDX-License-Identifier: ISC */
/*
 * resolve.h: name look-ups that run beside the event loop.
 *
 * A resolver holds the look-ups of one run.  resolve_start() starts one and
 * returns at once; when any look-up ends, the descriptor of resolve_fd()
 * becomes readable, the loop calls resolve_collect() and reads each ended
 * one with resolve_result().  A look-up still running can be cancelled; one
 * the backend cannot stop is left to end on its own and never reaches the
 * caller.  Numeric addresses and Unix paths are answered by resolve_start()
 * itself, without a look-up.
 *
 * The backend (today glibc's getaddrinfo_a with a thread that writes to an
 * eventfd) is private to resolve.c, so another (a thread of our own, for
 * musl) can take its place behind the same functions.
 */
#ifndef ISOCK_RESOLVE_H
#define ISOCK_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#include "target.h"

struct resolve;

/* A new resolver, or NULL with `*cause` set. */
struct resolve *resolve_new(char **cause);

/* The descriptor to poll for POLLIN: some look-up has ended. */
int resolve_fd(const struct resolve *rs);

/*
 * Start the look-up of the addresses of `t` (its host, family and socket
 * type; the port is t's).  Returns an id (>= 0) for the calls below, or -1
 * when out of memory.  A look-up the backend refuses, and a target that
 * needs none, has its outcome at once: check resolve_result() right away.
 */
int resolve_start(struct resolve *rs, const struct target *t);

/* Empty the descriptor's wake-ups; then resolve_result() tells what ended. */
void resolve_collect(struct resolve *rs);

/*
 * The outcome of look-up `id`: EAI_INPROGRESS while it runs; 0 with the
 * candidate addresses in `*addrs` (`*n` of them, port 0, in the order to
 * try them: RFC 6724 as getaddrinfo sorted them, families interleaved as
 * RFC 8305 section 4 asks; the array stays the resolver's), or an EAI_*
 * code, with the errno of EAI_SYSTEM in `*sys_errno` (0 when the backend
 * could not tell it).
 */
int resolve_result(const struct resolve *rs, int id,
    const struct target_addr **addrs, size_t *n, int *sys_errno);

/* Abandon look-up `id`: it ends as EAI_CANCELED. */
void resolve_cancel(struct resolve *rs, int id);

/* Cancel what still runs and free the resolver. */
void resolve_free(struct resolve *rs);

#endif /* ISOCK_RESOLVE_H */
