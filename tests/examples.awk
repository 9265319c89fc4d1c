# SPDX-License-Identifier: ISC
# tests/examples.awk: the examples of the README and of the man page's
# EXAMPLES, for tests/t-examples.sh.  A command is a line "$ CMD" in an
# indented block of the README (four spaces) or in a .Bd -literal block
# of the man page's EXAMPLES (where \e is a backslash and a line ending in
# a backslash goes on); the lines under it, up to the next command or the
# end of the block, are its output.  Prints one record a line:
#   @ FILE:LINE      an example starts
#   $ CMD            its command
#   > TEXT           a line of its output
# Run with -v man=1 for the man page.

function flush_cmd() {
	if (cmd != "") {
		printf "@ %s:%d\n$ %s\n", FILENAME, cmdline, cmd
		cmd = ""
	}
}

function line_of(text) {
	if (man) {
		gsub(/\\e/, "\\", text)
		gsub(/\\&/, "", text)
	} else
		sub(/^    /, "", text)
	return text
}

{
	inblock = 0
	if (man) {
		if ($0 ~ /^\.Sh /) {
			section = $0
			next
		}
		if (section != ".Sh EXAMPLES")
			next
		if ($0 ~ /^\.Bd -literal/) {
			block = 1
			next
		}
		if ($0 ~ /^\.Ed/) {
			flush_cmd(); block = 0; cont = 0; incmd = 0
			next
		}
		inblock = block
	} else {
		inblock = $0 ~ /^    / || ($0 == "" && incmd)
		if (!inblock) {
			flush_cmd(); incmd = 0; cont = 0
			next
		}
	}
	if (!inblock)
		next
	text = line_of($0)
	if (cont) {	# a command going on after a backslash
		t = text
		sub(/^[ \t]+/, "", t)
		cmd = cmd " " t
		cont = cmd ~ /\\$/
		if (cont)
			sub(/[ ]*\\$/, "", cmd)
		next
	}
	if (text ~ /^\$ /) {
		flush_cmd()
		cmd = substr(text, 3)
		cmdline = FNR
		incmd = 1
		cont = cmd ~ /\\$/
		if (cont)
			sub(/[ ]*\\$/, "", cmd)
		next
	}
	if (incmd) {
		flush_cmd()
		if (text == "" && !man) {
			incmd = 0
			next
		}
		printf "> %s\n", text
	}
}

END { flush_cmd() }
