/* SPDX-License-Identifier: ISC */
/*
 * target.c: parsing hosts, ports and paths; resolving them to addresses.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "resolve.h"
#include "target.h"
#include "text.h"

int
target_parse_port(const char *text, int type, uint16_t *port, char **cause)
{
	const char *p;
	unsigned long v = 0;
	struct servent *se;
	bool digits = true, name_chars = true;

	if (*text == '\0') {
		*cause = text_printf("empty port: expected a number from 1 "
		    "to 65535 or a service name");
		return -1;
	}
	for (p = text; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			digits = false;
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.' || *p == '+' || *p == '/'))
			name_chars = false;
	}
	if (digits) {
		for (p = text; *p != '\0' && v <= 65535; p++)
			v = v * 10 + (unsigned long)(*p - '0');
		if (v < 1 || v > 65535) {
			*cause = text_quote("port '%s' is out of range: "
			    "expected a number from 1 to 65535", text);
			return -1;
		}
		*port = (uint16_t)v;
		return 0;
	}
	/* Service names start with a letter (RFC 6335 section 5.1). */
	if (!name_chars || !((text[0] >= 'a' && text[0] <= 'z') ||
	    (text[0] >= 'A' && text[0] <= 'Z'))) {
		*cause = text_quote("invalid port '%s': expected a number "
		    "from 1 to 65535 or a service name", text);
		return -1;
	}
	se = getservbyname(text, target_proto_name(AF_INET, type));
	if (se == NULL && type == SOCK_SEQPACKET)
		se = getservbyname(text, "tcp");
	if (se == NULL) {
		*cause = text_quote("unknown service '%s': not a port number "
		    "and not in the services database (/etc/services) for "
		    "this protocol", text);
		return -1;
	}
	*port = ntohs((uint16_t)se->s_port);
	return 0;
}

/* True for the characters of a host name label (and IDN bytes). */
static bool
is_name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c >= 0x80;
}

/*
 * Check that `host` is a name: labels of 1 to 63 name characters separated
 * by dots, an optional final dot, at most 253 characters in all.
 */
static int
check_name(const char *host, char **cause)
{
	const unsigned char *p = (const unsigned char *)host;
	size_t label = 0, total = strlen(host);
	bool all_numeric = true;

	if (total > 254 || (total == 254 && host[253] != '.')) {
		*cause = text_printf("host name of %zu characters is too long: "
		    "at most 253", total);
		return -1;
	}
	for (; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0)
				goto bad;
			label = 0;
			continue;
		}
		if (!is_name_char(*p))
			goto bad;
		if (!(*p >= '0' && *p <= '9'))
			all_numeric = false;
		/* A name beyond ASCII must be UTF-8 (it is IDN-encoded later). */
		if (*p >= 0x80) {
			size_t n = text_utf8_len(p, strlen((const char *)p));

			if (n == 0 || (n == 2 && p[0] == 0xc2 && p[1] < 0xa0))
				goto bad;
			p += n - 1;
		}
		if (++label > 63) {
			*cause = text_quote("host '%s' has a label longer than "
			    "63 characters", host);
			return -1;
		}
	}
	if (all_numeric) {
		*cause = text_quote("invalid IPv4 address '%s': expected four "
		    "decimal numbers from 0 to 255, as in 192.0.2.1", host);
		return -1;
	}
	return 0;
bad:
	*cause = text_quote("invalid host '%s': expected an IPv4 address, an "
	    "IPv6 address or a host name", host);
	return -1;
}

/*
 * Check an IPv6 literal, with an optional %zone (an interface name or
 * number, checked when the address is resolved).
 */
static int
check_ipv6(const char *host, char **cause)
{
	struct in6_addr a;
	char buf[INET6_ADDRSTRLEN + 1];
	const char *pct = strchr(host, '%');
	size_t n = pct != NULL ? (size_t)(pct - host) : strlen(host);
	const char *z;

	if (n < sizeof(buf)) {
		memcpy(buf, host, n);
		buf[n] = '\0';
		if (inet_pton(AF_INET6, buf, &a) == 1) {
			if (pct == NULL)
				return 0;
			/* Linux takes any bytes for an interface name but
			   '/', ':', blanks and controls. */
			for (z = pct + 1; *z != '\0'; z++)
				if (*z == '/' || *z == ':' || *z == '%' ||
				    (unsigned char)*z <= ' ' ||
				    (unsigned char)*z == 0x7f)
					break;
			if (pct[1] != '\0' && *z == '\0' &&
			    strlen(pct + 1) < 16)
				return 0;
			*cause = text_quote("invalid zone in IPv6 address "
			    "'%s': expected an interface name or number "
			    "after %%", host);
			return -1;
		}
	}
	*cause = text_quote("invalid IPv6 address '%s'", host);
	return -1;
}

/* Set `*cause` for a failed allocation; returns TARGET_ERR_NOMEM. */
static int
nomem(char **cause)
{
	*cause = text_printf("out of memory");
	return TARGET_ERR_NOMEM;
}

/* "IPv4", "IPv6" or "a Unix path", for messages. */
static const char *
family_name(int family)
{
	return family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" :
	    "a Unix path";
}

/*
 * The sentence for a target of family `got` where `want` was asked for by
 * the option `opt` (NULL: not named); `what` is the target's text.
 */
