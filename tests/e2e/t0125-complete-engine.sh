#!/bin/sh
# msgadm __complete, the hidden command behind the shell completions: what it offers for the words
# of a command line (from the command table, the contexts file and the Synapse emulator), how it
# caches server values (private files, no secrets, a second Tab asks nothing), and that a failure
# of any kind prints nothing and exits 0.
. "$(dirname "$0")/lib.sh"
start_synapse_emu
emu POST /_emu/seed '{"users": [{"name": "@alice:example.test"}, {"name": "@bob:example.test"}],
 "rooms": [{"room_id": "!lobby:example.test", "creator": "@bob:example.test", "name": "Lobby", "alias": "#lobby:example.test"},
  {"room_id": "!quiet:example.test", "creator": "@bob:example.test", "name": "Quiet"}],
 "registration_tokens": [{"token": "spring-intake"}]}' >/dev/null
export XDG_CACHE_HOME="$T/cache"
CACHE="$XDG_CACHE_HOME/msgadm"

# comp WORD...: msgadm __complete -- WORD...; its output in $T/stdout, the values alone on one line in
# $T/values. Fails when it exits non-zero or writes anything on stderr.
comp() {
	"$MSGADM" __complete -- "$@" >"$T/stdout" 2>"$T/stderr"
	rc=$?
	if [ "$rc" -ne 0 ] || [ -s "$T/stderr" ]; then
		echo "msgadm __complete $*: exit $rc, stderr:"
		cat "$T/stderr"
		return 1
	fi
	cut -f1 "$T/stdout" | tr '\n' ' ' | sed 's/ $//' >"$T/values"
}

# expect_values 'WANTED' WORD...: the values offered for the last WORD are WANTED, in this order.
expect_values() {
	want=$1
	shift
	comp "$@" || return 1
	if [ "$(cat "$T/values")" != "$want" ]; then
		echo "msgadm __complete $*"
		echo "  got:    '$(cat "$T/values")'"
		echo "  wanted: '$want'"
		return 1
	fi
}

requests() { emupy 'print(call("GET", "/_emu/requests")["total"])'; }
reset_requests() { emu POST /_emu/requests/reset '' >/dev/null; }

# ---- from the command table ----

test_expect_success 'msgadm __complete "" offers the first word of every command of help, with summaries' '
	expect_status 0 help &&
	sed -n "s/^  \([a-z][a-z]*\).*/\1/p" "$T/stdout" | awk "!seen[\$0]++" | tr "\n" " " | sed "s/ $//" >"$T/words" &&
	expect_values "$(cat "$T/words")" "" &&
	grep -qx "user	list, show, create, update, deactivate, reactivate" "$T/stdout" &&
	grep -qx "version	print msgadm'\''s version" "$T/stdout"
'
test_expect_success 'subcommands of a group, with their summaries' '
	expect_values "list show create update deactivate reactivate" user "" &&
	grep -qx "show	show one account" "$T/stdout" &&
	expect_values "list show" -v room ""
'
test_expect_success 'options: the global ones and the command'\''s, each with its help' '
	expect_values "--context --output --color --verbose --quiet --help --file --out --detailed-exitcode --force" plan -- &&
	grep -qx -- "--out	save the plan, with a digest of the live state, for '\''apply PLAN'\''" "$T/stdout" &&
	comp plan - && grep -qx -- "-f	the policy to plan for" "$T/stdout"
'
test_expect_success '--color= and --color offer auto, always and never' '
	expect_values "--color=auto --color=always --color=never" --color= &&
	expect_values "auto always never" --color "" &&
	expect_values "--color=always" user list --color=al &&
	expect_values "never" plan --color n
'
test_expect_success 'the words need no --: options after __complete are words to complete' '
	"$MSGADM" __complete --color= >"$T/plain" 2>"$T/stderr" && test ! -s "$T/stderr" &&
	"$MSGADM" __complete -- --color= >"$T/dashed" &&
	test -s "$T/plain" && cmp "$T/plain" "$T/dashed"
'
test_expect_success '-o offers text, json and yaml, and sarif and junit where the command prints them' '
	expect_values "text json yaml" -o "" &&
	expect_values "text json yaml" plan -o "" &&
	expect_values "text json yaml sarif junit" lint -o "" &&
	expect_values "--output=sarif" lint --output=s &&
	expect_values "-ojson -ojunit" lint -oj
