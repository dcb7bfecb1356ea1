#!/bin/sh
# Accounts on a real ejabberd (Debian's 23.01, tests/ejabberd/harness.sh), through both kinds of
# context: auth: basic (the admin's JID and password) and bearer (an OAuth token). Policy as code
# creates accounts whose random passwords go only to the --credentials-out file (and really log in),
# keeps display name and e-mail in the vCard, deactivates (the password stops working) and
# reactivates (a new password, written to the file, works); a second plan finds nothing to do and an
# export plans back to nothing. Refusals change nothing: creating without --credentials-out, an
# unknown account to deactivate, the acting admin. Secrets never reach the output or -v traces.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/ejabberd/harness.sh"
. "$TOP/tests/ejabberd/msgadm.sh"

ejabberd_start main example.test
ej_contexts
say "# ejabberd main started in $EJ_START_MS ms"


# cycle CONTEXT A B: the whole life of two accounts A and B through CONTEXT.
cycle() {
	ctx=$1 a=$2 b=$3
	creds="$T/$ctx.creds"
	ej_users_policy "$T/$ctx.yaml" "{id: $a, display_name: $a Liddell, email: $a@example.test}" "{id: $b, display_name: $b Builder}"

	test_expect_success "$ctx: plan lists the accounts to create and changes nothing" '
		ej_users >"$T/before" &&
		expect_status 0 --context "$ctx" plan -f "$T/$ctx.yaml" &&
		grep_in "$T/stdout" "+ user $a" && grep_in "$T/stdout" "display_name: \"$a Liddell\"" &&
		grep_in "$T/stdout" "+ user $b" &&
		grep_in "$T/stdout" "Plan: 2 to add, 0 to change, 0 to deactivate/delete." &&
		ej_users >"$T/after" && cmp "$T/before" "$T/after"
	'
	test_expect_success "$ctx: apply without --credentials-out creates nothing" '
		expect_status 3 --context "$ctx" apply -f "$T/$ctx.yaml" --yes &&
		grep_in "$T/stdout" "needs --credentials-out FILE" &&
		grep_in "$T/stdout" "Apply: 2 changes, 2 failed." &&
		! ej_exists "$a" && ! ej_exists "$b" && ! test -e "$creds"
	'
	test_expect_success "$ctx: apply --credentials-out creates them; each password is in the file (0600) and logs in" '
		expect_status 0 --context "$ctx" apply -f "$T/$ctx.yaml" --yes --credentials-out "$creds" &&
		grep_in "$T/stdout" "Apply: 2 changes, 0 failed." &&
		ej_exists "$a" && ej_exists "$b" &&
		test "$(stat -c %a "$creds")" = 600 &&
		test "$(wc -l <"$creds")" -eq 2 &&
		grep -Eq "^$a@example.test [A-Za-z0-9_-]{32}\$" "$creds" &&
		grep -Eq "^$b@example.test [A-Za-z0-9_-]{32}\$" "$creds" &&
		pa=$(ej_password_of "$a@example.test" "$creds") && pb=$(ej_password_of "$b@example.test" "$creds") &&
		test "$pa" != "$pb" &&
		test "$(ej_check_password "$a" "$pa")" = 0 && test "$(ej_check_password "$b" "$pb")" = 0 &&
		test "$(ej_check_password "$a" "$pb")" = 1 &&
		xmpp_login "$a@example.test" "$pa" &&
		not_in "$T/stdout" "$pa" && not_in "$T/stderr" "$pa"
	'
	test_expect_success "$ctx: display name and e-mail are in the vCard" '
		test "$(ej_vcard "$a" FN)" = "$a Liddell" &&
		test "$(ej_vcard "$a" EMAIL USERID)" = "$a@example.test" &&
		test "$(ej_vcard "$b" FN)" = "$b Builder" &&
		test -z "$(ej_vcard "$b" EMAIL USERID)"
	'
	test_expect_code 0 "$ctx: right after apply, plan --detailed-exitcode exits 0" '
		run --context "$ctx" plan -f "$T/$ctx.yaml" --detailed-exitcode
	'
	test_expect_success "$ctx: a changed e-mail is planned as a change and applied" '
		ej_users_policy "$T/$ctx.yaml" "{id: $a, display_name: $a Liddell, email: $a@example.test}" "{id: $b, display_name: $b Builder, email: $b@partner.test}" &&
		expect_status 0 --context "$ctx" plan -f "$T/$ctx.yaml" &&
		grep_in "$T/stdout" "~ user $b" && grep_in "$T/stdout" "email: null -> \"$b@partner.test\"" &&
		expect_status 0 --context "$ctx" apply -f "$T/$ctx.yaml" --yes &&
		test "$(ej_vcard "$b" EMAIL USERID)" = "$b@partner.test" &&
		run --context "$ctx" plan -f "$T/$ctx.yaml" --detailed-exitcode
	'
	test_expect_success "$ctx: deactivating: the account can no longer log in" '
		pb=$(ej_password_of "$b@example.test" "$creds") &&
		ej_users_policy "$T/$ctx.yaml" "{id: $a, display_name: $a Liddell, email: $a@example.test}" "{id: $b, active: false}" &&
		expect_status 0 --context "$ctx" plan -f "$T/$ctx.yaml" &&
		grep_in "$T/stdout" "- user $b (deactivate: active: false in the policy)" &&
		expect_status 0 --context "$ctx" apply -f "$T/$ctx.yaml" --yes &&
		ej_exists "$b" &&
		test "$(ej_check_password "$b" "$pb")" = 1 &&
		! xmpp_login "$b@example.test" "$pb" &&
		expect_status 0 --context "$ctx" user show "$b" && grep -Eq "^active +false" "$T/stdout" &&
		run --context "$ctx" plan -f "$T/$ctx.yaml" --detailed-exitcode
	'
	test_expect_success "$ctx: reactivating: a new password in the file, and it logs in" '
		old=$(ej_password_of "$b@example.test" "$creds") &&
		ej_users_policy "$T/$ctx.yaml" "{id: $a, display_name: $a Liddell, email: $a@example.test}" "{id: $b, display_name: $b Builder, email: $b@partner.test}" &&
		expect_status 3 --context "$ctx" apply -f "$T/$ctx.yaml" --yes &&
		grep_in "$T/stdout" "reactivating $b@example.test needs --credentials-out" &&
		test "$(ej_check_password "$b" "$old")" = 1 &&
		expect_status 0 --context "$ctx" apply -f "$T/$ctx.yaml" --yes --credentials-out "$creds" &&
		grep_in "$T/stdout" "~ user $b (reactivate)" &&
		test "$(wc -l <"$creds")" -eq 3 &&
		new=$(ej_password_of "$b@example.test" "$creds") && test "$new" != "$old" &&
		test "$(ej_check_password "$b" "$new")" = 0 && test "$(ej_check_password "$b" "$old")" = 1 &&
		xmpp_login "$b@example.test" "$new" &&
		run --context "$ctx" plan -f "$T/$ctx.yaml" --detailed-exitcode
	'
	test_expect_success "$ctx: export plans back to nothing (round trip)" '
		expect_status 0 --context "$ctx" export && cp "$T/stdout" "$T/$ctx.export.yaml" &&
		grep_in "$T/$ctx.export.yaml" "id: $a" && grep_in "$T/$ctx.export.yaml" "display_name: $a Liddell" &&
		grep_in "$T/$ctx.export.yaml" "email: $b@partner.test" &&
		expect_status 0 validate "$T/$ctx.export.yaml" &&
		expect_status 0 --context "$ctx" plan -f "$T/$ctx.export.yaml" --detailed-exitcode
	'
}

