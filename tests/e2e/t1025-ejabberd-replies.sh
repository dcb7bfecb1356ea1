#!/bin/sh
# The error shapes of OBSERVED-23.01.md that msgadm's own requests never provoke (it always sends
# credentials and a JSON object with exactly the arguments a command takes, and registers only
# accounts it has just read as missing): provoked here with curl on a real ejabberd 23.01, and each
# reply, as the server sent it, read by the driver's own reply mapping (tests/tools/ej-reply-map,
# which runs ej_reply_map): its message and msgadm's exit status. t1020 covers the shapes msgadm's
# commands meet.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/ejabberd/harness.sh"

ejabberd_start main example.test
say "# ejabberd main started in $EJ_START_MS ms"
MAP="$MSGADM_TEST_BUILD/tests/tools/ej-reply-map"
# the admin's credentials as a header in a 0600 file: never on curl's command line
(umask 077 && printf 'Authorization: Basic %s\n' "$(base64 -w0 <"$EJ_BASIC_FILE")" >"$T/auth.header")

# raw NAME AUTH PATH_COMMAND [BODY]: POSTs BODY (raw bytes, default empty) to /api/PATH_COMMAND as the
# admin (AUTH=admin) or with no credentials (AUTH=none); the status goes to $T/NAME.status, the body
# to $T/NAME.body.
raw() {
	_n=$1 _a=$2 _c=$3 _b=${4-}
	set -- -s -o "$T/$_n.body" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$_b"
	[ "$_a" = admin ] && set -- "$@" -H @"$T/auth.header"
	curl "$@" "$EJ_API/$_c" >"$T/$_n.status"
}
# mapped NAME COMMAND: msgadm's reading of reply NAME as an answer to COMMAND, to $T/NAME.mapped.
mapped() { "$MAP" "$2" example.test "$(cat "$T/$1.status")" "$T/$1.body" >"$T/$1.mapped"; }
# expect NAME STATUS EXIT MESSAGE: the server answered STATUS, msgadm reads EXIT and MESSAGE.
expect() {
	test "$(cat "$T/$1.status")" = "$2" || { echo "HTTP $(cat "$T/$1.status"), wanted $2: $(cat "$T/$1.body")"; return 1; }
	printf '%s\t%s\n' "$3" "$4" >"$T/$1.want"
	diff -u "$T/$1.want" "$T/$1.mapped"
}

test_expect_success 'malformed JSON: 400 "400 Bad Request" -> exit 1 naming the status' '
	raw badjson admin registered_users "{\"host\": " && mapped badjson registered_users &&
	expect badjson 400 1 "ejabberd: registered_users: 400: 400 Bad Request"
'
test_expect_success 'an empty body: 400 with an HTML page -> exit 1 quoting its heading' '
	raw empty admin registered_users "" && mapped empty registered_users &&
	grep -qi "<html\|<h1" "$T/empty.body" &&
	expect empty 400 1 "ejabberd: registered_users: 400 with an HTML page (400 Bad Request)"
'
test_expect_success 'a missing argument: 400 "Request have missing argument: host" -> exit 1' '
	raw missing admin registered_users "{}" && mapped missing registered_users &&
	expect missing 400 1 "ejabberd: registered_users: 400: Request have missing argument: host"
'
test_expect_success 'an unknown argument: 400 "Request have unknown arguments" -> exit 1' '
	raw extra admin registered_users "{\"host\": \"example.test\", \"extra\": 1}" && mapped extra registered_users &&
	expect extra 400 1 "ejabberd: registered_users: 400: Request have unknown arguments: [extra]"
'
test_expect_success 'a non-integer argument: 400 "Arg ... is not in format integer" -> exit 1' '
	raw noint admin delete_old_mam_messages "{\"type\": \"all\", \"days\": \"ten\"}" &&
	mapped noint delete_old_mam_messages &&
	expect noint 400 1 "ejabberd: delete_old_mam_messages: 400: Arg <<116,101,110>> is not in format integer"
'
test_expect_success 'register of an existing account: 409 code 10090 -> exit 1 with the server'\''s message' '
	raw exists admin register "{\"user\": \"admin\", \"host\": \"example.test\", \"password\": \"whatever-pw\"}" &&
	mapped exists register &&
	expect exists 409 1 "ejabberd: register: 409 (code 10090): User admin@example.test already registered"
'
test_expect_success 'no credentials: 403 code 32 -> exit 77 saying what rights are needed' '
	raw noauth none registered_users "{\"host\": \"example.test\"}" && mapped noauth registered_users &&
	test "$(cut -f1 "$T/noauth.mapped")" = 77 &&
	grep -q "403 (code 32): AccessRules: Account does not have the right to perform the operation." "$T/noauth.mapped" ||
	{ cat "$T/noauth.mapped"; exit 1; }
'
test_expect_success 'an endpoint the server lacks: 404 code 40 -> exit 76 naming the module to load' '
	raw nocmd admin no_such_command "{}" && mapped nocmd check_account &&
	test "$(cut -f1 "$T/nocmd.mapped")" = 76 &&
	grep -q "404 (code 40): Endpoint not found." "$T/nocmd.mapped" && grep -q "mod_admin_extra" "$T/nocmd.mapped" ||
	{ cat "$T/nocmd.mapped"; exit 1; }
'
test_expect_success 'and a good reply reads as its value' '
	raw good admin registered_users "{\"host\": \"example.test\"}" && mapped good registered_users &&
	test "$(cat "$T/good.status")" = 200 && grep -q "^0	\[\"admin\"\]$" "$T/good.mapped"
'
