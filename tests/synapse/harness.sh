# Real Synapse servers for end-to-end tests: private instances of Synapse 1.67.0, run from its
# unmodified sources on Debian's python3, each in its own directory under $T with its own
# homeserver.yaml and SQLite database, on 127.0.0.1 only, on a free port, stopped by pid when the test
# script exits however it exits. POSIX sh; source it after lib.sh:
#
#   . "$(dirname "$0")/lib.sh"
#   . "$TOP/tests/synapse/harness.sh"
#   synapse_require                          # no sources: "skipped: ..." (CI: "not ok - ...") and exit
#   synapse_start main example.test          # at top level, not inside test_expect_*
#   synapse_api main admin GET /_synapse/admin/v2/users
#
# Where the sources are: $MSGADM_SYNAPSE_SRC, or else ../shared/servers/synapse-1.67.0 beside the
# checkout (a directory holding synapse/app/homeserver.py). It is treated as read-only: Python runs
# in a clean environment (env -i) with its bytecode cache elsewhere (PYTHONPYCACHEPREFIX: the test
# build's synapse-pycache/, or $T), and every file Synapse writes is in the instance directory.
#
# Functions
#   synapse_require               sets SYN_SRC; without sources prints "skipped: no Synapse sources:
#                                 set MSGADM_SYNAPSE_SRC" and exits 0, or, when CI is set (not
#                                 "false" or "0"), "not ok - " and the same words, and exits 1
#   synapse_sources               prints the sources directory; exit 1 when there is none
#   synapse_start NAME SERVER_NAME [EXTRA_YAML]
#                                 starts an instance; NAME: letters, digits, _. EXTRA_YAML (a file)
#                                 is appended to homeserver.yaml, so its top-level keys replace the
#                                 harness's (e.g. low rc_* rate limits for a test that wants a 429).
#                                 Makes the first admin, @admin:SERVER_NAME, through the shared-secret
#                                 register API, and waits until the background updates of the fresh
#                                 database are done. On any failure prints "not ok - synapse could
#                                 not be started (NAME): ..." with the log tail and exits 1
#   synapse_blank NAME            a blank server: stop, delete the database and media, start again
#                                 with the same configuration, port and server name, new admin token
#                                 (same file); same failure rule as synapse_start. Works inside a
#                                 test block: everything it knows is kept in files
#   synapse_stop NAME             SIGTERM to the server's pid, up to 10 s, then SIGKILL; 0 when gone
#   synapse_stop_all              stops every instance this script started; runs on EXIT
#   synapse_use NAME              sets the SYN_* variables below to instance NAME's
#   synapse_user NAME LOCAL [admin] [DISPLAYNAME]
#                                 registers @LOCAL:SERVER with a random password (shared-secret API);
#                                 its access token goes to $SYN_DIR/users/LOCAL.token (0600)
#   synapse_api NAME AUTH METHOD PATH [JSON]
#                                 one request; AUTH: admin, none, a local user with a token from
#                                 synapse_user (e.g. alice), or file:PATH (a token file); prints the
#                                 HTTP status on the first line and the body on the second; exit 0
#                                 whenever an answer came, 2 when none did
#   synapse_call NAME AUTH METHOD PATH [JSON]
#                                 the same, prints only the body; exit 1 unless the status is 2xx
#   synapse_py NAME 'CODE' [ARG...]
#                                 Python with call(method, path, body=None, auth="admin") ->
#                                 (status, parsed body or None), wait_purge(purge_id), messages(room,
#                                 auth) and the args in A, for many calls in one process
#   synapse_log NAME [N]          last N (40) lines of the instance's homeserver.log
#   synapse_contexts [EXTRA_LINES]
#                                 writes $MSGADM_CONFIG (0600) with contexts of the current instance:
#                                 syn (the admin; current), user (alice's token, once synapse_user
#                                 made her), badtoken (a token the server never issued), down (a port
#                                 nothing listens on); EXTRA_LINES go into syn, indented by it;
#                                 syn has "retries: $SYN_RETRIES" (2 unless set)
#
# Variables set by synapse_start and synapse_use (for the last started or chosen instance):
#   SYN_NAME SYN_SERVER         instance name, its server_name
#   SYN_DIR                     $T/synapse-NAME: homeserver.yaml, log.yaml, homeserver.db, media/,
#                               homeserver.log, users/
#   SYN_URL SYN_PORT            http://127.0.0.1:PORT (client and admin APIs), its port
#   SYN_PID                     pid of the server (python3 -m synapse.app.homeserver)
#   SYN_TOKEN_FILE              $SYN_DIR/admin.token, 0600, the access token of @admin:SERVER
#   SYN_START_MS                milliseconds from starting the process to API answering, admin made
#                               and background updates done
# Optional inputs: SYN_START_TIMEOUT (30 s) bounds the wait for the API.

