# SPDX-License-Identifier: ISC
# tests/static.sh: for the TAP scripts that run the static binary (make
# static) in a root of its own.  Source it after tests/tap.sh and
# tests/ns.sh.
#
# static_require: sets $static to src/isock-connect-static, or ends the
# script: skipped (TAP's "1..0 # SKIP", skip_all) with the reason when
# musl-gcc or the binary is missing, or 99 when REQUIRE_STATIC=1 (CI) says
# it must be there.
# ns_listen VAR ARGS...: start_listener VAR ARGS... in the namespace $ns.

static_require() {
	static=$(dirname "$ISOCK")/isock-connect-static
	if ! command -v musl-gcc >/dev/null 2>&1; then
		st_why="musl-gcc is not installed (apt-get install musl-tools): no static build"
	elif [ ! -x "$static" ]; then
		st_why="$static is not built: run make static"
	else
		return 0
	fi
	[ "${REQUIRE_STATIC:-0}" = 1 ] &&
		{ echo "Bail out! $st_why (REQUIRE_STATIC=1)"; exit 99; }
	skip_all "$st_why"
}

ns_listen() {
	nl_var=$1 nl_listen=$LISTEN
	shift
	LISTEN=ip
	start_listener "$nl_var" netns exec "$ns" "$nl_listen" "$@"
	nl_rc=$?
	LISTEN=$nl_listen
	return $nl_rc
}
