/* SPDX-License-Identifier: ISC */
/*
 * facts_text.h: the facts of a diagnosis as sentences (report side).
 */
#ifndef ISOCK_FACTS_TEXT_H
#define ISOCK_FACTS_TEXT_H

#include <stddef.h>

#include "diagnose.h"

/* The longest path shown, escaped; a longer one is cut and ends in this. */
#define FACTS_TEXT_PATH_MAX 160
#define FACTS_TEXT_CUT "[...]"

/*
 * The facts as short English sentences, one whole claim with its evidence
 * each (no trailing period), into lines[0..max-1].  Every text from the
 * system (interface names, paths, user and group names) is escaped
 * (text_escape); a path longer than FACTS_TEXT_PATH_MAX escaped is cut and
 * ends in FACTS_TEXT_CUT.  Returns the number of lines written.
 */
size_t facts_text_lines(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t max);

/*
 * Set `buf` (`size` bytes) to what printf makes of `fmt`, cut to fit;
 * returns what vsnprintf(3) returns.  The sentences of facts_text.c and
 * ready_text.c are made with it.
 */
int facts_set(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Append one formatted line to lines[*n] while there is room. */
void facts_line(char lines[][DIAG_LINE_MAX], size_t *n, size_t max,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * The ports that the sentences of facts_text_lines() that hold for each
 * port of a group alike ("nothing on this host listens on TCP ports
 * 1000-1009") name instead of the facts' own: `count` ports, `ranges` as
 * summary.c folds them ("1000-1002,1004"), kept by reference until the
 * next call; NULL or a count below 2: the facts' own port.
 */
void facts_text_ports(const char *ranges, size_t count);

/*
 * The meaning and the Check that the facts decide, replacing the errno's
 * general text (explain.h) where they say more: into `meaning` (`msize`
 * bytes) and `check` (`csize`), each "" where the facts decide nothing, so
 * the caller keeps the errno's.  A Check never repeats a Found line and
 * never contradicts one; it is at most about 40 words.
 */
void facts_text_advice(const struct diag_facts *f, char *meaning,
    size_t msize, char *check, size_t csize);

/*
 * The meaning and Check of a --probe datagram to `port` that got neither a
 * reply nor an ICMP error: the protocol request that was really sent
 * (payload_for_port) is named, and the Check does not ask to send it
 * again; with the facts `f` (or NULL) of a local destination that nothing
 * here drops and a socket is bound to, that server ignored it.
 */
void facts_text_silent_probe(const struct diag_facts *f, unsigned port,
    char *meaning, size_t msize, char *check, size_t csize);

/* The name of the state letter of /proc/PID/stat ("stopped"). */
const char *facts_proc_state(char state);

#endif /* ISOCK_FACTS_TEXT_H */
