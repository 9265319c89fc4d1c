/* SPDX-License-Identifier: ISC */
/*
 * nearby.h: listeners on ports near the one refused (issue 20): a
 * service on 5433 when 5432 was asked is one read away, and says more than
 * "start the service".
 */
#ifndef ISOCK_NEARBY_H
#define ISOCK_NEARBY_H

#include "facts.h"
#include "nl.h"
#include "sockdiag.h"

/* How many nearby listeners are kept. */
#define NEARBY_MAX 3

/* DIAG_NEARBY: listening ports near the one asked. */
struct nearby_fact {
	unsigned n;
	unsigned port[NEARBY_MAX];
	struct diag_ip addr[NEARBY_MAX];	/* the first listener's address */
};

/*
 * Look for listeners of `type` on the ports near `port` (three on either
 * side, and the usual alternates: 80 and 8080, 443 and 8443) whose address
 * covers `dst`, in one filtered dump; returns DIAG_NEARBY with `nf` filled
 * when one listens, 0 otherwise.
 */
unsigned nearby_listeners(struct nl_ctx *nl, int type, unsigned port,
    const struct diag_ip *dst, struct nearby_fact *nf);

/*
 * The index in `lf` of the listener whose address takes `dst` (that
 * address, a wildcard of its family, or [::], which may take IPv4 too),
 * or -1.
 */
int nearby_cover(const struct listen_fact *lf, const struct diag_ip *dst);

#endif /* ISOCK_NEARBY_H */