cycle basic alice bob
cycle bearer carol dave

# --- refusals
test_expect_success 'user deactivate of an unknown account fails and does not create it' '
	expect_status 1 user deactivate ghost &&
	grep_in "$T/stderr" "ghost" &&
	! ej_exists ghost
'
test_expect_success 'a policy deactivating an unknown account plans nothing and creates nothing' '
	ej_users_policy "$T/ghost.yaml" "{id: ghost, active: false}" &&
	expect_status 0 plan -f "$T/ghost.yaml" --detailed-exitcode &&
	expect_status 0 apply -f "$T/ghost.yaml" --yes &&
	! ej_exists ghost
'
test_expect_success 'user create and user reactivate refuse to run without --credentials-out' '
	expect_status 64 user create erin --display-name Erin &&
	grep_in "$T/stderr" "creating erin@example.test needs --credentials-out FILE" &&
	! ej_exists erin &&
	expect_status 0 user create erin --display-name Erin --credentials-out "$T/imperative.creds" &&
	pw=$(ej_password_of erin@example.test "$T/imperative.creds") &&
	test "$(ej_check_password erin "$pw")" = 0 && test "$(ej_vcard erin FN)" = Erin &&
	expect_status 0 user deactivate erin && test "$(ej_check_password erin "$pw")" = 1 &&
	expect_status 64 user reactivate erin && test "$(ej_check_password erin "$pw")" = 1 &&
	expect_status 0 user reactivate erin --credentials-out "$T/imperative.creds" &&
	test "$(ej_check_password erin "$(ej_password_of erin@example.test "$T/imperative.creds")")" = 0