[ -n "${SYN_HARNESS_LOADED:-}" ] && return 0
SYN_HARNESS_LOADED=1
if [ -z "${T:-}" ] || ! command -v cleanup >/dev/null; then
	echo "not ok - tests/synapse/harness.sh must be sourced after tests/e2e/lib.sh"
	exit 1
fi
SYN_INSTANCES="$T/synapse.instances"
: >"$SYN_INSTANCES"
SYN_NO_SOURCES="no Synapse sources: set MSGADM_SYNAPSE_SRC"
if [ -n "${MSGADM_TEST_BUILD:-}" ] && [ -d "$MSGADM_TEST_BUILD" ]; then
	SYN_PYCACHE="$MSGADM_TEST_BUILD/synapse-pycache"
else
	SYN_PYCACHE="$T/synapse-pycache"
fi

# Servers stop before lib.sh's cleanup removes $T; the ejabberd harness shares this hook list.
HARNESS_EXIT_HOOKS="${HARNESS_EXIT_HOOKS:-} synapse_stop_all"
_harness_on_exit() {
	for _h in $HARNESS_EXIT_HOOKS; do "$_h"; done
	cleanup
}
trap _harness_on_exit EXIT
trap '_harness_on_exit; trap - EXIT; exit 130' INT
trap '_harness_on_exit; trap - EXIT; exit 143' TERM

synapse_sources() {
	for _d in "${MSGADM_SYNAPSE_SRC:-}" "$TOP/../shared/servers/synapse-1.67.0"; do
		if [ -n "$_d" ] && [ -f "$_d/synapse/app/homeserver.py" ]; then
			(cd "$_d" && pwd)
			return 0
		fi
	done
	return 1
}

synapse_require() {
	if SYN_SRC=$(synapse_sources); then
		export SYN_SRC
		return 0
	fi
	case ${CI:-} in
	'' | false | 0)
		say "skipped: $SYN_NO_SOURCES"
		exit 0
		;;
	esac
	say "not ok - $SYN_NO_SOURCES"
	say "#   CI is set, so the real-Synapse suites must run; looked for synapse/app/homeserver.py in"
	say "#   \$MSGADM_SYNAPSE_SRC (${MSGADM_SYNAPSE_SRC:-unset}) and $TOP/../shared/servers/synapse-1.67.0"
	exit 1
}

_syn_ms() { date +%s%3N; }

_syn_check_name() {
	case $1 in
	'' | *[!A-Za-z0-9_]*) return 1 ;;
	esac
}

synapse_use() {
	_syn_check_name "$1" || { echo "synapse harness: bad instance name '$1'" >&2; return 1; }
	if [ ! -f "$T/synapse-$1/instance.env" ]; then
		echo "synapse harness: no instance '$1'" >&2
		return 1
	fi
	# shellcheck disable=SC1090
	. "$T/synapse-$1/instance.env"
	[ -f "$T/synapse-$1/pid" ] && SYN_PID=$(cat "$T/synapse-$1/pid")
	[ -f "$T/synapse-$1/start_ms" ] && SYN_START_MS=$(cat "$T/synapse-$1/start_ms")
	return 0
}

synapse_log() { tail -n "${2:-40}" "$T/synapse-$1/homeserver.log"; }

