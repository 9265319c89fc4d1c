/* SPDX-License-Identifier: ISC */
/*
 * hostsfile.c: the line of /etc/hosts that gave a name its address (see
 * hostsfile.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include "hostsfile.h"

/* The part of the hosts file read. */
#define HOSTSFILE_MAX 65536

/* True when `word` (`len` bytes) names `name`, a final dot aside. */
static bool
hostsfile_same(const char *word, size_t len, const char *name)
{
	size_t nlen = strlen(name);

	if (nlen > 0 && name[nlen - 1] == '.')
		nlen--;
	if (len > 0 && word[len - 1] == '.')
		len--;
	return len == nlen && strncasecmp(word, name, len) == 0;
}

/*
 * Whether the hosts line `line` (NUL-ended, no newline) gives `name` the
 * address `ip`; the name as spelt into `h`.
 */
static bool
hostsfile_line(char *line, const char *name, const struct diag_ip *ip,
    struct hosts_fact *h)
{
	unsigned char raw[16];
	struct diag_ip a;
	char *p, *end, *hash;
	size_t len;

	if ((hash = strchr(line, '#')) != NULL)
		*hash = '\0';
	p = line + strspn(line, " \t");
	len = strcspn(p, " \t");
	if (len == 0)
		return false;
	end = p + len;
	if (*end != '\0')
		*end++ = '\0';
	else
		end = p + len;
	if (inet_pton(ip->family, p, raw) != 1 ||
	    !diag_ip_set(&a, ip->family, raw, diag_ip_len(ip->family)) ||
	    !diag_ip_eq(&a, ip))
		return false;
	for (p = end; *(p += strspn(p, " \t")) != '\0'; p += len) {
		len = strcspn(p, " \t");
		if (hostsfile_same(p, len, name)) {
			if (len >= sizeof(h->name))
				len = sizeof(h->name) - 1;
			memcpy(h->name, p, len);
			h->name[len] = '\0';
			return true;
		}
	}
	return false;
}

bool
hostsfile_find(const char *file, const char *name, const struct diag_ip *ip,
    struct hosts_fact *h)
{
	char *buf, *line, *next;
	unsigned n = 0;
	bool found = false;

	if (name == NULL || name[0] == '\0' || ip->family == 0)
		return false;
	buf = malloc(HOSTSFILE_MAX);
	if (buf == NULL)
		return false;
	if (facts_read_file(file != NULL ? file : "/etc/hosts", buf,
	    HOSTSFILE_MAX) < 0) {
		free(buf);
		return false;
	}
	for (line = buf; line != NULL && !found; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		n++;
		if (hostsfile_line(line, name, ip, h)) {
			h->line = n;
			found = true;
		}
	}
	free(buf);
	return found;
}
