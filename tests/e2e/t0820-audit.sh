#!/bin/sh
# msgadm's own audit trail against the Synapse emulator: apply and imperative changes each append one
# chained JSON line; audit log shows and filters them; audit verify finds edited, removed and
# reordered lines; a log that cannot be written stops an apply before any change.
. "$(dirname "$0")/lib.sh"
start_synapse_emu
LOG="$HOME/.local/state/msgadm/audit.jsonl"

emu POST /_emu/seed '{"registration_tokens": [{"token": "old-token", "uses_allowed": 5}]}' >/dev/null

cat >"$T/policy.yaml" <<'YAML'
version: 1
server: example.test
users:
  manage: exclusive
  protect: [admin, alice]
  max_deactivations: 2
  list:
    - {id: judy, display_name: Judy Hopps}
invites:
  tokens:
    - {name: onboarding-q1, uses: 25, expires: 2027-03-31}
lint:
  ignore:
    - {rule: no-retention, reason: kept by the records office}
YAML

# check_lines FROM PYTHON: runs PYTHON with L = the log's records from line FROM (1-based) on,
# raw = their lines, and asserts the chain over the whole file.
check_lines() {
	python3 - "$LOG" "$1" "$2" <<'PY'
import hashlib, json, sys
path, start, code = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(path, "rb").read().split(b"\n")
assert lines[-1] == b"", "the log must end with a newline"
lines = lines[:-1]
prev = "0" * 64
for n, line in enumerate(lines, 1):
    rec = json.loads(line)
    assert rec["prev"] == prev, (n, rec["prev"], prev)
    prev = hashlib.sha256(line).hexdigest()
raw = lines[start - 1:]
L = [json.loads(x) for x in raw]
exec(code)
PY
}

test_expect_success 'apply appends one line per change with time, user, context, server, digest, change, outcome' '
	expect_status 0 -o json plan -f "$T/policy.yaml" && cp "$T/stdout" "$T/plan.json" &&
	before=$(date -u +%s) &&
	expect_status 0 apply -f "$T/policy.yaml" --yes &&
	after=$(date -u +%s) &&
	check_lines 1 "
