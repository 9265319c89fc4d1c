/* SPDX-License-Identifier: ISC */
/*
 * facts.c: the address type of the facts and non-blocking reads of /proc
 * and /sys (see facts.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "facts.h"

/* Copy `src` into `dst` of `size` bytes, always NUL-terminated. */
void
facts_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size == 0)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* True when `err` is one of the `n` errnos in `set`. */
bool
facts_err_in(int err, const int *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (set[i] == err)
			return true;
	return false;
}

/* Bytes an address of `family` takes: 4, 16, or 0 for another family. */
size_t
diag_ip_len(int family)
{
	if (family == AF_INET)
		return 4;
	if (family == AF_INET6)
		return 16;
	return 0;
}

/* Set `ip` from `len` raw bytes of `family`; false when they do not fit. */
bool
diag_ip_set(struct diag_ip *ip, int family, const void *raw, size_t len)
{
	size_t n = diag_ip_len(family);

	memset(ip, 0, sizeof(*ip));
	if (n == 0 || len < n)
		return false;
	ip->family = family;
	memcpy(&ip->u, raw, n);
	return true;
}

/* Set `ip` from an IPv4 or IPv6 socket address; false for another. */
bool
diag_ip_from_sa(struct diag_ip *ip, const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return diag_ip_set(ip, AF_INET, &((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr, 4);
	if (sa->sa_family == AF_INET6)
		return diag_ip_set(ip, AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, 16);
	memset(ip, 0, sizeof(*ip));
	return false;
}

/* True when `a` and `b` are the same address. */
bool
diag_ip_eq(const struct diag_ip *a, const struct diag_ip *b)
{
	return a->family == b->family && a->family != 0 &&
	    memcmp(&a->u, &b->u, diag_ip_len(a->family)) == 0;
}

/* True when `ip` is the unspecified address (0.0.0.0 or ::). */
bool
diag_ip_any(const struct diag_ip *ip)
{
	static const unsigned char zero[16];

	return memcmp(&ip->u, zero, diag_ip_len(ip->family)) == 0;
}

/* True when the first `plen` bits of `a` and `prefix` agree. */
bool
diag_ip_in_prefix(const struct diag_ip *a, const struct diag_ip *prefix,
    unsigned plen)
{
	const unsigned char *x = (const unsigned char *)&a->u;
	const unsigned char *y = (const unsigned char *)&prefix->u;
	unsigned full = plen / 8, rest = plen % 8;

	if (a->family != prefix->family || plen > 8 * diag_ip_len(a->family))
		return false;
	if (memcmp(x, y, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((x[full] ^ y[full]) & (0xffu << (8 - rest)) & 0xffu) == 0;
}

/* The numeric text of `ip` into `buf` ("?" when it has no family). */
const char *
diag_ip_str(const struct diag_ip *ip, char *buf, size_t size)
{
	if (ip->family == 0 || inet_ntop(ip->family, &ip->u, buf,
	    (socklen_t)size) == NULL)
		facts_strlcpy(buf, "?", size);
	return buf;
}

/*
 * Read at most size - 1 bytes of `file` into `buf`, never blocking: opened
 * O_NONBLOCK, read only when fstat says it is a regular file.  Returns the
 * bytes read or -1.
 */
long
facts_read_file(const char *file, char *buf, size_t size)
{
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd;

	if (size == 0)
		return -1;
	fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	while (got < size - 1) {
		n = read(fd, buf + got, size - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	return (long)got;
}

/* The first line of `file` as facts_read_file reads it; false: none. */
bool
facts_read_line(const char *file, char *buf, size_t size)
{
	char *nl;

	if (facts_read_file(file, buf, size) <= 0)
		return false;
	nl = strchr(buf, '\n');
	if (nl != NULL)
		nl[1] = '\0';
	return true;
}