# _syn_alive DIR PID: the process exists, is no zombie, and runs this instance's homeserver.yaml.
_syn_alive() {
	[ -n "$2" ] && [ -d "/proc/$2" ] || return 1
	_st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$2/status" 2>/dev/null)
	[ -n "$_st" ] && [ "$_st" != Z ] || return 1
	tr '\0' ' ' <"/proc/$2/cmdline" 2>/dev/null | grep -qF -- "-c $1/homeserver.yaml"
}

# _syn_kill DIR: SIGTERM, up to 10 s, SIGKILL; 1 if it survived. Marks the instance stopped.
_syn_kill() {
	_pid=$(cat "$1/pid" 2>/dev/null)
	if _syn_alive "$1" "$_pid"; then
		kill -TERM "$_pid" 2>/dev/null
		_i=0
		while _syn_alive "$1" "$_pid" && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
		if _syn_alive "$1" "$_pid"; then
			echo "# synapse $1 (pid $_pid) still running 10 s after SIGTERM: SIGKILL" >&2
			kill -KILL "$_pid" 2>/dev/null
			_i=0
			while _syn_alive "$1" "$_pid" && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
		fi
		# our own child: reap it, so that nothing is left, not even a zombie
		wait "$_pid" 2>/dev/null
		_syn_alive "$1" "$_pid" && return 1
	fi
	: >"$1/stopped"
	return 0
}

synapse_stop() {
	_syn_check_name "$1" || return 1
	_syn_kill "$T/synapse-$1" || { echo "synapse $1: still running after SIGKILL" >&2; return 1; }
}

synapse_stop_all() {
	[ -f "$SYN_INSTANCES" ] || return 0
	while read -r _n; do
		[ -n "$_n" ] || continue
		[ -e "$T/synapse-$_n/stopped" ] && continue
		_syn_kill "$T/synapse-$_n" || say "not ok - synapse $_n could not be stopped"
	done <"$SYN_INSTANCES"
}

