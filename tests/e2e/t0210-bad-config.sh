#!/bin/sh
# Contexts and secrets: every bad contexts file, token file or token variable is refused with 78
# before any request is sent; context list/use/show; http:// only to loopback.
. "$(dirname "$0")/lib.sh"
start_synapse_emu

CFG=$MSGADM_CONFIG
TOKEN=$(cat "$T/admin.token")
emu_total() { emu GET /_emu/requests | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }
reset_requests() { emu POST /_emu/requests/reset "" >/dev/null; }
now_ms() { date +%s%N | cut -c1-13; }

# config FILE: writes a contexts file with one context "c" (YAML lines from stdin added to it), mode 600.
config() {
	{ printf 'current_context: c\ncontexts:\n  - name: c\n'; cat; } >"$1" && chmod 600 "$1"
}

test_expect_success 'unknown context via --context: 78 naming it and the known ones' '
	reset_requests &&
	expect_status 78 --context nope user list &&
	grep_in "$T/stderr" "$CFG: unknown context '"'nope'"' (from --context)" &&
	grep_in "$T/stderr" "known: emu, user, badtoken, down, envtok" &&
	test "$(emu_total)" = 0
'
test_expect_success 'unknown context via MSGADM_CONTEXT: 78 naming it and the variable' '
	export MSGADM_CONTEXT=nope &&
	expect_status 78 user list &&
	grep_in "$T/stderr" "unknown context '"'nope'"' (from MSGADM_CONTEXT)" &&
	grep_in "$T/stderr" "known: emu, user, badtoken, down, envtok"
'
test_expect_success '--context wins over MSGADM_CONTEXT' '
	export MSGADM_CONTEXT=nope &&
	expect_status 0 --context emu user list && grep_in "$T/stdout" "admin"
'
test_expect_success 'a contexts file writable by group: 78 naming the file, no request' '
	reset_requests && chmod 664 "$CFG" &&
	expect_status 78 user list; rc=$? && chmod 600 "$CFG" && test $rc = 0 &&
	grep_in "$T/stderr" "$CFG: is writable by group or others" &&
	test "$(emu_total)" = 0
'
test_expect_success 'a token file readable by others: 78 naming it and saying chmod 600, no request' '
	reset_requests && chmod 644 "$T/admin.token" &&
	expect_status 78 user list; rc=$? && chmod 600 "$T/admin.token" && test $rc = 0 &&
	grep_in "$T/stderr" "token file $T/admin.token is readable by group or others" &&
	grep_in "$T/stderr" "chmod 600 $T/admin.token" &&
	not_in "$T/stderr" "$TOKEN" &&
	test "$(emu_total)" = 0
'
test_expect_success 'a token file readable by the group only: 78 too' '
	chmod 640 "$T/admin.token" &&
	expect_status 78 user list; rc=$? && chmod 600 "$T/admin.token" && test $rc = 0 &&
	grep_in "$T/stderr" "chmod 600 $T/admin.token"
'
test_expect_success 'a missing token file: 78 naming it' '
	config "$T/notoken.yaml" <<-EOF &&
	    driver: synapse
	    url: $EMU_URL
	    server: example.test
	    token_file: $T/gone.token
	EOF
	export MSGADM_CONFIG="$T/notoken.yaml" &&
	expect_status 78 user list &&
	grep_in "$T/stderr" "context c: token file $T/gone.token: No such file or directory"
'
test_expect_success 'an empty token file: 78 naming it' '
	: >"$T/empty.token" && chmod 600 "$T/empty.token" &&
	sed "s|$T/gone.token|$T/empty.token|" "$T/notoken.yaml" >"$T/emptytoken.yaml" &&
	chmod 600 "$T/emptytoken.yaml" && export MSGADM_CONFIG="$T/emptytoken.yaml" &&
	expect_status 78 user list && grep_in "$T/stderr" "token file $T/empty.token is empty"
'
test_expect_success 'token_env naming an unset variable: 78 naming the variable' '
	unset MSGADM_TEST_TOKEN && reset_requests &&
	expect_status 78 --context envtok user list &&
	grep_in "$T/stderr" "context envtok: environment variable MSGADM_TEST_TOKEN (token_env) is not set" &&
	test "$(emu_total)" = 0
'
test_expect_success 'token_env set: the token is taken from it, and -v never shows it' '
	export MSGADM_TEST_TOKEN="$TOKEN" &&
	expect_status 0 -v --context envtok user list &&
	grep_in "$T/stdout" "admin" && grep_in "$T/stderr" "Bearer <redacted>" &&
	not_in "$T/stderr" "$TOKEN" && not_in "$T/stdout" "$TOKEN"
