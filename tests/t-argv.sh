#!/bin/sh
# SPDX-License-Identifier: ISC
# t-argv.sh: generated argument vectors.  A fixed seed (ARGV_SEED, default
# 7) and a bounded count (ARGV_COUNT, default 250) of vectors built from the
# options --help lists and hostile values (huge numbers, NaN, empty strings,
# format strings, control characters, 5000-byte names, unknown interfaces in
# fe80::1%if, port lists, Unix paths in the test's directory).  Each run
# ends within its time budget (a timeout ends it there; the budgets are
# about hangs, several times what a run takes, so that a loaded machine
# does not fail them: how fast is make bench's) with an exit status
# of the contract (0 to 11, 11 being --invert's), never killed by a signal,
# and prints no raw control character; with --json, what it prints is JSON
# Lines.  The vectors are one shell script, read without a process per
# argument: the test's own cost is a small part of the tool's.
#
# Only loopback addresses, ::1 and temporary paths: hosts are 127.x.y.z,
# ::1, localhost, and names under .invalid, which are used only inside a
# network namespace of the test's own (its name server never answers), so
# no query leaves the machine.  Without root, names are localhost only.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
. "${SRCDIR:-.}/tests/ns.sh"
tap_setup

seed=${ARGV_SEED:-7}
count=${ARGV_COUNT:-250}
have_jq=no
command -v jq >/dev/null 2>&1 && have_jq=yes
plan $((count + 5))

# The listeners: in the namespace when there is one, else on loopback.
if ns_setup argv; then
	in_ns="ip netns exec $ns"
	names="localhost nonexistent.invalid a.b.invalid"
else
	in_ns=
	names="localhost"
fi
# listen_in VAR ARGS...: a listener (in the namespace when there is one);
# its port in VAR.
listen_in() {
	li_var=$1; shift
	li_out=$tmp/listen.$li_var
	# shellcheck disable=SC2086
	$in_ns "$LISTEN" "$@" >"$li_out" 2>&1 &
	tap_pids="$tap_pids $!"
	li_i=0
	while [ ! -s "$li_out" ] && [ $li_i -lt 100 ]; do sleep 0.05; li_i=$((li_i + 1)); done
	IFS= read -r li_port <"$li_out" || { echo "Bail out! no listener: $(cat "$li_out")"; exit 99; }
	eval "$li_var=\$li_port"
}
listen_in open -b 512 -t 600
listen_in closed -B -t 600
mkdir "$tmp/d" && : >"$tmp/d/file"

# The options of --help: "short long ARG" per line ("-" when none); the
# help text may be on the line or, after a long option, under it.
options=$("$ISOCK" --help | sed -n \
	-e 's/^  -\(.\), --\([a-z0-9-]*\) \([A-Z][A-Z]*\)\( .*\)\{0,1\}$/\1 \2 \3/p' \
	-e 's/^  -\(.\), --\([a-z0-9-]*\)\(  .*\)\{0,1\}$/\1 \2 -/p' \
	-e 's/^      --\([a-z0-9-]*\) \([A-Z][A-Z]*\)\( .*\)\{0,1\}$/- \1 \2/p' \
	-e 's/^      --\([a-z0-9-]*\)\(  .*\)\{0,1\}$/- \1 -/p')
[ "$(printf '%s\n' "$options" | wc -l)" -ge 20 ] ||
	{ echo "Bail out! fewer than 20 options read from --help"; exit 99; }
# --targets reads files: kept to the test's own directory below.
printf '127.0.0.1 %s\n# c\n127.0.0.1:%s\nunix:%s/d/none\n' "$open" "$closed" "$tmp" >"$tmp/list"
printf '127.0.0.1 %s extra\n' "$open" >"$tmp/badlist"

# The vectors, as a shell script: one call "vector BUDGET ARG..." each, a
# time budget in seconds, then the arguments, each in single quotes with
# its bytes as they are (a quote as '\''), so that the shell reads every
# vector without a process of its own.
printf '%s\n' "$options" | LC_ALL=C awk -v seed="$seed" -v count="$count" \
    -v open="$open" -v closed="$closed" -v tmp="$tmp" -v names="$names" '
