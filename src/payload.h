/* SPDX-License-Identifier: ISC */
/*
 * payload.h: what --probe sends to a well-known datagram port, and how it
 * recognises the answer.
 *
 * An empty datagram is ignored by most servers (a DNS server drops it), so
 * for the ports of protocols that answer without credentials the probe
 * speaks the protocol: a DNS query on 53, an NTP client request on 123.
 * Every request carries a random identifier that a reply must echo.
 */
#ifndef ISOCK_PAYLOAD_H
#define ISOCK_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room enough for any request built here. */
#define PAYLOAD_MAX 64

/* Room enough for any text payload_reply() writes. */
#define PAYLOAD_TEXT_MAX 96

struct payload {
	uint16_t port;		/* the well-known port */
	const char *name;	/* the protocol: "DNS", "NTP" */
	/* Write a fresh request into `buf` (PAYLOAD_MAX bytes); its length. */
	size_t (*build)(unsigned char *buf);
	/*
	 * True when `rep` (`replen` bytes) answers the request `req`; then
	 * `text` (`size` bytes) says what answered.
	 */
	bool (*reply)(const unsigned char *req, size_t reqlen,
	    const unsigned char *rep, size_t replen, char *text, size_t size);
};

/* The protocol --probe speaks to datagram port `port`, or NULL: none. */
const struct payload *payload_for_port(uint16_t port);

/*
 * Build a request of `p` into `buf` (PAYLOAD_MAX bytes, or more) and
 * return its length (never 0).
 */
size_t payload_build(const struct payload *p, unsigned char *buf);

/*
 * Whether `rep` answers the request `req` that payload_build() made: for
 * DNS the same ID with the QR bit set and the question echoed, for NTP a
 * server-mode packet whose origin timestamp is the request's transmit
 * timestamp.  On true `text` holds, e.g., "a DNS server answered (NOERROR)";
 * on false, "a reply that is not a DNS answer to the query sent".
 */
bool payload_reply(const struct payload *p, const unsigned char *req,
    size_t reqlen, const unsigned char *rep, size_t replen, char *text,
    size_t size);

/*
 * Write into `buf` (`size` bytes) a DNS query of type `qtype` (1 A, 28
 * AAAA, 2 NS) for `name` (dots between labels, an optional final dot; "."
 * is the root), class IN, with a random ID and RD set when `recursion`.
 * Returns its length, or 0 when `name` is no DNS name (an empty or
 * 64-byte label, more than 253 bytes) or does not fit.  The resolver's
 * diagnosis sends these too.
 */
size_t payload_dns_query(unsigned char *buf, size_t size, const char *name,
    uint16_t qtype, bool recursion);

/*
 * The RCODE of `rep` when it answers the query `req` (the same ID, QR set,
 * the question echoed), with its answer count in `*ancount` (may be NULL);
 * -1 when it is not an answer to it.
 */
int payload_dns_rcode(const unsigned char *req, size_t reqlen,
    const unsigned char *rep, size_t replen, unsigned *ancount);

/* "NOERROR", "NXDOMAIN", ... for RCODEs 0 to 5, else NULL. */
const char *payload_dns_rcode_name(int rcode);

#endif /* ISOCK_PAYLOAD_H */
