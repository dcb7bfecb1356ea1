# Real ejabberd servers for end-to-end tests: private instances of the Debian package's ejabberd
# (23.01 on bookworm), each in its own directory under $T, on 127.0.0.1 only, stopped when the test
# script exits however it exits. POSIX sh; source it after lib.sh:
#
#   . "$(dirname "$0")/lib.sh"
#   . "$TOP/tests/ejabberd/harness.sh"
#   ejabberd_start main example.test            # at top level, not inside test_expect_*
#   ejabberd_api main registered_users '{"host": "example.test"}'
#
# Functions
#   ejabberd_start NAME VHOST [EXTRA_YAML]   start an instance (see below); NAME: letters, digits, _.
#                                            On any failure prints "not ok - ejabberd could not be
#                                            started: ..." with the log tail and exits 1: never skips.
#   ejabberd_use NAME                        set the EJ_* variables below to instance NAME's
#   ejabberd_api NAME COMMAND [JSON]         POST /api/COMMAND (default body {}) as the admin (HTTP
#                                            Basic, full JID); prints the body and a newline; exit 0
#                                            on HTTP 2xx, else "HTTP <code>" on stderr and exit 1
#   ejabberd_request NAME AUTH COMMAND [JSON]
#                                            same call with a chosen AUTH: basic (the admin), bearer
#                                            (the admin's token), none, basic:JID:PASSWORD,
#                                            bearer:TOKEN; prints the HTTP status on the first line
#                                            and the body on the second; exit 0 whenever an HTTP
#                                            answer came, 2 when none did
#   ejabberd_ctl NAME ARGS...                ejabberdctl for instance NAME (runs an Erlang node: ~0.5 s)
#   ejabberd_reload NAME                     reload_config over the API; like ejabberd_api
#   ejabberd_log NAME [N]                    last N (40) lines of the instance's ejabberd.log
#   ejabberd_stop NAME                       SIGTERM, up to 10 s, then SIGKILL; 0 when the node is gone
#                                            (sets EJ_STOP_MS). The node was detached, so PID 1 reaps
#                                            it: its pid may stay a zombie for a few seconds
#   ejabberd_stop_all                        stops every instance this script started; runs on EXIT
#
# Variables set by ejabberd_start and ejabberd_use (for the last started or chosen instance):
#   EJ_NAME EJ_VHOST            instance name, its only virtual host
#   EJ_DIR                      $T/ejabberd-NAME: ejabberd.yml, ejabberdctl.cfg, inetrc, logs/, spool/
#   EJ_URL                      http://127.0.0.1:PORT (the API is $EJ_URL/api, OAuth $EJ_URL/oauth)
#   EJ_API                      $EJ_URL/api
#   EJ_HTTP_PORT EJ_C2S_PORT EJ_S2S_PORT EJ_DIST_PORT   its loopback ports (DIST: Erlang distribution)
#   EJ_NODE                     Erlang node name, NAME-<pid of the test script>@localhost
#   EJ_PID                      pid of the server (beam.smp, runs as user ejabberd)
#   EJ_ADMIN EJ_ADMIN_PASSWORD  admin@VHOST (the only member of ACL admin) and its random password
#   EJ_BASIC_FILE               $EJ_DIR/admin.basic, 0600, "admin@VHOST:PASSWORD" (no newline at end)
#   EJ_TOKEN_FILE               $EJ_DIR/admin.token, 0600, OAuth token with scope ejabberd:admin, 1 day
#   EJ_FRAGMENT                 $EJ_DIR/msgadm.yml: included by ejabberd.yml, starts empty (23.01
#                               accepts an empty file) or holding $EJ_FRAGMENT_INIT when that is
#                               set (an ACL that EXTRA_YAML names must be defined from the start:
#                               23.01 denies everyone a rule naming an undefined ACL); must stay
#                               readable by user ejabberd (owner
#                               ejabberd, 0644 at start: replacing it with a root-owned 0600 file makes
#                               every reload fail); reload_config applies changes to it. It may not
#                               repeat a top-level option of ejabberd.yml ("Duplicated option") nor a
#                               key of its acl/api_permissions/modules maps; new keys in those maps
#                               (acl blocked_servers, access_rules, s2s_access, mod_ping...) merge.
#   EJ_EXTRA                    $EJ_DIR/extra.yml, the copy of EXTRA_YAML that ejabberd.yml includes
#                               after msgadm.yml (only set when EXTRA_YAML was given; unset otherwise)
#   EJ_START_MS                 milliseconds from `ejabberdctl start` to API answering + admin + token
# and exported per instance: EJ_URL_<NAME>, EJ_DIR_<NAME>, EJ_PID_<NAME>.
#
# Optional inputs: EJ_EXTRA_HOSTS="a.test b.test" adds names that resolve to 127.0.0.1 for the next
# ejabberd_start (nothing else resolves: inetrc has only the instance's own hosts file and an empty
# resolv.conf). EJ_INETRC_EXTRA, if set, is appended verbatim to the next instance's inetrc (Erlang
# terms, each ending in "."): tests/ejabberd/netns.sh names its own resolv.conf there, so that the
# node asks the test's DNS server (a {nameserver, ...} term would not last: the node soon re-reads
# its resolv_conf file and then takes the nameservers from it alone). EJ_START_TIMEOUT (20 s) bounds
# the wait for the API.
#
# The instance directory is owned by user ejabberd (ejabberdctl runs the node through su), so $T is
# made traversable (0711). The stock service, if the package's is running, is never touched.