static int
family_clash(const char *what, int got, int want, const char *opt,
    char **cause)
{
	char *q = text_excerpt_dup(what), *o = opt != NULL ?
	    text_excerpt_dup(opt) : NULL;

	if (q == NULL || (opt != NULL && o == NULL)) {
		free(q);
		free(o);
		return nomem(cause);
	}
	*cause = text_printf("'%s' is an %s %s, but %s was asked for%s%s%s", q,
	    family_name(got), strchr(what, '/') != NULL ? "target" : "address",
	    family_name(want), o != NULL ? " (" : "", o != NULL ? o : "",
	    o != NULL ? ")" : "");
	free(q);
	free(o);
	return *cause != NULL ? -1 : TARGET_ERR_NOMEM;
}

/*
 * Check HOST (a name, an IPv4 dotted quad, an IPv6 address with or without
 * brackets): the unbracketed host is the `*len` bytes at `host + *off`,
 * and `*lit_family` its family when it is an address, AF_UNSPEC for a
 * name.  An address of a family other than `family` is an error naming
 * `opt`.  So are inet_aton's other forms of IPv4 ("127.1", "0x7f.1",
 * "2130706433"): refused as addresses, and not passed on as names.
 */
static int
check_host(const char *host, int family, const char *opt, size_t *off,
    size_t *len, int *lit_family, char **cause)
{
	struct in_addr a4;
	size_t n = strlen(host);
	char *h;
	int rc = 0;

	*lit_family = AF_UNSPEC;
	if (n == 0) {
		*cause = text_printf("empty host: expected an IPv4 address, an "
		    "IPv6 address or a host name");
		return *cause != NULL ? -1 : TARGET_ERR_NOMEM;
	}
	*off = host[0] == '[' && host[n - 1] == ']' && n > 2 ? 1 : 0;
	*len = n - 2 * *off;
	h = strndup(host + *off, *len);
	if (h == NULL)
		return nomem(cause);
	if (*off == 1 || strchr(h, ':') != NULL) {
		rc = check_ipv6(h, cause);
		*lit_family = AF_INET6;
	} else if (inet_pton(AF_INET, h, &a4) == 1)
		*lit_family = AF_INET;
	else if (inet_aton(h, &a4) == 1) {
		*cause = text_quote("invalid IPv4 address '%s': expected four "
		    "decimal numbers from 0 to 255, as in 192.0.2.1 (short and "
		    "hexadecimal forms are not taken)", h);
		rc = -1;
	} else
		rc = check_name(h, cause);
	free(h);
	if (rc < 0)
		return *cause != NULL ? -1 : TARGET_ERR_NOMEM;
	if (*lit_family != AF_UNSPEC && family != AF_UNSPEC &&
	    *lit_family != family)
		return family_clash(host, *lit_family, family, opt, cause);
	return 0;
}

/* Fill `t` (its host not yet set) for a host checked by check_host. */
static void
fill_ip(struct target *t, int lit_family, int family, int type)
{
	t->literal = lit_family != AF_UNSPEC;
	t->family = t->literal ? lit_family : family;
	t->type = type;
	t->protocol = type == SOCK_SEQPACKET ? IPPROTO_SCTP : 0;
}

int
target_make(struct target *t, const char *host, const char *port,
    int family, int type, char **cause)
{
	size_t off, len;
	uint16_t p;
	int lit, rc;

	memset(t, 0, sizeof(*t));
	if ((rc = check_host(host, family, NULL, &off, &len, &lit, cause)) < 0)
		return rc;
	if (target_parse_port(port, type, &p, cause) < 0)
		return -1;
	t->host = strndup(host + off, len);
	if (t->host == NULL)
		return nomem(cause);
	fill_ip(t, lit, family, type);
	t->port = p;
	return 0;
}

/* Check a Unix socket path: not empty, and it fits in sun_path. */
static int
check_unix(const char *path, char **cause)
{
	struct sockaddr_un sun;
	size_t n = strlen(path);

	if (n == 0)
		*cause = text_printf("empty path: expected the path of a Unix "
		    "socket");
	/* A path needs its NUL inside sun_path; "@name" becomes "\0name". */
	else if (n >= sizeof(sun.sun_path))
		*cause = text_quote("Unix socket path '%s' is too long: "
		    "at most 107 bytes fit in sun_path", path);
	else
		return 0;
	return *cause != NULL ? -1 : TARGET_ERR_NOMEM;
}

int
target_make_unix(struct target *t, const char *path, int type, char **cause)
{
	int rc;

	memset(t, 0, sizeof(*t));
	if ((rc = check_unix(path, cause)) < 0)
		return rc;
	t->host = strdup(path);
	if (t->host == NULL)
		return nomem(cause);
	t->family = AF_UNIX;
	t->type = type;
	return 0;
}

void
target_free(struct target *t)
{
	free(t->host);
	free(t->spec);
	t->host = NULL;
	t->spec = NULL;
}

/* True when `text` is a range of numbers "FIRST-LAST". */
static bool
is_range(const char *text, unsigned long *first, unsigned long *last)
{
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return false;
	*first = strtoul(text, &end, 10);
	if (*end != '-' || end[1] < '0' || end[1] > '9')
		return false;
	*last = strtoul(end + 1, &end, 10);
	return *end == '\0';
}

