#!/bin/sh
# SPDX-License-Identifier: ISC
# t-deb.sh: make deb builds a Debian package that holds what a user needs:
# the binary (of this version, with the netlink facts), the man page, the
# bash and zsh completions where those shells look, README and NEWS; the
# installed binary runs and its man page formats; lintian finds no error.
# The package is unpacked into a temporary root (dpkg -x); .ci/run installs
# it for real.  Skipped without dpkg-buildpackage and debhelper.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
command -v dpkg-buildpackage >/dev/null 2>&1 ||
	skip_all "needs dpkg-buildpackage (Debian: apt-get install dpkg-dev)"
[ -e /usr/share/perl5/Debian/Debhelper/Dh_Lib.pm ] ||
	skip_all "needs debhelper (Debian: apt-get install debhelper)"
tap_setup
plan 10

version=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' \
    "$SRCDIR/configure.ac")
builddir=$(dirname "$(dirname "$BUILD_ISOCK")")

# The package's tests are make check's own: nocheck saves their time here;
# the build uses both cores.  (run's 30 s bound is too short for a build:
# 10 minutes here.)
timeout -k 5 600 env DEB_BUILD_OPTIONS="nocheck parallel=2" \
    make -C "$builddir" -s deb >"$tmp/deb.out" 2>"$tmp/deb.err"
rc=$?
out=$(tail -n 40 "$tmp/deb.out") err=$(tail -n 40 "$tmp/deb.err")
expect "make deb exits 0" 0
deb=$(ls "$builddir"/_deb/isock-connect_"$version"_*.deb 2>/dev/null | head -n 1)
if [ -z "$deb" ]; then
	fail "make deb leaves _deb/isock-connect_${version}_ARCH.deb" \
	    "$(ls -la "$builddir/_deb" 2>&1)" "$out" "$err"
	echo "Bail out! no package to check"
	exit 1
fi
pass "make deb leaves _deb/isock-connect_${version}_ARCH.deb"

root=$tmp/root
run dpkg -x "$deb" "$root"
list=$(cd "$root" && find . -type f | sort)
missing=
for f in ./usr/bin/isock-connect ./usr/share/man/man1/isock-connect.1.gz \
    ./usr/share/bash-completion/completions/isock-connect \
    ./usr/share/zsh/vendor-completions/_isock-connect \
    ./usr/share/doc/isock-connect/README.gz \
    ./usr/share/doc/isock-connect/NEWS.gz \
    ./usr/share/doc/isock-connect/copyright; do
	printf '%s\n' "$list" | grep -qxF -- "$f" || missing="$missing $f"
done
if [ -z "$missing" ]; then
	pass "the package holds the binary, man page, completions and docs"
else
	fail "the package holds the binary, man page, completions and docs" \
	    "missing:$missing" "it holds: $list"
fi

# Debian's zsh looks in vendor-completions, not in site-functions.
if command -v zsh >/dev/null 2>&1; then
	fp=$(zsh -fc 'print -l $fpath')
	if printf '%s\n' "$fp" | grep -qx /usr/share/zsh/vendor-completions; then
		pass "zsh's fpath has the package's completion directory"
	else
		fail "zsh's fpath has the package's completion directory" "$fp"
	fi
else
	skip "zsh's fpath has the package's completion directory" \
	    "zsh is not installed"
fi

# The Maintainer is the project's address in AUTHORS, not a placeholder
# of a reserved domain (example.org, .example, .invalid, .test).
m=$(dpkg-deb -f "$deb" Maintainer 2>&1)
if printf '%s\n' "$m" | grep -Eq '@([^>]*\.)?example\.(org|com|net)>|\.(example|invalid|test|localhost)>'; then
	fail "the Maintainer is the address in AUTHORS" "a placeholder: $m"
elif [ -z "$m" ] || ! grep -qxF -- "$m" "$SRCDIR/AUTHORS"; then
	fail "the Maintainer is the address in AUTHORS" "Maintainer: $m" \
	    "AUTHORS: $(cat "$SRCDIR/AUTHORS" 2>&1)"
else
	pass "the Maintainer is the address in AUTHORS"
fi

run "$root/usr/bin/isock-connect" --version
expect "the packaged binary runs: --version is $version" 0 \
    "^isock-connect $(printf '%s' "$version" | sed 's/\./\\./g')\$"
want_rc 0
want_out '^  netlink facts   yes'
want_out '^  nftables trace  yes'
verdict "the packaged binary reads netlink facts and traces"

run "$root/usr/bin/isock-connect" 127.0.0.1 0
expect "the packaged binary refuses port 0 as a usage error" 2 '' \
    'isock-connect: '

if command -v man >/dev/null 2>&1; then
	run env MANPAGER=cat MANWIDTH=80 man -l \
	    "$root/usr/share/man/man1/isock-connect.1.gz"
	expect "the packaged man page formats" 0 "^NAME|^N.*A.*M.*E"
else
	skip "the packaged man page formats" "man is not installed"
fi

if command -v lintian >/dev/null 2>&1; then
	# Not run's 30 s bound: lintian alone takes 20 s of CPU, and more
	# than 30 s of wall time on a loaded machine.  300 s is about hangs.
	timeout -k 5 300 lintian "${deb%.deb}.changes" >"$tmp/lint.out" \
	    2>"$tmp/lint.err"
	rc=$? out=$(cat "$tmp/lint.out") err=$(cat "$tmp/lint.err")
	errors=$(printf '%s\n%s\n' "$out" "$err" | grep '^E: ')
	if [ "$rc" = 0 ] && [ -z "$errors" ]; then
		pass "lintian reports no error"
	else
		fail "lintian reports no error" "exit status $rc" "$out" "$err"
	fi
else
	skip "lintian reports no error" "lintian is not installed"
fi
