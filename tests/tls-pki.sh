# SPDX-License-Identifier: ISC
# tests/tls-pki.sh: the certificates of the TLS tests, sourced by
# tests/t-tls.sh and tests/t-examples.sh (after tests/tap.sh).
#
# tls_pki DIR CA_NAME: makes in DIR, with openssl, a root CA (ca.pem,
# ca.key, subject "CN=CA_NAME", 30 days) and, for the key leaf.key and
# the request leaf.csr of "CN=localhost":
#   leaf.pem     valid for 10 days from now, names localhost and 127.0.0.1
#   expired.pem  valid from 2025-01-01 to 2025-11-01 00:00:00 UTC
# and other.pem/other.key (CN=other.example, names other.example and
# www.other.example, 10 days) and self.pem/self.key (self-signed,
# CN=localhost, 10 days).  ca.cnf, index.txt and serial are there for
# more `tls_pki_ca` certificates with explicit dates.  openssl's output
# goes to DIR/openssl.log; a failure bails out (exit 99) with its end.

# tls_pki_run ARGS...: openssl ARGS, its output logged, bailing out on failure.
tls_pki_run() {
	openssl "$@" >>openssl.log 2>&1 || {
		echo "Bail out! openssl $*: $(tail -n 3 openssl.log)"
		exit 99
	}
}

# tls_pki_ca CSR OUT START END EXT: OUT signed by the CA for CSR, valid
# from START to END (openssl's YYYYMMDDHHMMSSZ), extensions from EXT.
tls_pki_ca() {
	tls_pki_run ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key \
		-in "$1" -out "$2" -startdate "$3" -enddate "$4" -extfile "$5" -notext
}

tls_pki() {
	(
	cd "$1" || exit 99
	tls_pki_run req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem \
		-days 30 -subj "/CN=$2"
	tls_pki_run req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr \
		-subj "/CN=localhost"
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >leaf.ext
	tls_pki_run x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key \
		-CAcreateserial -out leaf.pem -days 10 -extfile leaf.ext
	# Explicit dates through openssl ca (x509 -days cannot go back in time).
	cat >ca.cnf <<EOF
[ca]
default_ca = d
[d]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = p
unique_subject = no
[p]
commonName = supplied
EOF
	: >index.txt
	echo 01 >serial
	tls_pki_ca leaf.csr expired.pem 20250101000000Z 20251101000000Z leaf.ext
	tls_pki_run req -newkey rsa:2048 -nodes -keyout other.key -out other.csr \
		-subj "/CN=other.example"
	printf 'subjectAltName=DNS:other.example,DNS:www.other.example\n' >other.ext
	tls_pki_run x509 -req -in other.csr -CA ca.pem -CAkey ca.key \
		-CAcreateserial -out other.pem -days 10 -extfile other.ext
	tls_pki_run req -x509 -newkey rsa:2048 -nodes -keyout self.key \
		-out self.pem -days 10 -subj "/CN=localhost" \
		-addext "subjectAltName=DNS:localhost"
	) || exit $?
}