int
target_parse_ports(const char *text, int type, uint16_t **ports, char **cause)
{
	char *copy, *item, *save = NULL;
	uint16_t *v = NULL, *nv, one;
	unsigned long first, last, p;
	size_t n = 0, cap = 0;
	int rc = -1;

	*ports = NULL;
	if (*text == '\0' || text[strlen(text) - 1] == ',' || text[0] == ',' ||
	    strstr(text, ",,") != NULL) {
		*cause = text_quote("invalid port list '%s': expected ports "
		    "or ranges separated by single commas, as in 80,443,"
		    "8000-8010", text);
		return *cause != NULL ? -1 : TARGET_ERR_NOMEM;
	}
	copy = strdup(text);
	if (copy == NULL)
		return nomem(cause);
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		if (is_range(item, &first, &last)) {
			if (first < 1 || last > 65535 || first > last) {
				*cause = text_quote("invalid port range '%s': "
				    "expected FIRST-LAST with 1 <= FIRST <= "
				    "LAST <= 65535", item);
				goto fail;
			}
		} else {
			if (target_parse_port(item, type, &one, cause) < 0)
				goto fail;
			first = last = one;
		}
		if (n + (last - first + 1) > TARGET_MAX) {
			*cause = text_printf("more than %d ports in one run",
			    TARGET_MAX);
			goto fail;
		}
		if (v == NULL || n + (last - first + 1) > cap) {
			cap = 2 * (n + (last - first + 1)) + 16;
			nv = realloc(v, cap * sizeof(*v));
			if (nv == NULL) {
				rc = nomem(cause);
				goto fail;
			}
			v = nv;
		}
		for (p = first; p <= last; p++)
			v[n++] = (uint16_t)p;
	}
	free(copy);
	*ports = v;
	return (int)n;
fail:
	free(copy);
	free(v);
	return *cause != NULL ? rc : TARGET_ERR_NOMEM;
}

/* Room for `more` targets in `l`. */
static int
list_reserve(struct target_list *l, size_t more, char **cause)
{
	struct target *nv;
	size_t cap;

	if (l->n + more > TARGET_MAX) {
		*cause = text_printf("more than %d targets in one run",
		    TARGET_MAX);
		return *cause != NULL ? -1 : TARGET_ERR_NOMEM;
	}
	if (l->n + more <= l->cap)
		return 0;
	cap = l->cap > 0 ? l->cap * 2 : 16;
	while (cap < l->n + more)
		cap *= 2;
	nv = realloc(l->v, cap * sizeof(*nv));
	if (nv == NULL)
		return nomem(cause);
	l->v = nv;
	l->cap = cap;
	return 0;
}

/*
 * Keep SPEC and the `len` bytes of HOST in one string owned by `l`; the
 * copy of HOST is put in `*host`.  Returns the copy of SPEC, or NULL.
 */
static char *
list_keep(struct target_list *l, const char *spec, const char *host,
    size_t len, char **copy)
{
	size_t n = strlen(spec) + 1, cap;
	char **nv, *s;

	if (l->nstrings == l->capstrings) {
		cap = l->capstrings > 0 ? l->capstrings * 2 : 16;
		nv = realloc(l->strings, cap * sizeof(*nv));
		if (nv == NULL)
			return NULL;
		l->strings = nv;
		l->capstrings = cap;
	}
	s = malloc(n + len + 1);
	if (s == NULL)
		return NULL;
	memcpy(s, spec, n);
	memcpy(s + n, host, len);
	s[n + len] = '\0';
	*copy = s + n;
	l->strings[l->nstrings++] = s;
	return s;
}

/*
 * Add HOST with every port of the list PORTS, of `family` (asked for by
 * `opt`) and `type`; `spec` names them.
 */
static int
add_host_ports(struct target_list *l, const char *host, const char *ports,
    const char *spec, int family, const char *opt, int type, char **cause)
{
	struct target t;
	uint16_t *pv;
	size_t off, len;
	char *s, *h;
	int np, i, lit, rc;

	if ((rc = check_host(host, family, opt, &off, &len, &lit, cause)) < 0)
		return rc;
	np = target_parse_ports(ports, type, &pv, cause);
	if (np < 0)
		return np;
	if ((rc = list_reserve(l, (size_t)np, cause)) < 0) {
		free(pv);
		return rc;
	}
	if ((s = list_keep(l, spec, host + off, len, &h)) == NULL) {
		free(pv);
		return nomem(cause);
	}
	memset(&t, 0, sizeof(t));
	fill_ip(&t, lit, family, type);
	t.spec = s;
	t.host = h;
	for (i = 0; i < np; i++) {
		t.port = pv[i];
		l->v[l->n++] = t;
	}
	free(pv);
	return 0;
}

/* Add the Unix socket PATH; `spec` names it. */
static int
add_unix(struct target_list *l, const char *path, const char *spec, int type,
    char **cause)
{
	struct target *t;
	int rc;

	if ((rc = check_unix(path, cause)) < 0 ||
	    (rc = list_reserve(l, 1, cause)) < 0)
		return rc;
	t = &l->v[l->n];
	memset(t, 0, sizeof(*t));
	if ((t->spec = list_keep(l, spec, path, strlen(path), &t->host)) ==
	    NULL)
		return nomem(cause);
	t->family = AF_UNIX;
	t->type = type;
	l->n++;
	return 0;
}

