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

# pass NAME / fail NAME [DIAGNOSTIC...]
pass() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1"; }
fail() {
	tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"; shift
	for line in "$@"; do printf '%s\n' "$line" | sed 's/^/# /'; done
}

# run CMD...: runs it with a bound on its time; sets $rc, $out, $err.
run() {
	tap_out=$(mktemp) tap_err=$(mktemp)
	timeout -k 2 30 "$@" >"$tap_out" 2>"$tap_err"
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
