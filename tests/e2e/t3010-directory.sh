#!/bin/sh
# Accounts that follow a real directory (a private OpenLDAP slapd, tests/ldap/harness.sh) on the
# Synapse emulator: directory test over LDAPS and StartTLS, the TLS checks named when they fail, a
# refused bind, a password file others can read; plan and apply of joiners, a leaver, a locked entry
# deactivated and reactivated when unlocked, admins following their group, protect, a mass leave
# refused by max_deactivations, the second plan clean; faults (no paging against a size limit, an
# empty answer, the server stopped, a connection cut in the middle of a page) changing nothing on the
# server; a saved plan refused when the directory answers otherwise; the bind password nowhere.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/ldap/harness.sh"
start_synapse_emu

# The people of this test, in an OU of their own under ou=people (the harness's seed is not relied on): s01..s12,
# "Bad Name" whose uid cannot be a Matrix localpart, groups chat (s01..s06 and the nested chat-sub)
# and chat-sub (s07, s08 and, back, chat), chat-admins (s01).
python3 - >"$T/staff.ldif" <<'PY'
base = "ou=people,dc=example,dc=test"
print("dn: ou=staff,%s\nobjectClass: organizationalUnit\nou: staff\n" % base)
for i in range(1, 13):
    print("dn: uid=s%02d,ou=staff,%s\nobjectClass: inetOrgPerson\nuid: s%02d\ncn: Staff %d\nsn: S\nmail: s%02d@example.test\n"
          % (i, base, i, i, i))
print("dn: uid=Bad Name,ou=staff,%s\nobjectClass: inetOrgPerson\nuid: Bad Name\ncn: Bad\nsn: B\n" % base)
print("dn: cn=chat,ou=staff,%s\nobjectClass: groupOfNames\ncn: chat" % base)
for i in range(1, 7):
    print("member: uid=s%02d,ou=staff,%s" % (i, base))
print("member: uid=Bad Name,ou=staff,%s" % base)
print("member: cn=chat-sub,ou=staff,%s\n" % base)
print("dn: cn=chat-sub,ou=staff,%s\nobjectClass: groupOfUniqueNames\ncn: chat-sub" % base)
print("uniqueMember: uid=s07,ou=staff,%s\nuniqueMember: uid=s08,ou=staff,%s\nuniqueMember: cn=chat,ou=staff,%s\n"
      % (base, base, base))
print("dn: cn=chat-admins,ou=staff,%s\nobjectClass: groupOfNames\ncn: chat-admins\nmember: uid=s01,ou=staff,%s\n"
      % (base, base))
PY
ldap_start main --extra "$T/staff.ldif"

cat >>"$MSGADM_CONFIG" <<CFG
directories:
  - name: corp
    url: $LDAPS_URL
    ca_file: $LDAP_CA
    bind_dn: $LDAP_BIND_DN
    bind_password_file: $LDAP_BIND_PW_FILE
  - name: stls
    url: $LDAP_URL
    starttls: true
    ca_file: $LDAP_CA
    bind_dn: $LDAP_BIND_DN
    bind_password_file: $LDAP_BIND_PW_FILE
  - name: nopaging
    url: $LDAP_URL
    bind_dn: $LDAP_BIND_DN
    bind_password_file: $LDAP_BIND_PW_FILE
    page_size: 0
  - name: wrongca
    url: $LDAPS_URL
    ca_file: $LDAP_CA_WRONG
    bind_dn: $LDAP_BIND_DN
    bind_password_file: $LDAP_BIND_PW_FILE
  - name: badpw
    url: $LDAPS_URL
    ca_file: $LDAP_CA
    bind_dn: $LDAP_BIND_DN
    bind_password_file: $T/bad.pw
  - name: exposed
    url: $LDAPS_URL
    ca_file: $LDAP_CA
    bind_dn: $LDAP_BIND_DN
    bind_password_file: $T/exposed.pw
