#!/bin/sh
# Users against a real Synapse 1.67.0: create, modify, deactivate and reactivate through plan/apply
# and the imperative commands; the admin flag, display name and e-mail; users.manage: exclusive with
# protect and max_deactivations; the acting-admin and last-admin refusals. Every check of the result
# reads the server through its own admin API, not through msgadm.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/synapse/harness.sh"
synapse_require
synapse_start main example.test
synapse_contexts
say "# synapse started in $SYN_START_MS ms"

# Accounts made outside msgadm: registered with passwords (shared secret), erin with an e-mail, dave
# deactivated.
for u in bob carol dave erin mallory; do synapse_user main "$u" || say "not ok - registering $u"; done
synapse_py main '
ok("PUT", "/_synapse/admin/v2/users/@erin:example.test", {"threepids": [{"medium": "email", "address": "erin@example.test"}]})
ok("POST", "/_synapse/admin/v1/deactivate/@dave:example.test", {"erase": False})
' || say "not ok - seeding the accounts"

# st PYTHON-EXPR: asserts an expression over u, every account (deactivated ones too) as
# GET /_synapse/admin/v2/users/<id> answers, by local part.
st() {
	synapse_py main '
u = {}
for x in ok("GET", "/_synapse/admin/v2/users?deactivated=true&limit=1000")["users"]:
    u[x["name"][1:].split(":")[0]] = ok("GET", "/_synapse/admin/v2/users/" + x["name"])
def email(n):
    return [t["address"] for t in u[n]["threepids"] if t["medium"] == "email"]
if not eval(A[0]):
    print(json.dumps(u, indent=1)); sys.exit(1)' "$1"
}

cat >"$T/policy.yaml" <<'YAML'
version: 1
server: example.test
users:
  manage: exclusive
  protect: [admin, carol]
  max_deactivations: 3
  list:
    - {id: judy, display_name: Judy Hopps, email: Judy@Example.test}
    - {id: bob, display_name: Bob Builder, admin: true}
    - {id: carol, display_name: Someone Else}
    - {id: dave}
YAML

test_expect_success 'plan: create, change, reactivate and deactivate, the protected account left alone' '
	expect_status 0 plan -f "$T/policy.yaml" &&
	grep_in "$T/stdout" "+ user judy" &&
	grep_in "$T/stdout" "~ user bob" && grep_in "$T/stdout" "display_name: \"bob\" -> \"Bob Builder\"" &&
	grep_in "$T/stdout" "admin: false -> true" &&
	grep_in "$T/stdout" "~ user dave (reactivate)" &&
	grep_in "$T/stdout" "- user erin (deactivate: not in the policy (users.manage: exclusive))" &&
	grep_in "$T/stdout" "- user mallory (deactivate: not in the policy (users.manage: exclusive))" &&
	grep_in "$T/stdout" "users.list[2]: note: user is protected (users.protect): not changed" &&
	grep_in "$T/stdout" "Plan: 1 to add, 2 to change, 2 to deactivate/delete." &&
	st "u[\"bob\"][\"admin\"] == 0 and u[\"dave\"][\"deactivated\"] == 1 and \"judy\" not in u"
'
test_expect_success 'apply: the real server holds exactly what the policy says' '
	expect_status 0 apply -f "$T/policy.yaml" --yes &&
	grep_in "$T/stdout" "Apply: 5 changes, 0 failed." &&
	st "u[\"judy\"][\"displayname\"] == \"Judy Hopps\" and email(\"judy\") == [\"judy@example.test\"] and u[\"judy\"][\"deactivated\"] == 0 and u[\"judy\"][\"admin\"] == 0" &&
	st "u[\"bob\"][\"displayname\"] == \"Bob Builder\" and u[\"bob\"][\"admin\"] == 1" &&
	st "u[\"dave\"][\"deactivated\"] == 0 and u[\"erin\"][\"deactivated\"] == 1 and u[\"mallory\"][\"deactivated\"] == 1" &&
	st "u[\"carol\"][\"displayname\"] == \"carol\" and u[\"carol\"][\"deactivated\"] == 0 and u[\"admin\"][\"admin\"] == 1" &&
	st "email(\"erin\") == []"
