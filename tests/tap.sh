# SPDX-License-Identifier: ISC
# tests/tap.sh: a few helpers for the TAP integration scripts.
# Source it; then call plan N, ok/not_ok through check, skip_all REASON.
# Environment from the Makefile: ISOCK (the tool), LISTEN (the test
# listener), SRCDIR (the source tree).

: "${ISOCK:?ISOCK is not set: run through make check}"
tap_n=0
tap_failed=0

plan() { echo "1..$1"; }

# skip_all REASON: the whole script is skipped (the TAP driver's SKIP).
skip_all() { echo "1..0 # SKIP $1"; exit 0; }

# need_root TOOL...: skips the whole script unless run as root with every
# TOOL installed.
need_root() {
	[ "$(id -u)" = 0 ] || skip_all "needs root (network namespaces)"
	for tap_tool in "$@"; do
		command -v "$tap_tool" >/dev/null 2>&1 || skip_all "needs $tap_tool"
	done
}

# pass NAME / fail NAME [DIAGNOSTIC...]
pass() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1"; }
fail() {
	tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"; shift
	for line in "$@"; do printf '%s\n' "$line" | sed 's/^/# /'; done
}

# run CMD...: runs it with a bound on its time (60 s: about hangs, a few
# times what valgrind's runs take on a loaded machine); sets $rc, $out,
# $err.
run() {
	tap_why=
	tap_out=$(mktemp) tap_err=$(mktemp)
	timeout -k 2 60 "$@" >"$tap_out" 2>"$tap_err"
	rc=$?
	out=$(cat "$tap_out") err=$(cat "$tap_err")
	rm -f "$tap_out" "$tap_err"
}

# expect NAME RC [PATTERN-ON-STDOUT [PATTERN-ON-STDERR]]: checks the last run.
# Patterns are extended regular expressions; an empty one is not checked.
expect() {
	name=$1 want=$2 po=${3-} pe=${4-}
	if [ "$rc" != "$want" ]; then
		fail "$name" "exit status $rc, expected $want" "stdout: $out" "stderr: $err"
	elif [ -n "$po" ] && ! printf '%s\n' "$out" | grep -Eq -- "$po"; then
		fail "$name" "stdout does not match /$po/" "stdout: $out"
	elif [ -n "$pe" ] && ! printf '%s\n' "$err" | grep -Eq -- "$pe"; then
		fail "$name" "stderr does not match /$pe/" "stderr: $err"
	else
		pass "$name"
	fi
}

# skip NAME REASON: one case skipped (counted as a pass with # SKIP).
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }

# tap_setup: makes the temporary directory $tmp; when the script exits,
# every listener started by start_listener is killed and $tmp removed.
tap_tmp= tap_pids= tap_nls=0
tap_setup() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/isock-test.XXXXXX") ||
		{ echo "Bail out! mktemp -d failed"; exit 99; }
	tap_tmp=$tmp
	trap tap_cleanup EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# tap_cleanup: the EXIT trap of tap_setup.
tap_cleanup() {
	for tap_p in $tap_pids; do kill "$tap_p" 2>/dev/null; done
	for tap_p in $tap_pids; do wait "$tap_p" 2>/dev/null; done
	if [ -n "$tap_tmp" ]; then
		chmod -R u+rwx "$tap_tmp" 2>/dev/null
		rm -rf "$tap_tmp"
	fi
}

