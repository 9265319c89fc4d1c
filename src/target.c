/*
 * target.c: parsing hosts, ports and paths; resolving them to addresses.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
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
			for (z = pct + 1; *z != '\0'; z++)
				if (!is_name_char((unsigned char)*z) &&
				    *z != '.')
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

/* Fill `t` for HOST and a port number (see target_make). */
static int
make_host(struct target *t, const char *host, uint16_t port, int family,
    int type, char **cause)
{
	struct in_addr a4;
	size_t n = strlen(host);
	int lit_family = AF_UNSPEC;
	char *h;

	memset(t, 0, sizeof(*t));
	if (n == 0) {
		*cause = text_printf("empty host: expected an IPv4 address, an "
		    "IPv6 address or a host name");
		return -1;
	}
	if (host[0] == '[' && host[n - 1] == ']' && n > 2) {
		h = strndup(host + 1, n - 2);
		if (h == NULL)
			goto nomem;
		if (check_ipv6(h, cause) < 0) {
			free(h);
			return -1;
		}
		lit_family = AF_INET6;
	} else {
		h = strdup(host);
		if (h == NULL)
			goto nomem;
		if (strchr(h, ':') != NULL) {
			if (check_ipv6(h, cause) < 0) {
				free(h);
				return -1;
			}
			lit_family = AF_INET6;
		} else if (inet_pton(AF_INET, h, &a4) == 1)
			lit_family = AF_INET;
		else if (check_name(h, cause) < 0) {
			free(h);
			return -1;
		}
	}
	if (lit_family != AF_UNSPEC && family != AF_UNSPEC &&
	    lit_family != family) {
		*cause = text_quote(lit_family == AF_INET6 ?
		    "'%s' is an IPv6 address, but IPv4 was asked for (-4)" :
		    "'%s' is an IPv4 address, but IPv6 was asked for (-6)", h);
		free(h);
		return -1;
	}
	t->host = h;
	t->port = port;
	t->literal = lit_family != AF_UNSPEC;
	t->family = t->literal ? lit_family : family;
	t->type = type;
	t->protocol = type == SOCK_SEQPACKET ? IPPROTO_SCTP : 0;
	return 0;
nomem:
	*cause = text_printf("out of memory");
	return -1;
}

int
target_make(struct target *t, const char *host, const char *port,
    int family, int type, char **cause)
{
	uint16_t p;

	memset(t, 0, sizeof(*t));
	if (make_host(t, host, 0, family, type, cause) < 0)
		return -1;
	if (target_parse_port(port, type, &p, cause) < 0) {
		target_free(t);
		return -1;
	}
	t->port = p;
	return 0;
}

int
target_make_unix(struct target *t, const char *path, int type, char **cause)
{
	struct sockaddr_un sun;
	size_t n = strlen(path);

	memset(t, 0, sizeof(*t));
	if (n == 0) {
		*cause = text_printf("empty path: expected the path of a Unix "
		    "socket");
		return -1;
	}
	/* A path needs its NUL inside sun_path; "@name" becomes "\0name". */
	if (n >= sizeof(sun.sun_path)) {
		*cause = text_quote("Unix socket path '%s' is too long: "
		    "at most 107 bytes fit in sun_path", path);
		return -1;
	}
	t->host = strdup(path);
	if (t->host == NULL) {
		*cause = text_printf("out of memory");
		return -1;
	}
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

	*ports = NULL;
	if (*text == '\0' || text[strlen(text) - 1] == ',' || text[0] == ',' ||
	    strstr(text, ",,") != NULL) {
		*cause = text_quote("invalid port list '%s': expected ports "
		    "or ranges separated by single commas, as in 80,443,"
		    "8000-8010", text);
		return -1;
	}
	copy = strdup(text);
	if (copy == NULL) {
		*cause = text_printf("out of memory");
		return -1;
	}
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
			cap = n + (last - first + 1) + 16;
			nv = realloc(v, cap * sizeof(*v));
			if (nv == NULL) {
				*cause = text_printf("out of memory");
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
	return -1;
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
		return -1;
	}
	if (l->n + more <= l->cap)
		return 0;
	cap = l->cap > 0 ? l->cap * 2 : 16;
	while (cap < l->n + more)
		cap *= 2;
	nv = realloc(l->v, cap * sizeof(*nv));
	if (nv == NULL) {
		*cause = text_printf("out of memory");
		return -1;
	}
	l->v = nv;
	l->cap = cap;
	return 0;
}

