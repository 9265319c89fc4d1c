#!/bin/sh
# SPDX-License-Identifier: ISC
# t-usage.sh: every class of usage error exits 2 with one message that
# quotes the bad text (escaped) and a "Try --help" line, nothing on stdout
# and nothing attempted.  No address is ever contacted here.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
tap_setup
plan 71

# usage_case NAME QUOTE ARGS...: runs isock-connect -v ARGS; it must exit
# 2 with exactly two lines on stderr, "isock-connect: ..." holding QUOTE
# (a fixed string, unchecked when empty) and the "Try" line; no trace of
# -v (nothing was attempted), no raw control character, empty stdout.
usage_case() {
	uc_name=$1 uc_quote=$2
	shift 2
	run "$ISOCK" -v "$@"
	want_rc 2
	want_no_out
	uc_lines=$(printf '%s\n' "$err" | wc -l)
	[ "$uc_lines" -eq 2 ] ||
		tap_note "stderr has $uc_lines lines, expected 2"
	printf '%s\n' "$err" | sed -n 1p | grep -q '^isock-connect: ..' ||
		tap_note "the first line is not an isock-connect: message"
	if [ -n "$uc_quote" ]; then
		printf '%s\n' "$err" | sed -n 1p | grep -Fq -- "$uc_quote" ||
			tap_note "the message does not quote: $uc_quote"
	fi
	printf '%s\n' "$err" | sed -n 2p |
		grep -q "^Try 'isock-connect --help'" ||
		tap_note "the second line is not the Try --help line"
	want_not_err '^\* \['
	want_no_ctrl
	verdict "$uc_name"
}

# Operands.
usage_case "no operands" "missing operand"
usage_case "one operand" "PORT" 127.0.0.1
usage_case "three operands" "'extra'" 127.0.0.1 80 extra
usage_case "-U without a path" "PATH" -U

# Options.
usage_case "unknown short option" "'-Z'" -Z 127.0.0.1 80
usage_case "unknown long option" "'--bogus'" --bogus 127.0.0.1 80
usage_case "unknown long option with a value" "'--bogus=1'" --bogus=1 \
	127.0.0.1 80
# The way out, in the same two lines (issue 23).
usage_case "a typo of a long option" "did you mean '--targets'?" \
	--tagets f 127.0.0.1 80
usage_case "an ambiguous abbreviation" "it begins --verbose, --version" --ver
usage_case "wait-for-it's -t" "is --wait 30;" -t 30 127.0.0.1 80
usage_case "a lone port" "write ':8080'" 8080
usage_case "HOST PORT PORT" "'db:5432,6379'" db 5432 6379
usage_case "IPv6 address with a port" "'[2001:db8::1]:8080'" 2001:db8::1:8080
usage_case "-w with an unknown unit" "'5d'" -w 5d 127.0.0.1 80
usage_case "-w missing its argument" "'-w'" 127.0.0.1 80 -w
usage_case "--timeout missing its argument" "'--timeout'" 127.0.0.1 80 \
	--timeout
usage_case "-s missing its argument" "'-s'" 127.0.0.1 80 -s
usage_case "--family bogus" "'bogus'" --family bogus 127.0.0.1 80
usage_case "-T bogus" "'bogus'" -T bogus 127.0.0.1 80
usage_case "--type=STREAM (names are lower case)" "'STREAM'" --type=STREAM \
	127.0.0.1 80
usage_case "-b without -u" "--broadcast" -b 127.255.255.255 9
usage_case "-s with -U" "--source" -s 127.0.0.1 -U /nonexistent/sock
usage_case "-p with -U" "--source" -p 4000 -U /nonexistent/sock
usage_case "-s not an address" "'nothost'" -s nothost 127.0.0.1 80
usage_case "-s with a name, not an address" "'localhost'" -s localhost \
	127.0.0.1 80
usage_case "-4 with ::1" "'::1'" -4 ::1 80
usage_case "-6 with 127.0.0.1" "'127.0.0.1'" -6 127.0.0.1 80
usage_case "-6 with -s 127.0.0.1" "IPv4" -6 -s 127.0.0.1 ::1 80

# Ports.
usage_case "port: empty" "port" 127.0.0.1 ""
usage_case "port: 0" "'0'" 127.0.0.1 0
usage_case "port: 65536" "'65536'" 127.0.0.1 65536
usage_case "port: -1 after --" "'-1'" -- 127.0.0.1 -1
usage_case "port: +80" "'+80'" 127.0.0.1 +80
usage_case "port: 0x50" "'0x50'" 127.0.0.1 0x50
usage_case "port: 80abc" "'80abc'" 127.0.0.1 80abc
usage_case "port: 80 with a space" "'80 '" 127.0.0.1 "80 "
usage_case "port: 99999999999999999999" "'99999999999999999999'" \
	127.0.0.1 99999999999999999999