'
test_expect_success 'a config with an unknown field: 78 with file:line:column and path' '
	config "$T/colour.yaml" <<-EOF &&
	    driver: synapse
	    url: $EMU_URL
	    server: example.test
	    token_file: $T/admin.token
	    colour: blue
	EOF
	export MSGADM_CONFIG="$T/colour.yaml" &&
	expect_status 78 user list &&
	grep_in "$T/stderr" "$T/colour.yaml:8:5: contexts[0].colour: unknown field '"'colour'"'"
'
test_expect_success 'a config with a bad driver: 78 with file:line:column and the choices' '
	config "$T/driver.yaml" <<-EOF &&
	    driver: prosody
	    url: $EMU_URL
	    server: example.test
	    token_file: $T/admin.token
	EOF
	export MSGADM_CONFIG="$T/driver.yaml" &&
	expect_status 78 user list &&
	grep_in "$T/stderr" "$T/driver.yaml:4:13: contexts[0].driver: must be one of: synapse"
'
test_expect_success 'http:// to a non-loopback address: 78 at once, nothing attempted' '
	config "$T/far.yaml" <<-EOF &&
	    driver: synapse
	    url: http://192.0.2.1
	    server: example.test
	    token_file: $T/admin.token
	    connect_timeout: 10
	    retries: 3
	EOF
	export MSGADM_CONFIG="$T/far.yaml" &&
	t0=$(now_ms) && run user list; rc=$? && t1=$(now_ms) &&
	test $rc = 78 || { echo "exit $rc, wanted 78"; cat "$T/stderr"; exit 1; }
	grep_in "$T/stderr" "http:// is only allowed to loopback addresses: http://192.0.2.1" &&
	echo "took $((t1 - t0)) ms" && test $((t1 - t0)) -lt 2000
'
# A listener on this machine's own non-loopback address must see no connection at all.
HOSTIP=$(python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("192.0.2.1", 9))
a = s.getsockname()[0]
print("" if a.startswith("127.") else a)' 2>/dev/null)
if [ -n "$HOSTIP" ]; then
	test_expect_success "http:// to this host's own address $HOSTIP: refused, the listener sees nothing" '
		python3 -c "
