/* SPDX-License-Identifier: ISC */
/*
 * resolve.c: name look-ups that run beside the event loop, each on a
 * thread of our own (the default, see the compat part below), or on
 * glibc's getaddrinfo_a (configure --with-resolver=getaddrinfo_a).
 *
 * A look-up's end writes to an eventfd, which the loop polls: from our
 * thread itself, or from the thread glibc starts for its SIGEV_THREAD.  A
 * look-up that could not be cancelled may end after its resolver is gone, so
 * the notification goes through a small shared object that counts the
 * notifications still to come: the resolver closes the eventfd at once,
 * a late notification writes nowhere, and the last of the two frees it.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "resolve.h"

#ifndef HAVE_GETADDRINFO_A
/*
 * The default, and musl's only way: the three calls this file makes of
 * getaddrinfo_a, on a detached thread per request that calls getaddrinfo(3)
 * and then the notification function itself, as glibc's helper threads do
 * through a second thread.  One thread a look-up instead of two, and no
 * unwinder to load: about 5 ms less a name under load (bench/tls.md).  A running look-up
 * cannot be cancelled: gai_cancel() hands the request to its thread, which
 * frees it when getaddrinfo returns; from then on gai_error() says
 * EAI_INPROGRESS, so the caller never frees it too.  glibc declares the
 * same names (--with-resolver=thread there): these are our own.
 */
#define gaicb isock_gaicb
#define getaddrinfo_a isock_getaddrinfo_a
#define gai_error isock_gai_error
#define gai_cancel isock_gai_cancel
#undef GAI_NOWAIT
#define GAI_NOWAIT 1

struct gaicb {
	const char *ar_name;
	const struct addrinfo *ar_request;
	struct addrinfo *ar_result;
	pthread_mutex_t lock;
	int rc;				/* EAI_INPROGRESS while it runs */
	int sys_errno;			/* the errno of EAI_SYSTEM */
	bool abandoned;			/* the thread frees the request */
	struct sigevent sev;
};

/* The look-up thread of `arg`, a struct gaicb first in its request. */
static void *
gai_thread(void *arg)
{
	struct gaicb *cb = arg;
	struct addrinfo *res = NULL;
	struct sigevent sev = cb->sev;
	int rc = getaddrinfo(cb->ar_name, NULL, cb->ar_request, &res);
	int err = errno;	/* EAI_SYSTEM's cause, before anything else */
	bool gone;

	pthread_mutex_lock(&cb->lock);
	cb->ar_result = res;
	cb->rc = rc;
	cb->sys_errno = rc == EAI_SYSTEM ? err : 0;
	gone = cb->abandoned;
	pthread_mutex_unlock(&cb->lock);
	if (gone) {
		if (rc == 0)
			freeaddrinfo(res);
		pthread_mutex_destroy(&cb->lock);
		free(cb);
	}
	sev.sigev_notify_function(sev.sigev_value);
	return NULL;
}