[ -n "${EJ_HARNESS_LOADED:-}" ] && return 0
EJ_HARNESS_LOADED=1
if [ -z "${T:-}" ] || ! command -v cleanup >/dev/null; then
	echo "not ok - tests/ejabberd/harness.sh must be sourced after tests/e2e/lib.sh"
	exit 1
fi
EJ_CTL=${EJ_CTL:-/usr/sbin/ejabberdctl}
EJ_INSTANCES="$T/ejabberd.instances"
: >"$EJ_INSTANCES"

# lib.sh's trap runs cleanup (which removes $T); servers must stop before that. Hooks listed in
# HARNESS_EXIT_HOOKS run first, in order; other helpers may append their own.
HARNESS_EXIT_HOOKS="${HARNESS_EXIT_HOOKS:-} ejabberd_stop_all"
_harness_on_exit() {
	for _h in $HARNESS_EXIT_HOOKS; do "$_h"; done
	cleanup
}
trap _harness_on_exit EXIT
trap '_harness_on_exit; trap - EXIT; exit 130' INT
trap '_harness_on_exit; trap - EXIT; exit 143' TERM

_ej_ms() { date +%s%3N; }

_ej_check_name() {
	case $1 in
	'' | *[!A-Za-z0-9_]*) echo "ejabberd harness: bad instance name '$1' (letters, digits, _)" >&2; return 1 ;;
	esac
}

# ejabberd_use NAME: loads $T/ejabberd-NAME/instance.env into the EJ_* variables.
ejabberd_use() {
	_ej_check_name "$1" || return 1
	if [ ! -f "$T/ejabberd-$1/instance.env" ]; then
		echo "ejabberd harness: no instance '$1'" >&2
		return 1
	fi
	unset EJ_EXTRA
	# shellcheck disable=SC1090
	. "$T/ejabberd-$1/instance.env"
}

ejabberd_log() { # NAME [N]: the last N (40) lines of the server's log (warnings and errors)
	tail -n "${2:-40}" "$T/ejabberd-$1/logs/ejabberd.log"
}

# _ej_start_log NAME: what tells why a start failed: ejabberdctl's output, then the error log (or the
# whole log when there are no errors).
_ej_start_log() {
	_d="$T/ejabberd-$1"
	for _f in "$_d/start.out" "$_d/register.out"; do
		[ -s "$_f" ] && { echo "--- ${_f#"$_d"/}"; tail -n 10 "$_f"; }
	done
	_f="$_d/logs/error.log"
	[ -s "$_f" ] || _f="$_d/logs/ejabberd.log"
	[ -s "$_f" ] && { echo "--- ${_f#"$_d"/} (last 30 lines)"; tail -n 30 "$_f"; }
}

