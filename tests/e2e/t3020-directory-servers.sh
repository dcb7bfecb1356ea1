#!/bin/sh
# The directory's accounts on real servers: a private OpenLDAP slapd (tests/ldap/harness.sh, its
# seed in tests/ldap/README.md) as the source, a real ejabberd 23.01 and a real Synapse 1.67.0 as the
# servers. The issue's example policy: the members of messaging (nested two deep), ppolicy locks as
# active: false, the admins group. On each server: apply, then plan --detailed-exitcode exits 0;
# one person taken out of the group makes the next plan exactly one deactivation; ids that cannot be
# accounts there are left out and named.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/ldap/harness.sh"
. "$TOP/tests/ejabberd/harness.sh"
. "$TOP/tests/ejabberd/msgadm.sh"
. "$TOP/tests/synapse/harness.sh"

synapse_require
ldap_start corp
# ejabberd keeps admin rights in the fragment msgadm writes (tests/ejabberd/msgadm.sh)
ej_start_keeping_admins xmpp example.test
synapse_start matrix example.test
say "# slapd in $LDAP_START_MS ms, ejabberd in $EJ_START_MS ms, Synapse in $SYN_START_MS ms"

cat >"$MSGADM_CONFIG" <<CFG
contexts:
  - name: xmpp
    driver: ejabberd
    url: $EJ_URL
    server: example.test
    auth: basic
    token_file: $EJ_BASIC_FILE
    config_fragment: $EJ_FRAGMENT
  - name: matrix
    driver: synapse
    url: $SYN_URL
    server: example.test
    token_file: $SYN_TOKEN_FILE
directories:
  - name: corp
    url: $LDAPS_URL
    ca_file: $LDAP_CA
    bind_dn: $LDAP_BIND_DN
    bind_password_file: $LDAP_BIND_PW_FILE
CFG
chmod 600 "$MSGADM_CONFIG"
cat >"$T/policy.yaml" <<'YAML'
version: 1
server: example.test
users:
  manage: exclusive
  protect: [admin]
  max_deactivations: 25
  directory:
    source: corp
    base: ou=people,dc=example,dc=test
    filter: "(objectClass=inetOrgPerson)"
    member_of: cn=messaging,ou=groups,dc=example,dc=test
    disabled: "(pwdAccountLockedTime=*)"
    attributes: {id: uid, display_name: cn, email: mail, anchor: entryUUID}
    admins: cn=messaging-admins,ou=groups,dc=example,dc=test
  list:
    - {id: ops-bot, display_name: Ops Bot}
YAML
# who the group yields: alice, bob, mallory and dave directly (dave locked), carol and erin (locked)
# through staff, frank and user0001..user0010 through interns; "kim lee" and "jürgen" cannot be ids
ACTIVE="alice bob mallory carol frank user0001 user0002 user0003 user0004 user0005 user0006 user0007 user0008 user0009 user0010 ops-bot"

test_expect_success 'ejabberd: apply creates the active members and the bot, none for the locked ones' '
	expect_status 0 --context xmpp apply -f "$T/policy.yaml" --yes --credentials-out "$T/xmpp.creds" &&
	grep_in "$T/stdout" "Apply: 16 changes, 0 failed." &&
	for u in $ACTIVE; do ej_exists "$u" || { echo "no account $u"; exit 1; }; done &&
	! ej_exists dave && ! ej_exists erin &&
	test "$(wc -l <"$T/xmpp.creds")" -eq 16 &&
	test "$(ej_vcard carol FN)" = "Carol Cooper"
'
test_expect_success 'ejabberd: the admins group is the admins block; the ids that cannot be nodes are named' '
	grep -qx "      - \"alice@example.test\"" "$EJ_FRAGMENT" &&
	grep -qx "      - \"carol@example.test\"" "$EJ_FRAGMENT" &&
	! grep -q "bob@example.test" "$EJ_FRAGMENT" &&
	expect_status 0 --context xmpp plan -f "$T/policy.yaml" &&
	grep_in "$T/stdout" "uid=kim lee,ou=people,dc=example,dc=test: left out: uid '"'"'kim lee'"'"' cannot be an account name here" &&
	grep_in "$T/stdout" "left out: uid '"'"'jürgen'"'"' cannot be an account name here: it is not ASCII"
'
test_expect_code 0 'ejabberd: right after apply, plan --detailed-exitcode exits 0' '
	run --context xmpp plan -f "$T/policy.yaml" --detailed-exitcode
'
test_expect_success 'Synapse: the same policy, the same accounts, admins by the group; the second plan clean' '
	expect_status 0 --context matrix apply -f "$T/policy.yaml" --yes &&
	grep_in "$T/stdout" "Apply: 16 changes, 0 failed." &&
	synapse_py matrix "
users = {x[\"name\"][1:].split(\":\")[0]: x for x in ok(\"GET\", \"/_synapse/admin/v2/users?limit=1000\")[\"users\"]}
want = set(A[0].split()) | {\"admin\"}
assert set(users) == want, sorted(set(users) ^ want)
assert users[\"alice\"][\"admin\"] and users[\"carol\"][\"admin\"] and not users[\"bob\"][\"admin\"]
" "$ACTIVE" &&
	expect_status 0 --context matrix plan -f "$T/policy.yaml" --detailed-exitcode
'
test_expect_success 'one person out of the group: exactly one deactivation on each server' '
	printf "dn: cn=messaging,ou=groups,dc=example,dc=test\nchangetype: modify\ndelete: member\nmember: uid=bob,ou=people,dc=example,dc=test\n" >"$T/leave.ldif" &&
	ldap_modify corp <"$T/leave.ldif" &&
	for c in xmpp matrix; do
		expect_status 0 --context "$c" plan -f "$T/policy.yaml" || exit 1
		grep_in "$T/stdout" "Plan: 0 to add, 0 to change, 1 to deactivate/delete." || exit 1
		grep_in "$T/stdout" "- user bob (deactivate: not among the users of directory corp or users.list" || exit 1
		expect_status 0 --context "$c" apply -f "$T/policy.yaml" --yes || exit 1
		expect_status 0 --context "$c" plan -f "$T/policy.yaml" --detailed-exitcode || exit 1
	done &&
	test "$(ej_check_password bob "$(ej_password_of bob@example.test "$T/xmpp.creds")")" = 1 &&
	synapse_py matrix "assert ok(\"GET\", \"/_synapse/admin/v2/users/@bob:example.test\")[\"deactivated\"]"
'
test_expect_success 'the bind password is in no output, plan or audit log' '
	PW=$(cat "$LDAP_BIND_PW_FILE") &&
	expect_status 0 -v --context matrix plan -f "$T/policy.yaml" --out "$T/saved.json" &&
	not_in "$T/stdout" "$PW" && not_in "$T/stderr" "$PW" &&
	! grep -rqF "$PW" "$T/saved.json" "$HOME"
'
