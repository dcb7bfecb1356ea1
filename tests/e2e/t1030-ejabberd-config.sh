#!/bin/sh
# The policy's registration and federation sections in a real ejabberd's configuration: with
# config_fragment, msgadm keeps them as blocks of the file ejabberd.yml includes ("# BEGIN msgadm
# registration" ... "# END msgadm registration", the same for federation), leaves the admin's own
# lines, the file's owner and mode alone, and calls reload_config, after which ejabberd runs them
# (in-band registration is refused or accepted; dump_config shows the federation rule). A block
# ejabberd refuses (here: ejabberd.yml already sets s2s_access) is taken back: the previous file is
# restored and reloaded, the server keeps its old configuration, the change fails with ejabberd's
# message and apply exits 3. Without config_fragment, plan shows the fragment and apply writes none.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/ejabberd/harness.sh"
. "$TOP/tests/ejabberd/msgadm.sh"

# ejabberd.yml's modules name the rule msgadm keeps (an included file cannot set them for msgadm);
# the second instance's ejabberd.yml sets s2s_access itself, so msgadm's would be a duplicate.
printf 'modules:\n  mod_register:\n    access: msgadm_register\n' >"$T/register.yml"
printf 's2s_access: all\n' >"$T/s2s.yml"
ejabberd_start conflict conflict.test "$T/s2s.yml"
CONFLICT_FRAGMENT=$EJ_FRAGMENT
ejabberd_start main example.test "$T/register.yml"
say "# ejabberd main and conflict started in $EJ_START_MS ms and $(ejabberd_use conflict && echo "$EJ_START_MS") ms"
ej_contexts "config_fragment: $EJ_FRAGMENT"
ej_context_nofrag