# _ej_fail NAME REASON: the one way ejabberd_start fails; stops what may be running, exits the test.
_ej_fail() {
	say "not ok - ejabberd could not be started ($1): $2"
	_ej_start_log "$1" 2>/dev/null | sed 's/^/#   /'
	_ej_kill_instance "$1" >/dev/null 2>&1
	exit 1
}

# _ej_node_pid NODE: pid of the beam process running node NODE (exact -sname match), if any.
_ej_node_pid() {
	for _p in /proc/[0-9]*; do
		[ -r "$_p/cmdline" ] || continue
		if tr '\0' ' ' <"$_p/cmdline" 2>/dev/null | grep -qF -- " -sname $1 "; then
			case $(tr '\0' ' ' <"$_p/cmdline") in
			*beam*) echo "${_p#/proc/}"; return 0 ;;
			esac
		fi
	done
	return 1
}

# _ej_alive PID NODE: the process exists, is no zombie, and still runs node NODE (no pid reuse).
_ej_alive() {
	[ -n "$1" ] && [ -d "/proc/$1" ] || return 1
	_st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
	[ -n "$_st" ] && [ "$_st" != Z ] || return 1
	tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- " -sname $2 "
}

# _ej_kill_instance NAME: SIGTERM, wait up to 10 s, SIGKILL. Prints nothing on a clean stop; returns 1
# if the node survived. Sets _EJ_STOP_MS.
_ej_kill_instance() {
	_d="$T/ejabberd-$1"
	[ -f "$_d/instance.env" ] || return 0
	_node=$(sed -n "s/^EJ_NODE='\(.*\)'\$/\1/p" "$_d/instance.env")
	_pid=$(cat "$_d/ejabberd.pid" 2>/dev/null)
	_ej_alive "$_pid" "$_node" || _pid=$(_ej_node_pid "$_node")
	_EJ_STOP_MS=0
	if [ -z "$_pid" ]; then
		: >"$_d/stopped"
		return 0
	fi
	_t0=$(_ej_ms)
	kill -TERM "$_pid" 2>/dev/null
	_i=0
	while _ej_alive "$_pid" "$_node" && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	if _ej_alive "$_pid" "$_node"; then
		echo "# ejabberd $1 (pid $_pid) still running 10 s after SIGTERM: SIGKILL" >&2
		kill -KILL "$_pid" 2>/dev/null
		_i=0
		while _ej_alive "$_pid" "$_node" && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	fi
	_EJ_STOP_MS=$(($(_ej_ms) - _t0))
	if _ej_alive "$_pid" "$_node"; then
		return 1
	fi
	: >"$_d/stopped"
	return 0
}

ejabberd_stop() { # NAME
	_ej_check_name "$1" || return 1
	_ej_kill_instance "$1" || { echo "ejabberd $1: node still running after SIGKILL" >&2; return 1; }
	# shellcheck disable=SC2034
	EJ_STOP_MS=$_EJ_STOP_MS
}

ejabberd_stop_all() {
	[ -f "$EJ_INSTANCES" ] || return 0
	while read -r _n; do
		[ -n "$_n" ] || continue
		[ -e "$T/ejabberd-$_n/stopped" ] && continue
		_ej_kill_instance "$_n" || say "not ok - ejabberd $_n could not be stopped"
	done <"$EJ_INSTANCES"
}

# _ej_py CODE ARGS...: Python with the HTTP helper call(url, auth, method, path, body) -> (status, body).
_ej_py() {
	python3 - "$@" <<'PY'
import base64, json, os, sys, time, urllib.request, urllib.error
code, A = sys.argv[1], sys.argv[2:]
def header(auth):
    if auth.startswith("basic:"):
        return "Basic " + base64.b64encode(auth[6:].encode()).decode()
    if auth.startswith("bearer:"):
        return "Bearer " + auth[7:]
    return None
def call(url, auth, method, path, body=None, timeout=30):
    data = None if body is None else body.encode()
    req = urllib.request.Request(url + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    h = header(auth)
    if h:
        req.add_header("Authorization", h)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
exec(code)
PY
}

# _ej_auth NAME AUTH: the AUTH spec for _ej_py (basic:JID:PW, bearer:TOKEN or none).
_ej_auth() {
	case $2 in
	basic) printf 'basic:%s' "$(cat "$T/ejabberd-$1/admin.basic")" ;;
	bearer) printf 'bearer:%s' "$(cat "$T/ejabberd-$1/admin.token")" ;;
	*) printf '%s' "$2" ;;
	esac
}

