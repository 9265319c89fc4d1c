#!/bin/sh
# SPDX-License-Identifier: ISC
# t-input.sh: input is bounded and honest.  A targets file is read in
# bounded memory (a line of at most TARGET_LINE_MAX bytes, no NUL byte),
# a port list stores its host once, messages quote a short excerpt, a
# signal while input is read ends the run as signals do (128+N,
# "interrupted"), every --targets file is read, one family check for
# operands and lines, one grammar of IPv4 literals, and the URL forms.
# Memory is bounded with ulimit -v; no case is timed.  Only 127.0.0.1
# and Unix paths in the test's directory are contacted.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
tap_setup
plan 21

start_listener closed -B -t 60 || { echo "Bail out! $listener_err"; exit 99; }

# 1-4: memory bounds (the shell's ulimit -v, in KiB, in a subshell).  An
# AddressSanitizer build reserves terabytes of address space, which no
# ulimit -v allows: there ASan's own bound on the resident size stands in.
# limit KIB: the shell command that bounds what follows it.
if ldd "$ISOCK" 2>/dev/null | grep -q libasan; then
	limit() {
		echo "ASAN_OPTIONS=\${ASAN_OPTIONS:-}:hard_rss_limit_mb=$(($1 / 1000))"
		echo "export ASAN_OPTIONS"
	}
else
	limit() { echo "ulimit -v $1"; }
fi
run sh -c "$(limit 200000)"'
	exec "$0" --targets /dev/zero' "$ISOCK"
want_rc 2
want_err_fixed "/dev/zero line 1: a NUL byte"
verdict "--targets /dev/zero under 200 MB: a usage error naming line 1"

run sh -c "$(limit 100000)"'
	{ echo "127.0.0.1 $1"; head -c 200000000 /dev/zero | tr "\0" a; } |
	"$0" --targets -' "$ISOCK" "$closed"
want_rc 2
want_err_fixed "line 2: the line is longer than 4352 bytes"
verdict "a 200 MB second line under 100 MB: a usage error naming line 2"

list=$(seq 40000 | sed 's/.*/9/' | tr '\n' , | sed 's/,$//')
run sh -c "$(limit 200000)"'
	exec "$0" "127.0.0.1:$1" 127.0.0.1:0' "$ISOCK" "$list"
want_rc 2
want_err_fixed "port '0' is out of range"
verdict "a 40,000-port list is parsed under 200 MB"

run "$ISOCK" 127.0.0.1 "$(head -c 100000 /dev/zero | tr '\0' 9)"
want_rc 2
[ "${#err}" -lt 1000 ] || tap_note "stderr holds ${#err} bytes"
want_err_fixed "[... 100000 bytes]"
verdict "a 100 kB bad port is quoted as an excerpt, marked cut"

# 5-6: nothing dropped silently.
printf '127.0.0.1 %s\n127.0.0.1 %s\0junk\n' "$closed" "$closed" >"$tmp/nul"
run "$ISOCK" --targets "$tmp/nul"
want_rc 2
want_err_fixed "line 2: a NUL byte"
verdict "a NUL byte in line 2 is a usage error naming the line"

printf '127.0.0.1 0\n' >"$tmp/t1"
printf '127.0.0.1 %s\n' "$closed" >"$tmp/t2"
run "$ISOCK" --targets "$tmp/t1" --targets "$tmp/t2"
want_rc 2
want_err_fixed "t1 line 1: port '0'"
verdict "--targets t1 --targets t2 reads t1 too"

# 7-8: one family check (a name of a file asked in the family of -s:
# check_cli, test_cli_file_family), naming the option that asked.
printf '[::1]:80\n' >"$tmp/v6"
run "$ISOCK" -s 127.0.0.1 --targets "$tmp/v6"
want_rc 2
want_err_fixed "line 1: '[::1]' is an IPv6 address, but IPv4 was asked for (-s 127.0.0.1)"
verdict "-s 127.0.0.1 with [::1]:80 in a file: a usage error naming -s"

run "$ISOCK" -s 127.0.0.1 '[::1]:80'
want_rc 2
want_err_fixed "(-s 127.0.0.1)"
want_not_err "\\(-4\\)"
verdict "-s 127.0.0.1 with the operand [::1]:80 names -s, not -4"

# 9-11: IPv4 literals are dotted quads only, everywhere.
for a in 0x7f.1 0x7f000001 127.1; do
	run "$ISOCK" "$a" "$closed"
	want_rc 2
	want_err_fixed "invalid IPv4 address '$a'"
	verdict "$a is refused as an IPv4 address, not looked up"