import socket, sys
s = socket.socket(); s.bind((\"$HOSTIP\", 0)); s.listen(8); s.settimeout(3)
open(sys.argv[1], \"w\").write(str(s.getsockname()[1]))
try:
    s.accept(); open(sys.argv[2], \"w\").write(\"connected\")
except socket.timeout:
    pass" "$T/lport" "$T/accepted" &
		lpid=$! && i=0 &&
		while [ ! -s "$T/lport" ] && [ $i -lt 50 ]; do sleep 0.1 && i=$((i + 1)) || exit 1; done &&
		sed "s|http://192.0.2.1|http://$HOSTIP:$(cat "$T/lport")|" "$T/far.yaml" >"$T/self.yaml" &&
		chmod 600 "$T/self.yaml" && export MSGADM_CONFIG="$T/self.yaml" &&
		expect_status 78 user list; rc=$? && wait $lpid && test $rc = 0 &&
		grep_in "$T/stderr" "http:// is only allowed to loopback addresses" &&
		test ! -e "$T/accepted"
	'
else
	say "ok - http:// to this host's own address # SKIP no non-loopback IPv4 address"
fi
test_expect_success 'URLs that smuggle a host past the loopback check are refused' '
	for u in "http://127.0.0.1@192.0.2.1" "http://127.0.0.1.nip.io" "http://localhost.evil.test" \
		"http://[::ffff:192.0.2.1]"; do
		sed "s|http://192.0.2.1|$u|" "$T/far.yaml" >"$T/smuggle.yaml" && chmod 600 "$T/smuggle.yaml" &&
		MSGADM_CONFIG="$T/smuggle.yaml" "$MSGADM" user list 2>"$T/stderr"; rc=$? &&
		test $rc = 78 || { echo "$u: exit $rc"; cat "$T/stderr"; exit 1; }
	done
'
test_expect_success 'context list shows every context and marks the current one' '
	expect_status 0 context list &&
	grep -q "^\* emu  *synapse  *example.test  *$EMU_URL" "$T/stdout" &&
	for c in user badtoken down envtok; do grep -q "^  $c " "$T/stdout" || exit 1; done &&
	test "$(grep -c "^\*" "$T/stdout")" = 1
'
test_expect_success 'context show never prints the token, in any format' '
	export MSGADM_TEST_TOKEN="$TOKEN" &&
	for args in "context show" "context show envtok" "-o json context show" "-o yaml context show envtok"; do
		expect_status 0 $args && not_in "$T/stdout" "$TOKEN" && not_in "$T/stderr" "$TOKEN" || exit 1
	done &&
	expect_status 0 context show && grep_in "$T/stdout" "$T/admin.token" &&
	expect_status 0 -o json context show envtok &&
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"token_env\"]==\"MSGADM_TEST_TOKEN\" and d[\"name\"]==\"envtok\", d" "$T/stdout"
'
test_expect_success 'context show of an unknown context: 78 naming it' '
	expect_status 78 context show nope && grep_in "$T/stderr" "unknown context '"'nope'"'"
'
test_expect_success 'context use rewrites current_context and keeps the comment lines' '
	{ echo "# msgadm contexts, edited by hand" && sed "s/^  - name: user/  # a plain user, for 403 tests\n&/" "$CFG"; } \
		>"$T/commented.yaml" &&
	chmod 600 "$T/commented.yaml" && export MSGADM_CONFIG="$T/commented.yaml" &&
	expect_status 0 context use user && cat "$T/stdout" "$T/stderr" | grep -q "context '"'user'"'" &&
	grep -q "^current_context: user" "$T/commented.yaml" &&
	test "$(grep -c "^current_context:" "$T/commented.yaml")" = 1 &&
	grep_in "$T/commented.yaml" "# msgadm contexts, edited by hand" &&
	grep_in "$T/commented.yaml" "# a plain user, for 403 tests" &&
	test "$(stat -c %a "$T/commented.yaml")" = 600 &&
	expect_status 0 context list && grep -q "^\* user " "$T/stdout" &&
	expect_status 77 user list
'
test_expect_success 'context use keeps the comment on the current_context line itself' '
	sed "s/^current_context: emu/current_context: emu   # the default/" "$CFG" >"$T/trailing.yaml" &&
	chmod 600 "$T/trailing.yaml" && export MSGADM_CONFIG="$T/trailing.yaml" &&
	expect_status 0 context use user &&
	grep -q "^current_context: user" "$T/trailing.yaml" &&
	grep_in "$T/trailing.yaml" "# the default"
'
test_expect_success 'context use leaves a valid file when the key is written "current_context"' '
	sed "s/^current_context: emu/\"current_context\": emu/" "$CFG" >"$T/quoted.yaml" &&
	chmod 600 "$T/quoted.yaml" && export MSGADM_CONFIG="$T/quoted.yaml" &&
	expect_status 0 context list &&
	expect_status 0 context use user &&
	expect_status 0 context list && grep -q "^\* user " "$T/stdout"
'
test_expect_success 'context use of an unknown context: 78 and the file unchanged' '
	cp "$CFG" "$T/cfg.before" &&
	expect_status 78 context use nope && grep_in "$T/stderr" "unknown context '"'nope'"'" &&
	cmp "$T/cfg.before" "$CFG"
'
test_expect_success 'no contexts file at all: a clear 78 for a server command' '
	export MSGADM_CONFIG="$T/none.yaml" && reset_requests &&
	expect_status 78 user list &&
	grep_in "$T/stderr" "$T/none.yaml" &&
	grep -Eqi "no such file|does not exist|not found|no contexts" "$T/stderr" &&
	test ! -e "$T/none.yaml" && test "$(emu_total)" = 0
'
test_expect_success 'the section that message points to exists in msgadm(1)' '
	export MSGADM_CONFIG="$T/none.yaml" && expect_status 78 user list &&
	sec=$(sed -n "s/.*see msgadm(1), \([A-Z ]*\)).*/\1/p" "$T/stderr") &&
	test -n "$sec" && echo "message points to section: $sec" &&
	grep -q "^\.Sh $sec\$" "$TOP/man/msgadm.1"
'
test_expect_success 'without MSGADM_CONFIG the file is $XDG_CONFIG_HOME/msgadm/config.yaml' '
	unset MSGADM_CONFIG && export XDG_CONFIG_HOME="$T/xdg" &&
	mkdir -p "$T/xdg/msgadm" && cp "$CFG" "$T/xdg/msgadm/config.yaml" &&
	chmod 600 "$T/xdg/msgadm/config.yaml" &&
	expect_status 0 context show && grep_in "$T/stdout" "$T/xdg/msgadm/config.yaml"
'
test_expect_success 'and else ~/.config/msgadm/config.yaml, named when it is missing' '
	unset MSGADM_CONFIG XDG_CONFIG_HOME &&
	expect_status 78 user list && grep_in "$T/stderr" "$HOME/.config/msgadm/config.yaml"
'
