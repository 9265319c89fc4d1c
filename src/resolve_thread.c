/* SPDX-License-Identifier: ISC */
/*
 * resolve_thread.c: the look-up of resolve.h, one detached thread per
 * request calling getaddrinfo(3), its end signalled on a pipe.
 *
 * A request is shared by the caller and the thread, and freed by whichever
 * lets go of it last: the caller through resolve_thread_collect() or
 * resolve_thread_abandon(), the thread once it has stored the result (and written
 * the pipe).  Its state goes from RUNNING to DONE (the thread, which then
 * writes the pipe) or to ABANDONED (the caller, which then closes the pipe
 * at once); one compare-and-swap decides, so the thread never writes to a
 * closed or reused descriptor, and a look-up left to run holds none.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "resolve_thread.h"

enum resolve_state {
	RESOLVE_RUNNING,
	RESOLVE_DONE,			/* the fields below are set */
	RESOLVE_ABANDONED		/* the pipe is closed */
};

struct resolve_thread_req {
	atomic_int	refs;		/* 2 while both hold it, then 1 */
	atomic_int	state;		/* an enum resolve_state */
	int		fds[2];		/* readable end, written end */
	int		rc;		/* what getaddrinfo returned */
	int		sys_errno;	/* errno after EAI_SYSTEM */
	struct addrinfo	*res;		/* its list, until collected */
	bool		has_hints;
	struct addrinfo	hints;
	char		*host;		/* NULL or a copy */
	char		*service;	/* NULL or a copy */
};

static atomic_int resolve_live;

#ifdef ISOCK_UNITTEST
int resolve_thread_test_gate = -1;

int
resolve_thread_test_live(void)
{
	return atomic_load(&resolve_live);
}
#endif

/* Free `req`, the list it still holds, and its descriptors. */
static void
resolve_free(struct resolve_thread_req *req)
{
	if (req->res != NULL)
		freeaddrinfo(req->res);
	if (req->fds[0] >= 0)
		close(req->fds[0]);
	if (req->fds[1] >= 0)
		close(req->fds[1]);
	free(req->host);
	free(req->service);
	free(req);
	atomic_fetch_sub(&resolve_live, 1);
}

/* Let go of `req`; the last to let go frees it. */
static void
resolve_release(struct resolve_thread_req *req)
{
	if (atomic_fetch_sub_explicit(&req->refs, 1, memory_order_acq_rel) == 1)
		resolve_free(req);
}

/* A copy of `s`, or NULL for NULL; false when out of memory. */
static bool
resolve_strdup(const char *s, char **out)
{
	*out = NULL;
	if (s == NULL)
		return true;
	*out = strdup(s);
	return *out != NULL;
}

/* The look-up thread: getaddrinfo, then the result and a byte on the pipe. */
static void *
resolve_thread(void *arg)
{
	struct resolve_thread_req *req = arg;
	ssize_t n;
	int rc, expect;

#ifdef ISOCK_UNITTEST
	if (resolve_thread_test_gate >= 0) {
		char c;

		while (read(resolve_thread_test_gate, &c, 1) < 0 && errno == EINTR)
			continue;
	}
#endif
	req->res = NULL;
	rc = getaddrinfo(req->host, req->service,
	    req->has_hints ? &req->hints : NULL, &req->res);
	req->sys_errno = rc == EAI_SYSTEM ? errno : 0;
	req->rc = rc;
	expect = RESOLVE_RUNNING;
	if (atomic_compare_exchange_strong_explicit(&req->state, &expect,
	    RESOLVE_DONE, memory_order_acq_rel, memory_order_acquire)) {
		/* The pipe is empty and non-blocking: one byte fits. */
		do
			n = write(req->fds[1], "", 1);
		while (n < 0 && errno == EINTR);
	}
	resolve_release(req);
	return NULL;
}

int
resolve_thread_start(struct resolve_thread_req **reqp, const char *host,
    const char *service, const struct addrinfo *hints)
{
	struct resolve_thread_req *req;
	pthread_attr_t attr;
	pthread_t tid;
	sigset_t all, old;
	int err;

	*reqp = NULL;
	req = calloc(1, sizeof(*req));
	if (req == NULL)
		return EAI_MEMORY;
	atomic_fetch_add(&resolve_live, 1);
	req->fds[0] = req->fds[1] = -1;
	atomic_init(&req->refs, 1);
	atomic_init(&req->state, RESOLVE_RUNNING);
	if (hints != NULL) {
		req->has_hints = true;
		req->hints = *hints;
		/* Only the flags, family, type and protocol are input. */
		req->hints.ai_addrlen = 0;
		req->hints.ai_addr = NULL;
		req->hints.ai_canonname = NULL;
		req->hints.ai_next = NULL;
	}
	if (!resolve_strdup(host, &req->host) ||
	    !resolve_strdup(service, &req->service)) {
		resolve_free(req);
		return EAI_MEMORY;
	}
	if (pipe2(req->fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		err = errno;
		resolve_free(req);
		errno = err;
		return EAI_SYSTEM;
	}

	/* The thread inherits a mask with every signal blocked. */
	sigfillset(&all);
	err = pthread_attr_init(&attr);
	if (err == 0) {
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		atomic_store(&req->refs, 2);
		err = pthread_create(&tid, &attr, resolve_thread, req);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		pthread_attr_destroy(&attr);
	}
	if (err != 0) {
		resolve_free(req);
		errno = err;
		return EAI_SYSTEM;
	}
	*reqp = req;
	return 0;
}

int
resolve_thread_fd(const struct resolve_thread_req *req)
{
	return req->fds[0];
}

int
resolve_thread_collect(struct resolve_thread_req *req, struct addrinfo **res)
{
	int rc, err;

	*res = NULL;
	if (atomic_load_explicit(&req->state, memory_order_acquire) !=
	    RESOLVE_DONE)
		return RESOLVE_THREAD_PENDING;
	rc = req->rc;
	err = req->sys_errno;
	*res = req->res;
	req->res = NULL;
	resolve_release(req);
	if (rc == EAI_SYSTEM)
		errno = err;
	return rc;
}

void
resolve_thread_abandon(struct resolve_thread_req *req)
{
	int expect = RESOLVE_RUNNING;

	if (req == NULL)
		return;
	if (atomic_compare_exchange_strong_explicit(&req->state, &expect,
	    RESOLVE_ABANDONED, memory_order_acq_rel, memory_order_acquire)) {
		/* The thread will not write: give the descriptors back now. */
		close(req->fds[0]);
		close(req->fds[1]);
		req->fds[0] = req->fds[1] = -1;
	}
	resolve_release(req);
}
