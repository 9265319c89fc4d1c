#!/bin/sh
# SPDX-License-Identifier: ISC
# t-completion.sh: the shell completions know every option of --help, and
# the bash one completes option values and error names; zsh's compinit
# binds the zsh one to isock-connect (its #compdef line must be the first)
# and loads it (skipped without zsh).
set -u
. "${SRCDIR:-.}/tests/tap.sh"
tap_setup
plan 8

bashc="$SRCDIR/completions/isock-connect"
zshc="$SRCDIR/completions/_isock-connect"
opts=$("$ISOCK" --help | grep -Eo -- '(^| )--?[A-Za-z0-9][A-Za-z0-9-]*' | tr -d ' ' | sort -u)

for f in "$bashc" "$zshc"; do
	missing=
	for o in $opts; do
		case $o in
		--*) grep -q -- "$o\\b" "$f" || missing="$missing $o" ;;
		-?) grep -Eq -- "(^|[ '{,])$o([ ,}+']|$)" "$f" || missing="$missing $o" ;;
		esac
	done
	rc=0 out= err=
	[ -z "$missing" ] || tap_note "options of --help missing:$missing"
	verdict "$(basename "$f") lists every option of --help"
done

if command -v zsh >/dev/null 2>&1; then
	run zsh -fc 'fpath=("$1" $fpath); autoload -Uz compinit
	    compinit -u -D; print -r -- "$_comps[isock-connect]"
	    autoload -Uz +X _isock-connect' x "$(cd "$(dirname "$zshc")" && pwd)"
	expect "zsh: compinit binds isock-connect to _isock-connect, which loads" \
	    0 '^_isock-connect$'
else
	skip "zsh: compinit binds isock-connect to _isock-connect, which loads" \
	    "zsh is not installed"
fi

if ! command -v bash >/dev/null 2>&1; then
	skip "bash completes values" "bash is not installed"
	skip "bash completes error names" "bash is not installed"
	exit 0
fi
# complete_words WORD...: what the bash function offers for the last word.
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
	    _isock_connect; printf "%s\n" "${COMPREPLY[@]}"' x "$bashc" "$@"
}
rc=0 err=
out=$(complete_words "$ISOCK" -T s)
[ "$(printf '%s\n' "$out" | sort | tr '\n' ' ')" = "seqpacket stream " ] ||
	tap_note "-T s completes to '$out'"
verdict "bash completes --type values"
out=$(complete_words "$ISOCK" --explain econnref)
[ "$out" = ECONNREFUSED ] || tap_note "--explain econnref completes to '$out'"
verdict "bash completes error names after --explain"

# complete_line LINE WORD...: what the bash function offers at the end of
# LINE, whose words bash split into WORD... (COMP_WORDBREAKS splits at
# ':', so "unix:/x" is three words: unix, :, /x).
complete_line() {
	bash -c '. "$1"; COMP_LINE=$2; COMP_POINT=${#2}; shift 2;
	    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
	    _isock_connect; printf "%s\n" "${COMPREPLY[@]}"' x "$bashc" "$@"
}
mkdir "$tmp/d" && : >"$tmp/d/run.sock"
out=$(complete_line "isock-connect unix:$tmp/d/ru" "$ISOCK" unix : "$tmp/d/ru")
[ "$out" = "$tmp/d/run.sock" ] ||
	tap_note "unix:$tmp/d/ru completes to '$out', not '$tmp/d/run.sock'"
verdict "bash: unix:PATH completes the path after the colon"
out=$(complete_line "isock-connect unix://$tmp/d/ru" "$ISOCK" unix : "//$tmp/d/ru")
[ "$out" = "//$tmp/d/run.sock" ] ||
	tap_note "unix://$tmp/d/ru completes to '$out'"
verdict "bash: unix://PATH completes the path"
printf '127.0.0.1 isockhost-%s\n' $$ >"$tmp/hosts"
out=$(HOSTFILE=$tmp/hosts complete_line "isock-connect tcp://isockh" "$ISOCK" tcp : //isockh)
[ "$out" = "//isockhost-$$" ] ||
	tap_note "tcp://isockh completes to '$out', not '//isockhost-$$'"
verdict "bash: tcp://HOST completes the host after the scheme"
