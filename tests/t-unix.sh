#!/bin/sh
# SPDX-License-Identifier: ISC
# t-unix.sh: isock-connect -U against Unix sockets in a temporary directory
# (and one abstract name): live, missing, stale, wrong type, permissions.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
tap_setup
plan 16

# unix_listener NAME ARGS...: starts a Unix listener or fails case NAME.
unix_listener() {
	ul_name=$1
	shift
	if start_listener ul_ready -t 120 "$@" && [ "$ul_ready" = ready ]; then
		return 0
	fi
	fail "$ul_name" "${listener_err:-the listener said '$ul_ready'}"
	return 1
}

if unix_listener "live Unix stream socket" -U "$tmp/live.sock"; then
	run "$ISOCK" -U "$tmp/live.sock"
	want_rc 0
	want_out "^isock-connect: connected to $tmp/live\.sock \(unix stream\)"
	want_no_err
	verdict "live Unix stream socket"
fi

run "$ISOCK" -U "$tmp/missing.sock"
want_rc 6
want_err ENOENT
want_err "$tmp/missing\.sock"
want_no_out
verdict "missing path: ENOENT"

run "$ISOCK" -q -U "$tmp/missing.sock"
want_rc 6
want_no_out
want_no_err
verdict "missing path with -q: exit 6 quietly"

: >"$tmp/file"
run "$ISOCK" -U "$tmp/file/sock"
want_rc 6
want_err ENOTDIR
want_err "$tmp/file/sock"
verdict "a path through a regular file: ENOTDIR"

run "$ISOCK" -U "$tmp/file"
want_rc 1
want_err ECONNREFUSED
want_err "$tmp/file"
verdict "a regular file as the path: ECONNREFUSED"

# A stale socket file: its server exited and left it behind (-H).
run timeout 10 "$LISTEN" -U "$tmp/stale.sock" -H -n 0
if [ "$rc" = 0 ] && [ -S "$tmp/stale.sock" ]; then
	run "$ISOCK" -U "$tmp/stale.sock"
	want_rc 1
	want_err ECONNREFUSED
	want_err stale
	want_err "$tmp/stale\.sock"
	want_no_out
	verdict "stale socket file: ECONNREFUSED"
else
	fail "stale socket file: ECONNREFUSED" "the listener left no socket" \
		"exit status $rc" "stderr: $err"
fi

if unix_listener "seqpacket socket with -T seqpacket" -T seqpacket \
	-U "$tmp/seq.sock"; then
	run "$ISOCK" -T seqpacket -U "$tmp/seq.sock"
	want_rc 0
	want_out "$tmp/seq\.sock \(unix seqpacket\)"
	verdict "seqpacket socket with -T seqpacket"
	run "$ISOCK" -U "$tmp/seq.sock"
	want_rc 8
	want_err EPROTOTYPE
	want_no_out
	verdict "seqpacket socket with a stream socket: EPROTOTYPE"
else
	fail "seqpacket socket with a stream socket: EPROTOTYPE" \
		"no listener"
fi

if unix_listener "Unix datagram association with -u" -u \
	-U "$tmp/dgram.sock"; then
	run "$ISOCK" -u -U "$tmp/dgram.sock"
	want_rc 0
	want_out "$tmp/dgram\.sock \(unix dgram\)"
	want_no_err
	verdict "Unix datagram association with -u"
	run "$ISOCK" -U "$tmp/dgram.sock"
	want_rc 8
	want_err EPROTOTYPE
	verdict "datagram socket with a stream socket: EPROTOTYPE"
else
	fail "datagram socket with a stream socket: EPROTOTYPE" "no listener"
fi

# Permissions, as an unprivileged user: a directory of mode 700 (no search
# permission) and a socket file of mode 000 (no write permission), each
# beside a control that the same user can reach.
as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
why=
if [ "$(id -u)" != 0 ]; then
	why="needs root to switch to an unprivileged user"
elif ! command -v setpriv >/dev/null 2>&1; then
	why="setpriv is not installed"
else
	chmod 755 "$tmp"
	run $as_nobody "$ISOCK" --version
	[ "$rc" = 0 ] ||
		why="user 65534 cannot run $ISOCK (exit $rc)"
fi
if [ -n "$why" ]; then
	skip "socket in a mode-700 directory: EACCES" "$why"
	skip "socket in a searchable directory (control)" "$why"
	skip "socket file of mode 000: EACCES" "$why"
else
	mkdir -m 700 "$tmp/private"
	if unix_listener "socket in a mode-700 directory: EACCES" \
		-U "$tmp/private/s.sock" -m 777; then
		run $as_nobody "$ISOCK" -U "$tmp/private/s.sock"
		want_rc 5
		want_err EACCES
		want_err "$tmp/private/s\.sock"
		want_no_out
		verdict "socket in a mode-700 directory: EACCES"
	fi
	if unix_listener "socket in a searchable directory (control)" \
		-U "$tmp/open.sock" -m 777; then
		run $as_nobody "$ISOCK" -U "$tmp/open.sock"
		want_rc 0
		verdict "socket in a searchable directory (control)"
	fi
	if unix_listener "socket file of mode 000: EACCES" \
		-U "$tmp/closed.sock" -m 0; then
		run $as_nobody "$ISOCK" -U "$tmp/closed.sock"
		want_rc 5
		want_err EACCES
		verdict "socket file of mode 000: EACCES"
	fi
fi

# A control character in the path is escaped wherever it is shown.
ctl_path=$tmp/$(printf 'c\033[1m').sock
if unix_listener "path with a control character" -U "$ctl_path"; then
	run "$ISOCK" -U "$ctl_path"
	want_rc 0
	want_no_ctrl
	printf '%s\n' "$out" | grep -Fq 'c\x1b[1m.sock' ||
		tap_note "stdout does not show the path escaped"
	verdict "path with a control character"
fi

# The abstract namespace: "@name", no file at all.
if unix_listener "abstract name" -U "@isock-test-$$"; then
	run "$ISOCK" -U "@isock-test-$$"
	want_rc 0
	want_out "@isock-test-$$ \(unix stream\)"
	verdict "abstract name"
fi
run "$ISOCK" -U "@isock-test-none-$$"
want_rc 1
want_err ECONNREFUSED
want_err "@isock-test-none-$$"
verdict "abstract name nobody listens on: ECONNREFUSED"

exit 0
