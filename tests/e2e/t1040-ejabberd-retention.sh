#!/bin/sh
# retention.default on a real ejabberd 23.01: `msgadm retention enforce` calls delete_old_mam_messages
# {"type": "all", "days": N} with N = max_lifetime rounded up to whole days (23.01 works in days).
#
# How "older than" is proven although the server counts in days: 23.01 has no API command that lists
# or counts archived messages, but dump_table writes the archive_msg table (mod_mam's Mnesia storage)
# to a text file, and `load` reads such a file back. So the test archives messages with send_message
# (alice's MAM preference set to "always" with an IQ sent by send_stanza), then loads copies of them
# whose timestamps are three days old, and counts both kinds in dumps before and after.
# What this does NOT prove: the exact cutoff within a day (a message 25 h old under a 1d lifetime),
# SQL storage (only Mnesia is used here), group chat (type all also covers MUC archives; only chat
# messages are archived here), and that a deletion of a large archive finishes within the HTTP timeout.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/ejabberd/harness.sh"

ejabberd_start main example.test

cat >"$MSGADM_CONFIG" <<CFG
current_context: ej
contexts:
  - name: ej
    driver: ejabberd
    url: $EJ_URL
    server: example.test
    auth: basic
    token_file: $EJ_BASIC_FILE
CFG
policy() { # FILE DEFAULT_LIFETIME [ROOM_RULE]
	{
		printf 'version: 1\nserver: example.test\nretention:\n  default: {max_lifetime: %s}\n' "$2"
		if [ -n "${3:-}" ]; then printf '  rooms:\n    - %s\n' "$3"; fi
	} >"$1"
}
# archive_count WHAT: records in archive_msg (all, or "old": those whose body says "old hello").
archive_count() {
	rm -f "$EJ_DIR/dump.txt"
	ejabberd_api main dump_table "{\"file\": \"$EJ_DIR/dump.txt\", \"table\": \"archive_msg\"}" >/dev/null || return 1
	if [ "$1" = old ]; then
		grep -c 'old hello' "$EJ_DIR/dump.txt"
	else
		grep -c '^{archive_msg,{' "$EJ_DIR/dump.txt"
	fi
}

test_expect_success 'messages between two local users are archived by mod_mam (dump_table counts 3)' '
	ejabberd_ctl main register alice example.test pw-alice-1 &&
	ejabberd_ctl main register bob example.test pw-bob-1 &&
	ejabberd_api main send_stanza "{\"from\": \"alice@example.test\", \"to\": \"alice@example.test\", \"stanza\": \"<iq type=\\\"set\\\" id=\\\"p1\\\"><prefs xmlns=\\\"urn:xmpp:mam:2\\\" default=\\\"always\\\"/></iq>\"}" &&
	for i in 1 2 3; do
		ejabberd_api main send_message "{\"type\": \"chat\", \"from\": \"alice@example.test\", \"to\": \"bob@example.test\", \"subject\": \"\", \"body\": \"hello $i\"}" || return 1
	done &&
	test "$(archive_count all)" -eq 3 && grep_in "$EJ_DIR/dump.txt" "hello 3"
