#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/t-docs.sh: the man page and the README say what the code does.
#
# Every option of --help is in the man page's OPTIONS and in the README, and
# the man page documents no option the tool lacks; the exit statuses of
# --help are in the man page's EXIT STATUS and in the README's table; the man
# page's DIAGNOSTICS lists exactly the errno and EAI_* names of the table
# (--list-errors), with their numbers and exit statuses; --version is the
# version of configure.ac; the man page passes mandoc's and groff's linters.

. "$SRCDIR/tests/tap.sh"

MAN=$SRCDIR/man/isock-connect.1
README=$SRCDIR/README
EXITCODE=$SRCDIR/src/exitcode.h

# judge NAME PROBLEMS SAY: NAME passes when PROBLEMS is empty, else it fails
# with SAY followed by PROBLEMS.
judge() {
	if [ -z "$2" ]; then
		pass "$1"
	else
		fail "$1" "$3$2"
	fi
}

# missing_from LINES WORD...: the WORDs that are no line of LINES, each
# after a space.
missing_from() {
	lines=$1
	shift
	for w in "$@"; do
		printf '%s\n' "$lines" | grep -qx -- "$w" || printf ' %s' "$w"
	done
}

# section NAME: the man source of section NAME, up to the next .Sh.
section() {
	awk -v want=".Sh $1" '
		/^\.Sh / { on = ($0 == want); next }
		on { print }' "$MAN"
}

# Options of the man page's OPTIONS list, one a line: "-x" or "--long", from
# the "Fl" macros of its .It lines ("Fl -" alone is the "--" terminator).
man_options() {
	section OPTIONS | awk '
		/^\.It / {
			for (i = 2; i < NF; i++)
				if ($i == "Fl" && $(i + 1) != "-") {
					f = $(i + 1)
					sub(/[,;:]$/, "", f)
					print "-" f	# "-4", "--ipv4"
				}
		}' | sort -u
}

# The option lines of --help as "SHORT LONG ARG" ("-" when there is none):
# under the group headings, up to "Exit status:".
help_options() {
	printf '%s\n' "$help" | awk '
		/^Exit status:/ { exit }
		/^  -[^-], --/ || /^      --/ {
			s = "-"; a = "-"; i = 1
			if ($1 ~ /^-[^-],$/) { s = substr($1, 1, 2); i = 2 }
			l = $i
			if ($(i + 1) ~ /^[A-Z][A-Z_]*$/) a = $(i + 1)
			print s, l, a
		}'
}

# The exit statuses of --help as "CODE NAME...", codes 0 and up.
help_exits() {
	printf '%s\n' "$help" | awk '
		/^Exit status:/ { on = 1; next }
		on && /^$/ { exit }
		on && $1 ~ /^[0-9]+$/ { print }' |
	    sed 's/^ *\([0-9]*\)  */\1 /'
}

# --- the man page is clean for the linters -----------------------------

# lint NAME CMD...: NAME passes when CMD exits 0 and says nothing; it is
# skipped when the program CMD is not installed.
lint() {
	name=$1
	shift
	if ! command -v "$1" >/dev/null 2>&1; then
		skip "$name" "$1 is not installed"
	elif said=$("$@" 2>&1) && [ -z "$said" ]; then
		pass "$name"
	else
		fail "$name" "$said"
	fi
}

lint "mandoc -Tlint -W warning has nothing to say" \
    mandoc -Tlint -W warning "$MAN"
lint "groff -mdoc -ww -z has nothing to say" groff -mdoc -ww -z "$MAN"

# --- sections a user looks for -----------------------------------------

