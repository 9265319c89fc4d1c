#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/t-contrib.sh: the examples of contrib/, run as far as this machine
# allows.  The static binary (make static) stands in a root of its own, as
# in the FROM scratch image, entered by chroot with an empty environment
# (env -i: exec form, no shell) inside a network namespace of the test's
# own, where listeners on 127.0.0.1 play the database (5432), the cache
# (6379) and the application (8080), and /etc/hosts the names.  Each
# command is read from its file: the Dockerfile's ENTRYPOINT, CMD and
# HEALTHCHECK, compose's and Kubernetes' command arrays, the systemd unit's
# ExecStartPre= (and systemd-analyze verify), the GitHub Actions wait step,
# and the Ansible command of contrib/fleet-table.jq, whose table is checked
# on the JSON Lines of two hosts.  Skipped without musl-gcc or the static
# binary (REQUIRE_STATIC=1 makes that a failure), root or jq.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
. "${SRCDIR:-.}/tests/ns.sh"
. "${SRCDIR:-.}/tests/static.sh"
tap_setup

C=$SRCDIR/contrib
static_require
command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"
ns_setup contrib || skip_all "$ns_why"
plan 16

# The image's root, built from the final stage of the Dockerfile: each
# COPY of it, the build stage's /src being the build tree.  The binary is
# also where the other examples put it, /usr/local/bin.
root=$tmp/root
mkdir -p "$root/etc" "$root/usr/local/bin"
df=$tmp/Dockerfile
sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$C/Dockerfile" >"$df"
awk '/^FROM / { n = NR } END { print n }' "$df" >"$tmp/last"
sed -n "$(cat "$tmp/last"),\$p" "$df" | sed -n 's/^COPY //p' |
while read -r a b c; do
	case $a in
	--from=build) src=$(dirname "$ISOCK")/../${b#/src/} dst=$c ;;
	*) src=$SRCDIR/$a dst=$b ;;
	esac
	mkdir -p "$root$(dirname "$dst")"
	cp "$src" "$root$dst"
done
cp "$static" "$root/usr/local/bin/isock-connect"
printf '127.0.0.1 localhost db postgres db.internal\n' >"$root/etc/hosts"

# words JSON-ARRAY: its strings, one a line.
words() { printf '%s\n' "$1" | jq -r '.[]'; }
# img ARG...: ARGs in the root, environment empty (but PATH=$img_path
# when that is set), in the namespace.
chroot=$(command -v chroot) || skip_all "chroot (coreutils) is missing"
img_path=
img() {
	run ip netns exec "$ns" env -i ${img_path:+PATH=$img_path} \
	    "$chroot" "$root" "$@"
}
# img_words FILE: the words of FILE, one a line, as the arguments of img.
img_words() {
	iw_file=$1
	set --
	while IFS= read -r w; do set -- "$@" "$w"; done <"$iw_file"
	img "$@"
}
# listen PORT: a listener on 127.0.0.1 PORT in the namespace.
listen() {
	ns_listen lport -p "$1" -t 120 ||
		{ echo "Bail out! $listener_err"; exit 99; }
}

# 1: the image holds the binary and the health targets, nothing else.
if [ -x "$root/isock-connect" ] &&
    [ -f "$root/etc/isock-connect/health.targets" ]; then
	pass "Dockerfile: the final stage's COPY lines give the root"
else
	fail "Dockerfile: the final stage's COPY lines give the root" \
	    "$(cd "$root" && find . | sort)"
fi

# 2: ENTRYPOINT and CMD, exec form.
entry=$(sed -n 's/^ENTRYPOINT //p' "$df")
cmd=$(sed -n 's/^CMD //p' "$df")
{ words "$entry"; words "$cmd"; } >"$tmp/argv"
img_words "$tmp/argv"
expect "Dockerfile: ENTRYPOINT and CMD (--help)" 0 "^usage: isock-connect"

# 3, 5: HEALTHCHECK, unhealthy while nothing listens on 8080, then healthy.
hc=$(sed -n 's/^HEALTHCHECK .*[[:space:]]CMD[[:space:]]*\(\[.*\]\)$/\1/p' "$df")
words "$hc" >"$tmp/hc"
img_words "$tmp/hc"
expect "Dockerfile: HEALTHCHECK fails while 8080 is closed" 1

# 4: systemd's drain (--invert): nothing accepts on 8080 yet, so it passes.
sed -n 's/^ExecStartPre=\(.*--invert.*\)$/\1/p' "$C/app.service" |
    tr ' ' '\n' >"$tmp/argv"
img_words "$tmp/argv"
expect "app.service: the drain ExecStartPre= (--invert, 8080 closed)" 0 \
    "not accepting: .*ECONNREFUSED"
listen 8080
img_words "$tmp/hc"
expect "Dockerfile: HEALTHCHECK passes once 8080 listens" 0

