#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/t-unit-tests.sh: stands in for the Check unit suites when configure
# left them out, so that make check says they were skipped, and why.
# (UNIT_TESTS_WHY comes from configure, through AM_TESTS_ENVIRONMENT.)

echo "1..0 # SKIP the Check unit suites are disabled:" \
    "${UNIT_TESTS_WHY:-configure left them out}"
