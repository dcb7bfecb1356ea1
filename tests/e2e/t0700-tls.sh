#!/bin/sh
# TLS against the Synapse emulator serving HTTPS: verification of the server's certificate (chain and
# host name) is always on, ca_file adds a CA, client_cert/client_key do mutual TLS, and a refused
# connection never reaches the application. Certificates are made here with the openssl CLI.
. "$(dirname "$0")/lib.sh"

command -v openssl >/dev/null || { say "not ok - the openssl command is needed to make test certificates"; exit 1; }

# --- certificates: a CA; server certificates for localhost (SAN DNS:localhost, IP:127.0.0.1) and for
# wrong.example signed by it; a self-signed localhost certificate; a client certificate from the CA.
C="$T/tls"
mkdir -p "$C"
cat >"$C/openssl.cnf" <<'CNF'
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[localhost]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[wrong]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
# make_cert NAME CN EXTENSIONS [CA]: EC P-256 key NAME.key (mode 0600) and certificate NAME.crt,
# self-signed without CA, else signed by CA.crt/CA.key.
make_cert() {
	set -- "$@" ""
	if [ -z "$4" ]; then
		openssl req -config "$C/openssl.cnf" -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$C/$1.key" -out "$C/$1.crt" -days 2 -subj "/CN=$2" -extensions "$3"
	else
		openssl req -config "$C/openssl.cnf" -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$C/$1.key" -out "$C/$1.csr" -subj "/CN=$2" &&
			openssl x509 -req -in "$C/$1.csr" -CA "$C/$4.crt" -CAkey "$C/$4.key" \
				-set_serial "0x$(openssl rand -hex 8)" -days 2 -extfile "$C/openssl.cnf" \
				-extensions "$3" -out "$C/$1.crt"
	fi && chmod 600 "$C/$1.key"
}
if ! { make_cert ca "msgadm test CA" ca && make_cert server localhost localhost ca &&
	make_cert wrong wrong.example wrong ca && make_cert self localhost localhost &&
	make_cert client msgadm-client client ca; } >"$C/openssl.log" 2>&1; then
	say "not ok - making the test certificates with openssl"; sed 's/^/#   /' "$C/openssl.log"; exit 1
fi
cp "$C/client.key" "$C/client-open.key"
chmod 644 "$C/client-open.key"

