/* SPDX-License-Identifier: ISC */
/*
 * fake_result.h: fabricated attempts for the result and report suites.
 */
#ifndef ISOCK_FAKE_RESULT_H
#define ISOCK_FAKE_RESULT_H

#include "result.h"

/*
 * Fill `a` as an attempt on 127.0.0.1 (AF_INET) or ::1 (AF_INET6) port 80
 * that ended with `error` after `ms`.
 */
void fake_attempt(struct result_attempt *a, int family, int error,
    double ms);

#endif /* ISOCK_FAKE_RESULT_H */
