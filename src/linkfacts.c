/* SPDX-License-Identifier: ISC */
/*
 * linkfacts.c: the route's device up and with carrier, or not (see
 * linkfacts.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "linkfacts.h"

/* The first line of `base`/`dev`/`file` as a number in `base_n`; -1: none. */
static long
linkfacts_num(const char *sysfs, const char *dev, const char *file, int base)
{
	char path[256], line[64], *end;
	long v;

	snprintf(path, sizeof(path), "%s/%s/%s", sysfs, dev, file);
	if (!facts_read_line(path, line, sizeof(line)))
		return -1;
	v = strtol(line, &end, base);
	return end == line ? -1 : v;
}

bool
linkfacts_read(const char *sysfs, const char *dev, int ifindex,
    struct link_fact *lf)
{
	long flags, carrier;

	memset(lf, 0, sizeof(*lf));
	if (sysfs == NULL)
		sysfs = "/sys/class/net";
	if (dev[0] == '\0' || strchr(dev, '/') != NULL || dev[0] == '.' ||
	    ifindex <= 0 ||
	    linkfacts_num(sysfs, dev, "ifindex", 10) != ifindex)
		return false;
	flags = linkfacts_num(sysfs, dev, "flags", 16);
	if (flags < 0)
		return false;
	facts_strlcpy(lf->dev, dev, sizeof(lf->dev));
	lf->up = (flags & IFF_UP) != 0;
	/* carrier cannot be read while the device is down. */
	carrier = lf->up ? linkfacts_num(sysfs, dev, "carrier", 10) : 0;
	if (carrier < 0)
		return false;
	lf->lower_up = carrier == 1;
	return true;
}