function esc(s) {
	gsub(/\047/, "\047\\\047\047", s)
	return "\047" s "\047"
}
function pick(list,   a, n) { n = split(list, a, SUBSEP); return a[1 + int(rand() * n)] }
function rep(s, k,   out) { out = ""; while (k-- > 0) out = out s; return out }
BEGIN {
	srand(seed)
	for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i
	long = rep("h", 5000); longlab = rep("a", 64)
	S = SUBSEP
	nasty = "" S "0" S "-1" S "1e999" S "NaN" S "nan" S "inf" S "-inf" S \
	    "99999999999999999999" S "18446744073709551616" S "0x10" S \
	    "%n%s%x%p" S "%s%s%s%s%s" S "\033[31m" S "a\nb" S "\r" S "\177" S \
	    "\302\233" S "\377\376" S long S " " S "--" S "-" S "1.5.5" S \
	    ".5" S "5." S "+1" S "1,,2"
	times = "0.001" S "0.05" S "0.2" S "0.5" S "1"
	counts = "1" S "2" S "3"
	words = "unspec" S "inet" S "inet6" S "unix" S "local" S "stream" S \
	    "dgram" S "seqpacket" S "ECONNREFUSED" S "econnrefused" S "111" S \
	    "EAI_NONAME" S "-3" S "127.0.0.1" S "::1" S "127.0.0.2" S \
	    "fe80::1%nosuchif" S open S closed S "65535" S "65536" S "http"
	split(names, nm, " ")
	goodhosts = "127.0.0.1" S "127.1.2.3" S "127.255.255.255" S "::1" S \
	    "[::1]" S "::ffff:127.0.0.1" S "fe80::1%nosuchif" S "fe80::1%lo"
	for (k in nm) goodhosts = goodhosts S nm[k]
	badhosts = "fe80::1%" rep("i", 20) S long S "ev\033[31mil" S "" S \
	    "%n%s" S "a..b" S "-5" S "127.0.0.1\n" S longlab ".x" S \
	    "\302\233[2J" S "[::1" S "1.2.3" S "nan"
	goodports = open S closed S open "," closed S closed "-" closed S \
	    "http" S "domain" S "1,2,3" S open "," open "," open
	badports = "0" S "65536" S "%n" S "1\033[H" S "" S rep("9", 5000) S \
	    "65535-1" S "-1" S "1e3" S "0x50"
	paths = tmp "/d/none" S tmp "/d/file" S tmp "/d/file/x" S tmp "/d" S \
	    "@isock-argv-" seed S "" S "/" rep("p", 200) S tmp "/\033[31m" S \
	    "%s%n" S tmp "/list"
}
{ nopt++; short[nopt] = $1; lng[nopt] = $2; arg[nopt] = $3 }
function host() { return rand() < 0.75 ? pick(goodhosts) : pick(badhosts) }
function port() { return rand() < 0.75 ? pick(goodports) : pick(badports) }
function value(name,   w) {
	# --wait 0 waits without a limit: its 0 is a good value, not nasty.
	if (name ~ /^(timeout|wait|interval)$/) {
		w = rand() < 0.8 ? pick(times) : pick(nasty)
		return name == "wait" && w == "0" ? "0.2" : w
	}
	if (name == "count")
		return rand() < 0.8 ? pick(counts) : pick(nasty)
	if (name == "parallel")
		return rand() < 0.8 ? pick("1" S "2" S "1000" S "4096" S "4097") : pick(nasty)
	if (name == "targets")
		return pick(tmp "/list" S tmp "/badlist" S tmp "/d/none" S tmp "/d")
	if (name ~ /^(source)$/)
		return pick("127.0.0.1" S "127.0.0.2" S "::1" S "192.0.2.1" S "localhost" S pick(nasty))
	if (rand() < 0.2)
		return pick(nasty)
	if (name == "family")
		return pick("inet" S "inet6" S "unspec" S "ipv4" S "unix" S "local")
	if (name == "type")
		return pick("stream" S "dgram" S "seqpacket")
	if (name == "explain")
		return pick("ECONNREFUSED" S "econnrefused" S "111" S "EAI_NONAME" S "-2")
	if (name == "source-port")
		return port()
	return pick(words)
}
END {
	for (v = 1; v <= count; v++) {
		# A small deadline first, so no vector waits the default 5 s.
		line = "vector 15 -w " pick(times)
		nargs = int(rand() * 4)
		for (a = 0; a < nargs; a++) {
			o = 1 + int(rand() * nopt)
			# --wait with --count, or 4096 attempts, stay short anyway.
			if (lng[o] ~ /^(help|version|unix|broadcast|probe)$/ &&
			    rand() < 0.7)
				continue
			form = rand()
			if (short[o] != "-" && form < 0.4)
				opt = "-" short[o]
			else
				opt = "--" lng[o]
			if (arg[o] == "-") { line = line " " esc(opt); continue }
			val = value(lng[o])
			if (form > 0.8 && substr(opt, 2, 1) == "-")
				line = line " " esc(opt "=" val)
			else if (form < 0.2 && short[o] != "-")
				line = line " " esc("-" short[o] val)
			else
				line = line " " esc(opt) " " esc(val)
		}
		r = rand()
		if (r < 0.35)
			line = line " " esc(host()) " " esc(port())
		else if (r < 0.55)
			line = line " " esc(host() ":" port())
		else if (r < 0.65)
			line = line " " esc("unix:" pick(paths))
		else if (r < 0.75)
			line = line " -U " esc(pick(paths))
		else if (r < 0.85)
			line = line " " esc("127.0.0.1:" open) " " esc("[::1]:" port()) " " esc(host() ":" closed)
		else if (r < 0.92)
			line = line " -- " esc(host()) " " esc(port() pick(nasty))
		else
			line = line " " esc(pick(nasty))
		print line
	}
}' >"$tmp/vectors" || { echo "Bail out! the generator failed"; exit 99; }
# Three fixed vectors: every port of a host, with many or few attempts at
# once; --any with three at a time walks the 1000 ports below the open one
# (JSON and a diagnosis for each) and stops at it.
from=$((open > 1000 ? open - 1000 : 1))
cat >>"$tmp/vectors" <<EOF
vector 60 -q -P 50 -w 0.2 127.0.0.1:1-65535
vector 60 -q --json -P 3 -w 0.1 --any 127.0.0.1:$from-65535
vector 60 -q -P 4096 -u -w 0.05 127.0.0.1:1-65535
EOF