/* The URL schemes of IP targets, and the type and family each fixes. */
static const struct scheme {
	const char *name;
	int type;
	int family;
} schemes[] = {
	{ "tcp", SOCK_STREAM, AF_UNSPEC },
	{ "tcp4", SOCK_STREAM, AF_INET },
	{ "tcp6", SOCK_STREAM, AF_INET6 },
	{ "udp", SOCK_DGRAM, AF_UNSPEC },
	{ "udp4", SOCK_DGRAM, AF_INET },
	{ "udp6", SOCK_DGRAM, AF_INET6 },
	{ NULL, 0, 0 }
};

/*
 * The length of the scheme of a URL at `w` ("tcp" of "tcp://..."): a letter
 * then letters, digits, '+', '-' or '.' before "://"; 0 when `w` has none.
 */
static size_t
url_scheme_len(const char *w)
{
	size_t i;

	if (!((w[0] >= 'a' && w[0] <= 'z') || (w[0] >= 'A' && w[0] <= 'Z')))
		return 0;
	for (i = 1; (w[i] >= 'a' && w[i] <= 'z') || (w[i] >= 'A' &&
	    w[i] <= 'Z') || (w[i] >= '0' && w[i] <= '9') || w[i] == '+' ||
	    w[i] == '-' || w[i] == '.'; i++)
		;
	return strncmp(w + i, "://", 3) == 0 ? i : 0;
}

/*
 * Split HOST:PORTS or [IPV6]:PORTS: the host is the first `*hostlen`
 * bytes, `*ports` the rest.  False when `w` is not of these forms.
 */
static bool
split_host_port(const char *w, size_t *hostlen, const char **ports)
{
	const char *colon = strchr(w, ':'), *close;

	if (w[0] == '[' && (close = strstr(w, "]:")) != NULL) {
		*hostlen = (size_t)(close - w) + 1;
		*ports = close + 2;
		return true;
	}
	if (colon == NULL || strchr(colon + 1, ':') != NULL)
		return false;
	*hostlen = (size_t)(colon - w);
	*ports = colon + 1;
	return true;
}

/* True when the word `w` is a whole target, not the HOST of HOST PORTS. */
static bool
is_whole(const char *w)
{
	size_t hl;
	const char *p;

	return text_ascii_ncasecmp(w, "unix:", 5) == 0 ||
	    url_scheme_len(w) > 0 || split_host_port(w, &hl, &p);
}

/*
 * Add HOST:PORTS, [IPV6]:PORTS or :PORTS (localhost), the word `spec` or
 * part of it.
 */
static int
add_split(struct target_list *l, const char *hp, const char *spec,
    int family, const char *opt, int type, char **cause)
{
	const char *ports;
	size_t hl;
	char *host;
	int rc;

	if (!split_host_port(hp, &hl, &ports)) {
		*cause = text_quote("missing port in '%s': expected HOST:PORT, "
		    "[IPV6]:PORT or :PORT", spec);
		return *cause != NULL ? -1 : TARGET_ERR_NOMEM;
	}
	if ((host = hl > 0 ? strndup(hp, hl) : strdup("localhost")) == NULL)
		return nomem(cause);
	rc = add_host_ports(l, host, ports, spec, family, opt, type, cause);
	free(host);
	return rc;
}

/*
 * Add "http://HOST[:PORTS][/PATH]" or, with `tls`, "https://...": TCP to
 * port 80 (443) unless PORTS are given, then an HTTP request for PATH
 * ("/" when none is given; a query is part of it).
 */
static int
add_http(struct target_list *l, const char *w, bool tls,
    const struct target_want *want, char **cause)
{
	const char *rest = w + (tls ? 8 : 7), *slash, *close, *c;
	size_t hlen, first = l->n, i;
	char *hp, *path;
	int rc;

	if (want->type_opt != NULL && want->type != SOCK_STREAM) {
		char *q = text_excerpt_dup(w), *o = text_excerpt_dup(
		    want->type_opt);

		*cause = q == NULL || o == NULL ? NULL : text_printf("'%s' is "
		    "a tcp target, but %s asks for another socket type", q, o);
		free(q);
		free(o);
		return *cause != NULL ? -1 : TARGET_ERR_NOMEM;
	}
	hlen = strcspn(rest, "/?#");
	slash = rest + hlen;
	/* No request line carries these, and libcurl refuses the URL: said
	   here, before a connect, and not as the service's answer. */
	for (c = slash; *c != '\0'; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f) {
			*cause = text_quote("'%s': its path holds a space or a "
			    "control byte, which an HTTP request cannot carry: "
			    "write it percent-encoded (%%20 for a space)", w);
			return *cause != NULL ? -1 : TARGET_ERR_NOMEM;
		}
	if (hlen == 0 || memchr(rest, '@', hlen) != NULL ||
	    strchr(rest, '#') != NULL) {
		*cause = text_quote(hlen == 0 ? "'%s' has no host: expected "
		    "http://HOST[:PORT][/PATH]" : "'%s': user names and "
		    "fragments are not taken: expected http://HOST[:PORT]"
		    "[/PATH]", w);
		return *cause != NULL ? -1 : TARGET_ERR_NOMEM;
	}
	/* HOST, [IPV6] or either with ":PORTS"; the default port else. */
	close = rest[0] == '[' ? memchr(rest, ']', hlen) : NULL;
	if ((rest[0] == '[' && close != NULL && close + 1 == slash) ||
	    (rest[0] != '[' && memchr(rest, ':', hlen) == NULL))
		hp = text_printf("%.*s:%s", (int)hlen, rest, tls ? "443" :
		    "80");
	else
		hp = strndup(rest, hlen);
	if (hp == NULL)
		return nomem(cause);
	rc = add_split(l, hp, w, want->family, want->family_opt, SOCK_STREAM,
	    cause);
	free(hp);
	if (rc < 0)
		return rc;
	if (list_keep(l, "", *slash == '\0' ? "/" : slash,
	    *slash == '\0' ? 1 : strlen(slash), &path) == NULL)
		return nomem(cause);
	for (i = first; i < l->n; i++) {
		l->v[i].ready = TARGET_HTTP | (tls ? TARGET_TLS : 0);
		l->v[i].path = path;
	}
	return 0;
}