/* Start the one request of `list` (n is 1 here) on a thread of its own. */
static int
getaddrinfo_a(int mode, struct gaicb *list[], int n, struct sigevent *sev)
{
	struct gaicb *cb = list[0];
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t th;
	int err;

	(void)mode;
	(void)n;
	cb->rc = EAI_INPROGRESS;
	cb->abandoned = false;
	cb->sev = *sev;
	pthread_mutex_init(&cb->lock, NULL);
	/* The signals that stop a run are the loop's, never this thread's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&th, &attr, gai_thread, cb);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		pthread_mutex_destroy(&cb->lock);
		errno = err;
		return EAI_SYSTEM;
	}
	return 0;
}

static int
gai_error(struct gaicb *cb)
{
	int rc;

	pthread_mutex_lock(&cb->lock);
	rc = cb->abandoned ? EAI_INPROGRESS : cb->rc;
	pthread_mutex_unlock(&cb->lock);
	return rc;
}

static int
gai_cancel(struct gaicb *cb)
{
	int rc = EAI_ALLDONE;

	pthread_mutex_lock(&cb->lock);
	if (cb->rc == EAI_INPROGRESS) {
		cb->abandoned = true;
		rc = EAI_NOTCANCELED;
	}
	pthread_mutex_unlock(&cb->lock);
	return rc;
}
#endif /* !HAVE_GETADDRINFO_A */

/*
 * Descriptors a look-up may hold at once: a file of the name service
 * (nsswitch.conf, hosts, resolv.conf), a DNS socket, a netlink socket for
 * AI_ADDRCONFIG, and one for the unwinder a C library thread may load.
 */
#define RESOLVE_FDS 4

/* A request handed to getaddrinfo_a, with what it points to. */
struct request {
	struct gaicb cb;
	struct addrinfo hints;
	char host[];
};

struct entry {
	struct request *req;		/* NULL once ended or abandoned */
	int rc;				/* EAI_INPROGRESS while it runs */
	int sys_errno;
	const struct target *t;
	struct target_addr *addrs;
	size_t n;
};

/* The wake-up of the loop, shared with the notification threads. */
struct notifier {
	pthread_mutex_t lock;
	int fd;				/* the eventfd; -1 once closed */
	unsigned pending;		/* notifications still to come */
};

struct resolve {
	struct entry *v;
	size_t n, cap;
	struct notifier *nf;
};

/* Drop one notification still to come; free `nf` when it was the last. */
static void
notifier_put(struct notifier *nf)
{
	bool last;

	pthread_mutex_lock(&nf->lock);
	nf->pending--;
	last = nf->fd < 0 && nf->pending == 0;
	pthread_mutex_unlock(&nf->lock);
	if (last) {
		pthread_mutex_destroy(&nf->lock);
		free(nf);
	}
}

/* SIGEV_THREAD: a look-up ended; wake the loop, if it still listens. */
static void
notify(union sigval sv)
{
	struct notifier *nf = sv.sival_ptr;
	uint64_t one = 1;
	ssize_t rc;

	pthread_mutex_lock(&nf->lock);
	if (nf->fd >= 0) {
		rc = write(nf->fd, &one, sizeof(one));
		(void)rc;	/* a full counter still wakes the loop */
	}
	pthread_mutex_unlock(&nf->lock);
	notifier_put(nf);
}

/*
 * 0 when `need` more descriptors can be opened now, else the errno that
 * says why not (EMFILE: the process's limit, ENFILE: the system's).  It
 * duplicates `fd` that often and closes the copies again.
 */
static int
fd_room(int fd, int need)
{
	int held[RESOLVE_FDS], k, n, err = 0;

	for (n = 0; n < need && n < RESOLVE_FDS; n++) {
		held[n] = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (held[n] < 0) {
			err = errno;
			break;
		}
	}
	for (k = 0; k < n; k++)
		close(held[k]);
	return err;
}

/*
 * glibc's getaddrinfo_a threads load libgcc_s when they end (pthread_exit
 * unwinds the thread); with no descriptor free at that moment the load
 * fails and glibc aborts the process.  Loaded once here, at the first
 * look-up, it is found in memory from then on.  A failure changes
 * nothing.  Our own look-up threads return from their function, which
 * unwinds nothing: they need no unwinder (nor does musl, nor a static
 * build, which has no dlopen).
 */
static void
preload_unwinder(void)
{
#if defined(__GLIBC__) && defined(HAVE_GETADDRINFO_A)
	static bool done;

	if (!done) {
		done = true;
		(void)dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_NODELETE);
	}
#endif
}

struct resolve *
resolve_new(char **cause)
{
	struct resolve *rs = calloc(1, sizeof(*rs));

	if (rs == NULL)
		*cause = strdup("out of memory");
	return rs;
}

/*
 * The notifier, made with the first look-up: a run of addresses and paths
 * alone costs no descriptor.  Returns 0, or an errno.
 */
static int
notifier_get(struct resolve *rs)
{
	struct notifier *nf;

	if (rs->nf != NULL)
		return 0;
	nf = calloc(1, sizeof(*nf));
	if (nf == NULL)
		return ENOMEM;
	nf->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (nf->fd < 0) {
		free(nf);
		return errno;
	}
	pthread_mutex_init(&nf->lock, NULL);
	rs->nf = nf;
	return 0;
}

int
resolve_fd(const struct resolve *rs)
{
	return rs->nf != NULL ? rs->nf->fd : -1;
}

/* Room for one more entry; false when out of memory. */
static bool
reserve(struct resolve *rs)
{
	struct entry *v;
	size_t cap;

	if (rs->n < rs->cap)
		return true;
	cap = rs->cap > 0 ? rs->cap * 2 : 16;
	v = realloc(rs->v, cap * sizeof(*v));
	if (v == NULL)
		return false;
	rs->v = v;
	rs->cap = cap;
	return true;
}

