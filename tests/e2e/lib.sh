# Shared helpers for end-to-end tests: source it from tests/e2e/tNNNN-*.sh.
# Each test prints "ok - title" or "not ok - title"; tests/run counts them.
# Style borrowed from git's test suite: small blocks that read like specs.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
MSGADM=${MSGADM:-$TOP/build/msgadm}
T=$(mktemp -d "${TMPDIR:-/tmp}/msgadm-e2e.XXXXXX")
EMU_PID=
export HOME="$T/home"
mkdir -p "$HOME"
unset MSGADM_CONTEXT XDG_CONFIG_HOME XDG_STATE_HOME
export MSGADM_CONFIG="$T/config.yaml"

cleanup() {
	[ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null && wait "$EMU_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

say() { printf '%s\n' "$*"; }

# test_expect_success 'title' 'shell code'
test_expect_success() {
	if (eval "$2") >"$T/out.log" 2>&1; then
		say "ok - $1"
	else
		say "not ok - $1"
		sed 's/^/#   /' "$T/out.log" | tail -n 40
	fi
}

# test_expect_code N 'title' 'shell code': the code's last command must exit N.
test_expect_code() {
	(eval "$3") >"$T/out.log" 2>&1
	rc=$?
	if [ "$rc" -eq "$1" ]; then
		say "ok - $2"
	else
		say "not ok - $2 (exit $rc, wanted $1)"
		sed 's/^/#   /' "$T/out.log" | tail -n 40
	fi
}

# msgadm under test; stdout and stderr to $T/stdout and $T/stderr, returns its status.
run() {
	"$MSGADM" "$@" >"$T/stdout" 2>"$T/stderr"
}

# expect_status N msgadm-args...: runs msgadm and checks its exit status.
expect_status() {
	want=$1
	shift
	run "$@"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "msgadm $*: exit $rc, wanted $want"
		echo "--- stdout"; cat "$T/stdout"; echo "--- stderr"; cat "$T/stderr"
		return 1
	fi
}

# grep_in FILE PATTERN: fixed-string search with a useful failure message.
grep_in() {
	if ! grep -qF -- "$2" "$1"; then
		echo "expected '$2' in $(basename "$1"):"
		cat "$1"
		return 1
	fi
}

not_in() {
	if grep -qF -- "$2" "$1"; then
		echo "did not expect '$2' in $(basename "$1"):"
		cat "$1"
		return 1
	fi
}

# HTTP to the emulator's control endpoints (test-only), with Python so tests need no curl.
emu() { # emu METHOD PATH [JSON]
	python3 - "$EMU_URL" "$@" <<'PY'
import sys, urllib.request
base, method, path = sys.argv[1], sys.argv[2], sys.argv[3]
data = sys.argv[4].encode() if len(sys.argv) > 4 else None
req = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
with urllib.request.urlopen(req, timeout=10) as r:
    sys.stdout.write(r.read().decode())
PY
}

# emupy 'CODE' [ARG...]: one Python process for several emulator calls (each python3 start costs
# ~0.1 s); CODE runs with call(METHOD, PATH[, BODY]) -> parsed reply, and the args in A.
emupy() {
	python3 - "$EMU_URL" "$@" <<'PY'
import json, sys, urllib.request
base, code, A = sys.argv[1], sys.argv[2], sys.argv[3:]
def call(method, path, body=None):
    data = None if body is None else (body if isinstance(body, str) else json.dumps(body)).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read().decode() or "null")
exec(code)
PY
}

# emu_fresh SEED [FAULT [STATE_FILE]]: the emulator seeded afresh (SEED: a /_emu/seed body), no
# faults but FAULT (a JSON object or list), request counters at zero, and its state saved to
# STATE_FILE when given; all in one Python process.
emu_fresh() {
	emupy '
call("POST", "/_emu/seed", A[0])
call("DELETE", "/_emu/fault")
if A[1]:
    call("POST", "/_emu/fault", A[1])
call("POST", "/_emu/requests/reset", "")
if A[2]:
    json.dump(call("GET", "/_emu/state"), open(A[2], "w"))
' "$1" "${2-}" "${3-}"
}

emu_state() { emu GET /_emu/state; }
emu_fault() { emu POST /_emu/fault "$1" >/dev/null; }
emu_clear_faults() { emu DELETE /_emu/fault >/dev/null; }
emu_writes() { emu GET /_emu/requests | python3 -c 'import json,sys; print(json.load(sys.stdin)["writes"])'; }

# start_synapse_emu [extra flags]: starts the emulator on a free loopback port, writes tokens and a
# contexts file with: emu (admin), user (non-admin token), badtoken, down (nothing listens), envtok.
# Its server name is example.test, or $EMU_SERVER_NAME when set.
start_synapse_emu() {
	_sn=${EMU_SERVER_NAME:-example.test}
	umask 077
	printf 'syt_admin_%s\n' "$$" >"$T/admin.token"
	printf 'syt_alice_%s\n' "$$" >"$T/user.token"
	printf 'syt_bogus_token\n' >"$T/bad.token"
	python3 "$TOP/tests/emu/synapse_emu.py" --port 0 --port-file "$T/port" --server-name "$_sn" \
		--admin-token-file "$T/admin.token" --user-token-file "$T/user.token" "$@" >"$T/emu.log" 2>&1 &
	EMU_PID=$!
	i=0
	while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	if [ ! -s "$T/port" ]; then
		echo "not ok - the Synapse emulator did not start"; cat "$T/emu.log"; exit 1
	fi
	EMU_URL="http://127.0.0.1:$(cat "$T/port")"
	cat >"$MSGADM_CONFIG" <<CFG
current_context: emu
contexts:
  - name: emu
    driver: synapse
    url: $EMU_URL
    server: $_sn
    token_file: $T/admin.token
    retries: 2
    timeout: 10
  - name: user
    driver: synapse
    url: $EMU_URL
    server: $_sn
    token_file: $T/user.token
  - name: badtoken
    driver: synapse
    url: $EMU_URL
    server: $_sn
    token_file: $T/bad.token
  - name: down
    driver: synapse
    url: http://127.0.0.1:1
    server: $_sn
    token_file: $T/admin.token
    retries: 1
    connect_timeout: 2
  - name: envtok
    driver: synapse
    url: $EMU_URL
    server: $_sn
    token_env: MSGADM_TEST_TOKEN
CFG
	chmod 600 "$MSGADM_CONFIG"
	umask 022
}

# ---- A terminal, for what a person at a keyboard sees (the console, a shell's Tab): a detached
# tmux session driven with send-keys and read with capture-pane. ----

tm() { tmux -S "$T/tmux.sock" -f "$T/tmux.conf" "$@"; }

# term_start 'COMMAND': runs the shell command line in a fixed-size terminal (120x40); when it ends,
# the pane stays, dead (remain-on-exit), so that how it ended can be read. term_stop ends it all.
term_start() {
	printf 'set -g remain-on-exit on\nset -g history-limit 2000\n' >"$T/tmux.conf"
	tm new-session -d -s term -x 120 -y 40 "$1"
	trap 'term_stop; cleanup' EXIT INT TERM
}
term_stop() { tm kill-server 2>/dev/null; }
keys() { tm send-keys -t term "$@"; }

# screen: the visible pane, without its empty lines; last_line: its last line.
screen() { tm capture-pane -p -t term | sed '/^ *$/d'; }
last_line() { screen | tail -n 1; }

# wait_for WHAT PATTERN [SECONDS]: polls (every 0.1 s, up to SECONDS, default 5) until the whole
# screen (WHAT=screen) or its last line (WHAT=last) has a line matching the extended regexp.
wait_for() {
	i=0
	while [ "$i" -lt "$((${3:-5} * 10))" ]; do
		if [ "$1" = last ]; then last_line; else screen; fi >"$T/screen" 2>/dev/null
		grep -Eq -- "$2" "$T/screen" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "waited ${3:-5} s for /$2/ on the $1 line(s) of the terminal:"
	screen
	return 1
}

# at_prompt [TEXT]: the last line is $PROMPT followed by TEXT, and the cursor right after it.
at_prompt() {
	want="$PROMPT${1:-}"
	wait_for last "^$(printf '%s' "$want" | sed 's/[].[*^$\\/+?(){}|]/\\&/g; s/ *$//') *\$" || return 1
	col=$(tm display-message -p -t term '#{cursor_x}')
	if [ "$col" != "${#want}" ]; then
		echo "cursor at column $col, wanted ${#want} (after '$want')"
		return 1
	fi
}