'
test_expect_success 'contexts, with driver and server, for --context and context use' '
	expect_values "emu user badtoken down envtok" --context "" &&
	grep -qx "down	synapse example.test" "$T/stdout" &&
	expect_values "--context=down" --context=d &&
	expect_values "emu envtok" context use e &&
	expect_values "" context use emu ""
'
test_expect_success 'directory names from the contexts file for directory test' '
	cp "$MSGADM_CONFIG" "$T/with-dirs.yaml" &&
	printf "directories:\n  - name: corp\n    url: ldaps://ldap.example.test\n  - name: ad\n    url: ldaps://dc.example.test\n" >>"$T/with-dirs.yaml" &&
	MSGADM_CONFIG="$T/with-dirs.yaml" expect_values "corp ad" directory test "" &&
	grep -qx "corp	directory" "$T/stdout" &&
	MSGADM_CONFIG="$T/with-dirs.yaml" expect_values "corp" directory test c &&
	expect_values "" directory test ""
'
test_expect_success 'file names are left to the shell: the directive :files, last, with the part before the name' '
	comp plan -f "" && test "$(cat "$T/stdout")" = ":files" &&
	comp validate a.yaml "" && test "$(cat "$T/stdout")" = ":files" &&
	comp plan --out=pol && test "$(cat "$T/stdout")" = "$(printf ":files\t--out=")" &&
	expect_values "" apply p.plan ""
'
test_expect_success 'help completes commands, completion its shells' '
	expect_values "list show create update deactivate reactivate" help user "" &&
	expect_values "" help user list "" &&
	expect_values "bash zsh fish" completion ""
'
test_expect_success 'hidden commands are not in msgadm help, nor ever offered' '
	expect_status 0 help && not_in "$T/stdout" "__" &&
	comp "" && not_in "$T/stdout" "__" &&
	comp help "" && not_in "$T/stdout" "__" &&
	expect_values "" __ &&
	expect_values "" __complete "" &&
	expect_status 0 __man-synopsis && grep_in "$T/stdout" ".Nm Cm user list" && not_in "$T/stdout" "__"
'

# ---- from the server ----

test_expect_success 'user ids, invite token names, room ids and aliases come from the server' '
	rm -rf "$CACHE" &&
	expect_values "admin alice bob" user show "" &&
	expect_values "alice" user deactivate --force al &&
	expect_values "spring-intake" invite revoke "" &&
	expect_values "!lobby:example.test !quiet:example.test #lobby:example.test" room show "" &&
	expect_values "--room=#lobby:example.test" audit reports --room=# &&
	expect_values "bob" audit reports --user b
'
test_expect_success 'a second Tab within 30 seconds asks the server nothing' '
	rm -rf "$CACHE" && reset_requests &&
	expect_values "admin alice bob" user show "" &&
	test "$(requests)" -ge 1 && reset_requests &&
	expect_values "alice" user update al &&
	expect_values "#lobby:example.test" room show "#" && reset_requests &&
	expect_values "!lobby:example.test !quiet:example.test #lobby:example.test" room show "" &&
	test "$(requests)" = 0
'
test_expect_success 'the cache is a 0600 file in a 0700 directory, per context and kind, and holds no token' '
	test "$(stat -c %a "$CACHE")" = 700 &&
	test "$(stat -c %a "$CACHE/user-emu.json")" = 600 &&
	test "$(stat -c %a "$CACHE/room-emu.json")" = 600 &&
	grep_in "$CACHE/user-emu.json" "\"alice\"" &&
	! grep -ri "token\|syt_" "$CACHE" &&
	test ! -e "$CACHE/token-emu.json"
'
test_expect_success 'invite token names, which let anyone register, are never cached: each Tab asks' '
	reset_requests && expect_values "spring-intake" invite revoke "" && test "$(requests)" = 1 &&
	reset_requests && expect_values "spring-intake" invite revoke s && test "$(requests)" = 1 &&
	! grep -r "spring-intake" "$CACHE"
'
test_expect_success 'a stale cache file, one for another server, or one others may read, is asked again' '
	python3 -c "