# start_listener VAR ARGS...: starts "$LISTEN ARGS" in the background and
# waits (at most 5 s) for its first line, the port or "ready", stored in
# VAR; $listener_pid is its process.  Returns 0, 77 when the listener says
# the family is not supported here, or 1; $listener_err then says why.
start_listener() {
	tap_var=$1; shift
	tap_nls=$((tap_nls + 1))
	tap_lo=$tap_tmp/listener.$tap_nls.out
	tap_le=$tap_tmp/listener.$tap_nls.err
	: >"$tap_lo"
	"$LISTEN" "$@" >"$tap_lo" 2>"$tap_le" &
	listener_pid=$!
	tap_pids="$tap_pids $listener_pid"
	tap_i=0
	while [ "$tap_i" -lt 100 ]; do
		if IFS= read -r tap_line <"$tap_lo"; then
			eval "$tap_var=\$tap_line"
			return 0
		fi
		if ! kill -0 "$listener_pid" 2>/dev/null; then
			wait "$listener_pid"
			tap_st=$?
			listener_err="isock-listen $* exited with $tap_st: $(cat "$tap_le")"
			[ "$tap_st" = 77 ] && return 77
			return 1
		fi
		sleep 0.05
		tap_i=$((tap_i + 1))
	done
	listener_err="isock-listen $* did not start within 5 s"
	return 1
}

# have_pty: true when script(1) is installed and can give a command a
# pseudo-terminal here; else false, with $pty_why saying why (a container
# or chroot without devpts mounted has script but no pty).
have_pty() {
	if ! command -v script >/dev/null 2>&1; then
		pty_why="needs script (util-linux)"
		return 1
	fi
	tap_pty=$(timeout -k 2 10 script -qec 'echo pty' /dev/null </dev/null 2>&1)
	case $tap_pty in
	pty*) return 0 ;;
	esac
	pty_why="script(1) gets no pseudo-terminal here (is devpts mounted?): $(printf '%s' "$tap_pty" | tr '\001-\037' ' ' | cut -c1-100)"
	return 1
}

# wait_tool PID: waits (2 s at most) until process PID runs the tool: a
# signal that reaches a background child between its fork and its exec is
# taken by the shell's trap there and never reaches the tool.
wait_tool() {
	tap_i=0
	while [ $tap_i -lt 40 ] &&
	    [ "$(readlink "/proc/$1/exe" 2>/dev/null)" != \
	    "$(readlink -f "$ISOCK")" ]; do
		sleep 0.05; tap_i=$((tap_i + 1))
	done
}

