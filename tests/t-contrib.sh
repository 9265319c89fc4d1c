#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/t-contrib.sh: the examples of contrib/, run as far as this machine
# allows.  The static binary (make static) stands in a root of its own, as
# in the FROM scratch image, entered by chroot as the image's USER with an
# empty environment (env -i: exec form, no shell) inside a network
# namespace of the test's own, where listeners on 127.0.0.1 play the
# database (5432), the cache (6379) and the application (8080), and
# /etc/hosts the names.  Each command is read from its file: the
# Dockerfile's ENTRYPOINT, CMD and the HEALTHCHECK its comment shows,
# compose's and Kubernetes' command arrays, the systemd unit's
# ExecStartPre= (and systemd-analyze verify), the GitHub Actions wait step,
# and the Ansible command of contrib/fleet-table.jq, whose table is checked
# on the JSON Lines of hosts with TCP, UDP and Unix targets and of a host
# Ansible could not reach.  The YAML files are parsed (python3's yaml
# module; skipped without it).  Skipped without musl-gcc or the static
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
plan 28

# judge NAME PROBLEMS: NAME passes when PROBLEMS is empty, else fails
# saying them.
judge() {
	if [ -z "$2" ]; then pass "$1"; else fail "$1" "$2"; fi
}

# The image's root, built from the final stage of the Dockerfile: each
# COPY of it, the build stage's /src being the build tree and its other
# paths this system's.  The binary is also where the other examples put
# it, /usr/local/bin.
root=$tmp/root
mkdir -p "$root/etc" "$root/usr/local/bin"
df=$tmp/Dockerfile
sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$C/Dockerfile" >"$df"
awk '/^FROM / { n = NR } END { print n }' "$df" >"$tmp/last"
sed -n "$(cat "$tmp/last"),\$p" "$df" >"$tmp/final"
sed -n 's/^COPY //p' "$tmp/final" |
while read -r a b c; do
	case $a in
	--from=build)
		case $b in
		/src/*) src=$(dirname "$ISOCK")/../${b#/src/} ;;
		*) src=$b ;;
		esac
		dst=$c ;;
	*) src=$SRCDIR/$a dst=$b ;;
	esac
	mkdir -p "$root$(dirname "$dst")"
	cp "$src" "$root$dst"
done
cp "$static" "$root/usr/local/bin/isock-connect"
printf '127.0.0.1 localhost db postgres db.internal\n' >"$root/etc/hosts"

# the image holds the binary, the health targets and /etc/services.
if [ -x "$root/isock-connect" ] &&
    [ -f "$root/etc/isock-connect/health.targets" ] &&
    grep -q '^postgresql[[:space:]]*5432/tcp' "$root/etc/services"; then
	pass "Dockerfile: the final stage's COPY lines give the root, /etc/services too"
else
	fail "Dockerfile: the final stage's COPY lines give the root, /etc/services too" \
	    "$(cd "$root" && find . | sort)"
fi

# an unprivileged user, by number (FROM scratch has no /etc/passwd).
user=$(sed -n 's/^USER  *\([0-9][0-9]*\(:[0-9][0-9]*\)\{0,1\}\) *$/\1/p' \
    "$tmp/final")
case $user in
''|0|0:*) fail "Dockerfile: the image runs as an unprivileged USER" \
    "USER of the final stage: '$(grep '^USER' "$tmp/final")'" ;;
*) pass "Dockerfile: the image runs as an unprivileged USER ($user)" ;;
esac
case $user in *:*) ;; ?*) user=$user:$user ;; *) user=65534:65534 ;; esac

# a one-shot image bakes no HEALTHCHECK; the comment shows one to add.
hc=$(sed -n 's/^#  *HEALTHCHECK .*[[:space:]]CMD[[:space:]]*\(\[.*\]\)$/\1/p' \
    "$df")
if grep -q '^HEALTHCHECK' "$df" || [ -z "$hc" ]; then
	fail "Dockerfile: no baked HEALTHCHECK; its comment shows one" \
	    "$(grep -n 'HEALTHCHECK' "$df")"
else
	pass "Dockerfile: no baked HEALTHCHECK; its comment shows one"
fi

# the size the comments give is the binary's, give or take a tenth.
size=$(wc -c <"$static")
bad=
for f in Dockerfile kubernetes.yaml; do
	for kb in $(sed -n 's/.*about \([0-9][0-9]*\) KB.*/\1/p' "$C/$f"); do
		[ $((kb * 1024 * 10)) -ge $((size * 9)) ] &&
		    [ $((kb * 1024 * 10)) -le $((size * 11)) ] ||
		    bad="$bad $f says about $kb KB;"
	done
done
judge "the size in the comments is the binary's ($size bytes)" "$bad"