'
test_expect_success 'copies three days old are loaded into the archive (6 messages, 3 old)' '
	python3 - "$EJ_DIR/dump.txt" "$EJ_DIR/old.txt" <<-\PY &&
	import re, sys
	text = open(sys.argv[1]).read()
	def older(m):  # the id (microseconds) and the {Mega, Sec, Micro} timestamp, 3 days earlier
	    mega, sec, us = int(m.group(1)), int(m.group(2)), int(m.group(3))
	    s = mega * 10**6 + sec - 3 * 86400
	    return "<<\"%d\">>,\n             {%d,%d,%d}" % (s * 10**6 + us, s // 10**6, s % 10**6, us)
	text, n = re.subn(r"<<\"\d+\">>,\n\s+\{(\d+),(\d+),(\d+)\}", older, text)
	assert n == 3, n
	open(sys.argv[2], "w").write(text.replace("hello", "old hello"))
	PY
	chown ejabberd "$EJ_DIR/old.txt" &&
	ejabberd_api main load "{\"file\": \"$EJ_DIR/old.txt\"}" &&
	test "$(archive_count all)" -eq 6 && test "$(archive_count old)" -eq 3
'
test_expect_success 'plan: retention.default is enforced by msgadm retention enforce (capability note)' '
	policy "$T/p.yaml" 36h &&
	run server info && grep_in "$T/stdout" "msgadm retention enforce" &&
	grep_in "$T/stdout" "whole days" &&
	expect_status 0 plan -f "$T/p.yaml" &&
	grep_in "$T/stdout" "  ! retention.default: config-managed: ejabberd 23.01 MAM has no lifetime option" &&
	grep -F "  ! retention.default: " "$T/stdout" >"$T/note" &&
	grep_in "$T/note" "enforced by \`msgadm retention enforce\`" &&
	grep_in "$T/note" "days = max_lifetime rounded up to whole days"
'
test_expect_success 'dry run: "would purge" with days 2 for 36h and the cutoff; nothing is deleted' '
	expect_status 0 -o json retention enforce -f "$T/p.yaml" --dry-run &&
	python3 - "$T/stdout" <<-\PY &&
	import json, sys, time, calendar
	r = json.load(open(sys.argv[1]))
	assert len(r) == 1, r
	e = r[0]
	assert (e["scope"], e["rule"], e["status"]) == ("server", "retention.default", "would purge"), e
	assert "\"days\": 2" in e["message"] and "rounded up" in e["message"], e
	cut = calendar.timegm(time.strptime(e["cutoff"], "%Y-%m-%dT%H:%M:%SZ"))
	assert abs(time.time() - 2 * 86400 - cut) < 120, e
	PY
	test "$(archive_count all)" -eq 6
'
test_expect_success 'a real run (1d): purged, the 3 old messages are gone, the 3 recent ones stay' '
	policy "$T/p1.yaml" 1d &&
	expect_status 0 retention enforce -f "$T/p1.yaml" &&
	grep_in "$T/stdout" "purged" && grep_in "$T/stdout" "\"days\": 1}" &&
	test "$(archive_count all)" -eq 3 && test "$(archive_count old)" -eq 0 &&
	grep_in "$EJ_DIR/dump.txt" "hello 1"
'
test_expect_success 'the run is in the audit log' '
	run audit log && grep_in "$T/stdout" "server"
'
test_expect_success 'a room rule keeping messages longer: exit 3, nothing enforced, nothing deleted' '
	policy "$T/p2.yaml" 1d "{room: \"#legal:conference.example.test\", max_lifetime: 7y}" &&
	expect_status 3 -o json retention enforce -f "$T/p2.yaml" &&
	python3 - "$T/stdout" <<-\PY &&
	import json, sys
	r = {e["rule"]: e for e in json.load(open(sys.argv[1]))}
	assert r["retention.rooms[0]"]["status"] == "failed", r
	assert "no per-room retention" in r["retention.rooms[0]"]["message"], r
	assert r["retention.default"]["status"] == "failed", r
	PY
	test "$(archive_count all)" -eq 3
'
test_expect_success 'max_lifetime 0 would delete the whole archive: refused, exit 3' '
	policy "$T/p0.yaml" 0s &&
	expect_status 3 retention enforce -f "$T/p0.yaml" &&
	grep_in "$T/stdout" "at least 1d" && test "$(archive_count all)" -eq 3
'
test_expect_success 'no retention.default: nothing to do, exit 0, nothing deleted' '
	printf "version: 1\nserver: example.test\n" >"$T/none.yaml" &&
	expect_status 0 -o json retention enforce -f "$T/none.yaml" &&
	test "$(tr -d " \n" <"$T/stdout")" = "[]" && test "$(archive_count all)" -eq 3
'
test_expect_success 'a wrong password: exit 77, no report' '
	printf "admin@example.test:wrong-password" >"$T/bad.basic" && chmod 600 "$T/bad.basic" &&
	sed "s#token_file: .*#token_file: $T/bad.basic#" "$MSGADM_CONFIG" >"$T/bad.yaml" &&
	MSGADM_CONFIG="$T/bad.yaml" expect_status 77 retention enforce -f "$T/p1.yaml" &&
	test "$(archive_count all)" -eq 3
'