# policy FILE REGISTRATION FEDERATION_MODE [PARTNER...]
policy() {
	_f=$1 _r=$2 _m=$3
	shift 3
	{
		printf 'version: 1\nserver: %s\ninvites:\n  registration: %s\nfederation:\n  mode: %s\n' "$EJ_VHOST" "$_r" "$_m"
		if [ $# -gt 0 ]; then printf '  partners: [%s]\n' "$(echo "$@" | sed 's/ /, /g')"; fi
	} >"$_f"
}
# dump NAME: the instance's effective configuration, in $T/dump.yml.
dump() {
	ejabberd_api "$1" dump_config "{\"out\": \"$(ejabberd_use "$1" && echo "$EJ_DIR")/dump.yml\"}" >/dev/null &&
		cp "$(ejabberd_use "$1" && echo "$EJ_DIR")/dump.yml" "$T/dump.yml"
}
# outside FILE: its lines outside msgadm's blocks.
outside() { sed '/^# BEGIN msgadm /,/^# END msgadm /d' "$1"; }
meta() { stat -c '%U %G %a' "$1"; }

# The admin's own lines, which must survive every rewrite.
cat >"$EJ_FRAGMENT" <<'YML'
# kept by the admin: friends of this server
acl:
  admin_friends:
    server:
      - "friend.test"
YML
ejabberd_reload main >/dev/null || say "not ok - reloading the admin's own fragment"
cp "$EJ_FRAGMENT" "$T/admin-lines"
meta0=$(meta "$EJ_FRAGMENT")

policy "$T/p.yaml" closed allowlist bund.de partner.test
test_expect_success 'without config_fragment: plan shows the fragment to add by hand, apply writes nothing' '
	expect_status 0 --context nofrag plan -f "$T/p.yaml" --detailed-exitcode &&
	grep_in "$T/stdout" "! federation: config-managed: put this in ejabberd.yml (or a file it includes) and call reload_config; msgadm does so itself when the context sets config_fragment" &&
	grep_in "$T/stdout" "! invites.registration: config-managed" &&
	grep_in "$T/stdout" "        s2s_access: msgadm_s2s" &&
	grep_in "$T/stdout" "            access: msgadm_register" &&
	grep_in "$T/stdout" "No changes" &&
	expect_status 0 --context nofrag apply -f "$T/p.yaml" --yes &&
	cmp "$T/admin-lines" "$EJ_FRAGMENT"
'
test_expect_success 'with config_fragment: plan shows the blocks to write and where, and writes nothing' '
	expect_status 0 plan -f "$T/p.yaml" &&
	grep_in "$T/stdout" "+ ejabberd_config federation" &&
	grep_in "$T/stdout" "      content: |" &&
	grep_in "$T/stdout" "              - \"partner.test\"" &&
	grep_in "$T/stdout" "+ ejabberd_config registration" &&
	grep_in "$T/stdout" "* federation: write the federation block of $EJ_FRAGMENT (between '\''# BEGIN msgadm federation'\'' and '\''# END msgadm federation'\'') and call reload_config" &&
	grep_in "$T/stdout" "! invites.registration: note: in-band registration follows the rule msgadm_register only where mod_register in ejabberd.yml names it" &&
	grep_in "$T/stdout" "Plan: 2 to add, 0 to change, 0 to deactivate/delete." &&
	cmp "$T/admin-lines" "$EJ_FRAGMENT"
'
test_expect_success 'apply writes both blocks after the admin'\''s lines, keeps owner and mode, and ejabberd runs them' '
	expect_status 0 apply -f "$T/p.yaml" --yes &&
	grep_in "$T/stdout" "Apply: 2 changes, 0 failed." &&
	test "$(meta "$EJ_FRAGMENT")" = "$meta0" && test "$meta0" = "ejabberd ejabberd 644" &&
	outside "$EJ_FRAGMENT" | head -n "$(wc -l <"$T/admin-lines")" | cmp - "$T/admin-lines" &&
	test "$(grep -c "^# BEGIN msgadm federation\$" "$EJ_FRAGMENT")" = 1 &&
	test "$(grep -c "^# END msgadm federation\$" "$EJ_FRAGMENT")" = 1 &&
	test "$(grep -c "^# BEGIN msgadm registration\$" "$EJ_FRAGMENT")" = 1 &&
	test "$(grep -c "^# END msgadm registration\$" "$EJ_FRAGMENT")" = 1 &&
	! ls -A "$EJ_DIR" | grep -q msgadm-fragment &&
	dump main &&
	grep_in "$T/dump.yml" "s2s_access: msgadm_s2s" && grep_in "$T/dump.yml" "- \"partner.test\"" &&
	grep_in "$T/dump.yml" "msgadm_register:" && grep_in "$T/dump.yml" "- \"friend.test\"" &&
	! xmpp_register newbie newbie-pw >"$T/ibr" &&
	grep_in "$T/ibr" "forbidden: Access denied by service policy" && ! ej_exists newbie
'
test_expect_code 0 'a second plan --detailed-exitcode exits 0' '
	run plan -f "$T/p.yaml" --detailed-exitcode
'
test_expect_success 'registration open: the block changes line by line, and in-band registration works' '
	policy "$T/p.yaml" open allowlist bund.de partner.test &&
	expect_status 0 plan -f "$T/p.yaml" &&
	grep_in "$T/stdout" "~ ejabberd_config registration" &&
	grep_in "$T/stdout" "        -     deny: all" && grep_in "$T/stdout" "        +     allow: all" &&
	grep_in "$T/stdout" "Plan: 0 to add, 1 to change, 0 to deactivate/delete." &&
	esc=$(printf "\033") &&
	expect_status 0 plan -f "$T/p.yaml" --color=always &&
	grep_in "$T/stdout" "        ${esc}[31m-     deny: all${esc}[0m" &&
	grep_in "$T/stdout" "        ${esc}[32m+     allow: all${esc}[0m" &&
	expect_status 0 -v apply -f "$T/p.yaml" --yes &&
	grep_in "$T/stderr" "/api/reload_config" && not_in "$T/stderr" "stop_s2s_connections" &&
	xmpp_register newbie newbie-pw && ej_exists newbie &&
	test "$(ej_check_password newbie newbie-pw)" = 0 &&
	outside "$EJ_FRAGMENT" | head -n "$(wc -l <"$T/admin-lines")" | cmp - "$T/admin-lines" &&
	run plan -f "$T/p.yaml" --detailed-exitcode
'
test_expect_success 'export reads both blocks back as the policy values they came from, and plans back to nothing' '
	expect_status 0 export && cp "$T/stdout" "$T/export.yaml" &&
	grep_in "$T/export.yaml" "registration: open" &&
	grep_in "$T/export.yaml" "mode: allowlist" && grep_in "$T/export.yaml" "- bund.de" &&
	grep_in "$T/export.yaml" "- partner.test" &&
	expect_status 0 plan -f "$T/export.yaml" --detailed-exitcode &&
	expect_status 0 --context nofrag export && not_in "$T/stdout" "registration" && not_in "$T/stdout" "federation"
'
test_expect_success 'a snapshot holds them: check of the policy passes, of another federation fails' '
	expect_status 0 snapshot create --out "$T/snap.json" &&
	expect_status 0 check -f "$T/p.yaml" --snapshot "$T/snap.json" &&
	policy "$T/other.yaml" open allowlist bund.de &&
	expect_status 2 check -f "$T/other.yaml" --snapshot "$T/snap.json" &&
	grep_in "$T/stdout" "partners"
'
test_expect_success 'federation closed: the block is rewritten, open streams closed; the admin'\''s lines and the other block stay' '
	sed -n "/^# BEGIN msgadm registration/,/^# END msgadm registration/p" "$EJ_FRAGMENT" >"$T/reg-block" &&
	policy "$T/p.yaml" open closed &&
	expect_status 0 plan -f "$T/p.yaml" &&
	grep_in "$T/stdout" "then close the open server-to-server streams (stop_s2s_connections)" &&
	expect_status 0 -v apply -f "$T/p.yaml" --yes &&
	grep_in "$T/stderr" "/api/stop_s2s_connections" &&
	sed -n "/^# BEGIN msgadm registration/,/^# END msgadm registration/p" "$EJ_FRAGMENT" | cmp - "$T/reg-block" &&
	outside "$EJ_FRAGMENT" | head -n "$(wc -l <"$T/admin-lines")" | cmp - "$T/admin-lines" &&
	not_in "$EJ_FRAGMENT" "msgadm_partners" &&
	dump main && grep_in "$T/dump.yml" "s2s_access: msgadm_s2s" && not_in "$T/dump.yml" "partner.test" &&
	test "$(meta "$EJ_FRAGMENT")" = "$meta0" &&
	run plan -f "$T/p.yaml" --detailed-exitcode
'
test_expect_success 'an edit inside a block is drift: plan --detailed-exitcode exits 2 and apply undoes it' '
	sed -i.bak "s/^    deny: all\$/    allow: all/" "$EJ_FRAGMENT" && rm -f "$EJ_FRAGMENT.bak" &&
	chown ejabberd:ejabberd "$EJ_FRAGMENT" && chmod 644 "$EJ_FRAGMENT" &&
	{ run plan -f "$T/p.yaml" --detailed-exitcode; test $? -eq 2; } &&
	grep_in "$T/stdout" "~ ejabberd_config federation" && grep_in "$T/stdout" "        -     allow: all" &&
	expect_status 0 apply -f "$T/p.yaml" --yes &&
	run plan -f "$T/p.yaml" --detailed-exitcode
'
test_expect_success 'a block edited by hand is left out of export, not guessed at' '
	cp "$EJ_FRAGMENT" "$T/saved" &&
	sed -i "s/^# No federation/# No federation, by order of the board/" "$EJ_FRAGMENT" &&
	expect_status 0 export && grep_in "$T/stdout" "registration: open" && not_in "$T/stdout" "federation" &&
	cat "$T/saved" >"$EJ_FRAGMENT"
'
test_expect_success 'a saved plan is refused once a block changed since' '
	policy "$T/p2.yaml" open allowlist bund.de &&
	expect_status 0 plan -f "$T/p2.yaml" --out "$T/p2.plan" &&
	cp "$EJ_FRAGMENT" "$T/saved" &&
	sed -i "s/^# No federation/# No federation at all/" "$EJ_FRAGMENT" &&
	expect_status 1 apply "$T/p2.plan" --yes &&
	grep_in "$T/stderr" "the server'\''s state changed since the plan was made" &&
	not_in "$EJ_FRAGMENT" "bund.de" &&
	cat "$T/saved" >"$EJ_FRAGMENT" && run plan -f "$T/p.yaml" --detailed-exitcode
'
test_expect_success 'markers that do not pair up stop the plan (exit 65) and nothing is written' '
	cp "$EJ_FRAGMENT" "$T/saved" &&
	sed -i "/^# END msgadm registration\$/d" "$EJ_FRAGMENT" && cp "$EJ_FRAGMENT" "$T/broken" &&
	expect_status 65 plan -f "$T/p2.yaml" &&
	grep_in "$T/stderr" "msgadm: context basic: $EJ_FRAGMENT:" &&
	grep_in "$T/stderr" ": '\''# BEGIN msgadm registration'\'' has no '\''# END msgadm registration'\'' after it (fix the file by hand" &&
	expect_status 65 apply -f "$T/p2.yaml" --yes &&
	cmp "$T/broken" "$EJ_FRAGMENT" &&
	cat "$T/saved" >"$EJ_FRAGMENT"
'

# --- a new file, and a block ejabberd refuses (the second instance)
ejabberd_use conflict
mkdir -m 750 "$T/newdir" && chgrp ejabberd "$T/newdir"
ej_contexts "config_fragment: $EJ_FRAGMENT"
cat >>"$MSGADM_CONFIG" <<CTX
  - name: newfile
    driver: ejabberd
    url: $EJ_URL
    server: conflict.test
    auth: basic
    token_file: $EJ_BASIC_FILE
    config_fragment: $T/newdir/msgadm.yml
CTX
policy "$T/c.yaml" closed allowlist bund.de
test_expect_success 'a new file is made 0640, in the group of its directory' '
	expect_status 0 --context newfile apply -f "$T/c.yaml" --yes &&
	test "$(meta "$T/newdir/msgadm.yml")" = "root ejabberd 640" &&
	grep_in "$T/newdir/msgadm.yml" "# BEGIN msgadm federation" &&
	grep_in "$T/newdir/msgadm.yml" "# BEGIN msgadm registration" &&
	test "$(ls -A "$T/newdir")" = msgadm.yml &&
	run --context newfile plan -f "$T/c.yaml" --detailed-exitcode
'
policy "$T/c1.yaml" closed open
sed '/^federation:/,$d' "$T/c1.yaml" >"$T/c0.yaml"
test_expect_success 'a block ejabberd refuses: the previous file is back and live, the change fails with its message, apply exits 3' '
	expect_status 0 apply -f "$T/c0.yaml" --yes &&
	cp "$CONFLICT_FRAGMENT" "$T/previous" && meta1=$(meta "$CONFLICT_FRAGMENT") &&
	policy "$T/c2.yaml" open allowlist bund.de &&
	expect_status 3 apply -f "$T/c2.yaml" --yes &&
	grep_in "$T/stdout" "failed: $CONFLICT_FRAGMENT: ejabberd refused the new federation block; the previous file is back and live: ejabberd: reload_config: 400: Configuration error: Duplicated option: s2s_access" &&
	grep_in "$T/stdout" "Apply: 2 changes, 1 failed." &&
	grep_in "$T/stderr" "1 of 2 changes did not succeed" &&
	not_in "$CONFLICT_FRAGMENT" "# BEGIN msgadm federation" &&
	test "$(meta "$CONFLICT_FRAGMENT")" = "$meta1" &&
	grep_in "$CONFLICT_FRAGMENT" "    allow: all" &&
	dump conflict && grep_in "$T/dump.yml" "s2s_access: all" && not_in "$T/dump.yml" "bund.de" &&
	grep_in "$T/dump.yml" "msgadm_register:" &&
	ejabberd_api conflict status >"$T/status" && grep_in "$T/status" "is running" &&
	{ run plan -f "$T/c2.yaml" --detailed-exitcode; test $? -eq 2; } &&
	grep_in "$T/stdout" "+ ejabberd_config federation" && not_in "$T/stdout" "ejabberd_config registration"
'
test_expect_success 'the previous file put back is byte for byte what it was' '
	policy "$T/c3.yaml" open closed &&
	cp "$CONFLICT_FRAGMENT" "$T/previous" &&
	expect_status 3 apply -f "$T/c3.yaml" --yes &&
	cmp "$T/previous" "$CONFLICT_FRAGMENT"
'