# --- emulators: one per server certificate, and one that requires client certificates.
# start_tls_emu NAME CERT [extra flags]: like start_synapse_emu in lib.sh, on 127.0.0.1 with TLS; sets
# NAME_PORT; its stderr (one line per failed handshake) goes to $T/NAME.log.
TLS_PIDS=
tls_cleanup() {
	for p in $TLS_PIDS; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	cleanup
}
trap tls_cleanup EXIT INT TERM
umask 077
printf 'syt_admin_tls_%s\n' "$$" >"$T/admin.token"
umask 022
TOKEN=$(cat "$T/admin.token")
start_tls_emu() {
	name=$1 cert=$2
	shift 2
	python3 "$TOP/tests/emu/synapse_emu.py" --port 0 --port-file "$T/$name.port" --server-name example.test \
		--admin-token-file "$T/admin.token" --tls-cert "$C/$cert.crt" --tls-key "$C/$cert.key" "$@" \
		>"$T/$name.log" 2>&1 &
	TLS_PIDS="$TLS_PIDS $!"
}
wait_tls_emu() {
	for name in "$@"; do
		i=0
		while [ ! -s "$T/$name.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		if [ ! -s "$T/$name.port" ]; then
			say "not ok - the Synapse emulator with TLS ($name) did not start"; cat "$T/$name.log"; exit 1
		fi
		eval "${name}_PORT=\$(cat \"\$T/\$name.port\")"
	done
}
start_tls_emu good server
start_tls_emu wrong wrong
start_tls_emu self self
start_tls_emu mtls server --client-ca "$C/ca.crt"
wait_tls_emu good wrong self mtls

cat >"$MSGADM_CONFIG" <<CFG
current_context: tls-ip
contexts:
  - {name: tls-ip, driver: synapse, url: "https://127.0.0.1:$good_PORT", server: example.test, token_file: $T/admin.token, retries: 2, ca_file: $C/ca.crt}
  - {name: tls-localhost, driver: synapse, url: "https://localhost:$good_PORT", server: example.test, token_file: $T/admin.token, retries: 2, ca_file: $C/ca.crt}
  - {name: no-ca, driver: synapse, url: "https://127.0.0.1:$good_PORT", server: example.test, token_file: $T/admin.token, retries: 2}
  - {name: wrong-name, driver: synapse, url: "https://localhost:$wrong_PORT", server: example.test, token_file: $T/admin.token, retries: 2, ca_file: $C/ca.crt}
  - {name: self-signed, driver: synapse, url: "https://localhost:$self_PORT", server: example.test, token_file: $T/admin.token, retries: 2, ca_file: $C/ca.crt}
  - {name: mtls, driver: synapse, url: "https://localhost:$mtls_PORT", server: example.test, token_file: $T/admin.token, retries: 2, ca_file: $C/ca.crt, client_cert: $C/client.crt, client_key: $C/client.key}
  - {name: mtls-no-cert, driver: synapse, url: "https://localhost:$mtls_PORT", server: example.test, token_file: $T/admin.token, retries: 2, ca_file: $C/ca.crt}
  - {name: mtls-open-key, driver: synapse, url: "https://localhost:$mtls_PORT", server: example.test, token_file: $T/admin.token, retries: 2, ca_file: $C/ca.crt, client_cert: $C/client.crt, client_key: $C/client-open.key}
  - {name: missing-ca, driver: synapse, url: "https://127.0.0.1:$good_PORT", server: example.test, token_file: $T/admin.token, retries: 2, ca_file: $C/missing-ca.crt}
CFG
chmod 600 "$MSGADM_CONFIG"

# requests_total NAME: the emulator's /_emu/requests total, read over its TLS listener with Python's
# ssl: trusting the test CA (and the self-signed certificate), naming the host its certificate is
# for, presenting the client certificate (only the mTLS emulator asks for it).
requests_total() {
	python3 - "$C" "$(eval "echo \$${1}_PORT")" "$([ "$1" = wrong ] && echo wrong.example || echo localhost)" <<'PY'
import http.client, json, socket, ssl, sys
certs, port, host = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(certs + "/ca.crt")
ctx.load_verify_locations(certs + "/self.crt")
ctx.load_cert_chain(certs + "/client.crt", certs + "/client.key")
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
conn.sock = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10), server_hostname=host)
conn.request("GET", "/_emu/requests")
r = conn.getresponse()
assert r.status == 200, r.status
print(json.loads(r.read())["total"])
PY
}
# refused EMU STATUS msgadm-args...: msgadm exits STATUS, with -v; no request reached EMU's application,
# and the trace shows a single attempt (a certificate problem is not retried).
refused() {
	emu_name=$1 want=$2
	shift 2
	before=$(requests_total "$emu_name") &&
		expect_status "$want" -v "$@" &&
		after=$(requests_total "$emu_name") &&
		if [ "$before" != "$after" ]; then
			echo "the request reached the application: /_emu/requests total $before -> $after"
			return 1
		fi &&
		not_in "$T/stderr" "* retrying" &&
		not_in "$T/stderr" "$TOKEN" &&
		not_in "$T/stdout" "$TOKEN"
}
# tls_error EMU PATTERN: the emulator logged a failed handshake matching PATTERN (grep -E), within 2 s
# (it logs from the connection's thread, which may run after msgadm has exited).
tls_error() {
	i=0
	while ! grep -Eq "^synapse_emu: TLS error from 127\.0\.0\.1:[0-9]+: .*$2" "$T/$1.log"; do
		[ $i -ge 20 ] && { echo "no TLS error matching '$2' in $1.log:"; cat "$T/$1.log"; return 1; }
		sleep 0.1
		i=$((i + 1))
	done
}
ERR_PREFIX='msgadm: synapse: GET /_synapse/admin/'

test_expect_success 'the test certificates: CA-signed localhost/127.0.0.1, wrong.example, self-signed, client; keys 0600' '
	openssl verify -CAfile "$C/ca.crt" "$C/server.crt" "$C/wrong.crt" "$C/client.crt" &&
	! openssl verify -CAfile "$C/ca.crt" "$C/self.crt" &&
	openssl x509 -in "$C/server.crt" -noout -ext subjectAltName | grep -q "DNS:localhost, IP Address:127.0.0.1" &&
	openssl x509 -in "$C/wrong.crt" -noout -ext subjectAltName | grep -q "DNS:wrong.example\$" &&
	for k in ca server wrong self client; do
		test "$(stat -c %a "$C/$k.key")" = 600 || { echo "$k.key: mode $(stat -c %a "$C/$k.key")"; exit 1; }
	done
'

# --- a server certificate from the CA in ca_file

test_expect_success 'https://127.0.0.1 with ca_file: server info and user list work' '
	expect_status 0 server info &&
	grep_in "$T/stdout" "https://127.0.0.1:$good_PORT" &&
	grep_in "$T/stdout" "1.67.0" &&
	expect_status 0 user list &&
	grep -Eq "^admin +Admin +yes +yes" "$T/stdout"
'
test_expect_success 'https://localhost with ca_file: server info and user list work' '
	expect_status 0 --context tls-localhost server info &&
	grep_in "$T/stdout" "https://localhost:$good_PORT" &&
	expect_status 0 --context tls-localhost user list &&
	grep -Eq "^admin +Admin +yes +yes" "$T/stdout"
