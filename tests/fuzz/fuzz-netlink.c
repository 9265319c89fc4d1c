/* SPDX-License-Identifier: ISC */
/*
 * fuzz-netlink.c: libFuzzer harness of the netlink parsers of the
 * diagnosis (src/route.c, src/sockdiag.c): any bytes go in as a reply
 * buffer, read by mnl_cb_run with every message parser and the rule walk.
 * Nothing may read outside the buffer or an attribute's payload (ASan and
 * UBSan watch), and a malformed message must fail its reply, not crash.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "route.h"
#include "sockdiag.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *buf;

	/* A datagram from the kernel is aligned: so is this copy, exactly
	   as long as the input, so ASan sees any read past it. */
	buf = malloc(size > 0 ? size : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	route_fuzz(buf, size);
	sockdiag_fuzz(buf, size);
	free(buf);
	return 0;
}