_ej_url() { sed -n "s/^EJ_URL='\(.*\)'\$/\1/p" "$T/ejabberd-$1/instance.env"; }

ejabberd_request() { # NAME AUTH COMMAND [JSON]
	_ej_check_name "$1" || return 2
	_ej_py '
try:
    s, b = call(A[0], A[1], "POST", "/api/" + A[2], A[3])
except OSError as e:
    print("no answer: %s" % e, file=sys.stderr); sys.exit(2)
print(s); print(b)' "$(_ej_url "$1")" "$(_ej_auth "$1" "$2")" "$3" "${4:-"{}"}"
}

ejabberd_api() { # NAME COMMAND [JSON]
	_ej_check_name "$1" || return 2
	_ej_py '
try:
    s, b = call(A[0], A[1], "POST", "/api/" + A[2], A[3])
except OSError as e:
    print("no answer: %s" % e, file=sys.stderr); sys.exit(2)
print(b)
if not 200 <= s < 300:
    print("HTTP %d" % s, file=sys.stderr); sys.exit(1)' "$(_ej_url "$1")" "$(_ej_auth "$1" basic)" "$2" "${3:-"{}"}"
}

ejabberd_reload() { ejabberd_api "$1" reload_config '{}'; }

ejabberd_ctl() { # NAME ARGS...
	_ej_check_name "$1" || return 1
	_d="$T/ejabberd-$1"
	shift
	"$EJ_CTL" --config-dir "$_d" --logs "$_d/logs" --spool "$_d/spool" "$@"
}

# _ej_q VALUE: VALUE single-quoted for sh.
_ej_q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# _ej_refuse NAME REASON: ejabberd_start fails before anything was made or started.
_ej_refuse() {
	say "not ok - ejabberd could not be started ($1): $2"
	exit 1
}