# 6, 7: compose: wait-db through the image's entrypoint, app's health test.
listen 5432
listen 6379
{ words "$entry"; words "$(sed -n 's/^ *command: //p' "$C/compose.yaml")"; } \
    >"$tmp/argv"
img_words "$tmp/argv"
expect "compose.yaml: wait-db (db:5432 listens)" 0 "connected to db"
words "$(sed -n 's/^ *test: //p' "$C/compose.yaml")" | sed 1d >"$tmp/argv"
img_words "$tmp/argv"
expect "compose.yaml: app's healthcheck" 0

# 8: compose: the worker's entrypoint waits, then becomes the worker (the
# image's binary with --version stands in for /app/worker).
words "$(sed -n 's/^ *entrypoint: //p' "$C/compose.yaml")" |
    sed 's|^/app/worker$|/usr/local/bin/isock-connect|' >"$tmp/argv"
echo --version >>"$tmp/argv"
img_words "$tmp/argv"
expect "compose.yaml: worker's entrypoint waits, then runs -- COMMAND" 0 \
    "^isock-connect [0-9]"

# 9, 10: Kubernetes: the initContainer's args, the readiness probe.
{ words "$entry"; words "$(sed -n 's/^ *args: //p' "$C/kubernetes.yaml")"; } \
    >"$tmp/argv"
img_words "$tmp/argv"
expect "kubernetes.yaml: initContainer (postgres:5432 listens)" 0 \
    "connected to postgres"
words "$(sed -n 's/^ *command: //p' "$C/kubernetes.yaml")" >"$tmp/argv"
img_words "$tmp/argv"
expect "kubernetes.yaml: readinessProbe" 0

# 11, 12: systemd: the unit verifies, and ExecStartPre= connects.
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir -p "$tmp/unit/bin"
	cp "$static" "$tmp/unit/bin/isock-connect"
	printf '#!/bin/sh\nexit 0\n' >"$tmp/unit/bin/example-app"
	chmod +x "$tmp/unit/bin/example-app"
	sed "s|/usr/local/bin/|$tmp/unit/bin/|g" "$C/app.service" \
	    >"$tmp/unit/app.service"
	run systemd-analyze verify "$tmp/unit/app.service"
	expect "app.service: systemd-analyze verify" 0
else
	skip "app.service: systemd-analyze verify" "systemd-analyze is missing"
fi
sed -n 's/^ExecStartPre=\(.*db\.internal.*\)$/\1/p' "$C/app.service" |
    tr ' ' '\n' >"$tmp/argv"
img_words "$tmp/argv"
expect "app.service: ExecStartPre= (db.internal:5432 listens)" 0

# 13: GitHub Actions: the wait step, from the build tree, by the shell.
step=$(sed -n 's/^ *run: \(src\/isock-connect-static .*\)$/\1/p' \
    "$C/github-actions.yml")
run ip netns exec "$ns" sh -c "cd '$(dirname "$ISOCK")/..' && $step"
expect "github-actions.yml: the wait step" 0

# 14-16: the fleet: the Ansible command on two hosts (web2's db.internal
# is an address where nothing listens), a third that Ansible could not
# reach, the files --tree would write, and fleet-table.jq's table.
acmd=$(sed -n "s/^# *-a '\\(.*\\)'\$/\\1/p" "$C/fleet-table.jq")
mkdir -p "$tmp/fleet"
for h in web1 web2; do
	if [ $h = web2 ]; then
		printf '127.0.0.2 db.internal\n127.0.0.1 cache.internal\n'
	else
		printf '127.0.0.1 db.internal cache.internal\n'
	fi >"$root/etc/hosts"
	img_path=/usr/local/bin
	# shellcheck disable=SC2086
	img $acmd
	img_path=
	jq -n --arg out "$out" --argjson rc "$rc" \
	    '{changed: true, rc: $rc, stdout: $out,
	      stdout_lines: ($out | split("\n"))}' >"$tmp/fleet/$h"
	[ $h = web1 ] && expect "fleet: the Ansible command on web1" 0
	[ $h = web2 ] && expect "fleet: the Ansible command on web2" 1
done
printf '%s\n' '{"unreachable": true, "changed": false, "msg": "ssh: connect to host web3 port 22: No route to host"}' \
    >"$tmp/fleet/web3"
run jq -n -r -f "$C/fleet-table.jq" "$tmp/fleet/web1" "$tmp/fleet/web2" \
    "$tmp/fleet/web3"
tab=$(printf '\t')
want="host${tab}cache.internal:6379${tab}db.internal:5432
web1${tab}connected${tab}connected
web2${tab}connected${tab}refused
web3${tab}unreachable${tab}unreachable"
if [ "$rc" = 0 ] && [ "$out" = "$want" ]; then
	pass "fleet-table.jq: one table of which host reaches what"
	printf '%s\n' "$out" | sed 's/^/# /'
else
	fail "fleet-table.jq: one table of which host reaches what" \
	    "exit $rc" "got:" "$out" "want:" "$want" "$err"
fi
