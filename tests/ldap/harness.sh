# Real OpenLDAP servers for end-to-end tests: private instances of the Debian package's slapd (2.5 on
# bookworm), each in its own directory under $T with its own cn=config (built with slapadd, never
# /etc/ldap/slapd.d), an mdb database for dc=example,dc=test seeded with tests/ldap/seed.py (see
# tests/ldap/README.md for what is in it), on 127.0.0.1 only, on free ports, stopped by pid when the
# test script exits however it exits. The system's slapd service is never used. POSIX sh; source it
# after lib.sh:
#
#   . "$(dirname "$0")/lib.sh"
#   . "$TOP/tests/ldap/harness.sh"
#   ldap_start main                           # at top level, not inside test_expect_*
#   ldap_search main -b ou=people,dc=example,dc=test "(uid=alice)" mail
#
# Functions
#   ldap_start NAME [OPTIONS]     start an instance; NAME: letters, digits, _. On any failure prints
#                                 "not ok - slapd could not be started (NAME): REASON" with the log
#                                 tail and exits 1: never skips. OPTIONS:
#                                   --empty          only the suffix, the OUs, the password policy
#                                                    and the service account: no people, no groups
#                                   --extra LDIF     more entries, loaded by slapadd after the seed
#                                   --wrong-host     serve the certificate for the wrong host name
#                                                    from the start (see ldap_tls)
#   ldap_use NAME                 set the LDAP_* variables below to instance NAME's
#   ldap_search NAME ARGS...      ldapsearch as the admin (rootdn: no size limit applies to it!) over
#                                 LDAP_URL, -LLL, no line wrapping, base dc=example,dc=test unless
#                                 ARGS give -b; the password from its 0600 file (-y), never in argv
#   ldap_search_svc NAME ARGS...  the same as the service account: what msgadm sees (size limit,
#                                 ACLs)
#   ldap_modify NAME [ARGS...] <LDIF
#                                 ldapmodify as the admin (changetype in the LDIF; -a in ARGS to add)
#   ldap_config NAME <LDIF        ldapmodify on cn=config, over the instance's ldapi socket as root
#                                 (SASL EXTERNAL): e.g. a different olcSizeLimit for one test
#   ldap_tls NAME right|wronghost restart the server with the certificate for 127.0.0.1 (right) or
#                                 the one for wrong.example.invalid only (wronghost); same CA, ports
#   ldap_restart NAME             stop and start again: same configuration, data, ports, passwords
#   ldap_log NAME [N]             last N (40) lines of the instance's slapd.log
#   ldap_stop NAME                SIGTERM to the server's pid, up to 10 s, then SIGKILL; 0 when gone
#   ldap_stop_all                 stops every instance this script started; runs on EXIT
#
# Variables set by ldap_start and ldap_use (for the last started or chosen instance):
#   LDAP_NAME                   instance name
#   LDAP_DIR                    $T/ldap-NAME: slapd.d/ (cn=config), db/ (mdb), config.ldif,
#                               seed.ldif, slapd.log, *.pw, server.crt/server.key (what is served)
#   LDAP_URL  LDAP_PORT         ldap://127.0.0.1:PORT (StartTLS available on it), its port
#   LDAPS_URL LDAPS_PORT        ldaps://127.0.0.1:PORT, its port
#   LDAPI_URL                   ldapi:// URL of the instance's socket (root's SASL EXTERNAL: manage)
#   LDAP_BASE                   dc=example,dc=test
#   LDAP_CA                     CA certificate (PEM) that signed the server's certificates
#   LDAP_CA_WRONG               another CA's certificate: verifying the server with it must fail
#   LDAP_BIND_DN                cn=msgadm,ou=services,dc=example,dc=test, the read-only service account
#   LDAP_BIND_PW_FILE           its password, 0600, no newline at the end (ldap tools' -y reads the
#                               whole file)
#   LDAP_ADMIN_DN               cn=admin,dc=example,dc=test (rootdn)
#   LDAP_ADMIN_PW_FILE          its password, 0600, no newline at the end
#   LDAP_PID                    pid of slapd (a child of the test script, in the foreground: -d stats)
#   LDAP_START_MS               milliseconds from the first slapadd to the server answering a search
# and exported per instance: LDAP_URL_<NAME>, LDAPS_URL_<NAME>, LDAP_DIR_<NAME>, LDAP_PID_<NAME>.
# The certificates are made once per test script with openssl (EC P-256), in $T/ldap-tls.
# Optional inputs: LDAP_START_TIMEOUT (10 s) bounds the wait for the server; LDAP_HARNESS_DIR
# (default $TOP/tests/ldap) is where seed.py and ad-schema.ldif are, for scripts outside the tree.
# A server (re)started inside a test block (ldap_restart, ldap_tls, a second ldap_start there) is the
# child of that block's subshell: once stopped, PID 1 reaps it, so its pid may stay a zombie a while.
# libldap checks the server's name against its certificate: use 127.0.0.1 in URLs (the certificate
# has IP:127.0.0.1 and DNS:localhost); clients are pointed at LDAP_CA with LDAPTLS_CACERT.

