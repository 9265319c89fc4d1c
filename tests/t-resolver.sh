#!/bin/sh
# SPDX-License-Identifier: ISC
# t-resolver.sh: a name server that never answers is a time-out (exit 3),
# never "not found" (6), however long -w allows: glibc gives up with
# EAI_AGAIN before the deadline.  In a network namespace of its own
# (tests/ns.sh) whose only name server, 127.0.0.1, never answers.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
tap_setup

. "${SRCDIR:-.}/tests/ns.sh"

ns_setup rs || skip_all "$ns_why"
# One try of one second: glibc's EAI_AGAIN comes long before -w 30.
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' \
	>"/etc/netns/$ns/resolv.conf"
plan 1

run ip netns exec "$ns" "$ISOCK" -w 30 silent.example.test 80
want_rc 3
want_err "EAI_AGAIN"
verdict "no answer from the name server, within -w: exit 3 (EAI_AGAIN)"