ejabberd_start() { # NAME VHOST [EXTRA_YAML]
	_name=${1:-}
	_vhost=${2:-}
	_extra=${3:-}
	_dir="$T/ejabberd-$_name"
	_ej_check_name "$_name" 2>/dev/null || _ej_refuse "$_name" "bad instance name '$_name' (letters, digits, _)"
	[ -e "$_dir" ] && _ej_refuse "$_name" "instance $_name was already started in this script"
	case $_vhost in
	'' | *[!A-Za-z0-9.-]*) _ej_refuse "$_name" "bad virtual host '$_vhost'" ;;
	esac
	case ${EJ_EXTRA_HOSTS:-} in
	*[!A-Za-z0-9.\ -]*) _ej_refuse "$_name" "bad EJ_EXTRA_HOSTS '$EJ_EXTRA_HOSTS'" ;;
	esac
	[ -x "$EJ_CTL" ] || _ej_refuse "$_name" "$EJ_CTL is missing; ejabberd is not installed (scripts/install-deps installs it)"
	getent passwd ejabberd >/dev/null || _ej_refuse "$_name" "there is no ejabberd user; is the package installed?"
	[ "$(id -u)" -eq 0 ] || _ej_refuse "$_name" "the tests run ejabberd as root (ejabberdctl su's to user ejabberd); uid is $(id -u)"
	if [ -n "$_extra" ] && [ ! -r "$_extra" ]; then
		_ej_refuse "$_name" "extra configuration $_extra is not readable"
	fi

	chmod 0711 "$T"
	mkdir -p "$_dir/logs" "$_dir/spool"
	echo "$_name" >>"$EJ_INSTANCES"
	_node="$_name-$$@localhost"
	_ports=$(python3 -c '
import socket
ss = []
for _ in range(4):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    ss.append(s)
print(" ".join(str(s.getsockname()[1]) for s in ss))') || _ej_fail "$_name" "python3 could not find free ports"
	# shellcheck disable=SC2086
	set -- $_ports
	_c2s=$1 _s2s=$2 _http=$3 _dist=$4
	_url="http://127.0.0.1:$_http"
	_pw=$(python3 -c 'import secrets; print(secrets.token_hex(16))')

	cat >"$_dir/ejabberdctl.cfg" <<CFG
# ejabberdctl settings for test instance $_name (tests/ejabberd/harness.sh)
ERLANG_NODE=$_node
ERL_DIST_PORT=$_dist
INET_DIST_INTERFACE=127.0.0.1
EJABBERD_BYPASS_WARNINGS=true
EJABBERD_PID_PATH=$_dir/ejabberd.pid
ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"
CFG
	# Erlang resolves names itself: only these, from our own hosts file; no DNS server at all.
	_hosts="localhost $_vhost ${EJ_EXTRA_HOSTS:-}"
	{
		printf '127.0.0.1'
		for _h in $_hosts; do printf ' %s' "$_h"; done
		printf '\n'
	} >"$_dir/hosts"
	: >"$_dir/resolv.conf"
	{
		printf '{lookup, [file]}.\n'
		printf '{hosts_file, "%s"}.\n' "$_dir/hosts"
		printf '{resolv_conf, "%s"}.\n' "$_dir/resolv.conf"
		printf '{host, {127,0,0,1}, ['
		_sep=
		for _h in $_hosts; do printf '%s"%s"' "$_sep" "$_h"; _sep=', '; done
		printf ']}.\n'
		if [ -n "${EJ_INETRC_EXTRA:-}" ]; then printf '%s\n' "$EJ_INETRC_EXTRA"; fi
	} >"$_dir/inetrc"
	# 23.01 accepts an empty included file (also one with only comments, or "{}"), at start and on reload.
	printf '%s' "${EJ_FRAGMENT_INIT:-}" >"$_dir/msgadm.yml"
	# The extra configuration is copied in, so that user ejabberd can read it whatever its mode.
	[ -n "$_extra" ] && cp "$_extra" "$_dir/extra.yml"

	{
		cat <<YML
# Test instance $_name, written by tests/ejabberd/harness.sh. Everything listens on 127.0.0.1 only.
hosts:
  - "$_vhost"
loglevel: warning
log_rotate_count: 0
hide_sensitive_log_data: true
default_db: mnesia
auth_method: internal

listen:
  -
    port: $_c2s
    ip: "127.0.0.1"
    module: ejabberd_c2s
    max_stanza_size: 262144
  -
    port: $_s2s
    ip: "127.0.0.1"
    module: ejabberd_s2s_in
    max_stanza_size: 524288
  -
    port: $_http
    ip: "127.0.0.1"
    module: ejabberd_http
    request_handlers:
      /api: mod_http_api
      /oauth: ejabberd_oauth

acl:
  admin:
    user:
      - "admin@$_vhost"

# Our own rules, never the stock "loopback is admin": the admin by HTTP Basic (full JID) or by an
# OAuth token with scope ejabberd:admin; ejabberdctl (needs the Erlang cookie) for the harness itself.
api_permissions:
  "console commands":
    from:
      - ejabberd_ctl
    who: all
    what: "*"
  "admin access":
    who:
      access:
        allow:
          - acl: admin
      oauth:
        scope: "ejabberd:admin"
        access:
          allow:
            - acl: admin
    what:
      - "*"
      - "!stop"
      - "!start"

oauth_access: all
oauth_expire: 3600

modules:
  mod_admin_extra: {}
  mod_disco: {}
  mod_mam: {}
  mod_muc: {}
  mod_muc_admin: {}
  mod_offline: {}
  mod_private: {}
  mod_roster: {}
  mod_vcard: {}

include_config_file:
  - "$_dir/msgadm.yml"
YML
		[ -n "$_extra" ] && printf '  - "%s"\n' "$_dir/extra.yml"
	} >"$_dir/ejabberd.yml"

	{
		echo "EJ_NAME=$(_ej_q "$_name")"
		echo "EJ_VHOST=$(_ej_q "$_vhost")"
		echo "EJ_DIR=$(_ej_q "$_dir")"
		echo "EJ_URL=$(_ej_q "$_url")"
		echo "EJ_API=$(_ej_q "$_url/api")"
		echo "EJ_HTTP_PORT=$_http"
		echo "EJ_C2S_PORT=$_c2s"
		echo "EJ_S2S_PORT=$_s2s"
		echo "EJ_DIST_PORT=$_dist"
		echo "EJ_NODE=$(_ej_q "$_node")"
		echo "EJ_ADMIN=$(_ej_q "admin@$_vhost")"
		echo "EJ_ADMIN_PASSWORD=$(_ej_q "$_pw")"
		echo "EJ_BASIC_FILE=$(_ej_q "$_dir/admin.basic")"
		echo "EJ_TOKEN_FILE=$(_ej_q "$_dir/admin.token")"
		echo "EJ_FRAGMENT=$(_ej_q "$_dir/msgadm.yml")"
		[ -n "$_extra" ] && echo "EJ_EXTRA=$(_ej_q "$_dir/extra.yml")"
	} >"$_dir/instance.env"
	chown -R ejabberd:ejabberd "$_dir" || _ej_fail "$_name" "cannot chown $_dir to user ejabberd"
	chmod 0700 "$_dir"
	chown root:root "$_dir/instance.env" && chmod 0600 "$_dir/instance.env"
	(umask 077 && printf 'admin@%s:%s' "$_vhost" "$_pw" >"$_dir/admin.basic")

	_t0=$(_ej_ms)
	ejabberd_ctl "$_name" start >"$_dir/start.out" 2>&1 || _ej_fail "$_name" "ejabberdctl start failed (exit $?)"
	# Wait (bounded) for the HTTP API to answer anything; give up early if the node is gone.
	_ej_py '
url, pidfile, node, limit = A[0], A[1], A[2], float(A[3])
def node_pid():
    try:
        p = int(open(pidfile).read().strip())
    except (OSError, ValueError):
        p = None
    if p is not None:  # the node wrote its pid: it lives as long as that process does
        try:
            if "\nState:\tZ" not in open("/proc/%d/status" % p).read():
                return p
        except OSError:
            pass
        print("the node stopped during start"); sys.exit(1)
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                c = open("/proc/%s/cmdline" % d, "rb").read().split(b"\0")
            except OSError:
                continue
            if b"-sname" in c and node.encode() in c and any(b"beam" in x for x in c):
                return int(d)
    return None
start = time.time()
gone = 0
while time.time() - start < limit:
    if node_pid() is None:
        gone += 1
        if gone >= 20:
            print("the node stopped during start"); sys.exit(1)
    else:
        gone = 0
    try:
        call(url, "none", "POST", "/api/status", "{}", timeout=2)
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
print("the API did not answer within %g s" % limit); sys.exit(1)
' "$_url" "$_dir/ejabberd.pid" "$_node" "${EJ_START_TIMEOUT:-20}" >"$_dir/wait.out" 2>&1 ||
		_ej_fail "$_name" "$(cat "$_dir/wait.out")"
	_pid=$(cat "$_dir/ejabberd.pid" 2>/dev/null)
	_ej_alive "$_pid" "$_node" || _ej_fail "$_name" "no live pid in $_dir/ejabberd.pid"

	ejabberd_ctl "$_name" register admin "$_vhost" "$_pw" >"$_dir/register.out" 2>&1 ||
		_ej_fail "$_name" "ejabberdctl register admin failed: $(cat "$_dir/register.out")"
	_tok=$(_ej_py '
s, b = call(A[0], A[1], "POST", "/api/oauth_issue_token", json.dumps({"jid": A[2], "ttl": 86400, "scopes": "ejabberd:admin"}))
if s != 200:
    print("HTTP %d %s" % (s, b)); sys.exit(1)
print(json.loads(b)["token"])' "$_url" "basic:admin@$_vhost:$_pw" "admin@$_vhost" 2>&1) ||
		_ej_fail "$_name" "oauth_issue_token for the admin failed: $_tok"
	(umask 077 && printf '%s' "$_tok" >"$_dir/admin.token")
	_ms=$(($(_ej_ms) - _t0))
	{
		echo "EJ_PID=$_pid"
		echo "EJ_START_MS=$_ms"
	} >>"$_dir/instance.env"
	ejabberd_use "$_name"
	eval "EJ_URL_$_name=\$EJ_URL EJ_DIR_$_name=\$EJ_DIR EJ_PID_$_name=\$EJ_PID"
	export "EJ_URL_$_name" "EJ_DIR_$_name" "EJ_PID_$_name"
}