usage_case "port: unknown service name" "'nosuchservice'" \
	127.0.0.1 nosuchservice
usage_case "source port: 0" "'0'" -p 0 127.0.0.1 80

# Hosts.
usage_case "host: empty" "empty host" "" 80
usage_case "host: 1.2.3" "'1.2.3'" 1.2.3 80
usage_case "host: 256.1.1.1 (all numeric, so not a name)" "'256.1.1.1'" \
	256.1.1.1 80
usage_case "host: a..b" "'a..b'" a..b 80
usage_case "host: .leading.dot" "'.leading.dot'" .leading.dot 80
usage_case "host: a name with a space" "'a b'" "a b" 80
long_name=$(printf '%0300d' 0 | tr 0 a)
usage_case "host: a 300-character name" "300 characters" "$long_name" 80
label64=$(printf '%064d' 0 | tr 0 b)
usage_case "host: a label of 64 characters" "'$label64.example'" \
	"$label64.example" 80
usage_case "host: ::1::2" "'::1::2'" ::1::2 80
usage_case "host: fe80::1% (empty zone)" "'fe80::1%'" fe80::1% 80
usage_case "host: [::1 without the bracket" "'[::1'" "[::1" 80

# Seconds.
usage_case "-w 0" "'0' is too short" -w 0 127.0.0.1 80
usage_case "-w -1" "'-1'" -w -1 127.0.0.1 80
usage_case "-w abc" "'abc'" -w abc 127.0.0.1 80
usage_case "-w 1e3" "'1e3'" -w 1e3 127.0.0.1 80
usage_case "-w nan" "'nan'" -w nan 127.0.0.1 80
usage_case "-w inf" "'inf'" -w inf 127.0.0.1 80
usage_case "-w 86401" "'86401' is too long" -w 86401 127.0.0.1 80
usage_case "-w .0001" "'.0001' is too short" -w .0001 127.0.0.1 80
usage_case "-w empty" "''" -w "" 127.0.0.1 80

# Unix paths.
long_path=/tmp/$(printf '%0195d' 0 | tr 0 p)
usage_case "-U with a 200-byte path" "too long" -U "$long_path"
usage_case "-U with an empty path" "empty path" -U ""

# Hostile text: escaped in the message, never raw.
usage_case "host with ESC [ 31m" 'evil\x1b[31mred' \
	"$(printf 'evil\033[31mred')" 80
usage_case "host with a newline" 'two\x0alines' "$(printf 'two\nlines.')" 80
# A byte that is not UTF-8 in a name: not a name, a usage error, escaped.
run "$ISOCK" "$(printf 'c\2332J')" 80
want_rc 2
want_err_fixed 'c\x9b2J'
want_no_ctrl
printf '%s' "$err" | LC_ALL=C grep -q "$(printf '[\200-\237]')" &&
	tap_note "a raw C1 byte on stderr"
verdict "host with an 8-bit CSI is escaped"
usage_case "port with a backslash and BEL" "'8\\\\\\x07'" 127.0.0.1 \
	"$(printf '8\\\007')"
usage_case "unknown option with ESC" "'--x\\x1b]0;t\\x07'" \
	"$(printf '%s\033]0;t\007' --x)" 127.0.0.1 80
hostile=$(i=0; while [ "$i" -lt 1250 ]; do printf 'z\033[H'; \
	i=$((i + 1)); done)
usage_case "a 5000-byte hostile port" 'z\x1b[Hz\x1b[H' 127.0.0.1 "$hostile"
long_host=$(printf '%05000d' 0 | tr 0 h)
usage_case "a 5000-byte host" "5000 characters" "$long_host" 80

# Nothing attempted: no IP socket is even opened for a usage error.
if command -v strace >/dev/null 2>&1; then
	for args in "127.0.0.1 0" "127.0.0.1 nosuchservice" "-w 0 ::1 80"; do
		# LeakSanitizer cannot run under ptrace: off for these runs
		# of a --enable-sanitizers build (ASan itself stays on).
		# shellcheck disable=SC2086
		run strace -f -qq -e trace=socket -o "$tmp/strace" \
			env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			"$ISOCK" $args
		want_rc 2
		grep -q 'socket(AF_INET' "$tmp/strace" &&
			tap_note "an IP socket was opened"
		verdict "no socket opened for: $args"
	done
else
	for args in "127.0.0.1 0" "127.0.0.1 nosuchservice" "-w 0 ::1 80"; do
		skip "no socket opened for: $args" "strace is not installed"
	done
fi

exit 0