# words JSON-ARRAY: its strings, one a line.
words() { printf '%s\n' "$1" | jq -r '.[]'; }
# img ARG...: ARGs in the root as the image's user, environment empty (but
# PATH=$img_path when that is set), in the namespace.
chroot=$(command -v chroot) || skip_all "chroot (coreutils) is missing"
img_path=
img() {
	run ip netns exec "$ns" env -i ${img_path:+PATH=$img_path} \
	    "$chroot" --userspec="$user" "$root" "$@"
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

# ENTRYPOINT and CMD, exec form.
entry=$(sed -n 's/^ENTRYPOINT //p' "$df")
cmd=$(sed -n 's/^CMD //p' "$df")
{ words "$entry"; words "$cmd"; } >"$tmp/argv"
img_words "$tmp/argv"
expect "Dockerfile: ENTRYPOINT and CMD (--help)" 0 "^usage: isock-connect"

# the health check to add, unhealthy while nothing listens on 8080,
# with the diagnosis in its output (what docker inspect shows); then
# healthy.
words "$hc" >"$tmp/hc"
img_words "$tmp/hc"
expect "Dockerfile: the HEALTHCHECK fails while 8080 is closed, saying why" \
    1 '' "refused.*ECONNREFUSED"

# systemd's drain (--invert): nothing accepts on 8080 yet, so it passes.
sed -n 's/^ExecStartPre=\(.*--invert.*\)$/\1/p' "$C/app.service" |
    tr ' ' '\n' >"$tmp/argv"
img_words "$tmp/argv"
expect "app.service: the drain ExecStartPre= (--invert, 8080 closed)" 0 \
    "not accepting: .*ECONNREFUSED"
listen 8080
img_words "$tmp/hc"
expect "Dockerfile: the HEALTHCHECK passes once 8080 listens" 0

# compose: wait-db through the image's entrypoint; app's health test.
listen 5432
listen 6379
# a service name, read from the image's /etc/services.
img /isock-connect -w 2 db postgresql
expect "Dockerfile: a service name resolves in the image (db postgresql)" \
    0 "connected to db"
{ words "$entry"; words "$(sed -n 's/^ *command: //p' "$C/compose.yaml")"; } \
    >"$tmp/argv"
img_words "$tmp/argv"
expect "compose.yaml: wait-db (db:5432 listens)" 0 "connected to db"
words "$(sed -n 's/^ *test: //p' "$C/compose.yaml")" | sed 1d >"$tmp/argv"
img_words "$tmp/argv"
expect "compose.yaml: app's healthcheck" 0

# compose: the worker's entrypoint waits, then becomes the worker (the
# image's binary with --version stands in for /app/worker).
words "$(sed -n 's/^ *entrypoint: //p' "$C/compose.yaml")" |
    sed 's|^/app/worker$|/usr/local/bin/isock-connect|' >"$tmp/argv"
echo --version >>"$tmp/argv"
img_words "$tmp/argv"
expect "compose.yaml: worker's entrypoint waits, then runs -- COMMAND" 0 \
    "^isock-connect [0-9]"

# Kubernetes: the initContainer's args, the readiness probe.
{ words "$entry"; words "$(sed -n 's/^ *args: //p' "$C/kubernetes.yaml")"; } \
    >"$tmp/argv"
img_words "$tmp/argv"
expect "kubernetes.yaml: initContainer (postgres:5432 listens)" 0 \
    "connected to postgres"
words "$(sed -n 's/^ *command: //p' "$C/kubernetes.yaml")" >"$tmp/argv"
img_words "$tmp/argv"
expect "kubernetes.yaml: readinessProbe" 0

# no health check hides its diagnosis behind -q.
bad=$(grep -n '"-q"' "$C/compose.yaml" "$C/kubernetes.yaml" "$C/Dockerfile")
judge "health checks and probes keep the diagnosis (no -q)" "$bad"

# the YAML files parse, and say what a real deployment needs: an
# image to build (compose), a registry and a tag pulled IfNotPresent
# (Kubernetes), a workflow that installs the package rather than
# bootstrapping in the user's checkout (GitHub Actions).
if command -v python3 >/dev/null 2>&1 &&
    python3 -c 'import yaml' >/dev/null 2>&1; then
	for f in compose.yaml kubernetes.yaml github-actions.yml; do
		run python3 -c 'import sys, yaml
list(yaml.safe_load_all(open(sys.argv[1])))' "$C/$f"
		expect "$f: YAML that parses" 0
	done
	run python3 - "$C/compose.yaml" <<'EOF'
import sys, yaml
s = yaml.safe_load(open(sys.argv[1]))["services"]
for name, svc in s.items():
    if str(svc.get("image", "")).startswith("isock-connect"):
        b = svc.get("build") or sys.exit(name + " has no build:")
        if b.get("dockerfile") != "contrib/Dockerfile" or b.get("context") != "..":
            sys.exit(name + ": build: is not .. and contrib/Dockerfile")
        print(name, "builds", svc["image"])
EOF
	expect "compose.yaml: the isock-connect image is built, not pulled" 0 \
	    'wait-db builds'
	run python3 - "$C/kubernetes.yaml" <<'EOF'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))["spec"]["template"]["spec"]
