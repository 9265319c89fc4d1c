# SPDX-License-Identifier: ISC
# bench/stats.sh: the figures' helpers of bench/run and bench/reactor.

# The median of the numbers on standard input (the lower middle one).
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# A / B with two decimals, "-" when B is 0 or either is empty.
ratio() {
	awk -v a="${1:-}" -v b="${2:-}" 'BEGIN {
		if (a == "" || b == "" || b + 0 == 0) print "-"
		else printf "%.2f", a / b }'
}

# "yes" when A <= B (numbers), else "**no**".
le() {
	awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 <= b + 0) ? "yes" : "**no**" }'
}