# Checks of the last run: each want_* notes a problem; verdict NAME then
# passes the case, or fails it with the problems, the exit status and both
# streams (control characters shown as '?').
tap_why=
tap_note() { tap_why="$tap_why$1
"; }
want_rc() {
	[ "$rc" = "$1" ] || tap_note "exit status $rc, expected $1"
}
want_out() {
	printf '%s\n' "$out" | grep -Eq -- "$1" ||
		tap_note "stdout does not match /$1/"
}
want_err() {
	printf '%s\n' "$err" | grep -Eq -- "$1" ||
		tap_note "stderr does not match /$1/"
}
want_err_fixed() {
	printf '%s\n' "$err" | grep -Fq -- "$1" ||
		tap_note "stderr does not contain '$1'"
}
want_not_err() {
	printf '%s\n' "$err" | grep -Eq -- "$1" &&
		tap_note "stderr matches /$1/ but should not"
}
want_no_out() { [ -z "$out" ] || tap_note "stdout is not empty"; }
want_no_err() { [ -z "$err" ] || tap_note "stderr is not empty"; }
# want_no_ctrl: no raw control character (but newline) on either stream.
want_no_ctrl() {
	printf '%s%s' "$out" "$err" | tr -d '\n' |
		LC_ALL=C grep -q "$(printf '[\001-\037\177]')" &&
		tap_note "raw control characters in the output"
}
# want_check_brief: every "  Check:" line of stderr has at most 40 words
# (issue 12).
want_check_brief() {
	printf '%s\n' "$err" | sed -n 's/^  Check: //p' |
		awk 'NF > 40 { bad = 1 } END { exit !bad }' &&
		tap_note "a Check line has more than 40 words"
}
# want_check_new: no Check line repeats a Found line, nor asks for a
# look-up whose fact a Found line already gives (issue 12).
want_check_new() {
	tap_found=$(printf '%s\n' "$err" | sed -n 's/^  Found: //p')
	tap_check=$(printf '%s\n' "$err" | sed -n 's/^  Check: //p')
	[ -n "$tap_check" ] || return 0
	printf '%s\n' "$tap_found" | while IFS= read -r tap_f; do
		[ -n "$tap_f" ] && printf '%s\n' "$tap_check" | grep -Fq -- "$tap_f" &&
			echo "x"
	done | grep -q x && tap_note "a Check line repeats a Found line"
	for tap_pair in "route that matched|is an address of this host|no route matches:ip route get" \
		"neighbour entry:ip neigh" \
		"listens on|has a listener|has listeners:ss -l" \
		"is mode |does not exist|is a socket|is not a socket|is not a directory:namei|ls -l" \
		"a stale socket file|has [0-9]+ connections? waiting|is of type:ss -x" \
		"answered with ICMP:tcpdump -ni any icmp"; do
		printf '%s\n' "$tap_found" | grep -Eq -- "${tap_pair%%:*}" &&
			printf '%s\n' "$tap_check" | grep -Eq -- "${tap_pair#*:}" &&
			tap_note "a Check asks for '${tap_pair#*:}', which a Found line gives"
	done
	return 0
}
verdict() {
	if [ -z "$tap_why" ]; then
		pass "$1"
	else
		fail "$1" "${tap_why%?}" "exit status: $rc" \
			"stdout: $(printf '%s' "$out" | tr '\001-\011\013-\037\177' '?')" \
			"stderr: $(printf '%s' "$err" | tr '\001-\011\013-\037\177' '?')"
	fi
	tap_why=
}

# A build without libmnl (make static) reads no netlink facts and says so:
# $nonl is that sentence.  netlink_probe CMD...: runs CMD (the tool, refused
# on 127.0.0.1 port 9, as in a namespace of the script's) and sets
# $netlink to no when it says that sentence, else yes; the build's own
# binary must read them when configure found libmnl (BUILD_LIBMNL and
# BUILD_ISOCK from the Makefile), so a libmnl build that stopped reading
# them cannot pass by the weaker checks of found_nl.
nonl="this build reads no netlink facts (built without libmnl): routes, neighbours and listeners were not looked up"
netlink_probe() {
	netlink=yes
	run "$@"
	printf '%s\n' "$err" | grep -Fq -- "$nonl" || return 0
	if [ "$ISOCK" = "${BUILD_ISOCK:-}" ] && [ "${BUILD_LIBMNL:-}" = yes ]; then
		echo "Bail out! built with libmnl, yet: $err"
		exit 99
	fi
	netlink=no
}

# found_nl ERE: a fact read over netlink: stderr matches "  Found: ERE";
# from a binary that reads no netlink facts, it has the sentence that says
# so instead, and no such fact.
found_nl() {
	if [ "$netlink" = yes ]; then
		want_err "  Found: $1"
	else
		want_err_fixed "  Found: $nonl"
		want_not_err "  Found: $1"
	fi
}

# ere TEXT: TEXT as an extended regular expression that matches it alone.
ere() { printf '%s\n' "$1" | sed 's/[][\\.*^$+?(){}|]/\\&/g'; }

# veth_pair CLIENT ROUTER: the link of a client namespace to a router
# namespace: c0 (10.98.0.1/24, fd98::1/64) in CLIENT, r0 (10.98.0.2/24,
# fd98::2/64) in ROUTER, both up with their lo; no routes.
veth_pair() {
	ip -n "$1" link set lo up &&
	ip -n "$1" link add c0 type veth peer name r0 netns "$2" &&
	ip -n "$1" addr add 10.98.0.1/24 dev c0 &&
	ip -n "$1" addr add fd98::1/64 dev c0 nodad &&
	ip -n "$1" link set c0 up &&
	ip -n "$2" link set lo up &&
	ip -n "$2" addr add 10.98.0.2/24 dev r0 &&
	ip -n "$2" addr add fd98::2/64 dev r0 nodad &&
	ip -n "$2" link set r0 up
}
