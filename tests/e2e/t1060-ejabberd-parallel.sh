#!/bin/sh
# apply --parallel 8 on a real ejabberd (Debian's 23.01): 1,000 accounts created at once, a few of
# them admins (those rewrite config_fragment and reload ejabberd, so they run alone), then 200
# renamed and 100 deactivated in one run. After each run every password in the --credentials-out
# file is the account's, the second plan is clean, and the audit log verifies.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/ejabberd/harness.sh"
. "$TOP/tests/ejabberd/msgadm.sh"

# the admins block in the fragment, its ACL granted the API (tests/ejabberd/msgadm.sh)
ej_start_keeping_admins main example.test
say "# ejabberd main started in $EJ_START_MS ms"
ej_contexts "config_fragment: $EJ_FRAGMENT"
CREDS="$T/accounts.creds"

# policy FILE RENAMED DEACTIVATED: 1,000 accounts p0001..p1000, p0010 to p0013 admins (next to each
# other: run at once, they would race for the file), the first RENAMED with a display name, the last
# DEACTIVATED with active: false.
policy() {
	python3 - "$@" <<'PY'
import sys
path, renamed, deactivated = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "w") as f:
    f.write("version: 1\nserver: example.test\nusers:\n  manage: listed\n  protect: [admin]\n  list:\n")
    f.write("    - {id: admin, admin: true}\n")
    for i in range(1, 1001):
        fields = ["id: p%04d" % i]
        if i in (10, 11, 12, 13):
            fields.append("admin: true")
        if i <= renamed:
            fields.append("display_name: Person %d" % i)
        if i > 1000 - deactivated:
            fields.append("active: false")
        f.write("    - {%s}\n" % ", ".join(fields))
PY
}
policy "$T/create.yaml" 0 0
policy "$T/change.yaml" 200 100

test_expect_success '1,000 accounts at --parallel 8: all created, each password in the file logs in' '
	expect_status 0 apply -f "$T/create.yaml" --yes --parallel 8 --credentials-out "$CREDS" &&
	grep_in "$T/stdout" "Apply: 1000 changes, 0 failed." &&
	cp "$T/stdout" "$T/apply.out" &&
	test "$(wc -l <"$CREDS")" -eq 1000 &&
	test "$(ej_users | grep -c "^p[0-9]")" -eq 1000 &&
	test "$(cut -d" " -f1 "$CREDS" | sort -u | wc -l)" -eq 1000 &&
	for i in 0001 0500 0777 1000; do
		test "$(ej_check_password "p$i" "$(ej_password_of "p$i@example.test" "$CREDS")")" = 0 || exit 1
	done &&
	for a in p0010 p0011 p0012 p0013; do grep -qx "      - \"$a@example.test\"" "$EJ_FRAGMENT" || exit 1; done &&
	test "$(grep -c "@example.test\"$" "$EJ_FRAGMENT")" -eq 4
'
test_expect_code 0 'then the plan is clean' '
	run plan -f "$T/create.yaml" --detailed-exitcode
'
test_expect_success 'the first run reported its outcomes in plan order' '
	sed -n "/^Applying:/,\$p" "$T/apply.out" | grep "^  + user p" >"$T/reported" &&
	sort -c "$T/reported" && test "$(wc -l <"$T/reported")" -eq 1000
'
test_expect_success '200 renamed and 100 deactivated at --parallel 8, the second plan clean' '
	expect_status 0 apply -f "$T/change.yaml" --yes --parallel 8 &&
	grep_in "$T/stdout" "Apply: 300 changes, 0 failed." &&
	test "$(ej_vcard p0001 FN)" = "Person 1" && test "$(ej_vcard p0200 FN)" = "Person 200" &&
	test "$(ej_check_password p0950 "$(ej_password_of p0950@example.test "$CREDS")")" = 1 &&
	test "$(ej_check_password p0900 "$(ej_password_of p0900@example.test "$CREDS")")" = 0 &&
	expect_status 0 plan -f "$T/change.yaml" --detailed-exitcode
'
test_expect_success 'the audit log holds 1,300 ok lines, each change once, and verifies' '
	expect_status 0 audit verify &&
	python3 -c "
import json, os, sys
log = [json.loads(l) for l in open(sys.argv[1])]
keys = [(l[\"change\"][\"op\"], l[\"change\"][\"key\"]) for l in log if l[\"outcome\"] == \"ok\"]
assert len(keys) == 1300 and len(set(keys)) == 1300, (len(keys), len(set(keys)))
" "$HOME/.local/state/msgadm/audit.jsonl"
'
