/* SPDX-License-Identifier: ISC */
/*
 * exitcode.c: names of the exit classes of the contract.
 */
#include "config.h"

#include "exitcode.h"

const char *
exitcode_name(enum isock_exit code)
{
	switch (code) {
	case ISOCK_EXIT_CONNECTED:	return "connected";
	case ISOCK_EXIT_REFUSED:	return "refused";
	case ISOCK_EXIT_USAGE:		return "usage";
	case ISOCK_EXIT_TIMEDOUT:	return "timed out";
	case ISOCK_EXIT_UNREACHABLE:	return "unreachable";
	case ISOCK_EXIT_DENIED:		return "denied";
	case ISOCK_EXIT_NOTFOUND:	return "not found";
	case ISOCK_EXIT_RESOURCES:	return "local resources";
	case ISOCK_EXIT_UNSUPPORTED:	return "unsupported";
	case ISOCK_EXIT_STATE:		return "socket state";
	case ISOCK_EXIT_OTHER:		return "other";
	case ISOCK_EXIT_ACCEPTING:	return "accepting";
	case ISOCK_EXIT_TLS:		return "TLS failed";
	case ISOCK_EXIT_HTTP:		return "unexpected answer";
	case ISOCK_EXIT_CANNOT_RUN:	return "command not runnable";
	case ISOCK_EXIT_NO_COMMAND:	return "command not found";
	case ISOCK_EXIT_SIGNAL:		return "signal";
	}
	return "other";
}
