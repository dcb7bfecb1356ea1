#!/bin/sh
# Admin rights and deleting accounts on a real ejabberd. Admin rights: msgadm keeps the ACL
# msgadm_admins as the "admins" block of config_fragment, and this instance's ejabberd.yml (through
# the harness's extra file) gives that ACL the admin API, so the proof is real: an account msgadm
# makes an admin can call the admin API with its own password, and cannot once msgadm takes the
# rights back. The block, once written, stays (with "user: []"): ejabberd 23.01 denies everyone a
# rule that names an undefined ACL. The acting admin is never demoted without --force; without
# config_fragment, admin rights are a note, never a change. Deleting: only an entry with
# "delete: true" unregisters an account (its admin rights go first, so a new account of that name
# inherits nothing); unknown accounts are never "deleted"; a hand-broken block stops the plan.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/ejabberd/harness.sh"
. "$TOP/tests/ejabberd/msgadm.sh"

# How an operator starts: the empty block (as msgadm writes it) before ejabberd.yml names the ACL.
ej_start_keeping_admins main example.test
say "# ejabberd main started in $EJ_START_MS ms"
ej_contexts "config_fragment: $EJ_FRAGMENT"
ej_context_nofrag
CREDS="$T/accounts.creds"

# api_as ID: HTTP status of registered_users called with ID's own password from the credentials file
api_as() {
	ejabberd_request main "basic:$1@example.test:$(ej_password_of "$1@example.test" "$CREDS")" \
		registered_users '{"host": "example.test"}' | head -n1
}
admins_block() { sed -n '/^# BEGIN msgadm admins$/,/^# END msgadm admins$/p' "$EJ_FRAGMENT"; }

test_expect_success 'plan shows the new admin as a field of the account, and changes nothing' '
	ej_users_policy "$T/p1.yaml" "{id: bob, display_name: Bob, admin: true}" "{id: carol, display_name: Carol}" &&
	cp "$EJ_FRAGMENT" "$T/fragment.before" &&
	expect_status 0 plan -f "$T/p1.yaml" &&
	grep_in "$T/stdout" "+ user bob" && grep_in "$T/stdout" "admin: true" &&
	cmp "$EJ_FRAGMENT" "$T/fragment.before" && ! ej_exists bob
'
test_expect_success 'apply: bob is in msgadm_admins and can use the admin API with his password; carol cannot' '
	expect_status 0 apply -f "$T/p1.yaml" --yes --credentials-out "$CREDS" &&
	grep_in "$T/stdout" "Apply: 2 changes, 0 failed." &&
	admins_block | grep -qx "      - \"bob@example.test\"" &&
	test "$(api_as bob)" = 200 && test "$(api_as carol)" = 403 &&
	expect_status 0 user show bob && grep -Eq "^admin +true" "$T/stdout"
'
test_expect_code 0 'right after apply, plan --detailed-exitcode exits 0' '
	run plan -f "$T/p1.yaml" --detailed-exitcode
'
test_expect_success 'export carries the admin flag and plans back to nothing' '
	expect_status 0 export && cp "$T/stdout" "$T/export.yaml" &&
	python3 -c "import sys; t = open(sys.argv[1]).read(); assert \"admin: true\" in t, t" "$T/export.yaml" &&
	expect_status 0 plan -f "$T/export.yaml" --detailed-exitcode
'
test_expect_success 'admin: false takes the rights back: bob gets 403, the block stays with user: []' '
	ej_users_policy "$T/p2.yaml" "{id: bob, display_name: Bob, admin: false}" "{id: carol, display_name: Carol}" &&
	expect_status 0 plan -f "$T/p2.yaml" && grep_in "$T/stdout" "admin: true -> false" &&
	expect_status 0 apply -f "$T/p2.yaml" --yes &&
	test "$(api_as bob)" = 403 &&
	admins_block | grep -qx "    user: \[\]" &&
	run plan -f "$T/p2.yaml" --detailed-exitcode
'
test_expect_success 'user update --admin and --no-admin go through the same block' '
	expect_status 0 user update carol --admin && test "$(api_as carol)" = 200 &&
	admins_block | grep -qx "      - \"carol@example.test\"" &&
	expect_status 0 user update carol --no-admin && test "$(api_as carol)" = 403
'

# bob, made admin again, acts for himself: he may not demote himself.
cat >>"$MSGADM_CONFIG" <<CTX
  - name: asbob
    driver: ejabberd
    url: $EJ_URL
    server: example.test
    auth: basic
    token_file: $T/bob.basic
    config_fragment: $EJ_FRAGMENT