int
resolve_start(struct resolve *rs, const struct target *t)
{
	struct gaicb *list[1];
	struct sigevent sev;
	struct request *req;
	struct entry *e;
	size_t len = strlen(t->host);
	int id;

	if (!reserve(rs))
		return -1;
	id = (int)rs->n++;
	e = &rs->v[id];
	memset(e, 0, sizeof(*e));
	e->t = t;
	if (!target_needs_lookup(t)) {
		e->rc = target_resolve(t, &e->addrs, &e->n, &e->sys_errno);
		return id;
	}
	preload_unwinder();
	/* Short of descriptors, the look-up would fail as "not found" or
	   blame a name server it never asked: say EMFILE instead. */
	if ((e->sys_errno = notifier_get(rs)) != 0 ||
	    (e->sys_errno = fd_room(rs->nf->fd, RESOLVE_FDS)) != 0) {
		e->rc = EAI_SYSTEM;
		return id;
	}
	req = calloc(1, sizeof(*req) + len + 1);
	if (req == NULL) {
		rs->n--;
		return -1;
	}
	memcpy(req->host, t->host, len + 1);
	target_hints(t, &req->hints);
	req->cb.ar_name = req->host;
	req->cb.ar_request = &req->hints;
	list[0] = &req->cb;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_notify_function = notify;
	sev.sigev_value.sival_ptr = rs->nf;
	pthread_mutex_lock(&rs->nf->lock);
	rs->nf->pending++;
	pthread_mutex_unlock(&rs->nf->lock);
	e->rc = getaddrinfo_a(GAI_NOWAIT, list, 1, &sev);
	if (e->rc != 0) {
		notifier_put(rs->nf);
		if (e->rc == EAI_SYSTEM)
			e->sys_errno = errno;
		free(req);
		return id;
	}
	e->req = req;
	e->rc = EAI_INPROGRESS;
	return id;
}

/*
 * Take the outcome of `e` from its request, when it has ended; `fd`, the
 * notifier's, tells whether descriptors are short.
 */
static void
take(struct entry *e, int fd)
{
	struct addrinfo *res;
	int rc = gai_error(&e->req->cb);

	if (rc == EAI_INPROGRESS)
		return;
	res = e->req->cb.ar_result;
#ifndef HAVE_GETADDRINFO_A
	if (rc == EAI_SYSTEM)	/* our thread kept it */
		e->sys_errno = e->req->cb.sys_errno;
#endif
	free(e->req);
	e->req = NULL;
	if (rc == 0) {
		rc = target_addrs_from(e->t, res, &e->addrs, &e->n,
		    &e->sys_errno);
		freeaddrinfo(res);
	}
	/* glibc's thread kept the errno of EAI_SYSTEM: unknown here, unless
	   the descriptors have run out. */
	if (rc == EAI_SYSTEM && e->sys_errno == 0)
		e->sys_errno = fd_room(fd, 1) == EMFILE ? EMFILE : 0;
	e->rc = rc;
}

void
resolve_collect(struct resolve *rs)
{
	uint64_t count;
	size_t i;

	while (rs->nf != NULL && read(rs->nf->fd, &count, sizeof(count)) > 0)
		;
	for (i = 0; i < rs->n; i++)
		if (rs->v[i].req != NULL)
			take(&rs->v[i], rs->nf->fd);
}

int
resolve_result(const struct resolve *rs, int id,
    const struct target_addr **addrs, size_t *n, int *sys_errno)
{
	const struct entry *e = &rs->v[id];

	*addrs = e->addrs;
	*n = e->n;
	*sys_errno = e->sys_errno;
	return e->rc;
}

void
resolve_cancel(struct resolve *rs, int id)
{
	struct entry *e = &rs->v[id];

	if (e->req == NULL)
		return;
	/*
	 * A request glibc has not started is taken back; one its thread is
	 * in is left to it (its memory is the price of never waiting).
	 */
	if (gai_cancel(&e->req->cb) == EAI_CANCELED) {
		notifier_put(rs->nf);	/* it will not notify */
		free(e->req);
	} else if (gai_error(&e->req->cb) != EAI_INPROGRESS) {
		if (gai_error(&e->req->cb) == 0)
			freeaddrinfo(e->req->cb.ar_result);
		free(e->req);
	}
	e->req = NULL;
	e->rc = EAI_CANCELED;
}

void
resolve_free(struct resolve *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++) {
		resolve_cancel(rs, (int)i);
		free(rs->v[i].addrs);
	}
	free(rs->v);
	if (rs->nf == NULL) {
		free(rs);
		return;
	}
	pthread_mutex_lock(&rs->nf->lock);
	close(rs->nf->fd);
	rs->nf->fd = -1;
	rs->nf->pending++;	/* held by us until notifier_put below */
	pthread_mutex_unlock(&rs->nf->lock);
	notifier_put(rs->nf);
	free(rs);
}