/* Add a URL target (the word has a scheme). */
static int
add_url(struct target_list *l, const char *w, size_t slen,
    const struct target_want *want, char **cause)
{
	const struct scheme *sc;
	const char *rest = w + slen + 3, *opt = want->family_opt;
	char *hp;
	size_t n;
	int family = want->family, rc;

	/* Schemes are case-insensitive (RFC 3986 section 3.1). */
	if (slen == 4 && text_ascii_ncasecmp(w, "unix", 4) == 0)
		return add_unix(l, rest, w, want->type, cause);
	if ((slen == 4 && strncasecmp(w, "http", 4) == 0) ||
	    (slen == 5 && strncasecmp(w, "https", 5) == 0))
		return add_http(l, w, slen == 5, want, cause);
	for (sc = schemes; sc->name != NULL; sc++)
		if (strlen(sc->name) == slen &&
		    text_ascii_ncasecmp(w, sc->name, slen) == 0)
			break;
	if (sc->name == NULL) {
		*cause = text_quote("unsupported URL scheme in '%s': expected "
		    "tcp://, tcp4://, tcp6://, udp://, udp4://, udp6://, "
		    "http://, https:// or unix:// (HOST:PORT without a scheme "
		    "is TCP)", w);
		return *cause != NULL ? -1 : TARGET_ERR_NOMEM;
	}
	if (want->type_opt != NULL && want->type != sc->type) {
		char *q = text_excerpt_dup(w), *o = text_excerpt_dup(
		    want->type_opt);

		*cause = q == NULL || o == NULL ? NULL : text_printf("'%s' is "
		    "a %s target, but %s asks for another socket type", q,
		    target_proto_name(AF_INET, sc->type), o);
		free(q);
		free(o);
		return *cause != NULL ? -1 : TARGET_ERR_NOMEM;
	}
	if (sc->family != AF_UNSPEC) {
		if (family != AF_UNSPEC && family != sc->family)
			return family_clash(w, sc->family, family, opt, cause);
		family = sc->family;
		opt = w;
	}
	/* SCHEME://HOST:PORTS, with an optional final slash. */
	n = strlen(rest);
	if (n > 0 && rest[n - 1] == '/')
		n--;
	if (memchr(rest, '/', n) != NULL) {
		*cause = text_quote("'%s' has a path: expected SCHEME://HOST:"
		    "PORT", w);
		return *cause != NULL ? -1 : TARGET_ERR_NOMEM;
	}
	if ((hp = strndup(rest, n)) == NULL)
		return nomem(cause);
	rc = add_split(l, hp, w, family, opt, sc->type, cause);
	free(hp);
	return rc;
}

/* True when `w` is decimal digits only, as a port is. */
static bool
all_digits(const char *w)
{
	if (*w == '\0')
		return false;
	for (; *w != '\0'; w++)
		if (*w < '0' || *w > '9')
			return false;
	return true;
}

/*
 * The usage error of the word `w`, left without a PORT after it: with the
 * way out when it looks like a habit of another tool.  `prev_host` and
 * `prev_ports` are the HOST PORTS pair just before it, or NULL: a port
 * after them ("db 5432 6379") belongs in their word.
 */
static char *
missing_port(const char *w, const char *prev_host, const char *prev_ports)
{
	struct in6_addr a6;
	const char *colon = strrchr(w, ':');
	char *q = text_excerpt_dup(w), *h = NULL, *p = NULL, *r = NULL;
	bool v6 = false;

	if (colon != NULL && colon != w && all_digits(colon + 1) &&
	    (h = strndup(w, (size_t)(colon - w))) != NULL) {
		v6 = inet_pton(AF_INET6, h, &a6) == 1;
		free(h);
		h = NULL;
	}
	if (prev_host != NULL) {
		h = text_excerpt_dup(prev_host);
		p = text_excerpt_dup(prev_ports);
	}
	if (q == NULL || (prev_host != NULL && (h == NULL || p == NULL)))
		r = NULL;
	else if (all_digits(w) && prev_host != NULL)
		r = text_printf("missing PORT after the host '%s': several "
		    "ports of one host are one word, as in '%s:%s,%s'", q, h,
		    p, q);
	else if (all_digits(w))
		r = text_printf("missing PORT after the host '%s': for port "
		    "%s of this host, write ':%s' (or localhost %s)", q, q, q,
		    q);
	else if (v6)
		r = text_printf("missing PORT after the host '%s': an IPv6 "
		    "address and its port are written with brackets, as in "
		    "'[%.*s]:%s'", q, (int)(colon - w), w, colon + 1);
	else
		r = text_printf("missing PORT after the host '%s'", q);
	free(q);
	free(h);
	free(p);
	return r;
}