for c in d.get("initContainers", []) + d["containers"]:
    ref = c["image"]
    first, _, rest = ref.partition("/")
    if not rest or not ("." in first or ":" in first):
        sys.exit(c["name"] + ": no registry in " + ref)
    if ":" not in rest or ref.endswith(":latest"):
        sys.exit(c["name"] + ": no version tag in " + ref)
    if c.get("imagePullPolicy") != "IfNotPresent":
        sys.exit(c["name"] + ": imagePullPolicy is not IfNotPresent")
    print(c["name"], ref)
EOF
	expect "kubernetes.yaml: images name a registry and a tag, IfNotPresent" 0
else
	for f in compose.yaml kubernetes.yaml github-actions.yml; do
		skip "$f: YAML that parses" "python3's yaml is missing (Debian: python3-yaml)"
	done
	skip "compose.yaml: the isock-connect image is built, not pulled" \
	    "python3's yaml is missing (Debian: python3-yaml)"
	skip "kubernetes.yaml: images name a registry and a tag, IfNotPresent" \
	    "python3's yaml is missing (Debian: python3-yaml)"
fi

# systemd: the unit verifies, and ExecStartPre= connects.
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
	skip "app.service: systemd-analyze verify" \
	    "systemd-analyze is missing (Debian: systemd)"
fi
sed -n 's/^ExecStartPre=\(.*db\.internal.*\)$/\1/p' "$C/app.service" |
    tr ' ' '\n' >"$tmp/argv"
img_words "$tmp/argv"
expect "app.service: ExecStartPre= (db.internal:5432 listens)" 0

# GitHub Actions: the job builds nothing in the user's checkout, it
# installs the package; the wait step runs the installed tool (here: the
# build's, on PATH) by the shell.
bad=$(grep -v '^ *#' "$C/github-actions.yml" |
    grep -e '\./bootstrap' -e '\./configure' -e 'make ')
grep -q 'apt-get install .*\.deb' "$C/github-actions.yml" ||
    bad="$bad no apt-get install of the .deb"
judge "github-actions.yml: installs the .deb, builds nothing in the checkout" \
    "$bad"
step=$(sed -n 's/^ *run: \(isock-connect .*\)$/\1/p' "$C/github-actions.yml")
run ip netns exec "$ns" env PATH="$(dirname "$ISOCK"):$PATH" sh -c "$step"
expect "github-actions.yml: the wait step" 0 'connected'

# the fleet: the Ansible command on two hosts (web2's db.internal
# is an address where nothing listens, and it has no Unix socket), a third
# that Ansible could not reach, the files --tree would write, and
# fleet-table.jq's table.
acmd=$(sed -n "s/^# *-a '\\(.*\\)'\$/\\1/p" "$C/fleet-table.jq")
mkdir -p "$tmp/fleet" "$root/run/app"
ns_listen uport -U "$root/run/app/app.sock" -t 120 ||
    { echo "Bail out! $listener_err"; exit 99; }
chmod 777 "$root/run/app/app.sock"
for h in web1 web2; do
	if [ $h = web2 ]; then
		printf '127.0.0.2 db.internal\n127.0.0.1 cache.internal dns.internal\n'
		mv "$root/run/app/app.sock" "$root/run/app/gone.sock"
	else
		printf '127.0.0.1 db.internal cache.internal dns.internal\n'
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
printf '%s\n' '{"changed": false, "failed": true, "rc": 127, "stdout": "", "msg": "[Errno 2] No such file or directory"}' \
    >"$tmp/fleet/web4"
run jq -n -r -f "$C/fleet-table.jq" "$tmp/fleet/web1" "$tmp/fleet/web2" \
    "$tmp/fleet/web3" "$tmp/fleet/web4"
tab=$(printf '\t')
want="host${tab}cache.internal:6379${tab}db.internal:5432${tab}udp://dns.internal:53${tab}unix:/run/app/app.sock
web1${tab}connected${tab}connected${tab}connected${tab}connected
web2${tab}connected${tab}refused${tab}connected${tab}not_found
web3${tab}(not reached by ansible)${tab}(not reached by ansible)${tab}(not reached by ansible)${tab}(not reached by ansible)
web4${tab}(no JSON, rc 127)${tab}(no JSON, rc 127)${tab}(no JSON, rc 127)${tab}(no JSON, rc 127)"
if [ "$rc" = 0 ] && [ "$out" = "$want" ]; then
	pass "fleet-table.jq: one table of which host reaches what"
	printf '%s\n' "$out" | sed 's/^/# /'
else
	fail "fleet-table.jq: one table of which host reaches what" \
	    "exit $rc" "got:" "$out" "want:" "$want" "$err"
fi
printf '%s\n' "$out" | grep -qw unreachable
judge "fleet-table.jq: a host Ansible could not reach is not called unreachable" \
    "$([ $? != 0 ] || echo "$out")"
