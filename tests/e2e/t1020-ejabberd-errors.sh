#!/bin/sh
# Every error shape of a real ejabberd 23.01 that msgadm can meet (OBSERVED-23.01.md, "Errors"),
# through msgadm: its message and exit status, and that the server was left as it was.
#
# Shapes msgadm's requests never provoke are provoked with curl in t1025-ejabberd-replies.sh, and
# each real reply is read there by the driver's own mapping: no credentials (403 code 32), malformed
# JSON ("400 Bad Request"), an empty body (HTML page), a missing or unknown argument, a non-integer
# argument, register of an existing account (409 code 10090; msgadm registers only accounts it has
# just read as missing, and `user create` refuses an existing one: tested here), an unknown endpoint.
# Not provoked anywhere:
#   - change_password of an unknown account (404 "unknown_user"), set_vcard storing a vCard for a
#     missing account, ban_account creating one: msgadm checks that the account exists first (tested).
#   - bad room option or stats name (500 "internal_error"): the same shape as the "internal_error" of
#     a command whose module is missing (get_vcard without mod_vcard), which is tested here.
#   - /oauth/token dropping the connection on a wrong password: msgadm never asks for tokens.
. "$(dirname "$0")/lib.sh"
# the restarted instance below is stopped by this hook, before the harness's own (see harness.sh)
HARNESS_EXIT_HOOKS="stop_restarted"
RESTARTED=
stop_restarted() {
	[ -z "$RESTARTED" ] || ejabberd_stop main >/dev/null 2>&1
	return 0
}
. "$TOP/tests/ejabberd/harness.sh"
. "$TOP/tests/ejabberd/msgadm.sh"

ejabberd_start main example.test
ej_contexts
say "# ejabberd main started in $EJ_START_MS ms"

