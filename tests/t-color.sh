#!/bin/sh
# SPDX-License-Identifier: ISC
# t-color.sh: the outcome words in colour on a terminal (issue 16):
# --color=auto|always|never, NO_COLOR respected by auto, nothing coloured
# on a pipe, never in JSON.  A terminal is a pty made by script(1)
# (util-linux); its cases skip without it.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
tap_setup
plan 8

start_listener closed -B -t 60 || { echo "Bail out! $listener_err"; exit 99; }
start_listener open -n 100 -t 60 || { echo "Bail out! $listener_err"; exit 99; }
esc=$(printf '\033')

# has_color TEXT: true when TEXT holds an escape sequence.
has_color() { case $1 in *"$esc["*) return 0 ;; esac; return 1; }

# 1-2: --color=always colours even on a pipe, one target and several.
run "$ISOCK" --color=always 127.0.0.1 "$closed"
want_rc 1
has_color "$err" || tap_note "no colour with --color=always"
printf '%s\n' "$err" | grep -q "^isock-connect: 127.0.0.1 port $closed (tcp): ${esc}\\[31mconnection refused (ECONNREFUSED, errno 111)${esc}\\[0m$" ||
	tap_note "the refusal is not in red"
verdict "--color=always: the outcome in red on a pipe"

run "$ISOCK" --color always "127.0.0.1:$open,$closed"
want_rc 1
printf '%s\n' "$out" | grep -q "^127.0.0.1 port $open (tcp): ${esc}\\[32mconnected${esc}\\[0m in " ||
	tap_note "connected is not in green"
printf '%s\n' "$err" | grep -q "^127.0.0.1 port $closed (tcp): ${esc}\\[31mrefused${esc}\\[0m$" ||
	tap_note "refused is not in red"
verdict "--color=always: several targets, each word in its colour"

# 3: the default on a pipe: no colour.
run "$ISOCK" "127.0.0.1:$open,$closed"
want_rc 1
has_color "$out$err" && tap_note "colour on a pipe"
verdict "auto on a pipe: no colour"

# 4: JSON never, even with --color=always.
run "$ISOCK" -j --color=always "127.0.0.1:$open,$closed"
want_rc 1
has_color "$out$err" && tap_note "colour in JSON"
verdict "JSON: never coloured"

# 5: a bad WHEN is a usage error.
run "$ISOCK" --color=sometimes 127.0.0.1 "$open"
want_rc 2
want_err "unknown --color 'sometimes': expected auto, always or never"
verdict "--color=sometimes: usage error"

# 6-8: on a terminal.
if ! have_pty; then
	skip "auto on a terminal: coloured" "$pty_why"
	skip "NO_COLOR on a terminal: not coloured" "$pty_why"
	skip "--color=never on a terminal" "$pty_why"
	exit 0
fi
# tty CMD: runs the shell command CMD on a pty; its output in $out.
tty() {
	rc=0
	out=$(env -u NO_COLOR TERM=xterm timeout -k 2 30 script -qfec "$1" /dev/null </dev/null) || rc=$?
}
tty "'$ISOCK' 127.0.0.1 $closed"
want_rc 1
has_color "$out" || tap_note "no colour on a terminal"
verdict "auto on a terminal: coloured"

tty "NO_COLOR=1 '$ISOCK' 127.0.0.1 $closed"
want_rc 1
has_color "$out" && tap_note "colour with NO_COLOR set"
verdict "NO_COLOR on a terminal: not coloured"

tty "'$ISOCK' --color=never 127.0.0.1:$open,$closed"
want_rc 1
has_color "$out" && tap_note "colour with --color=never"
verdict "--color=never on a terminal"