[ -n "${LDAP_HARNESS_LOADED:-}" ] && return 0
LDAP_HARNESS_LOADED=1
if [ -z "${T:-}" ] || ! command -v cleanup >/dev/null; then
	echo "not ok - tests/ldap/harness.sh must be sourced after tests/e2e/lib.sh"
	exit 1
fi
LDAP_SLAPD=${LDAP_SLAPD:-/usr/sbin/slapd}
LDAP_INSTANCES="$T/ldap.instances"
: >"$LDAP_INSTANCES"
LDAP_TLS_DIR="$T/ldap-tls"
LDAP_BASE="dc=example,dc=test"
# seed.py and ad-schema.ldif; a test script outside the tree (a child of a self-test) sets it.
LDAP_HARNESS_DIR=${LDAP_HARNESS_DIR:-$TOP/tests/ldap}

# Servers stop before lib.sh's cleanup removes $T; the ejabberd and Synapse harnesses share this list.
HARNESS_EXIT_HOOKS="${HARNESS_EXIT_HOOKS:-} ldap_stop_all"
_harness_on_exit() {
	for _h in $HARNESS_EXIT_HOOKS; do "$_h"; done
	cleanup
}
trap _harness_on_exit EXIT
trap '_harness_on_exit; trap - EXIT; exit 130' INT
trap '_harness_on_exit; trap - EXIT; exit 143' TERM

_ldap_ms() { date +%s%3N; }

_ldap_check_name() {
	case $1 in
	'' | *[!A-Za-z0-9_]*) return 1 ;;
	esac
}

_ldap_q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

ldap_use() { # NAME
	_ldap_check_name "$1" || { echo "ldap harness: bad instance name '$1'" >&2; return 1; }
	if [ ! -f "$T/ldap-$1/instance.env" ]; then
		echo "ldap harness: no instance '$1'" >&2
		return 1
	fi
	# shellcheck disable=SC1090
	. "$T/ldap-$1/instance.env"
	# shellcheck disable=SC2034 # set for the test script
	[ -f "$T/ldap-$1/pid" ] && LDAP_PID=$(cat "$T/ldap-$1/pid")
	# shellcheck disable=SC2034
	[ -f "$T/ldap-$1/start_ms" ] && LDAP_START_MS=$(cat "$T/ldap-$1/start_ms")
	return 0
}

ldap_log() { tail -n "${2:-40}" "$T/ldap-$1/slapd.log"; }

# _ldap_alive DIR PID: the process exists, is no zombie, and runs this instance's slapd.d.
_ldap_alive() {
	[ -n "$2" ] && [ -d "/proc/$2" ] || return 1
	_st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$2/status" 2>/dev/null)
	[ -n "$_st" ] && [ "$_st" != Z ] || return 1
	tr '\0' ' ' <"/proc/$2/cmdline" 2>/dev/null | grep -qF -- "-F $1/slapd.d "
}