done

# 12-17: URL forms and :PORT.
run "$ISOCK" "tcp://127.0.0.1:$closed"
want_rc 1
want_err "127\\.0\\.0\\.1 port $closed \\(tcp\\): connection refused"
verdict "tcp://127.0.0.1:PORT"

run "$ISOCK" "tcp4://localhost:$closed/"
want_rc 1
want_err "\\(127\\.0\\.0\\.1\\) port $closed \\(tcp\\): connection refused"
want_not_err "::1"
verdict "tcp4://localhost:PORT/ connects over IPv4 only"

run "$ISOCK" -q "udp://127.0.0.1:$closed"
want_rc 0
verdict "udp://127.0.0.1:PORT is a datagram target"

run "$ISOCK" "unix://$tmp/none.sock"
want_rc 6
want_err_fixed "isock-connect: $tmp/none.sock (unix stream): no such file"
verdict "unix:///PATH is the Unix path"

run "$ISOCK" -4 ":$closed"
want_rc 1
want_err "localhost \\(127\\.0\\.0\\.1\\) port $closed \\(tcp\\)"
verdict ":PORT is localhost"

run "$ISOCK" "ftp://127.0.0.1:$closed"
want_rc 2
want_err_fixed "expected tcp://, tcp4://, tcp6://, udp://, udp4://, udp6://, http://, https:// or unix://"
verdict "ftp:// is refused with the schemes supported"

# 18-21: a signal while the targets are read ends the run: 128+N.
# wait_blocked PID: waits (at most 5 s) until PID runs the tool and
# sleeps, that is blocks in the open or the read of its input.
wait_blocked() {
	wb_i=0
	while [ "$wb_i" -lt 100 ]; do
		if [ "$(readlink "/proc/$1/exe" 2>/dev/null)" = \
		    "$(readlink -f "$ISOCK")" ] &&
		    [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" = S ]; then
			return 0
		fi
		sleep 0.05
		wb_i=$((wb_i + 1))
	done
	tap_note "the tool did not block within 5 s"
}
# sig_case NAME SIG RC: the tool started as $! is blocked; send SIG.
# A background job of a script starts with SIGINT ignored, which the tool
# keeps (as nohup asks): each is started with the default actions.
sig_case() {
	wait_blocked "$sc_pid"
	kill -"$2" "$sc_pid" 2>/dev/null || tap_note "the tool had ended"
	# Bounded: a tool the signal did not end is killed after 5 s.
	wb_i=0
	while kill -0 "$sc_pid" 2>/dev/null && [ "$wb_i" -lt 100 ]; do
		sleep 0.05
		wb_i=$((wb_i + 1))
	done
	kill -KILL "$sc_pid" 2>/dev/null && tap_note "SIG$2 did not end the tool"
	wait "$sc_pid"
	rc=$?
	err=$(cat "$tmp/err") out=
	want_rc "$3"
	want_err "^isock-connect: interrupted by SIG$2 while reading the targets file"
	want_not_err "Interrupted system call|cannot"
	verdict "$1"
}

mkfifo "$tmp/fifo" || { echo "Bail out! mkfifo failed"; exit 99; }
env --default-signal "$ISOCK" --targets "$tmp/fifo" 2>"$tmp/err" &
sc_pid=$!
sig_case "SIGTERM while opening a FIFO with no writer: 143" TERM 143

env --default-signal "$ISOCK" --targets "$tmp/fifo" 2>"$tmp/err" &
sc_pid=$!
sig_case "SIGHUP while opening a FIFO with no writer: 129" HUP 129

# A standard input that is a FIFO the test holds open (read-write, so the
# open does not block): one line, then nothing; the tool blocks in read.
mkfifo "$tmp/slow" || { echo "Bail out! mkfifo failed"; exit 99; }
exec 3<>"$tmp/slow"
printf '127.0.0.1 %s\n' "$closed" >&3
env --default-signal "$ISOCK" --targets - <"$tmp/slow" 2>"$tmp/err" &
sc_pid=$!
sig_case "SIGINT while reading a slow standard input: 130" INT 130
env --default-signal "$ISOCK" --targets - <"$tmp/slow" 2>"$tmp/err" &
sc_pid=$!
sig_case "SIGTERM while reading an empty standard input: 143" TERM 143
exec 3>&-
exit 0