# _syn_py DIR CODE ARGS...: Python with the instance's helpers (see synapse_py); no secret is ever
# an argument: tokens and the shared secret are read from the instance's 0600 files.
_syn_py() {
	_d=$1
	shift
	python3 - "$_d" "$@" <<'PY'
import hashlib, hmac, json, os, secrets, sqlite3, sys, time, urllib.error, urllib.parse, urllib.request
D, code, A = sys.argv[1], sys.argv[2], sys.argv[3:]
ENV = {}
for line in open(os.path.join(D, "instance.env")):
    k, _, v = line.rstrip("\n").partition("=")
    ENV[k] = v.strip("'")
URL = ENV.get("SYN_URL", "")
SERVER = ENV.get("SYN_SERVER", "")
def token_of(auth):
    if auth == "none":
        return None
    path = auth[5:] if auth.startswith("file:") else os.path.join(D, "admin.token") if auth == "admin" \
        else os.path.join(D, "users", auth + ".token")
    return open(path).read().strip()
def raw(method, path, body=None, auth="admin", timeout=30):
    data = None if body is None else (body if isinstance(body, str) else json.dumps(body)).encode()
    req = urllib.request.Request(URL + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    tok = token_of(auth)
    if tok:
        req.add_header("Authorization", "Bearer " + tok)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
def call(method, path, body=None, auth="admin"):
    s, b = raw(method, path, body, auth)
    try:
        return s, json.loads(b)
    except ValueError:
        return s, None
def ok(method, path, body=None, auth="admin"):
    s, j = call(method, path, body, auth)
    if not 200 <= s < 300:
        raise SystemExit("%s %s: HTTP %d %s" % (method, path, s, j))
    return j
def q(s):
    return urllib.parse.quote(s, safe="")
def register(local, admin=False, displayname=None):
    secret = open(os.path.join(D, "shared_secret")).read().strip()
    password = secrets.token_urlsafe(18)
    nonce = ok("GET", "/_synapse/admin/v1/register", auth="none")["nonce"]
    mac = hmac.new(secret.encode(), digestmod=hashlib.sha1)
    mac.update(b"\0".join([nonce.encode(), local.encode(), password.encode(),
                           b"admin" if admin else b"notadmin"]))
    body = {"nonce": nonce, "username": local, "password": password, "admin": admin, "mac": mac.hexdigest()}
    if displayname:
        body["displayname"] = displayname
    r = ok("POST", "/_synapse/admin/v1/register", body, auth="none")
    return r["access_token"], password
def write_private(path, text):
    fd = os.open(path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)
def messages(room, auth="admin", limit=100):
    """The bodies of the room's m.room.message events, oldest first, as the client API gives them."""
    r = ok("GET", "/_matrix/client/v3/rooms/%s/messages?dir=b&limit=%d" % (q(room), limit), auth=auth)
    return [e["content"].get("body") for e in reversed(r["chunk"]) if e["type"] == "m.room.message"]
exec(code)
PY
}

synapse_py() {
	_syn_check_name "$1" || return 2
	_n=$1
	shift
	_syn_py "$T/synapse-$_n" "$@"
}

synapse_api() { # NAME AUTH METHOD PATH [JSON]
	synapse_py "$1" '
try:
    s, b = raw(A[1], A[2], A[3] if len(A) > 3 else None, A[0])
except OSError as e:
    print("no answer: %s" % e, file=sys.stderr); sys.exit(2)
print(s); print(b)' "$2" "$3" "$4" ${5+"$5"}
}

synapse_call() { # NAME AUTH METHOD PATH [JSON]
	synapse_py "$1" '
try:
    s, b = raw(A[1], A[2], A[3] if len(A) > 3 else None, A[0])
except OSError as e:
    print("no answer: %s" % e, file=sys.stderr); sys.exit(2)
print(b)
if not 200 <= s < 300:
    print("HTTP %d" % s, file=sys.stderr); sys.exit(1)' "$2" "$3" "$4" ${5+"$5"}
}

synapse_user() { # NAME LOCAL [admin] [DISPLAYNAME]
	synapse_py "$1" '
tok, pw = register(A[0], A[1] == "admin", A[2] or None)
os.makedirs(os.path.join(D, "users"), mode=0o700, exist_ok=True)
write_private(os.path.join(D, "users", A[0] + ".token"), tok + "\n")
write_private(os.path.join(D, "users", A[0] + ".password"), pw + "\n")' "$2" "${3:-}" "${4:-}"
}

_syn_q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# _syn_fail DIR REASON: the one way a start fails: stops what may run, says why, exits the test.
_syn_fail() {
	say "not ok - synapse could not be started ($(basename "$1" | sed 's/^synapse-//')): $2"
	for _f in "$1/out.log" "$1/homeserver.log"; do
		[ -s "$_f" ] && { echo "--- ${_f##*/} (last 25 lines)"; tail -n 25 "$_f"; }
	done 2>/dev/null | sed 's/^/#   /'
	_syn_kill "$1" >/dev/null 2>&1
	exit 1
}

# _syn_run DIR: starts the server of DIR (configured already), waits until it answers, makes the
# admin and waits for the background updates. Writes pid and start_ms.
_syn_run() {
	_d=$1
	rm -f "$_d/stopped" "$_d/admin.token"
	_t0=$(_syn_ms)
	# A clean environment: only Debian's python3 and the read-only sources. Bytecode goes to a cache
	# of its own (PYTHONPYCACHEPREFIX), never beside the sources; compiling Synapse anew costs ~0.7 s
	# per start, so the cache is shared by the scripts of one tests/run (in its build directory).
	env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$_d" TMPDIR="$_d/tmp" PYTHONPYCACHEPREFIX="$SYN_PYCACHE" \
		PYTHONPATH="$SYN_SRC" /usr/bin/python3 -m synapse.app.homeserver -c "$_d/homeserver.yaml" \
		>>"$_d/out.log" 2>&1 </dev/null &
	echo $! >"$_d/pid"
	_syn_py "$_d" '
pid, limit = int(A[0]), float(A[1])
def alive():
    try:
        return "\nState:\tZ" not in open("/proc/%d/status" % pid).read()
    except OSError:
        return False
start = time.time()
while True:
    if not alive():
        print("the server stopped during start"); sys.exit(1)
    try:
        if raw("GET", "/_synapse/admin/v1/server_version", auth="none", timeout=2)[0] == 200:
            break
    except OSError:
        pass
    if time.time() - start > limit:
        print("the API did not answer within %g s" % limit); sys.exit(1)
    time.sleep(0.05)
tok, pw = register("admin", True, "Admin")
write_private(os.path.join(D, "admin.token"), tok + "\n")
write_private(os.path.join(D, "admin.password"), pw + "\n")
# A fresh database runs background updates; users_set_deactivated_flag deactivates accounts without
# password, token or threepid, which is what msgadm creates: wait until none is left.
db = "file:%s?mode=ro" % os.path.join(D, "homeserver.db")
while True:
    try:
        c = sqlite3.connect(db, uri=True, timeout=1)
        n = c.execute("SELECT COUNT(*) FROM background_updates").fetchone()[0]
        c.close()
        if n == 0:
            break
    except sqlite3.Error:
        pass
    if time.time() - start > limit:
        print("background updates still running after %g s" % limit); sys.exit(1)
    time.sleep(0.05)
' "$(cat "$_d/pid")" "${SYN_START_TIMEOUT:-30}" >"$_d/wait.out" 2>&1 || _syn_fail "$_d" "$(cat "$_d/wait.out")"
	echo $(($(_syn_ms) - _t0)) >"$_d/start_ms"
}

synapse_start() { # NAME SERVER_NAME [EXTRA_YAML]
	_name=${1:-}
	_server=${2:-}
	_extra=${3:-}
	_dir="$T/synapse-$_name"
	_syn_check_name "$_name" || { say "not ok - synapse could not be started ($_name): bad instance name (letters, digits, _)"; exit 1; }
	[ -e "$_dir" ] && { say "not ok - synapse could not be started ($_name): instance $_name was already started in this script"; exit 1; }
	case $_server in
	'' | *[!A-Za-z0-9.:-]*) say "not ok - synapse could not be started ($_name): bad server name '$_server'"; exit 1 ;;
	esac
	[ -n "${SYN_SRC:-}" ] || synapse_require
	if [ -n "$_extra" ] && [ ! -r "$_extra" ]; then
		say "not ok - synapse could not be started ($_name): extra configuration $_extra is not readable"
		exit 1
	fi
	(umask 077 && mkdir -p "$_dir/media" "$_dir/tmp" "$_dir/users")
	echo "$_name" >>"$SYN_INSTANCES"
	_port=$(python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])') || _syn_fail "$_dir" "python3 could not find a free port"
	_url="http://127.0.0.1:$_port"
	# Secrets go to 0600 files, never to a command line; the signing key is made here, so that no
	# second Synapse process is needed (--generate-keys costs 2 s).
	python3 - "$_dir" <<'PY' || _syn_fail "$_dir" "python3 could not write the instance's secrets"