import calendar, os, pwd, time
plan = json.load(open(\"$T/plan.json\"))
assert len(L) == len(plan[\"changes\"]) == 3, (len(L), plan[\"changes\"])
for rec, change in zip(L, plan[\"changes\"]):
    t = calendar.timegm(time.strptime(rec[\"time\"], \"%Y-%m-%dT%H:%M:%SZ\"))
    assert $before <= t <= $after, (rec[\"time\"], $before, $after)
    assert rec[\"user\"] == pwd.getpwuid(os.getuid()).pw_name and rec[\"uid\"] == os.getuid(), rec
    assert (rec[\"context\"], rec[\"server\"], rec[\"driver\"]) == (\"emu\", \"example.test\", \"synapse\"), rec
    assert rec[\"digest\"] == plan[\"state_digest\"], (rec[\"digest\"], plan[\"state_digest\"])
    assert rec[\"change\"] == change, (rec[\"change\"], change)
    assert rec[\"outcome\"] == \"ok\" and \"message\" not in rec, rec
assert [(r[\"change\"][\"op\"], r[\"change\"][\"key\"]) for r in L] == [(\"create\", \"onboarding-q1\"), (\"create\", \"judy\"), (\"delete\", \"old-token\")], L
"
'
test_expect_success 'the lint section is neither applied nor noted by plan' '
	expect_status 0 plan -f "$T/policy.yaml" &&
	not_in "$T/stdout" "lint" &&
	grep_in "$T/stdout" "No changes: the server matches the policy."
'
test_expect_success 'the log is 0600 in directories created 0700' '
	test "$(stat -c %a "$LOG")" = 600 &&
	test "$(stat -c %a "$HOME/.local/state/msgadm")" = 700 &&
	test "$(stat -c %a "$HOME/.local/state")" = 700
'
test_expect_success 'imperative changes are logged too, without a plan digest' '
	expect_status 0 user create zed --display-name Zed &&
	expect_status 0 invite revoke onboarding-q1 &&
	expect_status 0 user deactivate zed &&
	check_lines 4 "
assert [(r[\"change\"][\"op\"], r[\"change\"][\"type\"], r[\"change\"][\"key\"], r[\"outcome\"]) for r in L] == [
    (\"create\", \"user\", \"zed\", \"ok\"), (\"delete\", \"token\", \"onboarding-q1\", \"ok\"),
    (\"deactivate\", \"user\", \"zed\", \"ok\")], L
assert all(r[\"digest\"] is None and r[\"context\"] == \"emu\" for r in L), L
assert L[0][\"change\"][\"after\"][\"display_name\"] == \"Zed\", L[0]
"
'
test_expect_success 'one worker: a failed change is logged as failed with its message, later ones as not attempted' '
	emu_fault "{\"kind\": \"status\", \"status\": 403, \"match\": \"PUT /_synapse/admin/v2/users/\"}" &&
	printf "version: 1\nserver: example.test\nusers:\n  list:\n    - {id: kim}\n    - {id: lou}\n" >"$T/two.yaml" &&
	expect_status 3 apply -f "$T/two.yaml" --yes --parallel 1 &&
	emu_clear_faults &&
	check_lines 7 "
assert [(r[\"change\"][\"key\"], r[\"outcome\"]) for r in L] == [(\"kim\", \"failed\"), (\"lou\", \"not attempted\")], L
assert \"403\" in L[0][\"message\"], L[0]
"
'

test_expect_success 'audit verify: an intact chain exits 0 and prints the head' '
	expect_status 0 audit verify &&
	grep_in "$T/stdout" "audit.jsonl: 8 lines, chain intact; head " &&
	expect_status 0 -o json audit verify &&
	python3 -c "
import hashlib, json, sys
s = json.load(open(sys.argv[1]))
last = open(sys.argv[2], \"rb\").read().split(b\"\n\")[-2]
assert s[\"intact\"] is True and s[\"lines\"] == 8 and s[\"head\"] == hashlib.sha256(last).hexdigest(), s
" "$T/stdout" "$LOG"
'
test_expect_success 'audit log shows a table, and -o json the records' '
	expect_status 0 audit log &&
	grep_in "$T/stdout" "TIME" &&
	grep_in "$T/stdout" "+ user judy" &&
	grep_in "$T/stdout" "- token old-token (delete)" &&
	grep -Eq "  failed +\+ user kim: " "$T/stdout" &&
	expect_status 0 -o json audit log &&
	python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert len(r) == 8 and r[0][\"change\"][\"key\"] == \"onboarding-q1\", r" "$T/stdout"
'
count_records() { python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$T/stdout"; }
test_expect_success 'audit log --outcome, --since, --until and --context filter' '
	expect_status 0 -o json audit log --outcome failed && test "$(count_records)" = 2 &&
	expect_status 0 -o json audit log --outcome ok && test "$(count_records)" = 6 &&
	today=$(date -u +%Y-%m-%d) &&
	expect_status 0 -o json audit log --since "$today" && test "$(count_records)" = 8 &&
	expect_status 0 -o json audit log --until "$today" && test "$(count_records)" = 8 &&
	expect_status 0 -o json audit log --until 2000-01-01 && test "$(count_records)" = 0 &&
	expect_status 0 -o json audit log --since 2999-01-01T00:00:00Z && test "$(count_records)" = 0 &&
	expect_status 0 -o json audit log --since "${today}T00:00:00Z" --until "$(date -u -d tomorrow +%Y-%m-%dT%H:%M)" &&
	test "$(count_records)" = 8 &&
	expect_status 0 -o json --context emu audit log && test "$(count_records)" = 8 &&
	expect_status 0 -o json audit log --context user --file "$LOG" && test "$(count_records)" = 0 &&
	expect_status 64 audit log --since yesterday && grep_in "$T/stderr" "not a UTC date" &&
	expect_status 64 audit log --since 2026-02-30 &&
	expect_status 64 audit log --outcome maybe
'

# Tampering, on copies of the log.
tamper() { # tamper NAME PYTHON: writes $T/NAME.jsonl from the log's lines (list `l`, bytes)
	python3 - "$LOG" "$T/$1.jsonl" "$2" <<'PY'
import sys
src, dst, code = sys.argv[1:4]
l = open(src, "rb").read().split(b"\n")[:-1]
exec(code)
open(dst, "wb").write(b"".join(x + b"\n" for x in l))
PY
}
test_expect_success 'an edited line: 65 naming the line after it' '
	tamper edited "l[2] = l[2].replace(b\"old-token\", b\"new-token\")" &&
	expect_status 65 audit verify --file "$T/edited.jsonl" &&
	grep_in "$T/stderr" "edited.jsonl:4: \"prev\" is not the SHA-256 of line 3: line 3 was edited"
'
test_expect_success 'a removed line: 65 naming where the chain breaks' '
	tamper removed "del l[3]" &&
	expect_status 65 audit verify --file "$T/removed.jsonl" &&
	grep_in "$T/stderr" "removed.jsonl:4: \"prev\" is not the SHA-256 of line 3" &&
	tamper first "del l[0]" &&
	expect_status 65 audit verify --file "$T/first.jsonl" &&
	grep_in "$T/stderr" "first.jsonl:1: \"prev\" is not 64 zeros"
'
test_expect_success 'reordered lines: 65 naming the first out of place' '
	tamper reordered "l[4], l[5] = l[5], l[4]" &&
	expect_status 65 audit verify --file "$T/reordered.jsonl" &&
	grep_in "$T/stderr" "reordered.jsonl:5: "
'
test_expect_success 'a line that is not a record, or cut short: 65 naming it' '
	tamper junk "l.insert(2, b\"hello\")" &&
	expect_status 65 audit verify --file "$T/junk.jsonl" &&
	grep_in "$T/stderr" "junk.jsonl:3: not an audit record" &&
	head -c -5 "$LOG" >"$T/cut.jsonl" &&
	expect_status 65 audit verify --file "$T/cut.jsonl" &&
	grep_in "$T/stderr" "cut.jsonl:8: incomplete line"
'
test_expect_success 'a removed last line is found with --anchor, the head kept earlier' '
	expect_status 0 -o json audit verify &&
	head=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"head\"])" "$T/stdout") &&
	tamper lastgone "del l[-1]" &&
	expect_status 0 audit verify --file "$T/lastgone.jsonl" &&
	expect_status 65 audit verify --file "$T/lastgone.jsonl" --anchor "$head" &&
	grep_in "$T/stderr" "no line has the SHA-256 $head" &&
	expect_status 0 audit verify --anchor "$head"
'
test_expect_success 'a missing log: 66' '
	expect_status 66 audit verify --file "$T/nothing.jsonl" &&
	expect_status 66 audit log --file "$T/nothing.jsonl"
'

# A log that cannot be written: nothing is changed on the server.
add_context() { # add_context NAME AUDIT_LOG
	cat >>"$MSGADM_CONFIG" <<CFG
  - name: $1
    driver: synapse
    url: $EMU_URL
    server: example.test
    token_file: $T/admin.token
    audit_log: $2
CFG
}
: >"$T/plainfile"
mkdir -p "$T/isadir" "$T/ctxlogs"
add_context blocked "$T/plainfile/audit.jsonl"
add_context dirlog "$T/isadir"
add_context loose "$T/ctxlogs/loose.jsonl"
add_context cut "$T/ctxlogs/cut.jsonl"
add_context own "$T/ctxlogs/own/audit.jsonl"
printf 'version: 1\nserver: example.test\nusers:\n  list:\n    - {id: nina}\n' >"$T/nina.yaml"

refused() { # refused CONTEXT MESSAGE ARGS...: exit 1 naming the log, and not one request that writes
	ctx=$1 msg=$2
	shift 2
	emu_state >"$T/state.before" && emu POST /_emu/requests/reset "" >/dev/null &&
	expect_status 1 --context "$ctx" "$@" &&
	grep_in "$T/stderr" "$msg" &&
	test "$(emu_writes)" = 0 &&
	emu_state >"$T/state.after" && cmp "$T/state.before" "$T/state.after"
}
test_expect_success 'an audit log that cannot be created: apply refused, the server unchanged' '
	refused blocked "audit log $T/plainfile/audit.jsonl: Not a directory" \
		apply -f "$T/nina.yaml" --yes
'
test_expect_success 'an audit log that is a directory: refused, also for imperative commands' '
	refused dirlog "audit log $T/isadir:" apply -f "$T/nina.yaml" --yes &&
	refused dirlog "audit log $T/isadir:" user create nina &&
	refused dirlog "audit log $T/isadir:" invite create spring
'
test_expect_success 'an audit log others may write: refused with the fix' '
	: >"$T/ctxlogs/loose.jsonl" && chmod 620 "$T/ctxlogs/loose.jsonl" &&
	refused loose "is writable by group or others; fix with: chmod 600" user create nina
'
test_expect_success 'an audit log whose last line is cut short: refused' '
	head -c -3 "$LOG" >"$T/ctxlogs/cut.jsonl" && chmod 600 "$T/ctxlogs/cut.jsonl" &&
	refused cut "the last line is incomplete" apply -f "$T/nina.yaml" --yes
'
test_expect_success 'audit_log in the contexts file puts that context'\''s lines there' '
	expect_status 0 --context own apply -f "$T/nina.yaml" --yes &&
	test "$(wc -l <"$T/ctxlogs/own/audit.jsonl")" = 1 &&
	grep_in "$T/ctxlogs/own/audit.jsonl" "\"context\":\"own\"" &&
	test "$(stat -c %a "$T/ctxlogs/own")" = 700 &&
	expect_status 0 --context own audit verify &&
	grep_in "$T/stdout" "own/audit.jsonl: 1 line, chain intact" &&
	expect_status 0 -o json --context own audit log &&
	grep_in "$T/stdout" "\"key\": \"nina\""
'
test_expect_success 'XDG_STATE_HOME moves the default log' '
	XDG_STATE_HOME="$T/state" expect_status 0 user update nina --display-name Nina &&
	grep_in "$T/state/msgadm/audit.jsonl" "\"key\":\"nina\""
'
test_expect_success 'audit_log must be an absolute path (78)' '
	sed "s|audit_log: $T/isadir|audit_log: relative.jsonl|" "$MSGADM_CONFIG" >"$T/rel.yaml" && chmod 600 "$T/rel.yaml" &&
	MSGADM_CONFIG="$T/rel.yaml" expect_status 78 --context dirlog user create x &&
	grep_in "$T/stderr" "audit_log: must be an absolute path"
'
# Under sudo root acts for someone: the record says whom sudo named; nobody else's SUDO_USER counts.
test_expect_success 'as root under sudo the record and the table name the sudo user' '
	XDG_STATE_HOME="$T/sudo" SUDO_USER=olga expect_status 0 user update nina --display-name "Nina N" &&
	XDG_STATE_HOME="$T/sudo" expect_status 0 -o json audit log &&
	if [ "$(id -u)" = 0 ]; then
		grep_in "$T/stdout" "\"sudo_user\": \"olga\"" &&
		XDG_STATE_HOME="$T/sudo" expect_status 0 audit log && grep_in "$T/stdout" "root (sudo olga)"
	else
		not_in "$T/stdout" "sudo_user"
	fi &&
	XDG_STATE_HOME="$T/sudo" expect_status 0 audit verify
'