int
target_list_parse(struct target_list *l, char **words, size_t n,
    const struct target_want *want, char **cause)
{
	const char *prev_host = NULL, *prev_ports = NULL;
	bool pair;
	const char *w;
	char *spec;
	size_t i, slen;
	int rc;

	for (i = 0; i < n; i++) {
		w = words[i];
		if (want->family == AF_UNIX)
			rc = add_unix(l, w, w, want->type, cause);
		else if ((slen = url_scheme_len(w)) > 0)
			rc = add_url(l, w, slen, want, cause);
		else if (text_ascii_ncasecmp(w, "unix:", 5) == 0)
			rc = add_unix(l, w + 5, w, want->type, cause);
		else if (is_whole(w))
			rc = add_split(l, w, w, want->family, want->family_opt,
			    want->type, cause);
		else if (i + 1 >= n) {
			/* HOST PORTS, in two words */
			*cause = missing_port(w, prev_host, prev_ports);
			rc = *cause != NULL ? -1 : TARGET_ERR_NOMEM;
		} else if ((spec = text_printf("%s %s", w, words[i + 1])) ==
		    NULL)
			rc = nomem(cause);
		else {
			rc = add_host_ports(l, w, words[i + 1], spec,
			    want->family, want->family_opt, want->type, cause);
			free(spec);
			i++;
		}
		if (rc < 0)
			return rc;
		/* After HOST PORTS (two words), a lone port is theirs. */
		pair = w != words[i];
		prev_host = pair ? w : NULL;
		prev_ports = pair ? words[i] : NULL;
	}
	return 0;
}

/*
 * End `line` where its comment starts: at a '#', but for one inside a Unix
 * path (a word that starts with unix:, or any word when `paths`), which is
 * the path's own.
 */
static void
comment_cut(char *line, bool paths)
{
	char *p, *w;

	for (p = line; (p = strchr(p, '#')) != NULL; p++) {
		for (w = p; w > line && w[-1] != ' ' && w[-1] != '\t'; w--)
			;
		if (w == p || !(paths || text_ascii_ncasecmp(w, "unix:", 5) ==
		    0)) {
			*p = '\0';
			return;
		}
	}
}

/* Parse one line of a targets file (NUL-terminated, without newline). */
static int
read_line(struct target_list *l, char *line, const struct target_want *want,
    char **cause)
{
	char *p, *words[3], *save = NULL;
	size_t n = 0;

	comment_cut(line, want->family == AF_UNIX);
	for (p = strtok_r(line, " \t\r\n", &save); p != NULL && n < 3;
	    p = strtok_r(NULL, " \t\r\n", &save))
		words[n++] = p;
	if (n == 3)
		*cause = text_printf("too many words: expected HOST PORT, "
		    "HOST:PORT, a URL or unix:PATH");
	else if (n == 2 && (want->family == AF_UNIX || is_whole(words[0])))
		*cause = text_printf("one target a line: expected HOST PORT, "
		    "HOST:PORT, a URL or unix:PATH");
	else
		return target_list_parse(l, words, n, want, cause);
	return *cause != NULL ? -1 : TARGET_ERR_NOMEM;
}

/*
 * Read from `f` into `buf` after its `len` bytes, up to `size`.  Returns
 * the bytes read, 0 at the end, -1 on a read error (errno set), or
 * TARGET_ERR_SIGNAL.
 */
static ssize_t
read_more(FILE *f, char *buf, size_t len, size_t size,
    const volatile sig_atomic_t *stop)
{
	size_t got;

	for (;;) {
		if (stop != NULL && *stop != 0)
			return TARGET_ERR_SIGNAL;
		errno = 0;
		got = fread(buf + len, 1, size - len, f);
		if (got > 0)
			return (ssize_t)got;
		if (!ferror(f))
			return 0;
		if (errno != EINTR)
			return -1;
		clearerr(f);
	}
}