import json, sys
p = sys.argv[1]; d = json.load(open(p)); d[\"time\"] -= 31; d[\"names\"] = [\"ghost\"]; json.dump(d, open(p, \"w\"))
" "$CACHE/user-emu.json" &&
	expect_values "admin alice bob" user show "" &&
	python3 -c "
import json, sys
p = sys.argv[1]; d = json.load(open(p)); d[\"url\"] = \"http://127.0.0.1:1\"; d[\"names\"] = [\"ghost\"]; json.dump(d, open(p, \"w\"))
" "$CACHE/user-emu.json" &&
	expect_values "admin alice bob" user show "" &&
	python3 -c "
import json, sys
p = sys.argv[1]; d = json.load(open(p)); d[\"names\"] = [\"ghost\"]; json.dump(d, open(p, \"w\"))
" "$CACHE/user-emu.json" && chmod 644 "$CACHE/user-emu.json" &&
	expect_values "admin alice bob" user show "" &&
	test "$(stat -c %a "$CACHE/user-emu.json")" = 600
'
test_expect_success 'a command that changes the server drops its context'\''s cache' '
	expect_values "admin alice bob" user show "" && test -e "$CACHE/user-emu.json" &&
	"$MSGADM" -q user create zed >/dev/null &&
	test ! -e "$CACHE/user-emu.json" &&
	expect_values "admin alice bob zed" user show ""
'
test_expect_success 'the --context on the line chooses the server asked, and its own cache file' '
	MSGADM_TEST_TOKEN=$(cat "$T/admin.token") && export MSGADM_TEST_TOKEN &&
	expect_values "admin alice bob zed" --context envtok user show "" &&
	test -e "$CACHE/user-envtok.json" &&
	expect_values "" user --context=user show "" &&
	expect_values "" --context nosuch user show ""
'
test_expect_success 'MSGADM_COMPLETE_REMOTE=0: no server values, not even cached ones, and no request' '
	reset_requests &&
	MSGADM_COMPLETE_REMOTE=0 expect_values "" user show "" &&
	MSGADM_COMPLETE_REMOTE=0 expect_values "" invite revoke "" &&
	MSGADM_COMPLETE_REMOTE=0 expect_values "auto always never" --color "" &&
	test "$(requests)" = 0
'

# ---- failures: nothing printed, exit 0 ----

test_expect_success 'a context whose server is down: no candidate, nothing on stderr, exit 0' '
	expect_values "" --context down user show "" &&
	test ! -s "$T/stdout" &&
	expect_values "" --context=down room show ""
'
test_expect_success 'a token the server refuses (401, or 403 for a non-admin) offers nothing' '
	expect_values "" --context badtoken user show "" &&
	expect_values "" --context user invite revoke ""
'
test_expect_success 'no retry: a 503 is the end of it' '
	rm -rf "$CACHE" &&
	emu_fault "{\"kind\": \"status\", \"status\": 503, \"count\": 1, \"match\": \"/_synapse/admin/v2/users\"}" &&
	expect_values "" user show "" &&
	test "$(emupy "print(call(\"GET\", \"/_emu/fault\")[\"faults\"][0][\"hits\"])")" = 1 &&
	emu_clear_faults && expect_values "admin alice bob zed" user show ""
'
test_expect_success 'a server slower than the deadline offers nothing, though the context waits longer' '
	rm -rf "$CACHE" &&
	emu_fault "{\"kind\": \"delay\", \"delay_ms\": 4000, \"count\": 1, \"match\": \"/_synapse/admin/v2/users\"}" &&
	expect_values "" user show "" &&
	test "$(emupy "print(call(\"GET\", \"/_emu/fault\")[\"faults\"][0][\"hits\"])")" = 1 &&
	emu_clear_faults
'
test_expect_success 'no contexts file, or one msgadm refuses: the table still completes, silently' '
	MSGADM_CONFIG="$T/none.yaml" expect_values "user" us &&
	MSGADM_CONFIG="$T/none.yaml" expect_values "" user show "" &&
	chmod 664 "$MSGADM_CONFIG" &&
	expect_values "" user show "" && expect_values "" --context "" && expect_values "--color" --colo;
	rc=$? && chmod 600 "$MSGADM_CONFIG" && exit $rc
'
test_expect_success '-v before __complete traces nothing' '
	rm -rf "$CACHE" &&
	"$MSGADM" -v __complete user show "" >"$T/stdout" 2>"$T/stderr" &&
	test ! -s "$T/stderr" && grep -qx alice "$T/stdout"
'
