/* SPDX-License-Identifier: ISC */
/*
 * nearby.c: listeners on the ports near the one refused (see nearby.h),
 * through sockdiag_listeners_of, all the ports in one dump.
 */
#include "config.h"

#include <string.h>

#include "nearby.h"
#include "sockdiag.h"

/* The usual other port of a service on `port`, or 0. */
static unsigned
nearby_alternate(unsigned port)
{
	static const unsigned pairs[][2] = {
		{ 80, 8080 }, { 8080, 80 }, { 443, 8443 }, { 8443, 443 },
		{ 80, 8000 }, { 8000, 80 }
	};
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (pairs[i][0] == port)
			return pairs[i][1];
	return 0;
}

int
nearby_cover(const struct listen_fact *lf, const struct diag_ip *dst)
{
	size_t i, kept = lf->count < DIAG_LISTEN_MAX ? lf->count :
	    DIAG_LISTEN_MAX;

	for (i = 0; i < kept; i++)
		if (diag_ip_eq(&lf->addr[i], dst) || (diag_ip_any(&lf->addr[i]) &&
		    (lf->addr[i].family == dst->family ||
		    lf->addr[i].family == AF_INET6)))
			return (int)i;
	return -1;
}

unsigned
nearby_listeners(struct nl_ctx *nl, int type, unsigned port,
    const struct diag_ip *dst, struct nearby_fact *nf)
{
	static const int steps[] = { 1, -1, 2, -2, 3, -3, 0 };
	enum { NSTEPS = sizeof(steps) / sizeof(steps[0]) };
	struct listen_fact lf[NSTEPS];
	unsigned ports[NSTEPS];
	size_t i, n = 0;
	long p;
	int k;

	memset(nf, 0, sizeof(*nf));
	for (i = 0; i < NSTEPS; i++) {
		p = steps[i] != 0 ? (long)port + steps[i] :
		    (long)nearby_alternate(port);
		if (p > 0 && p <= 65535)
			ports[n++] = (unsigned)p;
	}
	if ((sockdiag_listeners_of(nl, type, ports, n, lf) &
	    DIAG_LISTENERS) == 0)
		return 0;
	for (i = 0; i < n && nf->n < NEARBY_MAX; i++) {
		if ((k = nearby_cover(&lf[i], dst)) < 0)
			continue;
		nf->port[nf->n] = ports[i];
		nf->addr[nf->n] = lf[i].addr[k];
		nf->n++;
	}
	return nf->n > 0 ? DIAG_NEARBY : 0;
}