int
target_list_read(struct target_list *l, FILE *f, const char *name,
    const struct target_want *want, const volatile sig_atomic_t *stop,
    char **cause)
{
	/* A line, its newline, and a byte to see that it is too long. */
	char buf[TARGET_LINE_MAX + 2], *nl, *why = NULL, *q;
	size_t start = 0, len = 0, lineno = 0, used;
	ssize_t got = 1;
	int rc = 0;

	while (rc == 0) {
		nl = memchr(buf + start, '\n', len - start);
		if (nl == NULL && got > 0 && len - start <= TARGET_LINE_MAX) {
			/* Move the partial line to the front; read more. */
			memmove(buf, buf + start, len - start);
			len -= start;
			start = 0;
			got = read_more(f, buf, len, sizeof(buf) - 1, stop);
			if (got == TARGET_ERR_SIGNAL)
				return TARGET_ERR_SIGNAL;
			if (got < 0) {
				q = text_excerpt_dup(name);
				*cause = q == NULL ? NULL : text_printf(
				    "cannot read '%s': %s", q, strerror(errno));
				free(q);
				return *cause != NULL ? -1 : TARGET_ERR_NOMEM;
			}
			len += (size_t)got;
			continue;
		}
		if (nl == NULL && len == start)
			break;	/* the end of the file */
		lineno++;
		used = nl != NULL ? (size_t)(nl - (buf + start)) : len - start;
		/* A UTF-8 byte order mark opens the file; it is no name. */
		if (lineno == 1 && used >= 3 &&
		    memcmp(buf + start, "\xef\xbb\xbf", 3) == 0) {
			start += 3;
			used -= 3;
		}
		if (memchr(buf + start, '\0', used) != NULL) {
			why = text_printf("a NUL byte in the line: a targets "
			    "file is text");
			rc = why != NULL ? -1 : TARGET_ERR_NOMEM;
		} else if (used > TARGET_LINE_MAX) {
			why = text_printf("the line is longer than %d bytes",
			    TARGET_LINE_MAX);
			rc = why != NULL ? -1 : TARGET_ERR_NOMEM;
		} else {
			buf[start + used] = '\0';
			rc = read_line(l, buf + start, want, &why);
		}
		start += used + (nl != NULL ? 1 : 0);
	}
	if (rc == TARGET_ERR_NOMEM) {
		free(why);
		return nomem(cause);
	}
	if (rc < 0) {
		q = text_excerpt_dup(name);
		*cause = q == NULL ? NULL : text_printf("%s line %zu: %s", q,
		    lineno, why);
		free(q);
		free(why);
		if (*cause == NULL)
			return TARGET_ERR_NOMEM;
	}
	return rc;
}

void
target_list_free(struct target_list *l)
{
	size_t i;

	for (i = 0; i < l->nstrings; i++)
		free(l->strings[i]);
	free(l->strings);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The one candidate of a Unix path. */
static int
resolve_unix(const struct target *t, struct target_addr *a)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&a->ss;
	size_t n = strlen(t->host);

	memset(a, 0, sizeof(*a));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, t->host, n);
	if (t->host[0] == '@')
		sun->sun_path[0] = '\0';
	/* The path and its NUL; an abstract name without one. */
	a->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
	    (t->host[0] == '@' ? 0 : 1));
	return 0;
}

unsigned
target_zone_index(const char *zone)
{
	char name[IF_NAMESIZE];
	unsigned long n;
	char *end;

	if (zone[0] >= '0' && zone[0] <= '9') {
		errno = 0;
		n = strtoul(zone, &end, 10);
		return *end == '\0' && errno == 0 && n > 0 && n <= UINT_MAX &&
		    if_indextoname((unsigned)n, name) != NULL ? (unsigned)n : 0;
	}
	return if_nametoindex(zone);
}

/*
 * The one candidate of an IP literal, an IPv6 link-local one with its
 * zone's interface: no look-up at all (the C library's takes no zone of
 * another address, ::1%lo).  -1: not an address, or a zone that names no
 * interface.
 */
static int
resolve_literal(const struct target *t, struct target_addr *a)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->ss;
	const char *pct = strchr(t->host, '%');
	char buf[INET6_ADDRSTRLEN];
	size_t n = pct != NULL ? (size_t)(pct - t->host) : strlen(t->host);

	memset(a, 0, sizeof(*a));
	if (t->family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(t->port);
		a->len = sizeof(*sin);
		return inet_pton(AF_INET, t->host, &sin->sin_addr) == 1 ? 0 : -1;
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(t->port);
	a->len = sizeof(*sin6);
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, t->host, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, &sin6->sin6_addr) != 1)
		return -1;
	if (pct != NULL && target_zone_index(pct + 1) == 0)
		return -1;
	/* The kernel reads the zone of a link-local address only. */
	if (pct != NULL && (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr) ||
	    IN6_IS_ADDR_MC_LINKLOCAL(&sin6->sin6_addr)))
		sin6->sin6_scope_id = target_zone_index(pct + 1);
	return 0;
}

/* The index of the next entry at or after `i` whose family is (not) `f`. */
static size_t
next_of(const struct target_addr *v, size_t n, size_t i, int f, bool same)
{
	while (i < n && (v[i].ss.ss_family == f) != same)
		i++;
	return i;
}

/*
 * Interleave the families of `v` (RFC 8305 section 4): the first address's
 * family at even places, the other family at odd ones, each in its own
 * order, the rest of one family at the end when the other runs out.
 */
static void
interleave(struct target_addr *v, size_t n)
{
	struct target_addr *tmp;
	size_t ia, ib, out;
	int first;

	if (n < 3 || (tmp = malloc(n * sizeof(*tmp))) == NULL)
		return;
	memcpy(tmp, v, n * sizeof(*tmp));
	first = tmp[0].ss.ss_family;
	ia = next_of(tmp, n, 0, first, true);
	ib = next_of(tmp, n, 0, first, false);
	for (out = 0; out < n; out++) {
		if ((out % 2 == 0 && ia < n) || ib >= n) {
			v[out] = tmp[ia];
			ia = next_of(tmp, n, ia + 1, first, true);
		} else {
			v[out] = tmp[ib];
			ib = next_of(tmp, n, ib + 1, first, false);
		}
	}
	free(tmp);
}