# ENVIRONMENT names each variable the code reads (getenv, and resolv.conf's
# variables through conf_env), and PATH where -- COMMAND is run by execvp;
# FILES the files a user may have to look at.
envsec=$(section ENVIRONMENT)
vars=$(cat "$SRCDIR"/src/*.c | sed -n \
    -e 's/.*getenv("\([A-Z_]*\)").*/\1/p' \
    -e 's/.*conf_env([^,]*, "\([A-Z_]*\)".*/\1/p' | sort -u)
grep -q 'execvp' "$SRCDIR"/src/*.c && vars="$vars PATH"
missing=
for v in $vars; do
	printf '%s\n' "$envsec" | grep -qE "^\.It (.* )?Ev $v( |\$)" ||
	    missing="$missing $v"
done
judge "the man page's ENVIRONMENT has each variable the code reads" \
    "$([ -n "$vars" ] || echo none found in src;)$missing" "missing:"
filesec=$(section FILES)
missing=
for f in /etc/services /etc/hosts /etc/resolv.conf /proc/; do
	printf '%s\n' "$filesec" | grep -qF -- "Pa $f" || missing="$missing $f"
done
judge "the man page's FILES has the services, hosts, resolv.conf and /proc" \
    "$missing" "missing:"
# Before OPTIONS and the rest: what the tool does, in a few hundred words.
words=$(section DESCRIPTION | grep -v '^\.' | wc -w)
judge "the man page's DESCRIPTION is at most 1100 words of text" \
    "$([ "$words" -le 1100 ] || echo "$words")" "it has: "

# --- options ------------------------------------------------------------

run "$ISOCK" --help
help=$out
expect "--help exits 0 with the options on stdout" 0 '^Targets:'

opts=$(help_options)
judge "--help lists options" "$([ -n "$opts" ] || echo "$help")" \
    "no option line under a heading in: "

# --help fits a terminal of 80 columns, and groups its options as curl and
# the GNU tools do, the groups in this order.
judge "--help's lines are at most 80 columns" \
    "$(printf '%s\n' "$help" | awk 'length($0) > 80')" "longer:
"
heads=$(printf '%s\n' "$help" | sed -n 's/^\([A-Z][A-Za-z, ]*\):$/\1/p' |
    tr '\n' '/')
judge "--help's groups: targets, connect, wait, output, information" \
    "$([ "$heads" = "Targets/Connect/Wait, repeat and succeed/Output/Information/Exit status/" ] ||
    echo "$heads")" "the headings are: "

manopts=$(man_options)
helpopts=$(printf '%s\n' "$opts" | awk '$1 != "-" { print $1 } { print $2 }')
# Word splitting of the lists is wanted: each option is one word.
# shellcheck disable=SC2086
judge "every option of --help is in the man page's OPTIONS" \
    "$(missing_from "$manopts" $helpopts)" "missing in $MAN:"
# shellcheck disable=SC2086
judge "every option of the man page's OPTIONS is in --help" \
    "$(missing_from "$helpopts" $manopts)" "the man page has, --help lacks:"

# Each option's argument has the same name in --help and the man page.
wrong=
while read -r s l a; do
	[ "$a" = - ] && continue
	line=$(section OPTIONS | grep -E -- "^\.It .*Fl -${l#--}( |$)")
	case " $line " in
	*" Ar $a "*) ;;
	*) wrong="$wrong $l $a (man: ${line:-none})" ;;
	esac
done <<EOF
$opts
EOF
judge "option arguments are named alike in --help and the man page" \
    "$wrong" "differ:"

# The README shows each option as --help does: "-x, --long" or "--long".
missing=
while read -r s l a; do
	if [ "$s" = - ]; then
		want=$l
	else
		want="$s, $l"
	fi
	grep -qF -- "$want" "$README" || missing="$missing '$want'"
done <<EOF
$opts
EOF
judge "every option of --help is in the README" "$missing" \
    "missing in $README:"

# --- exit statuses ------------------------------------------------------

exits=$(help_exits)
codes=$(printf '%s\n' "$exits" | awk '{ printf "%s ", $1 }')
judge "--help lists the exit statuses 0 to 13, 126 and 127" \
    "$([ "$codes" = "0 1 2 3 4 5 6 7 8 9 10 11 12 13 126 127 " ] || echo "$codes")" \
    "it lists: "

# The names agree with the enum of src/exitcode.h, code for code.
enum=$(sed -n 's/^[[:space:]]*ISOCK_EXIT_[A-Z_]* = \([0-9]*\),.*/\1/p' \
    "$EXITCODE" | awk '$1 < 128 { printf "%s ", $1 }')
judge "--help's exit statuses are those of src/exitcode.h" \
    "$([ "$enum" = "$codes" ] || echo "$enum, --help: $codes")" \
    "exitcode.h: "

exitsec=$(section 'EXIT STATUS')
missing=
while read -r code name; do
	printf '%s\n' "$exitsec" | grep -qx -- ".It $code $name" ||
	    missing="$missing '$code $name'"
done <<EOF
$exits
EOF
printf '%s\n' "$exitsec" | grep -q '^\.It 128+N ' ||
    missing="$missing '128+N'"
judge "the man page's EXIT STATUS has each status of --help" \
    "$missing" "no '.It CODE NAME' line for:"

missing=
while read -r code name; do
	grep -qE -- "^\| *$code *\| *$name *\|" "$README" ||
	    missing="$missing '$code $name'"
done <<EOF
$exits
EOF
grep -qE '^\| *128\+N *\|' "$README" || missing="$missing '128+N'"
judge "the README's exit-status table has each status of --help" \
    "$missing" "no '| CODE | NAME |' row for:"

# The JSON outcome of a failure is the name of its exit status in lower
# case with '_' for ' ' (1 and 3 to 13 but 11, which --invert gives to a
# target that connected): the man page's -j list has each.
outwords=$(awk '/^\.Li outcome$/ { on = 1 } on && /^\.Li / { print $2 }
	on && /^counts the results/ { exit }' "$MAN")
missing=
while read -r code name; do
	case $code in 0|2|11|12[6-9]) continue ;; esac
	w=$(printf '%s' "$name" | tr 'A-Z ' 'a-z_')
	printf '%s\n' "$outwords" | grep -qx -- "$w" || missing="$missing $w"
done <<EOF
$exits
EOF
judge "the man page's JSON outcome words hold each failure's exit-status name" \
    "$missing" "missing:"

# --- diagnostics --------------------------------------------------------

# The errors the tool explains, as --list-errors prints its table: one a
# line, "NAME NUMBER STATUS summary".  (Before the tool had that option,
# this read the ERR()/EAI() entries of src/explain.c; the option is the
# table the tool really uses, numbers and statuses included.)
run "$ISOCK" --list-errors
entries=$(printf '%s\n' "$out" |
    awk '$1 ~ /^E[A-Z0-9_]+$/ && $2 ~ /^-?[0-9]+$/ && $3 ~ /^[0-9]+$/ {
	print $1, $2, $3 }')
names=$(printf '%s\n' "$entries" | awk 'NF { print $1 }')
judge "--list-errors exits 0 with the table of explanations" \
    "$([ "$rc" = 0 ] && [ -n "$names" ] || echo "exit status $rc; $out $err")" \
    "no line 'NAME NUMBER STATUS summary': "

diag=$(section DIAGNOSTICS)
diagnames=$(printf '%s\n' "$diag" |
    sed -n 's/^\.It Er \(E[A-Z0-9_]*\).*/\1/p' | sort -u)
# shellcheck disable=SC2086
judge "the man page's DIAGNOSTICS has every entry of the table" \
    "$(missing_from "$diagnames" $names)" "no '.It Er NAME' line for:"
# shellcheck disable=SC2086
judge "the man page's DIAGNOSTICS has no entry the table lacks" \
    "$(missing_from "$names" $diagnames)" "not in --list-errors:"

# Each DIAGNOSTICS line gives the entry's number on this system and its exit
# status: ".It Er NAME No (NUMBER), exit STATUS".
wrong=
while read -r n num status; do
	[ -n "$n" ] || continue
	want=".It Er $n No ($num), exit $status"
	printf '%s\n' "$diag" | grep -qxF -- "$want" ||
	    wrong="$wrong
$n: expected '$want'"
done <<EOF
$entries
EOF
judge "DIAGNOSTICS gives each entry's number and exit status" "$wrong" \
    "differ:"

# --- version ------------------------------------------------------------

version=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' \
    "$SRCDIR/configure.ac")
run "$ISOCK" --version
expect "--version prints the version of configure.ac ($version)" 0 \
    "^isock-connect $(printf '%s' "$version" | sed 's/\./\\./g')\$"

# --version then lists what this build has, one feature a line, as curl -V
# does: "  NAME  yes (LIBRARY)..." or "  NAME  no...".  The build's own
# binary must say what configure found (BUILD_LIBMNL, BUILD_NFTNL,
# BUILD_LIBCURL); another
# (the static one) must still say yes or no for each.
feature() {
	printf '%s\n' "$out" | sed -n "s/^  $1  *\(yes\|no\)\b.*/\1/p"
}
run "$ISOCK" --version
bad=
for f in 'netlink facts' 'nftables trace' 'TLS and HTTP'; do
	[ -n "$(feature "$f")" ] || bad="$bad '$f'"
done
judge "--version says yes or no for each feature" "$bad" \
    "no '  NAME  yes|no' line in: $out; missing:"
if [ "$ISOCK" = "${BUILD_ISOCK:-}" ]; then
	bad=
	[ "$(feature 'netlink facts')" = "${BUILD_LIBMNL:-}" ] ||
	    bad="$bad netlink facts: configure found libmnl: ${BUILD_LIBMNL:-?};"
	[ "$(feature 'nftables trace')" = "${BUILD_NFTNL:-}" ] ||
	    bad="$bad nftables trace: configure found libnftnl: ${BUILD_NFTNL:-?};"
	[ "$(feature 'TLS and HTTP')" = "${BUILD_LIBCURL:-}" ] ||
	    bad="$bad TLS and HTTP: configure found libcurl: ${BUILD_LIBCURL:-?};"
	judge "--version's features are those configure found" "$bad" \
	    "$out:"
else
	skip "--version's features are those configure found" \
	    "not the build's own binary"
fi

plan "$tap_n"