CFG
# a relay to the plain port that cuts every answer after 600 bytes: a server gone in mid-page
"$TOP/tests/tools/tcp-cut" --to "${LDAP_URL##*:}" --port-file "$T/cut.port" --cut-after 600 &
CUT_PID=$!
stop_cut() { kill "$CUT_PID" 2>/dev/null; wait "$CUT_PID" 2>/dev/null; }
HARNESS_EXIT_HOOKS="stop_cut ${HARNESS_EXIT_HOOKS:-}"
i=0
while [ ! -s "$T/cut.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
printf '  - name: cut\n    url: ldap://127.0.0.1:%s\n    bind_dn: %s\n    bind_password_file: %s\n' \
	"$(cat "$T/cut.port")" "$LDAP_BIND_DN" "$LDAP_BIND_PW_FILE" >>"$MSGADM_CONFIG"
(umask 077 && printf 'not-the-password-at-all\n' >"$T/bad.pw")
cp "$LDAP_BIND_PW_FILE" "$T/exposed.pw" && chmod 644 "$T/exposed.pw"
PW=$(cat "$LDAP_BIND_PW_FILE")

# policy FILE SOURCE [EXTRA]: users of ou=staff in chat, admins chat-admins, protect admin.
policy() {
	cat >"$1" <<YAML
version: 1
server: example.test
users:
  manage: exclusive
  protect: [admin, alice]
  max_deactivations: ${MAXD:-3}
  directory:
    source: $2
    base: ou=staff,ou=people,dc=example,dc=test
    filter: "(objectClass=inetOrgPerson)"
    member_of: cn=chat,ou=staff,ou=people,dc=example,dc=test
    disabled: "(pwdAccountLockedTime=*)"
    attributes: {id: uid, display_name: cn, email: mail, anchor: entryUUID}
    admins: cn=chat-admins,ou=staff,ou=people,dc=example,dc=test
  list:
    - {id: ops-bot, display_name: Ops Bot}
YAML
}
policy "$T/corp.yaml" corp
# st PYTHON: an assertion over u, the emulator's users by local part
st() {
	emupy '
u = {k[1:].split(":")[0]: v for k, v in call("GET", "/_emu/state")["users"].items()}
if not eval(A[0]):
    print(json.dumps(u, indent=1)); sys.exit(1)' "$1"
}
# ldif FILE: a change to the directory, as its admin
change() { ldap_modify main <"$1"; }

test_expect_success 'directory test over LDAPS: TLS, OpenLDAP, paged results' '
	expect_status 0 directory test corp &&
	grep -Eq "^  TLS: +TLS1\.[23]$" "$T/stdout" &&
	grep -Eq "^  server: +OpenLDAP" "$T/stdout" &&
	grep -Eq "^  paged results: yes$" "$T/stdout"
'
test_expect_success 'directory test over StartTLS, with the policy: what it selects' '
	policy "$T/stls.yaml" stls &&
	expect_status 0 directory test stls -f "$T/stls.yaml" &&
	grep -Eq "^  TLS: +TLS1\.[23]$" "$T/stdout" &&
	grep_in "$T/stdout" "13 entries under ou=staff,ou=people,dc=example,dc=test, 8 users, 1 left out"
'
test_expect_success 'a wrong CA: 69, and the message names the CA file' '
	expect_status 69 directory test wrongca &&
	grep_in "$T/stderr" "directory wrongca: TLS with $LDAPS_URL failed: the server'"'"'s certificate is not trusted by ca_file $LDAP_CA_WRONG"
'
test_expect_success 'a certificate for another host: 69, and the message names the host and what it names' '
	ldap_tls main wronghost &&
	expect_status 69 directory test corp &&
	grep_in "$T/stderr" "directory corp: TLS with $LDAPS_URL failed: the server'"'"'s certificate does not name 127.0.0.1 (it names DNS:wrong.example.invalid" &&
	expect_status 69 directory test stls &&
	grep_in "$T/stderr" "does not name 127.0.0.1" &&
	ldap_tls main right &&
	expect_status 0 directory test corp
'
test_expect_success 'a refused bind: 77; a password file others can read: 78 with the fix' '
	expect_status 77 directory test badpw &&
	grep_in "$T/stderr" "directory badpw: bind as $LDAP_BIND_DN ($LDAPS_URL): Invalid credentials" &&
	expect_status 78 directory test exposed &&
	grep_in "$T/stderr" "chmod 600 $T/exposed.pw"
'
test_expect_success 'directory users: the members, nested groups and their cycle resolved, the bad id left out' '
	expect_status 0 directory users -f "$T/corp.yaml" &&
	test "$(grep -c "^s0[1-8] " "$T/stdout")" = 8 &&
	grep -q "^s01 .* yes  *yes " "$T/stdout" &&
	grep_in "$T/stdout" "left out: uid=Bad Name,ou=staff,ou=people,dc=example,dc=test: uid '"'"'Bad Name'"'"' cannot be an account name here" &&
	not_in "$T/stdout" "s09"
'
cat >"$T/ad.yaml" <<'YAML'
version: 1
server: example.test
users:
  directory:
    source: corp
    base: ou=users,ou=ad,dc=example,dc=test
    filter: "(objectClass=user)"
    member_of: cn=Messaging Users,ou=groups,ou=ad,dc=example,dc=test
    disabled: "(userAccountControl:1.2.840.113556.1.4.803:=2)"
    attributes: {id: sAMAccountName, display_name: cn, email: mail, anchor: objectGUID}
    admins: cn=Messaging Admins,ou=groups,ou=ad,dc=example,dc=test
YAML
test_expect_success 'an Active-Directory-shaped tree: sAMAccountName, objectGUID as bytes, the disabled bit' '
	expect_status 0 -o json directory users -f "$T/ad.yaml" &&
	python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
u = {x[\"id\"]: x for x in r[\"users\"]}
assert sorted(u) == [\"ann\", \"ben\", \"cat\", \"dan\", \"eve.smith\"], sorted(u)
assert u[\"ann\"][\"admin\"] and not u[\"cat\"][\"admin\"]
assert [x for x in u if not u[x][\"active\"]] == [\"ben\", \"dan\"]
a = u[\"ann\"][\"anchor\"]
assert a.startswith(\"hex:00\") and a.endswith(\"ff\") and len(a) == 4 + 32, a
" "$T/stdout"
'
test_expect_success 'plan, apply: the joiners and the bot created, s01 admin; the second plan clean' '
	emu_fresh "{\"reset\": true}" &&
	expect_status 0 plan -f "$T/corp.yaml" &&
	grep_in "$T/stdout" "directory corp ($LDAPS_URL): 13 entries read, 8 users, 1 left out" &&
	expect_status 0 apply -f "$T/corp.yaml" --yes &&
	grep_in "$T/stdout" "Apply: 9 changes, 0 failed." &&
	st "all(\"s%02d\" % i in u for i in range(1, 9)) and \"ops-bot\" in u and u[\"s01\"][\"admin\"] and not u[\"s02\"][\"admin\"]" &&
	st "u[\"s03\"][\"displayname\"] == \"Staff 3\"" &&
	expect_status 0 plan -f "$T/corp.yaml" --detailed-exitcode
'
test_expect_success 'a leaver (out of the group) is the one deactivation, named as not in the directory' '
	printf "dn: cn=chat,ou=staff,ou=people,dc=example,dc=test\nchangetype: modify\ndelete: member\nmember: uid=s04,ou=staff,ou=people,dc=example,dc=test\n" >"$T/leave.ldif" &&
	change "$T/leave.ldif" &&
	expect_status 2 plan -f "$T/corp.yaml" --detailed-exitcode &&
	grep_in "$T/stdout" "- user s04 (deactivate: not among the users of directory corp or users.list (users.manage: exclusive))" &&
	grep_in "$T/stdout" "Plan: 0 to add, 0 to change, 1 to deactivate/delete." &&
	expect_status 0 apply -f "$T/corp.yaml" --yes &&
	st "u[\"s04\"][\"deactivated\"]"
'
test_expect_success 'a locked entry (ppolicy) is deactivated, and reactivated once unlocked' '
	printf "dn: uid=s05,ou=staff,ou=people,dc=example,dc=test\nchangetype: modify\nadd: pwdAccountLockedTime\npwdAccountLockedTime: 000001010000Z\n" >"$T/lock.ldif" &&
	change "$T/lock.ldif" &&
	expect_status 0 apply -f "$T/corp.yaml" --yes && st "u[\"s05\"][\"deactivated\"]" &&
	printf "dn: uid=s05,ou=staff,ou=people,dc=example,dc=test\nchangetype: modify\ndelete: pwdAccountLockedTime\n" >"$T/unlock.ldif" &&
	change "$T/unlock.ldif" &&
	expect_status 0 plan -f "$T/corp.yaml" && grep_in "$T/stdout" "user s05" &&
	expect_status 0 apply -f "$T/corp.yaml" --yes && st "not u[\"s05\"][\"deactivated\"]"
'
test_expect_success 'the admins follow their group' '
	printf "dn: cn=chat-admins,ou=staff,ou=people,dc=example,dc=test\nchangetype: modify\nadd: member\nmember: uid=s02,ou=staff,ou=people,dc=example,dc=test\n" >"$T/admin.ldif" &&
	change "$T/admin.ldif" &&
	expect_status 0 apply -f "$T/corp.yaml" --yes && st "u[\"s02\"][\"admin\"] and u[\"s01\"][\"admin\"]"
'
test_expect_success 'a mass leave beyond max_deactivations is refused as a whole, nothing changed' '
	printf "dn: cn=chat,ou=staff,ou=people,dc=example,dc=test\nchangetype: modify\ndelete: member\nmember: uid=s01,ou=staff,ou=people,dc=example,dc=test\nmember: uid=s02,ou=staff,ou=people,dc=example,dc=test\nmember: uid=s03,ou=staff,ou=people,dc=example,dc=test\nmember: uid=s06,ou=staff,ou=people,dc=example,dc=test\n" >"$T/mass.ldif" &&
	change "$T/mass.ldif" &&
	emupy "call(\"POST\", \"/_emu/requests/reset\", \"\")" &&
	expect_status 1 apply -f "$T/corp.yaml" --yes &&
	grep_in "$T/stderr" "more than users.max_deactivations (3)" &&
	emupy "assert call(\"GET\", \"/_emu/requests\")[\"writes\"] == 0"
'
test_expect_success 'protect holds for a protected account the directory does not name' '
	MAXD=10 policy "$T/corp10.yaml" corp &&
	expect_status 0 plan -f "$T/corp10.yaml" &&
	not_in "$T/stdout" "user alice" && not_in "$T/stdout" "user admin"
'
test_expect_success 'a saved plan is refused once the directory answers otherwise' '
	MAXD=10 policy "$T/corp10.yaml" corp &&
	expect_status 0 plan -f "$T/corp10.yaml" --out "$T/saved.json" &&
	printf "dn: cn=chat,ou=staff,ou=people,dc=example,dc=test\nchangetype: modify\nadd: member\nmember: uid=s01,ou=staff,ou=people,dc=example,dc=test\n" >"$T/back.ldif" &&
	change "$T/back.ldif" &&
	emupy "call(\"POST\", \"/_emu/requests/reset\", \"\")" &&
	expect_status 1 apply "$T/saved.json" --yes &&
	grep_in "$T/stderr" "directory corp answers differently since the plan was made" &&
	emupy "assert call(\"GET\", \"/_emu/requests\")[\"writes\"] == 0"
'
test_expect_success 'a referral in the answer is not followed: 76, nothing changed' '
	printf "dn: ou=elsewhere,ou=staff,ou=people,dc=example,dc=test\nobjectClass: referral\nobjectClass: extensibleObject\nou: elsewhere\nref: ldap://ldap.elsewhere.invalid/ou=staff,dc=elsewhere\n" >"$T/ref.ldif" &&
	ldap_modify main -a -M <"$T/ref.ldif" &&
	emupy "call(\"POST\", \"/_emu/requests/reset\", \"\")" &&
	expect_status 76 apply -f "$T/corp10.yaml" --yes &&
	grep_in "$T/stderr" "the answer holds a referral to ldap://ldap.elsewhere.invalid/ou=staff,dc=elsewhere" &&
	emupy "assert call(\"GET\", \"/_emu/requests\")[\"writes\"] == 0" &&
	printf "dn: ou=elsewhere,ou=staff,ou=people,dc=example,dc=test\nchangetype: delete\n" >"$T/unref.ldif" &&
	ldap_modify main -M <"$T/unref.ldif" &&
	expect_status 0 plan -f "$T/corp10.yaml"
'
test_expect_success 'no paging against the size limit: 75, nothing changed' '
	MAXD=10 policy "$T/nopaging.yaml" nopaging &&
	sed -i "s|base: ou=staff,ou=people,dc=example,dc=test|base: dc=example,dc=test|; s|    member_of: .*||" "$T/nopaging.yaml" &&
	emupy "call(\"POST\", \"/_emu/requests/reset\", \"\")" &&
	expect_status 75 apply -f "$T/nopaging.yaml" --yes &&
	grep_in "$T/stderr" "the server stopped at its size limit and answered in part" &&
	emupy "assert call(\"GET\", \"/_emu/requests\")[\"writes\"] == 0"
'
test_expect_success 'an empty answer: 65, nothing changed' '
	MAXD=10 policy "$T/empty.yaml" corp &&
	sed -i "s|(objectClass=inetOrgPerson)|(uid=nobody-at-all)|" "$T/empty.yaml" &&
	expect_status 65 apply -f "$T/empty.yaml" --yes &&
	grep_in "$T/stderr" "yields no users: nothing is decided on an empty answer" &&
	emupy "assert call(\"GET\", \"/_emu/requests\")[\"writes\"] == 0"
'
test_expect_success 'a connection cut in the middle of a page: 69, nothing changed' '
	MAXD=10 policy "$T/cut.yaml" cut &&
	expect_status 69 apply -f "$T/cut.yaml" --yes &&
	grep_in "$T/stderr" "the connection was lost during page 1: nothing is decided on part of an answer" &&
	emupy "assert call(\"GET\", \"/_emu/requests\")[\"writes\"] == 0"
'
test_expect_success 'snapshot create -f records the directory as counts and a digest, no one by name' '
	expect_status 0 snapshot create --out "$T/snap.json" -f "$T/corp10.yaml" &&
	python3 -c "
import json, sys
m = json.load(open(sys.argv[1]))[\"snapshot\"]
d = m[\"directories\"]
assert len(d) == 1 and d[0][\"directory\"] == \"corp\" and d[0][\"base\"] == \"ou=staff,ou=people,dc=example,dc=test\", d
assert d[0][\"entries\"] == 13 and d[0][\"digest\"].startswith(\"sha256:\"), d
text = json.dumps(m)
assert \"s02\" not in text and \"uid=\" not in text and \"Staff\" not in text, text
" "$T/snap.json" &&
	expect_status 0 check -f "$T/corp10.yaml" --snapshot "$T/snap.json" &&
	grep_in "$T/stdout" "the accounts that follow the directory are not checked offline"
'
test_expect_success 'the server stopped: 69, nothing changed' '
	ldap_stop main &&
	expect_status 69 apply -f "$T/corp10.yaml" --yes &&
	grep_in "$T/stderr" "Can'"'"'t contact LDAP server" &&
	emupy "assert call(\"GET\", \"/_emu/requests\")[\"writes\"] == 0"
'
test_expect_success 'the bind password is in no output, trace, plan file or audit log' '
	expect_status 69 -v directory test corp &&
	not_in "$T/stdout" "$PW" && not_in "$T/stderr" "$PW" &&
	! grep -rqF "$PW" "$T/saved.json" "$HOME" "$T/stdout" "$T/stderr"
'