void
target_addr_set_port(struct target_addr *a, uint16_t port)
{
	if (a->ss.ss_family == AF_INET)
		((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
	else if (a->ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
}

int
target_addrs_from(const struct target *t, const struct addrinfo *res,
    struct target_addr **addrs, size_t *n, int *sys_errno)
{
	const struct addrinfo *ai;
	struct target_addr *v;
	size_t count = 0, i;

	*addrs = NULL;
	*n = 0;
	for (ai = res; ai != NULL; ai = ai->ai_next)
		count++;
	v = calloc(count > 0 ? count : 1, sizeof(*v));
	if (v == NULL) {
		*sys_errno = ENOMEM;
		return EAI_SYSTEM;
	}
	count = 0;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof(v[0].ss))
			continue;
		memcpy(&v[count].ss, ai->ai_addr, ai->ai_addrlen);
		v[count].len = ai->ai_addrlen;
		target_addr_set_port(&v[count], t->port);
		/* Drop an address the list already has. */
		for (i = 0; i < count; i++)
			if (v[i].len == v[count].len &&
			    memcmp(&v[i].ss, &v[count].ss, v[i].len) == 0)
				break;
		if (i == count)
			count++;
	}
	if (count == 0) {
		free(v);
		return EAI_NONAME;
	}
	interleave(v, count);
	*addrs = v;
	*n = count;
	return 0;
}

bool
target_needs_lookup(const struct target *t)
{
	return t->family != AF_UNIX && !t->literal;
}

void
target_hints(const struct target *t, struct addrinfo *hints)
{
	memset(hints, 0, sizeof(*hints));
	hints->ai_family = t->family;
	/* Ask for one socket type so each address comes once. */
	hints->ai_socktype = t->type == SOCK_DGRAM ? SOCK_DGRAM : SOCK_STREAM;
	hints->ai_flags = t->literal ? AI_NUMERICHOST : 0;
#ifdef AI_IDN
	if (!t->literal)
		hints->ai_flags |= AI_IDN;
#endif
}

int
target_resolve(const struct target *t, struct target_addr **addrs, size_t *n,
    int *sys_errno)
{
	struct addrinfo hints, *res = NULL;
	struct target_addr *v;
	int rc;

	*addrs = NULL;
	*n = 0;
	*sys_errno = 0;
	if (t->family == AF_UNIX || t->literal) {
		v = malloc(sizeof(*v));
		if (v == NULL) {
			*sys_errno = ENOMEM;
			return EAI_SYSTEM;
		}
		if ((t->family == AF_UNIX ? resolve_unix(t, v) :
		    resolve_literal(t, v)) < 0) {
			free(v);
			return EAI_NONAME;
		}
		*addrs = v;
		*n = 1;
		return 0;
	}
	target_hints(t, &hints);
	rc = getaddrinfo(t->host, NULL, &hints, &res);
	if (rc != 0) {
		if (rc == EAI_SYSTEM)
			*sys_errno = errno;
		return rc;
	}
	rc = target_addrs_from(t, res, addrs, n, sys_errno);
	freeaddrinfo(res);
	return rc;
}

const char *
target_proto_name(int family, int type)
{
	if (family == AF_UNIX)
		switch (type) {
		case SOCK_DGRAM:
			return "unix dgram";
		case SOCK_SEQPACKET:
			return "unix seqpacket";
		default:
			return "unix stream";
		}
	switch (type) {
	case SOCK_DGRAM:
		return "udp";
	case SOCK_SEQPACKET:
		return "sctp";
	default:
		return "tcp";
	}
}

const char *
target_addr_text(const struct sockaddr *sa, socklen_t len, char *buf,
    size_t size, unsigned *port)
{
	const struct sockaddr_un *sun;
	size_t n;

	*port = 0;
	if (size == 0)
		return buf;
	buf[0] = '\0';
	switch (sa->sa_family) {
	case AF_INET:
	case AF_INET6:
		if (getnameinfo(sa, len, buf, (socklen_t)size, NULL, 0,
		    NI_NUMERICHOST) != 0)
			buf[0] = '\0';
		*port = ntohs(sa->sa_family == AF_INET ?
		    ((const struct sockaddr_in *)(const void *)sa)->sin_port :
		    ((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
		break;
	case AF_UNIX:
		sun = (const struct sockaddr_un *)(const void *)sa;
		n = len > offsetof(struct sockaddr_un, sun_path) ?
		    len - offsetof(struct sockaddr_un, sun_path) : 0;
		if (n > sizeof(sun->sun_path))
			n = sizeof(sun->sun_path);
		if (n > 0 && sun->sun_path[0] == '\0') {
			buf[0] = '@';
			n = n - 1 < size - 2 ? n - 1 : size - 2;
			memcpy(buf + 1, sun->sun_path + 1, n);
			buf[n + 1] = '\0';
		} else {
			n = strnlen(sun->sun_path, n);
			n = n < size - 1 ? n : size - 1;
			memcpy(buf, sun->sun_path, n);
			buf[n] = '\0';
		}
		break;
	}
	return buf;
}