'
test_expect_code 0 'plan --detailed-exitcode right after apply exits 0' '
	run plan -f "$T/policy.yaml" --detailed-exitcode
'
test_expect_success 'the created account, password-less, is still active a few seconds later' '
	sleep 2 && st "u[\"judy\"][\"deactivated\"] == 0"
'
test_expect_success 'user list reads every page (page_size 2), deactivated accounts included' '
	MSGADM_CONFIG="$T/paged.config" && export MSGADM_CONFIG && synapse_contexts "page_size: 2" &&
	expect_status 0 -o json user list &&
	python3 -c "
import json, sys
l = {x[\"id\"]: x for x in json.load(open(sys.argv[1]))}
assert sorted(l) == [\"admin\", \"bob\", \"carol\", \"dave\", \"erin\", \"judy\", \"mallory\"], sorted(l)
assert l[\"erin\"][\"active\"] is False and l[\"dave\"][\"active\"] is True, l
assert l[\"bob\"][\"admin\"] is True and l[\"judy\"][\"admin\"] is False, l
" "$T/stdout" &&
	expect_status 0 -v user list &&
	test "$(grep -c "> GET .*/_synapse/admin/v2/users?from=" "$T/stderr")" = 4
'
test_expect_success 'user create, update (display name, e-mail, admin) and show, as the server sees them' '
	expect_status 0 user create frank --display-name "Frank N" --email frank@example.test &&
	st "u[\"frank\"][\"displayname\"] == \"Frank N\" and email(\"frank\") == [\"frank@example.test\"]" &&
	expect_status 0 user update frank --display-name "Frank Stein" --email f.stein@example.test &&
	st "u[\"frank\"][\"displayname\"] == \"Frank Stein\" and email(\"frank\") == [\"f.stein@example.test\"]" &&
	expect_status 0 user update frank --admin && st "u[\"frank\"][\"admin\"] == 1" &&
	expect_status 0 user update frank --no-admin && st "u[\"frank\"][\"admin\"] == 0" &&
	expect_status 0 user show frank &&
	grep -Eq "^display_name +Frank Stein$" "$T/stdout" && grep -Eq "^email +f.stein@example.test$" "$T/stdout" &&
	grep -Eq "^admin +false$" "$T/stdout"
'
test_expect_success 'user create of an existing account: 1, the account left alone' '
	expect_status 1 user create frank --display-name Other &&
	st "u[\"frank\"][\"displayname\"] == \"Frank Stein\""
'
test_expect_success 'user deactivate, then reactivate: the server says so each time' '
	expect_status 0 user deactivate frank && st "u[\"frank\"][\"deactivated\"] == 1 and email(\"frank\") == []" &&
	expect_status 0 user deactivate frank && st "u[\"frank\"][\"deactivated\"] == 1" &&
	expect_status 0 -v user reactivate frank && st "u[\"frank\"][\"deactivated\"] == 0" &&
	grep_in "$T/stderr" "\"password\":\"<redacted>\""
'
test_expect_success 'a deactivated account'"'"'s token is dead on the real server (mallory)' '
	synapse_api main mallory GET /_matrix/client/v3/account/whoami >"$T/r" &&
	test "$(head -n 1 "$T/r")" = 401
'

# --- safety: max_deactivations, the acting admin, the last admin
cat >"$T/mass.yaml" <<'YAML'
version: 1
server: example.test
users:
  manage: exclusive
  protect: [admin]
  max_deactivations: 2
  list:
    - {id: judy}
YAML
test_expect_success 'exclusive with max_deactivations 2: a plan deactivating more is refused whole, nothing changed' '
	expect_status 1 apply -f "$T/mass.yaml" --yes &&
	grep_in "$T/stderr" "refusing the whole plan: it would deactivate or delete 4 users, more than users.max_deactivations (2): bob, carol, dave, frank" &&
	st "all(u[n][\"deactivated\"] == 0 for n in (\"bob\", \"carol\", \"dave\", \"frank\", \"judy\", \"admin\"))"
'
sed 's/protect: \[admin, carol\]/protect: [carol]/; s/max_deactivations: 3/max_deactivations: 5/' "$T/policy.yaml" >"$T/noadmin.yaml"
test_expect_success 'the acting admin is not deactivated: plan, apply and user deactivate refuse' '
	expect_status 1 plan -f "$T/noadmin.yaml" &&
	grep_in "$T/stderr" "refusing to deactivate '"'"'admin'"'"': it is the acting admin" &&
	expect_status 1 apply -f "$T/noadmin.yaml" --yes &&
	expect_status 1 user deactivate admin && grep_in "$T/stderr" "it is the acting admin" &&
	st "u[\"admin\"][\"deactivated\"] == 0 and u[\"frank\"][\"deactivated\"] == 0"
'
cat >"$T/demote.yaml" <<'YAML'
version: 1
server: example.test
users:
  list:
    - {id: admin, admin: false}
    - {id: bob, admin: false}
YAML
test_expect_success 'demoting every admin is refused (the acting one first), nothing changed' '
	expect_status 1 apply -f "$T/demote.yaml" --yes &&
	grep_in "$T/stderr" "refusing to remove admin rights from '"'"'admin'"'"'" &&
	expect_status 1 user update admin --no-admin &&
	grep_in "$T/stderr" "refusing to remove admin rights from '"'"'admin'"'"'" &&
	st "u[\"admin\"][\"admin\"] == 1 and u[\"bob\"][\"admin\"] == 1"
'
test_expect_success 'with --force the real server itself refuses: 400 "You may not demote yourself."' '
	expect_status 1 user update admin --no-admin --force &&
	grep_in "$T/stderr" "synapse: PUT /_synapse/admin/v2/users/@admin:example.test: 400 M_UNKNOWN: You may not demote yourself." &&
	st "u[\"admin\"][\"admin\"] == 1"
'
test_expect_success 'the last admin left standing is kept: bob demoted, then admin is the only one and stays' '
	printf "version: 1\nserver: example.test\nusers:\n  list:\n    - {id: bob, admin: false}\n" >"$T/bob.yaml" &&
	expect_status 0 apply -f "$T/bob.yaml" --yes && st "u[\"bob\"][\"admin\"] == 0" &&
	expect_status 1 apply -f "$T/demote.yaml" --yes &&
	grep_in "$T/stderr" "refusing to remove admin rights from '"'"'admin'"'"'" &&
	st "u[\"admin\"][\"admin\"] == 1"
'
python3 -c '
print("version: 1\nserver: example.test\nusers:\n  list:")
for i in range(1, 201):
    print("    - {id: par%03d, display_name: Par %03d, email: par%03d@example.test}" % (i, i, i))' >"$T/par.yaml"
test_expect_success '200 accounts at --parallel 8 on the real server: all there, the second plan clean' '
	expect_status 0 apply -f "$T/par.yaml" --yes --parallel 8 &&
	grep_in "$T/stdout" "Apply: 200 changes, 0 failed." &&
	expect_status 0 plan -f "$T/par.yaml" --detailed-exitcode &&
	st "all(u[\"par%03d\" % i][\"displayname\"] == \"Par %03d\" % i and email(\"par%03d\" % i) == [\"par%03d@example.test\" % i] for i in range(1, 201))"
'
test_expect_success 'user list --email reads the addresses on the workers, each on its own account' '
	expect_status 0 -o json user list --email &&
	python3 -c "
import json, sys
listed = json.load(open(sys.argv[1]))
users = {u[\"id\"]: u for u in listed}
bad = [i for i in range(1, 201) if users[\"par%03d\" % i].get(\"email\") != \"par%03d@example.test\" % i]
assert not bad, (bad, listed[:3])
" "$T/stdout"
'