# secret NAME TEXT: a 0600 token file $T/NAME.secret holding TEXT.
secret() { (umask 077 && printf '%s' "$2" >"$T/$1.secret"); }
# context NAME AUTH SECRET [SERVER [URL]]: appends a context to $MSGADM_CONFIG.
context() {
	cat >>"$MSGADM_CONFIG" <<-CTX
	  - name: $1
	    driver: ejabberd
	    url: ${5:-$EJ_URL}
	    server: ${4:-example.test}
	    auth: $2
	    token_file: $T/$3.secret
	    retries: 1
	    connect_timeout: 2
	CTX
}
# token JID SCOPE TTL: a new OAuth token.
token() {
	ejabberd_api main oauth_issue_token "{\"jid\": \"$1\", \"scopes\": \"$2\", \"ttl\": $3}" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

ejabberd_api main register '{"user": "eve", "host": "example.test", "password": "eve-long-password"}' >/dev/null &&
	ejabberd_api main register '{"user": "alice", "host": "example.test", "password": "alice-pw"}' >/dev/null ||
	say "not ok - registering eve and alice"
secret eve "eve@example.test:eve-long-password"
secret wrongpw "admin@example.test:wrong-password"
secret nobody "nobody@example.test:whatever-password"
secret short "admin@example.test:short-pw"
secret bare "admin:$EJ_ADMIN_PASSWORD"
secret nocolon "admin@example.test"
secret garbage "not-a-token"
secret sasl "$(token admin@example.test sasl_auth 3600)"
secret evetoken "$(token eve@example.test ejabberd:admin 3600)"
secret expired "$(token admin@example.test ejabberd:admin 1)"
expired_at=$(($(date +%s%3N) + 1000))
cp "$EJ_BASIC_FILE" "$T/admin.secret"
context eve basic eve
context wrongpw basic wrongpw
context nobody basic nobody
context short basic short
context bare basic bare
context nocolon basic nocolon
context garbage bearer garbage
context sasl bearer sasl
context evetoken bearer evetoken
context expired bearer expired
context othervhost basic admin other.test
context down basic admin example.test http://127.0.0.1:1

cat >"$T/create.yaml" <<'YAML'
version: 1
server: example.test
users:
  list:
    - {id: zoe, display_name: Zoe}
YAML
# refused CONTEXT STATUS TEXT: user list, plan and apply (which would create zoe) all exit STATUS with
# TEXT on stderr, and the accounts are as they were.
refused() {
	ej_users >"$T/users.before" &&
	expect_status "$2" --context "$1" user list && grep_in "$T/stderr" "$3" &&
	expect_status "$2" --context "$1" plan -f "$T/create.yaml" && grep_in "$T/stderr" "$3" &&
	expect_status "$2" --context "$1" apply -f "$T/create.yaml" --yes --credentials-out "$T/creds" &&
	grep_in "$T/stderr" "$3" &&
	! ej_exists zoe && ej_users >"$T/users.after" && cmp "$T/users.before" "$T/users.after" &&
	! test -s "$T/creds"
}

# --- 403 and 401
test_expect_success 'an account without admin rights: 403 code 32, exit 77' '
	refused eve 77 "ejabberd: registered_vhosts: 403 (code 32): AccessRules: Account does not have the right to perform the operation. (the account needs admin rights through api_permissions in ejabberd.yml"
'
test_expect_success 'an OAuth token without the ejabberd:admin scope, or of a non-admin: 403 code 32, exit 77' '
	refused sasl 77 "403 (code 32): AccessRules: Account does not have the right" &&
	grep_in "$T/stderr" "an OAuth token needs the ejabberd:admin scope" &&
	refused evetoken 77 "403 (code 32): AccessRules: Account does not have the right"
'
test_expect_success 'a wrong password or an unknown account: 401 code 10, exit 77' '
	refused wrongpw 77 "ejabberd: registered_vhosts: 401 (code 10): You are not authorized to call this command. (check the context'\''s token file: auth: basic takes the full JID and password" &&
	refused nobody 77 "401 (code 10): You are not authorized to call this command." &&
	not_in "$T/stderr" "whatever" && not_in "$T/stdout" "whatever"
'
test_expect_success 'an account msgadm deactivated can no longer use the API: 401, exit 77' '
	expect_status 0 user deactivate eve &&
	refused eve 77 "401 (code 10): You are not authorized to call this command." &&
	expect_status 0 user reactivate eve --credentials-out "$T/eve.creds"
'
test_expect_success 'an invalid OAuth token: 401 code 10, exit 77' '
	refused garbage 77 "ejabberd: registered_vhosts: 401 (code 10): Oauth Token is invalid or expired. (check the context'\''s token file" &&
	not_in "$T/stderr" "not-a-token"
'
test_expect_success 'an expired OAuth token: 401 code 10, exit 77' '
	while [ "$(date +%s%3N)" -lt "$expired_at" ]; do sleep 0.1 || exit 1; done &&
	refused expired 77 "401 (code 10): Oauth Token is invalid or expired."
'
test_expect_success 'Basic credentials that are not JID:PASSWORD never leave msgadm: exit 78, no request' '
	expect_status 78 -v --context bare user list &&
	grep_in "$T/stderr" "the user name in the token file must be the full JID" &&
	not_in "$T/stderr" "> POST" && not_in "$T/stderr" "$EJ_ADMIN_PASSWORD" &&
	expect_status 78 -v --context nocolon user list &&
	grep_in "$T/stderr" "auth: basic needs the token file to hold user:password" &&
	not_in "$T/stderr" "> POST" &&
	expect_status 78 -v --context short user list &&
	grep_in "$T/stderr" "the password in the token file is shorter than 12 characters" &&
	not_in "$T/stderr" "> POST" && not_in "$T/stderr" "short-pw"
'

# --- the context points elsewhere
test_expect_success 'a server that is not a virtual host of this ejabberd: exit 78, naming both' '
	refused othervhost 78 "ejabberd: the context'\''s server other.test is not a virtual host of this ejabberd (it serves: example.test)" &&
	expect_status 78 --context othervhost user create zoe --credentials-out "$T/creds" &&
	expect_status 78 --context othervhost user deactivate alice &&
	test "$(ej_check_password alice alice-pw)" = 0
'
test_expect_success 'no server listening: exit 69' '
	expect_status 69 --context down user list &&
	grep_in "$T/stderr" "127.0.0.1:1"
'

# --- one account's trouble
cat >"$T/malformed.yaml" <<'YAML'
version: 1
server: example.test
users:
  list:
    - {id: "x/y", display_name: Slash}
    - {id: okuser, display_name: Fine}
YAML
test_expect_success 'a name ejabberd refuses (nodeprep): that change fails with its message, the others are made, exit 3' '
	expect_status 3 apply -f "$T/malformed.yaml" --yes --credentials-out "$T/malformed.creds" &&
	grep_in "$T/stdout" "failed: ejabberd: register: 500 (code 10001): Can'\''t register user x/y@example.test" &&
	grep_in "$T/stdout" "Malformed username" &&
	grep_in "$T/stdout" "Apply: 2 changes, 1 failed." &&
	grep_in "$T/stderr" "1 of 2 changes did not succeed" &&
	ej_exists okuser && ! ej_exists "x/y" &&
	test "$(wc -l <"$T/malformed.creds")" -eq 1 && grep_in "$T/malformed.creds" "okuser@example.test " &&
	expect_status 1 user create "a/b" --credentials-out "$T/malformed.creds" &&
	grep_in "$T/stderr" "Malformed username" && test "$(wc -l <"$T/malformed.creds")" -eq 1
'
test_expect_success 'an account that exists is never registered again: its password stays' '
	expect_status 1 user create alice --credentials-out "$T/creds" &&
	grep_in "$T/stderr" "already exists" &&
	test "$(ej_check_password alice alice-pw)" = 0 && ! test -s "$T/creds"
'
test_expect_success 'a saved plan to create an account registered since is refused: its password stays' '
	expect_status 0 plan -f "$T/create.yaml" --out "$T/create.plan" &&
	ejabberd_api main register "{\"user\": \"zoe\", \"host\": \"example.test\", \"password\": \"zoe-pw\"}" >/dev/null &&
	expect_status 1 apply "$T/create.plan" --yes --credentials-out "$T/creds" &&
	grep_in "$T/stderr" "the server'\''s state changed since the plan was made" &&
	test "$(ej_check_password zoe zoe-pw)" = 0 && ! test -s "$T/creds"
'
test_expect_success 'reactivating or updating an unknown account fails and stores nothing for it' '
	expect_status 1 user reactivate ghost --credentials-out "$T/creds" &&
	grep_in "$T/stderr" "no user" &&
	expect_status 1 user update ghost --display-name Ghost &&
	grep_in "$T/stderr" "no user" &&
	! ej_exists ghost && ! test -s "$T/creds" &&
	test "$(ej_vcard ghost FN)" = error_no_vcard_found
'

# --- modules the server lacks
# without MODULE: ejabberd.yml without the modules entry MODULE (its owner and mode kept).
without() {
	grep -v "^  $1: {}\$" "$EJ_DIR/ejabberd.yml" >"$T/ejabberd.yml.new" &&
		cat "$T/ejabberd.yml.new" >"$EJ_DIR/ejabberd.yml"
}
cp "$EJ_DIR/ejabberd.yml" "$T/ejabberd.yml.orig"
without mod_vcard && ejabberd_reload main >/dev/null || say "not ok - reloading without mod_vcard"
test_expect_success 'a command whose module is not running (get_vcard without mod_vcard): exit 69 naming it' '
	expect_status 69 user show alice &&
	grep_in "$T/stderr" "ejabberd: get_vcard: 500: internal_error (get_vcard needs mod_vcard: is it enabled in ejabberd.yml?)" &&
	expect_status 69 plan -f "$T/create.yaml" && grep_in "$T/stderr" "get_vcard needs mod_vcard"
'
cat "$T/ejabberd.yml.orig" >"$EJ_DIR/ejabberd.yml" && ejabberd_reload main >/dev/null || say "not ok - reloading with mod_vcard"

# A module reload_config drops keeps its commands registered: only a start without it has none.
t0=$(date +%s%3N)
RESTARTED=1
ejabberd_stop main && without mod_admin_extra && ejabberd_ctl main start >"$T/restart.out" 2>&1 || say "not ok - restarting without mod_admin_extra"
i=0
until ejabberd_request main basic status >/dev/null 2>&1 || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
say "# ejabberd main restarted without mod_admin_extra in $(($(date +%s%3N) - t0)) ms"
test_expect_success 'a command of a module that is not loaded (mod_admin_extra): 404 code 40, exit 76 naming the module' '
	ej_users >"$T/users.before" &&
	expect_status 76 user show alice &&
	grep_in "$T/stderr" "ejabberd: check_account: 404 (code 40): Endpoint not found. (command not available: check_account comes from mod_admin_extra; is it in the modules of ejabberd.yml?)" &&
	expect_status 76 --context bearer plan -f "$T/create.yaml" &&
	grep_in "$T/stderr" "private_get comes from mod_admin_extra" &&
	ej_users >"$T/users.after" && cmp "$T/users.before" "$T/users.after"
'