/* Add HOST with every port of the list PORTS; `spec` names them. */
static int
add_host_ports(struct target_list *l, const char *host, const char *ports,
    const char *spec, int family, int type, char **cause)
{
	struct target t;
	uint16_t *pv;
	int np, i;

	if (make_host(&t, host, 0, family, type, cause) < 0)
		return -1;
	np = target_parse_ports(ports, type, &pv, cause);
	if (np < 0 || list_reserve(l, (size_t)np, cause) < 0) {
		if (np >= 0)
			free(pv);
		target_free(&t);
		return -1;
	}
	for (i = 0; i < np; i++) {
		struct target *d = &l->v[l->n];

		*d = t;
		d->port = pv[i];
		d->host = strdup(t.host);
		d->spec = strdup(spec);
		if (d->host == NULL || d->spec == NULL) {
			target_free(d);
			free(pv);
			target_free(&t);
			*cause = text_printf("out of memory");
			return -1;
		}
		l->n++;
	}
	free(pv);
	target_free(&t);
	return 0;
}

static int
add_unix(struct target_list *l, const char *path, const char *spec, int type,
    char **cause)
{
	if (list_reserve(l, 1, cause) < 0 ||
	    target_make_unix(&l->v[l->n], path, type, cause) < 0)
		return -1;
	l->v[l->n].spec = strdup(spec);
	if (l->v[l->n].spec == NULL) {
		target_free(&l->v[l->n]);
		*cause = text_printf("out of memory");
		return -1;
	}
	l->n++;
	return 0;
}

int
target_list_parse(struct target_list *l, char **words, size_t n, int family,
    int type, char **cause)
{
	const char *w, *colon, *close;
	char *host, *spec;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		w = words[i];
		if (family == AF_UNIX || strncmp(w, "unix:", 5) == 0) {
			if (add_unix(l, family == AF_UNIX ? w : w + 5, w, type,
			    cause) < 0)
				return -1;
			continue;
		}
		colon = strchr(w, ':');
		close = w[0] == '[' ? strstr(w, "]:") : NULL;
		if (close != NULL || (colon != NULL &&
		    strchr(colon + 1, ':') == NULL)) {
			/* HOST:PORTS or [IPV6]:PORTS */
			if (close != NULL) {
				host = strndup(w, (size_t)(close - w) + 1);
				colon = close + 1;
			} else
				host = strndup(w, (size_t)(colon - w));
			if (host == NULL) {
				*cause = text_printf("out of memory");
				return -1;
			}
			rc = add_host_ports(l, host, colon + 1, w, family, type,
			    cause);
			free(host);
			if (rc < 0)
				return -1;
			continue;
		}
		/* HOST PORTS, in two words */
		if (i + 1 >= n) {
			*cause = text_quote("missing PORT after the host '%s'",
			    w);
			return -1;
		}
		spec = text_printf("%s %s", w, words[i + 1]);
		if (spec == NULL) {
			*cause = text_printf("out of memory");
			return -1;
		}
		rc = add_host_ports(l, w, words[i + 1], spec, family, type,
		    cause);
		free(spec);
		if (rc < 0)
			return -1;
		i++;
	}
	return 0;
}

int
target_list_read(struct target_list *l, FILE *f, const char *name,
    int family, int type, char **cause)
{
	char *line = NULL, *p, *words[3], *why, *save = NULL;
	size_t cap = 0, n, lineno = 0;
	ssize_t len;
	int rc = 0;

	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		n = 0;
		for (p = strtok_r(line, " \t\r\n", &save); p != NULL && n < 3;
		    p = strtok_r(NULL, " \t\r\n", &save))
			words[n++] = p;
		if (n == 0)
			continue;
		why = NULL;
		if (n == 3)
			why = text_printf("too many words: expected HOST PORT, "
			    "HOST:PORT or unix:PATH");
		else if (n == 2 && (family == AF_UNIX ||
		    strncmp(words[0], "unix:", 5) == 0 ||
		    (strchr(words[0], ':') != NULL && words[0][0] != '[' &&
		    strchr(strchr(words[0], ':') + 1, ':') == NULL)))
			why = text_printf("one target a line: expected HOST "
			    "PORT, HOST:PORT or unix:PATH");
		else if (target_list_parse(l, words, n, family, type, &why) == 0)
			continue;
		*cause = text_quote("%s", name);
		p = *cause;
		*cause = text_printf("%s line %zu: %s", p != NULL ? p : "?",
		    lineno, why != NULL ? why : "out of memory");
		free(p);
		free(why);
		rc = -1;
		break;
	}
	if (rc == 0 && ferror(f)) {
		*cause = text_quote("cannot read '%s'", name);
		rc = -1;
	}
	free(line);
	return rc;
}

void
target_list_free(struct target_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		target_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
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

/* The one candidate of an IP literal without a zone: no look-up at all. */
static int
resolve_literal(const struct target *t, struct target_addr *a)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->ss;

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
	return inet_pton(AF_INET6, t->host, &sin6->sin6_addr) == 1 ? 0 : -1;
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
	if (t->family == AF_UNIX || (t->literal && strchr(t->host, '%') == NULL)) {
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