# _ldap_kill DIR: SIGTERM, up to 10 s, SIGKILL; 1 if it survived. Marks the instance stopped.
_ldap_kill() {
	_pid=$(cat "$1/pid" 2>/dev/null)
	if _ldap_alive "$1" "$_pid"; then
		kill -TERM "$_pid" 2>/dev/null
		_i=0
		while _ldap_alive "$1" "$_pid" && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
		if _ldap_alive "$1" "$_pid"; then
			echo "# slapd $1 (pid $_pid) still running 5 s after SIGTERM; waiting 5 s more" >&2
			while _ldap_alive "$1" "$_pid" && [ $_i -lt 200 ]; do sleep 0.05; _i=$((_i + 1)); done
		fi
		if _ldap_alive "$1" "$_pid"; then
			echo "# slapd $1 (pid $_pid) still running 10 s after SIGTERM: SIGKILL" >&2
			kill -KILL "$_pid" 2>/dev/null
			_i=0
			while _ldap_alive "$1" "$_pid" && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
		fi
		# our own child: reap it, so that nothing is left, not even a zombie
		wait "$_pid" 2>/dev/null
		_ldap_alive "$1" "$_pid" && return 1
	fi
	: >"$1/stopped"
	return 0
}

ldap_stop() { # NAME
	_ldap_check_name "$1" || return 1
	_ldap_kill "$T/ldap-$1" || { echo "slapd $1: still running after SIGKILL" >&2; return 1; }
}

ldap_stop_all() {
	[ -f "$LDAP_INSTANCES" ] || return 0
	while read -r _n; do
		[ -n "$_n" ] || continue
		[ -e "$T/ldap-$_n/stopped" ] && continue
		_ldap_kill "$T/ldap-$_n" || say "not ok - slapd $_n could not be stopped"
	done <"$LDAP_INSTANCES"
}

# _ldap_known NAME: NAME is an instance this script started; says so on stderr when not.
_ldap_known() {
	if _ldap_check_name "$1" && [ -f "$T/ldap-$1/instance.env" ]; then return 0; fi
	echo "ldap harness: no instance '$1'" >&2
	return 1
}

# _ldap_env NAME VAR: one value of the instance's instance.env, without sourcing it (inside helpers
# that must not change the caller's LDAP_* variables).
_ldap_env() { sed -n "s/^$2='\(.*\)'\$/\1/p; s/^$2=\([^']*\)\$/\1/p" "$T/ldap-$1/instance.env"; }

# _ldap_has_base ARGS...: 0 when ARGS give a -b of their own.
_ldap_has_base() {
	for _a in "$@"; do
		case $_a in -b | -b*) return 0 ;; esac
	done
	return 1
}

