/* SPDX-License-Identifier: ISC */
/*
 * procfacts.c: the facts read from /proc alone (see procfacts.h).  Every
 * read goes through facts_read_file, so none blocks.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfacts.h"

/* The largest /proc/modules read whole. */
#define PROCFACTS_MODULES_MAX 262144

/* Whether IPv6 is there as /proc says; the netlink parts unknown. */
unsigned
procfacts_ipv6(struct ipv6_fact *v6)
{
	char line[32];

	memset(v6, 0, sizeof(*v6));
	v6->present = access("/proc/sys/net/ipv6", F_OK) == 0;
	v6->disable_all = -1;
	v6->global_addrs = -1;
	v6->has_default = -1;
	if (v6->present && facts_read_line(
	    "/proc/sys/net/ipv6/conf/all/disable_ipv6", line, sizeof(line)) &&
	    (line[0] == '0' || line[0] == '1'))
		v6->disable_all = line[0] - '0';
	return DIAG_IPV6;
}

/* The local port range; how much of it is in use is unknown here. */
unsigned
procfacts_ports(struct ports_fact *pf)
{
	char line[64];
	unsigned low, high;

	if (!facts_read_line("/proc/sys/net/ipv4/ip_local_port_range", line,
	    sizeof(line)) || sscanf(line, "%u %u", &low, &high) != 2 ||
	    low > high || high > 65535)
		return 0;
	memset(pf, 0, sizeof(*pf));
	pf->low = low;
	pf->high = high;
	return DIAG_PORTRANGE;
}

/* Whether SCTP is there: /proc/net/sctp, and sctp in /proc/modules. */
unsigned
procfacts_sctp(struct sctp_fact *sf)
{
	char *buf;
	long n;

	sf->proc_net_sctp = access("/proc/net/sctp", F_OK) == 0;
	sf->module = -1;
	buf = malloc(PROCFACTS_MODULES_MAX);
	if (buf == NULL)
		return DIAG_SCTP;
	n = facts_read_file("/proc/modules", buf, PROCFACTS_MODULES_MAX);
	if (n >= 0 && n < PROCFACTS_MODULES_MAX - 1)
		sf->module = strncmp(buf, "sctp ", 5) == 0 ||
		    strstr(buf, "\nsctp ") != NULL;
	free(buf);
	return DIAG_SCTP;
}