# shown: the vector, control characters as '?', cut to 300 bytes.
shown() { printf '%s' "$*" | tr '\001-\037\177' '?' | cut -c1-300; }
# Any control character but newline.
ctrl=$(printf '[\001-\011\013-\037\177]')

# vector BUDGET ARG...: runs the tool on ARGs and checks its run; the
# timeout ends it at BUDGET s (exit 124 or 137, a failure).  Its output is
# read into $out and $err only to show a failure.
n=0
vector() {
	budget=$1
	shift
	n=$((n + 1))
	# shellcheck disable=SC2086
	$in_ns timeout -k 2 "$budget" "$ISOCK" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	case $rc in
	124|137) tap_note "killed at its budget of $budget s" ;;
	*) [ "$rc" -le 11 ] ||
	    tap_note "exit status $rc is not of the contract (0-11)" ;;
	esac
	LC_ALL=C grep -q "$ctrl" "$tmp/out" "$tmp/err" &&
		tap_note "raw control characters in the output"
	# With --json a run prints JSON Lines; --help, --version, --explain
	# and --list-errors print their text whatever the format.
	json=no
	for a in "$@"; do
		case $a in
		--he*|--vers*|--ex*|--l*|-h|-V|-[!-]*[hV]*) json=no; break;;
		--json|--js*|-j|-[!-]*j*) json=yes;;
		esac
	done
	if [ $json = yes ] && [ $have_jq = yes ] && [ "$rc" != 2 ] &&
	    [ -s "$tmp/out" ] && ! jq -e . "$tmp/out" >/dev/null 2>&1; then
		tap_note "stdout is not JSON Lines"
	fi
	if [ -n "$tap_why" ]; then
		out=$(head -c 2000 "$tmp/out") err=$(head -c 2000 "$tmp/err")
		tap_note "argv: $(shown "$@")"
	fi
	verdict "vector $n: exit $rc"
}
. "$tmp/vectors"

# Found by this test: a long option without an argument given one was
# called unknown, under a letter that is not its own ('-\x01' for --any).
for arg in --any=inet --list-errors=1; do
	run "$ISOCK" "$arg" 127.0.0.1 1
	want_rc 2
	want_err_fixed "option '$arg' takes no argument"
	want_not_err '\\x0'
	verdict "$arg: takes no argument, said under its own name"
done
