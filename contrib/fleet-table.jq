# SPDX-License-Identifier: ISC
# contrib/fleet-table.jq: which host reaches what, as one table, from the
# JSON Lines of isock-connect run on many hosts by Ansible (ad hoc):
#
#   ansible all -m command --tree fleet \
#       -a 'isock-connect -j -w 2 db.internal:5432 cache.internal:6379'
#   jq -n -r -f contrib/fleet-table.jq fleet/* | column -t -s "$(printf '\t')"
#
# Ansible's --tree writes one JSON file per host, named after it, with the
# command's standard output in "stdout" (also when the command failed: a
# failure is a row like any other).  A host Ansible could not reach has
# "unreachable": true and gets that word in every column.  Output: a
# header line (host, then one column per target as HOST:PORT, or the path
# of a Unix socket), then a line per host with each target's outcome
# (connected, refused, timed out, ...), tab-separated; "-" where a host
# did not report on a target.

# The result objects of one host's output.
def results:
	(.stdout // "") | split("\n")[] | select(startswith("{"))
	| fromjson | select(.kind == "result");

# The column name of a result.
def column: if .port == null then .host else "\(.host):\(.port)" end;

[inputs | {host: (input_filename | split("/") | last),
	unreachable: (.unreachable == true),
	cells: [results | {key: column, value: .outcome}] | from_entries}]
| (map(.cells | keys[]) | unique) as $targets
| (["host"] + $targets | @tsv),
  (sort_by(.host)[] as $h
	| [$h.host] + [$targets[] | if $h.unreachable then "unreachable"
		else ($h.cells[.] // "-") end]
	| @tsv)