'

# Accounts made outside msgadm, with passwords the test knows.
ejabberd_api main register '{"user": "mallory", "host": "example.test", "password": "mallory-pw"}' >/dev/null &&
	ejabberd_api main register '{"user": "opsbot", "host": "example.test", "password": "opsbot-pw"}' >/dev/null ||
	say "not ok - registering mallory and opsbot"
cat >"$T/exclusive.yaml" <<'YAML'
version: 1
server: example.test
users:
  manage: exclusive
  protect: [admin, opsbot]
  max_deactivations: 3
  list:
    - {id: alice, display_name: alice Liddell, email: alice@example.test}
    - {id: bob, display_name: bob Builder, email: bob@partner.test}
    - {id: carol, display_name: carol Liddell, email: carol@example.test}
    - {id: dave, display_name: dave Builder, email: dave@partner.test}
YAML
test_expect_success 'exclusive mode deactivates the unlisted accounts, never the protected ones' '
	expect_status 0 --context bearer plan -f "$T/exclusive.yaml" &&
	grep_in "$T/stdout" "- user mallory (deactivate: not in the policy (users.manage: exclusive))" &&
	grep_in "$T/stdout" "- user erin (deactivate" &&
	not_in "$T/stdout" "user opsbot" && not_in "$T/stdout" "user admin" &&
	grep_in "$T/stdout" "Plan: 0 to add, 0 to change, 2 to deactivate/delete." &&
	expect_status 0 --context bearer apply -f "$T/exclusive.yaml" --yes &&
	test "$(ej_check_password mallory mallory-pw)" = 1 &&
	test "$(ej_check_password opsbot opsbot-pw)" = 0 && xmpp_login opsbot@example.test opsbot-pw &&
	test "$(ej_check_password admin "$EJ_ADMIN_PASSWORD")" = 0 &&
	run --context bearer plan -f "$T/exclusive.yaml" --detailed-exitcode
'
sed 's/protect: \[admin, opsbot\]/protect: [opsbot]/' "$T/exclusive.yaml" >"$T/noadmin.yaml"
for ctx in basic bearer; do
	test_expect_success "$ctx: the acting admin is not deactivated without --force" '
		expect_status 1 --context "$ctx" plan -f "$T/noadmin.yaml" &&
		grep_in "$T/stderr" "refusing to deactivate '\''admin'\'': it is the acting admin" &&
		expect_status 1 --context "$ctx" apply -f "$T/noadmin.yaml" --yes &&
		expect_status 1 --context "$ctx" user deactivate admin &&
		grep_in "$T/stderr" "it is the acting admin" &&
		test "$(ej_check_password admin "$EJ_ADMIN_PASSWORD")" = 0 &&
		expect_status 0 --context "$ctx" plan -f "$T/noadmin.yaml" --force &&
		grep_in "$T/stdout" "- user admin (deactivate"
	'
done

# --- secrets
test_expect_success 'the admin password, token and new passwords are never in output, traces or the audit log' '
	ej_users_policy "$T/secret.yaml" "{id: frank, display_name: Frank}" &&
	"$MSGADM" -v apply -f "$T/secret.yaml" --yes --credentials-out "$T/secret.creds" >"$T/v1.out" 2>&1 &&
	"$MSGADM" -v --context bearer plan -f "$T/secret.yaml" >"$T/v2.out" 2>&1 &&
	"$MSGADM" -v user deactivate frank >"$T/v3.out" 2>&1 &&
	"$MSGADM" -v --context bearer user reactivate frank --credentials-out "$T/secret.creds" >"$T/v4.out" 2>&1 &&
	cat "$T"/v[1234].out >"$T/all.out" &&
	grep_in "$T/all.out" "/api/register" && grep_in "$T/all.out" "/api/change_password" &&
	grep_in "$T/all.out" "oauth_list_tokens" &&
	test "$(wc -l <"$T/secret.creds")" -eq 2 &&
	audit=$(ls "$HOME"/.local/state/msgadm/*.jsonl) && cat $audit >>"$T/all.out" &&
	basic64=$(printf %s "$(cat "$EJ_BASIC_FILE")" | base64 -w0) &&
	for secret in "$EJ_ADMIN_PASSWORD" "$(cat "$EJ_TOKEN_FILE")" "$basic64" \
		$(awk "{print \$2}" "$T/secret.creds") $(awk "{print \$2}" "$T"/*.creds); do
		not_in "$T/all.out" "$secret" || exit 1
	done
'