import base64, os, secrets, sys
d = sys.argv[1]
def private(name, text):
    fd = os.open(os.path.join(d, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
private("shared_secret", secrets.token_hex(24) + "\n")
seed = base64.b64encode(os.urandom(32)).decode().rstrip("=")
private("signing.key", "ed25519 a_%s %s\n" % (secrets.token_hex(2), seed))
PY
	{
		cat <<YML
# Test instance $_name, written by tests/synapse/harness.sh: 127.0.0.1 only, SQLite, no outside fetches.
server_name: "$_server"
public_baseurl: "$_url/"
report_stats: false
listeners:
  - port: $_port
    type: http
    tls: false
    x_forwarded: false
    bind_addresses: ['127.0.0.1']
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: "$_dir/homeserver.db"
media_store_path: "$_dir/media"
signing_key_path: "$_dir/signing.key"
log_config: "$_dir/log.yaml"
registration_shared_secret: "$(cat "$_dir/shared_secret")"
macaroon_secret_key: "$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
form_secret: "$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
enable_registration: false
trusted_key_servers: []
suppress_key_server_warning: true
bcrypt_rounds: 4
url_preview_enabled: false
enable_metrics: false
presence:
  enabled: false
retention:
  enabled: true
# The background updates of a fresh database finish in about a second (see tests/synapse/README.md).
background_updates:
  sleep_enabled: false
  background_update_duration_ms: 1000
  min_batch_size: 1000
  default_batch_size: 1000
# High rate limits: scripted tests are not throttled. A test that wants a 429 passes EXTRA_YAML.
rc_message: {per_second: 10000, burst_count: 10000}
rc_registration: {per_second: 10000, burst_count: 10000}
rc_registration_token_validity: {per_second: 10000, burst_count: 10000}
rc_login:
  address: {per_second: 10000, burst_count: 10000}
  account: {per_second: 10000, burst_count: 10000}
  failed_attempts: {per_second: 10000, burst_count: 10000}
rc_admin_redaction: {per_second: 10000, burst_count: 10000}
rc_joins:
  local: {per_second: 10000, burst_count: 10000}
  remote: {per_second: 10000, burst_count: 10000}
rc_joins_per_room: {per_second: 10000, burst_count: 10000}
rc_3pid_validation: {per_second: 10000, burst_count: 10000}
rc_invites:
  per_room: {per_second: 10000, burst_count: 10000}
  per_user: {per_second: 10000, burst_count: 10000}
  per_issuer: {per_second: 10000, burst_count: 10000}
rc_third_party_invite: {per_second: 10000, burst_count: 10000}
YML
		if [ -n "$_extra" ]; then
			echo "# --- EXTRA_YAML ($_extra): later keys replace the ones above"
			cat "$_extra"
		fi
	} >"$_dir/homeserver.yaml"
	cat >"$_dir/log.yaml" <<YML
version: 1
formatters:
  precise:
    format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s'
handlers:
  file:
    class: logging.FileHandler
    formatter: precise
    filename: "$_dir/homeserver.log"
loggers:
  synapse.storage.SQL:
    level: WARNING
root:
  level: INFO
  handlers: [file]
disable_existing_loggers: false
YML
	chmod 600 "$_dir/homeserver.yaml"
	{
		echo "SYN_NAME=$(_syn_q "$_name")"
		echo "SYN_SERVER=$(_syn_q "$_server")"
		echo "SYN_DIR=$(_syn_q "$_dir")"
		echo "SYN_URL=$(_syn_q "$_url")"
		echo "SYN_PORT=$_port"
		echo "SYN_TOKEN_FILE=$(_syn_q "$_dir/admin.token")"
	} >"$_dir/instance.env"
	_syn_run "$_dir"
	synapse_use "$_name"
}

synapse_blank() { # NAME
	synapse_use "$1" || exit 1
	_syn_kill "$SYN_DIR" || _syn_fail "$SYN_DIR" "the old server did not stop"
	rm -rf "$SYN_DIR/homeserver.db" "$SYN_DIR/homeserver.db-wal" "$SYN_DIR/homeserver.db-shm" \
		"$SYN_DIR/homeserver.db-journal" "$SYN_DIR/media" "$SYN_DIR/users"
	(umask 077 && mkdir -p "$SYN_DIR/media" "$SYN_DIR/users")
	_syn_run "$SYN_DIR"
	synapse_use "$1"
}

synapse_contexts() { # [EXTRA_LINES]
	_down=$(python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
	(umask 077 && printf 'syt_bm90aGVyZQ_notatoken_0000\n' >"$SYN_DIR/bad.token")
	{
		cat <<CFG
current_context: syn
contexts:
  - name: syn
    driver: synapse
    url: $SYN_URL
    server: $SYN_SERVER
    token_file: $SYN_TOKEN_FILE
    retries: ${SYN_RETRIES:-2}
    timeout: 30
CFG
		[ -n "${1:-}" ] && printf '%s\n' "$1" | sed 's/^/    /'
		cat <<CFG
  - name: user
    driver: synapse
    url: $SYN_URL
    server: $SYN_SERVER
    token_file: $SYN_DIR/users/alice.token
    retries: 1
  - name: badtoken
    driver: synapse
    url: $SYN_URL
    server: $SYN_SERVER
    token_file: $SYN_DIR/bad.token
    retries: 1
  - name: down
    driver: synapse
    url: http://127.0.0.1:$_down
    server: $SYN_SERVER
    token_file: $SYN_TOKEN_FILE
    retries: 1
    connect_timeout: 2
CFG
	} >"$MSGADM_CONFIG"
	chmod 600 "$MSGADM_CONFIG"
}