ldap_search() { # NAME ARGS...
	_ldap_known "$1" || return 1
	_d="$T/ldap-$1"
	shift
	if _ldap_has_base "$@"; then set -- "$@"; else set -- -b "$LDAP_BASE" "$@"; fi
	ldapsearch -x -LLL -o ldif-wrap=no -H "$(_ldap_env "${_d##*/ldap-}" LDAP_URL)" \
		-D "cn=admin,$LDAP_BASE" -y "$_d/admin.pw" "$@"
}

ldap_search_svc() { # NAME ARGS...
	_ldap_known "$1" || return 1
	_d="$T/ldap-$1"
	shift
	if _ldap_has_base "$@"; then set -- "$@"; else set -- -b "$LDAP_BASE" "$@"; fi
	ldapsearch -x -LLL -o ldif-wrap=no -H "$(_ldap_env "${_d##*/ldap-}" LDAP_URL)" \
		-D "cn=msgadm,ou=services,$LDAP_BASE" -y "$_d/service.pw" "$@"
}

ldap_modify() { # NAME [ARGS...] <LDIF
	_ldap_known "$1" || return 1
	_d="$T/ldap-$1"
	shift
	ldapmodify -x -H "$(_ldap_env "${_d##*/ldap-}" LDAP_URL)" -D "cn=admin,$LDAP_BASE" -y "$_d/admin.pw" "$@"
}

ldap_config() { # NAME <LDIF
	_ldap_known "$1" || return 1
	ldapmodify -Q -Y EXTERNAL -H "$(_ldap_env "$1" LDAPI_URL)"
}

# _ldap_fail DIR REASON: the one way a start fails: stops what may run, says why, exits the test.
_ldap_fail() {
	say "not ok - slapd could not be started (${1##*/ldap-}): $2"
	for _f in "$1/slapadd.out" "$1/wait.out" "$1/slapd.log"; do
		[ -s "$_f" ] && { echo "--- ${_f##*/} (last 25 lines)"; tail -n 25 "$_f"; }
	done 2>/dev/null | sed 's/^/#   /'
	_ldap_kill "$1" >/dev/null 2>&1
	exit 1
}

# _ldap_tls: the test script's CA, a second CA, a server certificate for 127.0.0.1 and localhost and
# one for wrong.example.invalid only (both from the first CA), in $LDAP_TLS_DIR; made once.
_ldap_tls() {
	[ -s "$LDAP_TLS_DIR/wronghost.crt" ] && return 0
	(
		umask 077
		mkdir -p "$LDAP_TLS_DIR" && cd "$LDAP_TLS_DIR" || exit 1
		_ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
		for _ca in ca ca-wrong; do
			# shellcheck disable=SC2086
			openssl req -x509 $_ec -keyout "$_ca.key" -out "$_ca.crt" -days 2 \
				-subj "/O=msgadm tests/CN=msgadm test $_ca" -addext basicConstraints=critical,CA:TRUE \
				-addext keyUsage=critical,keyCertSign,cRLSign || exit 1
		done
		printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >right.ext
		printf 'subjectAltName=DNS:wrong.example.invalid\nextendedKeyUsage=serverAuth\n' >wronghost.ext
		for _c in right wronghost; do
			# shellcheck disable=SC2086
			openssl req $_ec -keyout "$_c.key" -out "$_c.csr" -subj "/O=msgadm tests/CN=$_c" &&
				openssl x509 -req -in "$_c.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
					-extfile "$_c.ext" -out "$_c.crt" || exit 1
		done
		chmod 0644 ca.crt ca-wrong.crt right.crt wronghost.crt
	) >"$T/ldap-tls.out" 2>&1
}

# _ldap_run DIR: starts the configured slapd of DIR, waits until it answers a search as the admin.
_ldap_run() {
	_d=$1
	rm -f "$_d/stopped"
	_h="$(_ldap_env "${_d##*/ldap-}" LDAP_URL)/ $(_ldap_env "${_d##*/ldap-}" LDAPS_URL)/ $(_ldap_env "${_d##*/ldap-}" LDAPI_URL)"
	# -d stats: in the foreground (our child, stopped by its pid), connections and operations logged
	# to slapd.log; -h: these listeners only.
	"$LDAP_SLAPD" -d stats -F "$_d/slapd.d" -h "$_h" >>"$_d/slapd.log" 2>&1 </dev/null &
	echo $! >"$_d/pid"
	_pid=$!
	_i=0
	_limit=$((${LDAP_START_TIMEOUT:-10} * 20))
	while :; do
		_ldap_alive "$_d" "$_pid" || { wait "$_pid" 2>/dev/null; _ldap_fail "$_d" "slapd stopped during start"; }
		ldapsearch -x -LLL -H "$(_ldap_env "${_d##*/ldap-}" LDAP_URL)" -D "cn=admin,$LDAP_BASE" -y "$_d/admin.pw" \
			-b "$LDAP_BASE" -s base 1.1 >"$_d/wait.out" 2>&1 && break
		_i=$((_i + 1))
		[ $_i -ge $_limit ] && _ldap_fail "$_d" "slapd did not answer within ${LDAP_START_TIMEOUT:-10} s"
		sleep 0.05
	done
}

ldap_restart() { # NAME
	_ldap_known "$1" || return 1
	_ldap_kill "$T/ldap-$1" || _ldap_fail "$T/ldap-$1" "the old server did not stop"
	_ldap_run "$T/ldap-$1"
	ldap_use "$1"
}

ldap_tls() { # NAME right|wronghost
	_ldap_known "$1" || return 1
	case ${2:-} in
	right | wronghost) ;;
	*) echo "ldap_tls: right or wronghost, not '${2:-}'" >&2; return 1 ;;
	esac
	_ldap_kill "$T/ldap-$1" || _ldap_fail "$T/ldap-$1" "the old server did not stop"
	_ldap_serve_cert "$T/ldap-$1" "$2"
	_ldap_run "$T/ldap-$1"
	ldap_use "$1"
}

# _ldap_serve_cert DIR right|wronghost: the certificate and key slapd reads at start.
_ldap_serve_cert() {
	(umask 077 && cp "$LDAP_TLS_DIR/$2.key" "$1/server.key") &&
		cp "$LDAP_TLS_DIR/$2.crt" "$1/server.crt"
}

_ldap_refuse() {
	say "not ok - slapd could not be started ($1): $2"
	exit 1
}

ldap_start() { # NAME [--empty] [--extra LDIF] [--wrong-host]
	_name=${1:-}
	_dir="$T/ldap-$_name"
	_ldap_check_name "$_name" || _ldap_refuse "$_name" "bad instance name '$_name' (letters, digits, _)"
	[ -e "$_dir" ] && _ldap_refuse "$_name" "instance $_name was already started in this script"
	shift
	_empty='' _extra='' _cert=right
	while [ $# -gt 0 ]; do
		case $1 in
		--empty) _empty=--empty ;;
		--extra) [ $# -ge 2 ] && [ -r "$2" ] || _ldap_refuse "$_name" "--extra needs a readable LDIF file"
			_extra=$2; shift ;;
		--wrong-host) _cert=wronghost ;;
		*) _ldap_refuse "$_name" "unknown option '$1'" ;;
		esac
		shift
	done
	[ -x "$LDAP_SLAPD" ] || _ldap_refuse "$_name" "$LDAP_SLAPD is missing; slapd is not installed (scripts/install-deps installs it)"
	for _t in slapadd slappasswd ldapsearch ldapmodify openssl; do
		command -v "$_t" >/dev/null || _ldap_refuse "$_name" "$_t is missing (scripts/install-deps installs slapd, ldap-utils, openssl)"
	done
	[ -r "$LDAP_HARNESS_DIR/seed.py" ] && [ -r "$LDAP_HARNESS_DIR/ad-schema.ldif" ] ||
		_ldap_refuse "$_name" "no seed.py and ad-schema.ldif in $LDAP_HARNESS_DIR (LDAP_HARNESS_DIR)"
	[ -d /usr/lib/ldap ] || _ldap_refuse "$_name" "/usr/lib/ldap (slapd's modules) is missing"

	(umask 077 && mkdir -p "$_dir/slapd.d" "$_dir/db")
	echo "$_name" >>"$LDAP_INSTANCES"
	_t0=$(_ldap_ms)
	_ldap_tls || _ldap_fail "$_dir" "openssl could not make the certificates: $(tail -n 3 "$T/ldap-tls.out")"
	_ldap_serve_cert "$_dir" "$_cert" || _ldap_fail "$_dir" "cannot copy the server certificate"
	_ports=$(python3 -c '
import socket
ss = []
for _ in range(2):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    ss.append(s)
print(" ".join(str(s.getsockname()[1]) for s in ss))') || _ldap_fail "$_dir" "python3 could not find free ports"
	# shellcheck disable=SC2086
	set -- $_ports
	_port=$1 _sport=$2
	# Secrets: random, in 0600 files without a newline; slapd and the seed only get their hashes,
	# made by slappasswd -T (from the file, not from argv).
	python3 - "$_dir" <<'PY' || _ldap_fail "$_dir" "python3 could not write the passwords"
import os, secrets, sys
for name in ("admin.pw", "service.pw"):
    fd = os.open(os.path.join(sys.argv[1], name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_urlsafe(24))
PY
	_admin_hash=$(slappasswd -T "$_dir/admin.pw") && _svc_hash=$(slappasswd -T "$_dir/service.pw") ||
		_ldap_fail "$_dir" "slappasswd failed"
	(umask 077 && printf '%s\n' "$_svc_hash" >"$_dir/service.hash")
	_ldapi="ldapi://$(printf '%s' "$_dir/ldapi" | sed 's|/|%2F|g')"
	_svc="cn=msgadm,ou=services,$LDAP_BASE"
	_schema=/etc/ldap/schema
	cat >"$_dir/config.ldif" <<LDIF
# cn=config of test instance $_name, written by tests/ldap/harness.sh; loaded with slapadd -n 0.
dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: $_dir/slapd.pid
olcArgsFile: $_dir/slapd.args
olcLogLevel: stats
olcTLSCACertificateFile: $LDAP_TLS_DIR/ca.crt
olcTLSCertificateFile: $_dir/server.crt
olcTLSCertificateKeyFile: $_dir/server.key

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: {0}back_mdb
olcModuleLoad: {1}ppolicy

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file://$_schema/core.ldif

include: file://$_schema/cosine.ldif

include: file://$_schema/nis.ldif

include: file://$_schema/inetorgperson.ldif

include: file://$LDAP_HARNESS_DIR/ad-schema.ldif

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by dn.exact=gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth manage by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: $LDAP_BASE
olcRootDN: cn=admin,$LDAP_BASE
olcRootPW: $_admin_hash
olcDbDirectory: $_dir/db
olcDbMaxSize: 268435456
olcDbIndex: objectClass eq
olcDbIndex: uid,cn,mail,sAMAccountName eq
olcDbIndex: member,uniqueMember,memberUid eq
olcDbIndex: entryUUID eq
olcSizeLimit: size.soft=500 size.hard=500 size.prtotal=unlimited
olcAccess: {0}to attrs=userPassword by self =xw by anonymous auth by * none
olcAccess: {1}to dn.base="$LDAP_BASE" by dn.exact="$_svc" read by * none
olcAccess: {2}to dn.subtree="ou=people,$LDAP_BASE" by dn.exact="$_svc" read by * none
olcAccess: {3}to dn.subtree="ou=groups,$LDAP_BASE" by dn.exact="$_svc" read by * none
olcAccess: {4}to dn.subtree="ou=ad,$LDAP_BASE" by dn.exact="$_svc" read by * none
olcAccess: {5}to * by self read by * none

dn: olcOverlay={0}ppolicy,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: {0}ppolicy
olcPPolicyDefault: cn=default,ou=policies,$LDAP_BASE
LDIF
	chmod 600 "$_dir/config.ldif"
	{
		echo "LDAP_NAME=$(_ldap_q "$_name")"
		echo "LDAP_DIR=$(_ldap_q "$_dir")"
		echo "LDAP_URL=$(_ldap_q "ldap://127.0.0.1:$_port")"
		echo "LDAP_PORT=$_port"
		echo "LDAPS_URL=$(_ldap_q "ldaps://127.0.0.1:$_sport")"
		echo "LDAPS_PORT=$_sport"
		echo "LDAPI_URL=$(_ldap_q "$_ldapi")"
		echo "LDAP_BASE=$(_ldap_q "$LDAP_BASE")"
		echo "LDAP_CA=$(_ldap_q "$LDAP_TLS_DIR/ca.crt")"
		echo "LDAP_CA_WRONG=$(_ldap_q "$LDAP_TLS_DIR/ca-wrong.crt")"
		echo "LDAP_BIND_DN=$(_ldap_q "$_svc")"
		echo "LDAP_BIND_PW_FILE=$(_ldap_q "$_dir/service.pw")"
		echo "LDAP_ADMIN_DN=$(_ldap_q "cn=admin,$LDAP_BASE")"
		echo "LDAP_ADMIN_PW_FILE=$(_ldap_q "$_dir/admin.pw")"
	} >"$_dir/instance.env"
	python3 "$LDAP_HARNESS_DIR/seed.py" "$_dir/service.hash" $_empty >"$_dir/seed.ldif" ||
		_ldap_fail "$_dir" "tests/ldap/seed.py failed"
	{
		slapadd -n 0 -F "$_dir/slapd.d" -l "$_dir/config.ldif" &&
			slapadd -q -F "$_dir/slapd.d" -b "$LDAP_BASE" -l "$_dir/seed.ldif" &&
			if [ -n "$_extra" ]; then slapadd -q -F "$_dir/slapd.d" -b "$LDAP_BASE" -l "$_extra"; fi
	} >"$_dir/slapadd.out" 2>&1 || _ldap_fail "$_dir" "slapadd failed: $(grep -v '^[#_. ]*$' "$_dir/slapadd.out" | tail -n 1)"
	_ldap_run "$_dir"
	echo $(($(_ldap_ms) - _t0)) >"$_dir/start_ms"
	ldap_use "$_name"
	eval "LDAP_URL_$_name=\$LDAP_URL LDAPS_URL_$_name=\$LDAPS_URL LDAP_DIR_$_name=\$LDAP_DIR LDAP_PID_$_name=\$LDAP_PID"
	export "LDAP_URL_$_name" "LDAPS_URL_$_name" "LDAP_DIR_$_name" "LDAP_PID_$_name"
}
