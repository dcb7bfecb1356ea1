#!/bin/sh
# apply --parallel N against the emulator while it fails some requests (500, 503, 429, connections
# dropped before and after the server acted, bodies cut short): at N = 1, 4 and 8 the report lists
# each failure, a second apply without faults finishes the work, the plan after it is empty, no
# account or token was made twice, every change is "ok" exactly once in the audit log, and the log
# verifies.
. "$(dirname "$0")/lib.sh"
start_synapse_emu
LOG="$HOME/.local/state/msgadm/audit.jsonl"

# 20 accounts and 2 tokens on the server; the policy creates 40 accounts and 4 tokens, renames 10,
# deactivates 5 and changes a token's uses: 60 changes over four stages.
SEED=$(python3 -c '
import json
users = [{"name": "@u%02d:example.test" % i, "displayname": "old %d" % i} for i in range(1, 21)]
tokens = [{"token": "keep", "uses_allowed": 5}, {"token": "more", "uses_allowed": 1}]
print(json.dumps({"reset": True, "users": users, "registration_tokens": tokens}))')
{
	printf 'version: 1\nserver: example.test\nusers:\n  manage: listed\n  list:\n'
	i=1
	while [ $i -le 40 ]; do printf '    - {id: n%02d, display_name: New %d}\n' $i $i; i=$((i + 1)); done
	i=1
	while [ $i -le 10 ]; do printf '    - {id: u%02d, display_name: Renamed %d}\n' $i $i; i=$((i + 1)); done
	i=11
	while [ $i -le 15 ]; do printf '    - {id: u%02d, active: false}\n' $i; i=$((i + 1)); done
	printf 'invites:\n  tokens:\n    - {name: keep, uses: 5}\n    - {name: more, uses: 3}\n'
	for t in t1 t2 t3 t4; do printf '    - {name: %s, uses: 2}\n' $t; done
} >"$T/policy.yaml"

# Each fault hits one change (the ids may reach the server percent-encoded): whichever worker
# takes it, the retries of that change meet only its own faults.
fault() { # KIND COUNT METHOD PATH-PREFIX ID [EXTRA]
	printf '{"kind": "%s", "count": %s, "match": "%s %s@%s:"%s},\n' "$1" "$2" "$3" "$4" "$5" "${6:-}"
	printf '{"kind": "%s", "count": %s, "match": "%s %s%%40%s%%3A"%s},\n' "$1" "$2" "$3" "$4" "$5" "${6:-}"
}
U='/_synapse/admin/v2/users/'
FAULTS="[$(
	fault status 1 PUT $U n01 ', "status": 500'
	fault status 1 PUT $U u03 ', "status": 500'
	fault rate_limit 2 PUT $U n03 ', "retry_after_ms": 200'
	fault drop 1 PUT $U n07
	fault drop 1 PUT $U n12 ', "acted": true'
	fault truncate 1 PUT $U n20 ', "acted": true'
	fault status 2 POST /_synapse/admin/v1/deactivate/ u12 ', "status": 503'
)
 {\"kind\": \"truncate\", \"acted\": true, \"count\": 1, \"match\": \"POST /_synapse/admin/v1/registration_tokens/new\"},
 {\"kind\": \"drop\", \"count\": 1, \"match\": \"POST /_synapse/admin/v1/registration_tokens/new\"}]"

# status_0_or_3 msgadm-args...: a run that may end with some changes failed, but not otherwise.
status_0_or_3() {
	run "$@"
	rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || { echo "msgadm $*: exit $rc"; cat "$T/stderr"; return 1; }
}

# converges N: faults, apply --parallel N, then apply again without them; checks everything above.
converges() {
	rm -f "$LOG" &&
	emu_fresh "$SEED" "$FAULTS" &&
	status_0_or_3 apply -f "$T/policy.yaml" --yes --parallel "$1" -o json &&
	cp "$T/stdout" "$T/first.json" &&
	emu_clear_faults &&
	expect_status 0 apply -f "$T/policy.yaml" --yes --parallel "$1" -o json &&
	cp "$T/stdout" "$T/second.json" &&
	expect_status 0 plan -f "$T/policy.yaml" --detailed-exitcode &&
	expect_status 0 audit verify &&
	emupy '
first, second = (json.load(open(f)) for f in A[:2])
log = [json.loads(l) for l in open(A[2])]
# the first run: 60 changes, reported in plan order, each failure with its message
r1 = first["results"]
assert len(r1) == 60, len(r1)
stages = [r["change"]["op"] + " " + r["change"]["type"] for r in r1]
assert stages[:4] == ["create token"] * 4 and stages[-5:] == ["deactivate user"] * 5, stages
bad = [r for r in r1 if r["status"] != "ok"]
assert first["failed"] == len(bad) and all(r["message"] for r in bad), bad
# what the second run did is exactly what the first left undone
undone = sorted((r["change"]["type"], r["change"]["key"]) for r in bad)
redone = sorted((r["change"]["type"], r["change"]["key"]) for r in second["results"])
assert set(redone) <= set(undone), (redone, undone)
assert all(r["status"] == "ok" for r in second["results"]), second
# every planned change ok exactly once in the audit log
oks = {}
for l in log:
    if l["outcome"] == "ok":
        k = (l["change"]["type"], l["change"]["key"])
        oks[k] = oks.get(k, 0) + 1
twice = [k for k, n in oks.items() if n != 1]
assert not twice, twice
assert len(oks) + len(set(undone) - set(redone)) == 60, (len(oks), undone, redone)
# the server: exactly the policy, nothing made twice
st = call("GET", "/_emu/state")
users = st["users"]
for i in range(1, 41):
    assert users["@n%02d:example.test" % i]["displayname"] == "New %d" % i
for i in range(1, 11):
    assert users["@u%02d:example.test" % i]["displayname"] == "Renamed %d" % i
for i in range(11, 16):
    assert users["@u%02d:example.test" % i]["deactivated"], i
# the 20 seeded, the 40 new, and the admin and alice the emulator starts with
assert len(users) == 62, sorted(users)
tokens = sorted(t["token"] for t in st["registration_tokens"])
assert tokens == ["keep", "more", "t1", "t2", "t3", "t4"], tokens
assert [t["uses_allowed"] for t in st["registration_tokens"] if t["token"] == "more"] == [3]
' "$T/first.json" "$T/second.json" "$LOG"
}

test_expect_success 'one worker: faults, then a second apply converges' '
	converges 1
'
test_expect_success '4 workers: faults, then a second apply converges' '
	converges 4
'
test_expect_success '8 workers: faults, then a second apply converges' '
	converges 8
'
test_expect_success 'the server sees up to N requests at once, and one at a time with --parallel 1' '
	emu_fresh "$SEED" "{\"kind\": \"delay\", \"delay_ms\": 20, \"count\": -1, \"match\": \"PUT /_synapse/admin/v2/users/\"}" &&
	expect_status 0 apply -f "$T/policy.yaml" --yes --parallel 8 &&
	emupy "n = call(\"GET\", \"/_emu/requests\")[\"most_in_flight\"]; assert 1 < n <= 8, n" &&
	emu_fresh "$SEED" "{\"kind\": \"delay\", \"delay_ms\": 20, \"count\": -1, \"match\": \"PUT /_synapse/admin/v2/users/\"}" &&
	expect_status 0 apply -f "$T/policy.yaml" --yes --parallel 1 &&
	emupy "n = call(\"GET\", \"/_emu/requests\")[\"most_in_flight\"]; assert n == 1, n"
'
test_expect_success 'a 429 to one worker makes all of them wait (-v shows it)' '
	emu_fresh "$SEED" "[$(fault rate_limit 1 PUT $U n05 ", \"retry_after_ms\": 400")
		{\"kind\": \"delay\", \"delay_ms\": 30, \"count\": -1, \"match\": \"PUT $U\"}]" &&
	expect_status 0 -v apply -f "$T/policy.yaml" --yes --parallel 4 &&
	cp "$T/stderr" "$T/429.err" &&
	grep -q "^\[[0-9]\] \* retrying in [0-9]* ms (429" "$T/stderr" &&
	grep -q "^\[[0-9]\] \* waiting [0-9]* ms (the server asked another connection to)" "$T/stderr"
'
test_expect_success '--parallel must be 1 to 16' '
	emu_fresh "$SEED" &&
	expect_status 64 apply -f "$T/policy.yaml" --yes --parallel 0 &&
	grep_in "$T/stderr" "--parallel: '\''0'\'' is not a whole number from 1 to 16" &&
	expect_status 64 apply -f "$T/policy.yaml" --yes --parallel 17 &&
	expect_status 64 apply -f "$T/policy.yaml" --yes --parallel x &&
	emupy "assert call(\"GET\", \"/_emu/requests\")[\"writes\"] == 0"
'
