# SPDX-License-Identifier: ISC
# contrib/fleet-table.jq: which host reaches what, as one table, from the
# JSON Lines of isock-connect run on many hosts by Ansible (ad hoc):
#
#   ansible all -m command --tree fleet \
#       -a 'isock-connect -j -w 2 db.internal:5432 cache.internal:6379 udp://dns.internal:53 unix:/run/app/app.sock'
#   jq -n -r -f contrib/fleet-table.jq fleet/* | column -t -s "$(printf '\t')"
#
# Ansible's --tree writes one JSON file per host, named after it, with the
# command's standard output in "stdout" (also when the command failed: a
# failure is a row like any other).  Output: a header line (host, then one
# column per target: HOST:PORT for TCP, udp://HOST:PORT for UDP, unix:PATH
# for a Unix socket), then a line per host with each target's outcome
# (connected, refused, timed_out, unreachable, not_found, ...),
# tab-separated; "-" where a host did not report on a target.  A host
# Ansible could not reach (ssh failed: "unreachable": true in its file)
# has "(not reached by ansible)" in every column, and a host where the
# command printed no JSON (isock-connect missing: rc 127) "(no JSON, rc
# N)": neither is an outcome of isock-connect's, whose own "unreachable"
# means that the host running it had no route to the target.

# The result objects of one host's output.
def results:
	(.stdout // "") | split("\n")[] | select(startswith("{"))
	| fromjson | select(.kind == "result");

# The column name of a result.
def column:
	if .family == "unix" then "unix:\(.path)"
	elif .socktype == "dgram" then "udp://\(.host):\(.port)"
	else "\(.host):\(.port)" end;

[inputs | {host: (input_filename | split("/") | last),
	cells: [results | {key: column, value: .outcome}] | from_entries,
	none: (if .unreachable == true then "(not reached by ansible)"
		else "(no JSON, rc \(.rc // "?"))" end)}]
| (map(.cells | keys[]) | unique) as $targets
| (["host"] + $targets | @tsv),
  (sort_by(.host)[] as $h
	| [$h.host] + [$targets[] | if $h.cells == {} then $h.none
		else ($h.cells[.] // "-") end]
	| @tsv)