CTX
test_expect_success 'the acting admin is not demoted without --force, and nothing is written' '
	expect_status 0 user update bob --admin &&
	(umask 077 && printf "bob@example.test:%s" "$(ej_password_of bob@example.test "$CREDS")" >"$T/bob.basic") &&
	ej_users_policy "$T/self.yaml" "{id: bob, admin: false}" &&
	cp "$EJ_FRAGMENT" "$T/fragment.before" &&
	expect_status 1 --context asbob plan -f "$T/self.yaml" &&
	grep_in "$T/stderr" "refusing to remove admin rights from '\''bob'\'': it is the acting admin" &&
	expect_status 1 --context asbob apply -f "$T/self.yaml" --yes &&
	expect_status 1 --context asbob user update bob --no-admin &&
	cmp "$EJ_FRAGMENT" "$T/fragment.before" && test "$(api_as bob)" = 200
'
test_expect_success 'without config_fragment, admin rights are a note: no change, no file written' '
	cp "$EJ_FRAGMENT" "$T/fragment.before" &&
	ej_users_policy "$T/p3.yaml" "{id: carol, display_name: Carol, admin: true}" &&
	expect_status 0 --context nofrag plan -f "$T/p3.yaml" --detailed-exitcode &&
	grep_in "$T/stdout" "users.list[].admin" && grep_in "$T/stdout" "config_fragment" &&
	expect_status 78 --context nofrag user update carol --admin &&
	grep_in "$T/stderr" "context nofrag has none; nothing was changed" &&
	cmp "$EJ_FRAGMENT" "$T/fragment.before" && test "$(api_as carol)" = 403
'

# --- deleting
test_expect_success 'delete: true plans a removal; plan changes nothing' '
	ej_users_policy "$T/d1.yaml" "{id: bob, delete: true}" "{id: carol, display_name: Carol}" "{id: ghost, delete: true}" &&
	expect_status 0 plan -f "$T/d1.yaml" &&
	grep_in "$T/stdout" "- user bob (delete: delete: true in the policy)" &&
	not_in "$T/stdout" "ghost" &&
	grep_in "$T/stdout" "Plan: 0 to add, 0 to change, 1 to deactivate/delete." &&
	ej_exists bob
'
test_expect_success 'apply unregisters bob: gone, no login, out of msgadm_admins first' '
	pw=$(ej_password_of bob@example.test "$CREDS") &&
	expect_status 0 apply -f "$T/d1.yaml" --yes &&
	! ej_exists bob && ! ej_exists ghost &&
	! xmpp_login bob@example.test "$pw" &&
	not_in "$EJ_FRAGMENT" "bob@example.test" &&
	run plan -f "$T/d1.yaml" --detailed-exitcode
'
test_expect_success 'a new bob inherits neither admin rights nor the old vCard' '
	ej_users_policy "$T/d2.yaml" "{id: bob}" "{id: carol, display_name: Carol}" &&
	expect_status 0 apply -f "$T/d2.yaml" --yes --credentials-out "$CREDS" &&
	ej_exists bob && test "$(api_as bob)" = 403 &&
	test "$(ej_vcard bob FN)" != Bob
'
test_expect_success 'users.max_deactivations counts deletions: over the limit nothing is deleted' '
	printf "version: 1\nserver: example.test\nusers:\n  max_deactivations: 1\n  list:\n    - {id: bob, delete: true}\n    - {id: carol, delete: true}\n" >"$T/d3.yaml" &&
	expect_status 1 apply -f "$T/d3.yaml" --yes &&
	grep_in "$T/stderr" "it would deactivate or delete 2 users, more than users.max_deactivations (1)" &&
	ej_exists bob && ej_exists carol
'
test_expect_success 'the acting admin is not deleted without --force' '
	ej_users_policy "$T/d4.yaml" "{id: bob, delete: true}" &&
	(umask 077 && printf "bob@example.test:%s" "$(ej_password_of bob@example.test "$CREDS")" >"$T/bob.basic") &&
	expect_status 0 user update bob --admin &&
	expect_status 1 --context asbob apply -f "$T/d4.yaml" --yes &&
	grep_in "$T/stderr" "refusing to delete '\''bob'\'': it is the acting admin" &&
	ej_exists bob
'
test_expect_success 'a hand-broken admins block stops plan and apply, naming the file; nothing changes' '
	cp "$EJ_FRAGMENT" "$T/fragment.good" &&
	python3 -c "import sys; p = sys.argv[1]; t = open(p).read(); open(p, \"w\").write(t.replace(\"    user:\n\", \"    server:\n\", 1))" "$EJ_FRAGMENT" &&
	expect_status 65 plan -f "$T/d4.yaml" &&
	grep_in "$T/stderr" "$EJ_FRAGMENT: the admins block is not what msgadm writes there" &&
	expect_status 65 apply -f "$T/d4.yaml" --yes && ej_exists bob &&
	cp "$T/fragment.good" "$EJ_FRAGMENT"
'
