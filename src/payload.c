/* SPDX-License-Identifier: ISC */
/*
 * payload.c: requests of well-known datagram protocols for --probe, and the
 * recognition of their replies (RFC 1035 for DNS, RFC 5905 for NTP).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>

#include "payload.h"

/* Fill `buf` with `len` random bytes, from the clock if getrandom fails. */
static void
payload_random(unsigned char *buf, size_t len)
{
	struct timespec ts;
	unsigned long x;
	size_t i;

	if (getrandom(buf, len, GRND_NONBLOCK) == (ssize_t)len)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	x = (unsigned long)ts.tv_nsec ^ ((unsigned long)ts.tv_sec << 20);
	for (i = 0; i < len; i++) {
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		buf[i] = (unsigned char)(x >> 56);
	}
}

/* DNS (RFC 1035 4.1): a 12-byte header, then the question. */
#define DNS_HEADER 12
#define DNS_QTYPE_NS 2

size_t
payload_dns_query(unsigned char *buf, size_t size, const char *name,
    uint16_t qtype, bool recursion)
{
	size_t at = DNS_HEADER, len;
	const char *dot;

	if (size < DNS_HEADER + 1 + 4)
		return 0;
	memset(buf, 0, DNS_HEADER);
	payload_random(buf, 2);			/* ID */
	buf[2] = recursion ? 0x01 : 0x00;	/* QR 0, QUERY, RD */
	buf[5] = 1;				/* QDCOUNT 1 */
	/* The labels, each with its length, up to the root's empty one. */
	while (*name != '\0') {
		dot = strchr(name, '.');
		len = dot != NULL ? (size_t)(dot - name) : strlen(name);
		if (len == 0 && (dot == NULL || dot[1] != '\0' ||
		    at != DNS_HEADER))
			return 0;	/* an empty label inside the name */
		if (len == 0)
			break;		/* the root, "." */
		if (len > 63 || at + 1 + len + 1 + 4 > size ||
		    at + 1 + len - DNS_HEADER > 254)
			return 0;
		buf[at++] = (unsigned char)len;
		memcpy(buf + at, name, len);
		at += len;
		name += len;
		if (*name == '.')
			name++;
	}
	buf[at++] = 0;
	buf[at++] = (unsigned char)(qtype >> 8);
	buf[at++] = (unsigned char)qtype;
	buf[at++] = 0;
	buf[at++] = 1;				/* QCLASS IN */
	return at;
}

int
payload_dns_rcode(const unsigned char *req, size_t reqlen,
    const unsigned char *rep, size_t replen, unsigned *ancount)
{
	/*
	 * The same ID, QR set, opcode QUERY; the question is echoed when
	 * QDCOUNT says it is there (a FORMERR may leave it out).
	 */
	if (reqlen < DNS_HEADER || replen < DNS_HEADER ||
	    rep[0] != req[0] || rep[1] != req[1] || (rep[2] & 0x80) == 0 ||
	    (rep[2] & 0x78) != 0 ||
	    (rep[5] != 0 && (replen < reqlen ||
	    memcmp(rep + DNS_HEADER, req + DNS_HEADER,
	    reqlen - DNS_HEADER) != 0)))
		return -1;
	if (ancount != NULL)
		*ancount = (unsigned)rep[6] << 8 | rep[7];
	return rep[3] & 0x0f;
}

const char *
payload_dns_rcode_name(int rcode)
{
	static const char *const rcodes[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED",
	};

	if (rcode < 0 || (size_t)rcode >= sizeof(rcodes) / sizeof(rcodes[0]))
		return NULL;
	return rcodes[rcode];
}

/* --probe on 53: the name servers of the root, without recursion. */
static size_t
dns_build(unsigned char *buf)
{
	return payload_dns_query(buf, PAYLOAD_MAX, ".", DNS_QTYPE_NS, false);
}

static bool
dns_reply(const unsigned char *req, size_t reqlen, const unsigned char *rep,
    size_t replen, char *text, size_t size)
{
	int rcode = payload_dns_rcode(req, reqlen, rep, replen, NULL);
	const char *name = payload_dns_rcode_name(rcode);

	if (rcode < 0) {
		snprintf(text, size, "a reply that is not a DNS answer to the "
		    "query sent");
		return false;
	}
	if (name != NULL)
		snprintf(text, size, "a DNS server answered (%s)", name);
	else
		snprintf(text, size, "a DNS server answered (RCODE %d)", rcode);
	return true;
}

/* NTP: 48 bytes; version 4, mode 3 (client); a random transmit timestamp. */
#define NTP_LEN 48
#define NTP_ORIGIN 24
#define NTP_TRANSMIT 40

static size_t
ntp_build(unsigned char *buf)
{
	memset(buf, 0, NTP_LEN);
	buf[0] = (4 << 3) | 3;		/* LI 0, VN 4, mode 3 */
	/* RFC 5905 lets a client send any transmit timestamp: a nonce. */
	payload_random(buf + NTP_TRANSMIT, 8);
	return NTP_LEN;
}

/* `c` when it is printable ASCII, else '?'. */
static char
printable(unsigned char c)
{
	return c >= 0x20 && c < 0x7f ? (char)c : '?';
}

static bool
ntp_reply(const unsigned char *req, size_t reqlen, const unsigned char *rep,
    size_t replen, char *text, size_t size)
{
	if (reqlen < NTP_LEN || replen < NTP_LEN || (rep[0] & 0x07) != 4 ||
	    memcmp(rep + NTP_ORIGIN, req + NTP_TRANSMIT, 8) != 0) {
		snprintf(text, size, "a reply that is not an NTP answer to the "
		    "request sent");
		return false;
	}
	if (rep[1] == 0)	/* a kiss-o'-death: the code is ASCII */
		snprintf(text, size, "an NTP server answered (kiss code "
		    "%c%c%c%c)", printable(rep[12]), printable(rep[13]),
		    printable(rep[14]), printable(rep[15]));
	else
		snprintf(text, size, "an NTP server answered (stratum %u)",
		    rep[1]);
	return true;
}

static const struct payload payloads[] = {
	{ 53, "DNS", dns_build, dns_reply },
	{ 123, "NTP", ntp_build, ntp_reply },
};

const struct payload *
payload_for_port(uint16_t port)
{
	size_t i;

	for (i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++)
		if (payloads[i].port == port)
			return &payloads[i];
	return NULL;
}

size_t
payload_build(const struct payload *p, unsigned char *buf)
{
	return p->build(buf);
}

bool
payload_reply(const struct payload *p, const unsigned char *req,
    size_t reqlen, const unsigned char *rep, size_t replen, char *text,
    size_t size)
{
	return p->reply(req, reqlen, rep, replen, text, size);
}