'
test_expect_success 'the four requests above reached the application (emulator counters, read over TLS)' '
	test "$(requests_total good)" -eq 4
'
test_expect_success 'without ca_file (system CAs only): refused, exit 69, the message says the certificate is not trusted' '
	refused good 69 --context no-ca server info &&
	grep_in "$T/stderr" "${ERR_PREFIX}v1/server_version: failed talking to https://127.0.0.1:$good_PORT (SSL certificate problem: unable to get local issuer certificate)" &&
	test ! -s "$T/stdout" &&
	tls_error good "unknown ca"
'
test_expect_success 'without ca_file: user list refused the same way' '
	refused good 69 --context no-ca user list &&
	grep_in "$T/stderr" "SSL certificate problem: unable to get local issuer certificate"
'

# --- server certificates that must be refused

test_expect_success 'a CA-signed certificate for another name (wrong.example): refused, exit 69, names the host' '
	refused wrong 69 --context wrong-name server info &&
	grep -Eq "^${ERR_PREFIX}v1/server_version: failed talking to https://localhost:$wrong_PORT \(SSL: no alternative certificate subject name matches target host ?name .localhost.\)" "$T/stderr" ||
	{ cat "$T/stderr"; exit 1; }
'
test_expect_success 'a self-signed certificate (not from the CA in ca_file): refused, exit 69' '
	refused self 69 --context self-signed user list &&
	grep -Eq "^${ERR_PREFIX}v2/users: failed talking to https://localhost:$self_PORT \(SSL certificate problem: self.signed certificate\)" "$T/stderr" ||
	{ cat "$T/stderr"; exit 1; }
'

# --- mutual TLS

test_expect_success 'mutual TLS with client_cert and client_key: server info and user list work' '
	expect_status 0 --context mtls server info &&
	grep_in "$T/stdout" "https://localhost:$mtls_PORT" &&
	expect_status 0 --context mtls user list &&
	grep -Eq "^admin +Admin +yes +yes" "$T/stdout"
'
# Under TLS 1.3 the server judges the client certificate after the client has finished its side of
# the handshake, so its refusal reaches msgadm in one of two ways, by timing: as an alert on the first
# read (a TLS refusal: exit 69, "certificate required", no retry), or as the connection closing under
# the first write, which looks like any lost connection and is retried for a GET until an attempt sees
# the alert (69) or the attempts run out (76). Either way nothing may reach the application.
test_expect_success 'mutual TLS without a client certificate: refused, nothing reaches the application' '
	before=$(requests_total mtls) &&
	run -v --context mtls-no-cert user list; rc=$? &&
	after=$(requests_total mtls) &&
	test "$before" = "$after" &&
	case $rc in
	69) grep_in "$T/stderr" "certificate required" ;;
	76) grep_in "$T/stderr" "${ERR_PREFIX}v2/users: " ;;
	*) echo "exit $rc, wanted 69 or 76"; cat "$T/stderr"; false ;;
	esac &&
	not_in "$T/stderr" "$TOKEN" &&
	tls_error mtls "peer did not return a certificate"
'
test_expect_success 'client_key readable by others (0644): exit 78 naming the file and chmod 600, no connection made' '
	logged=$(grep -c "TLS error" "$T/mtls.log") &&
	refused mtls 78 --context mtls-open-key user list &&
	grep_in "$T/stderr" "context mtls-open-key: client_key $C/client-open.key is readable by group or others" &&
	grep_in "$T/stderr" "chmod 600 $C/client-open.key" &&
	not_in "$T/stderr" "> GET" &&
	sleep 0.3 && test "$(grep -c "TLS error" "$T/mtls.log")" = "$logged"
'

# --- configuration mistakes

test_expect_success 'ca_file that does not exist: exit 78 naming it, no request sent' '
	refused good 78 --context missing-ca user list &&
	grep_in "$T/stderr" "context missing-ca: ca_file $C/missing-ca.crt: No such file or directory" &&
	not_in "$T/stderr" "> GET"
'

# --- the token stays secret over TLS too

test_expect_success '-v over TLS: the trace shows "Authorization: Bearer <redacted>", never the token' '
	expect_status 0 -v user list &&
	grep_in "$T/stderr" "> GET https://127.0.0.1:$good_PORT/_synapse/admin/v2/users" &&
	grep_in "$T/stderr" "> Authorization: Bearer <redacted>" &&
	not_in "$T/stderr" "$TOKEN" &&
	not_in "$T/stdout" "$TOKEN" &&
	expect_status 0 -v --context mtls server info &&
	grep_in "$T/stderr" "> Authorization: Bearer <redacted>" &&
	not_in "$T/stderr" "$TOKEN" &&
	not_in "$T/stdout" "$TOKEN"
'
test_expect_success 'the emulators logged no tracebacks' '
	! grep -l Traceback "$T/good.log" "$T/wrong.log" "$T/self.log" "$T/mtls.log"
'
