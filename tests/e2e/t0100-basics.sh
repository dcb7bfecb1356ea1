#!/bin/sh
# The command line itself: help, usage errors, version; no server needed.
. "$(dirname "$0")/lib.sh"

test_expect_success 'help lists every command from the table' '
	expect_status 0 help &&
	for c in validate plan apply export "user list" "user deactivate" "invite create" "server info" "context use"; do
		grep_in "$T/stdout" "$c" || exit 1
	done
'
test_expect_success 'CMD --help prints the usage line from the table' '
	expect_status 0 plan --help &&
	grep_in "$T/stdout" "usage: msgadm plan -f FILE"
'
test_expect_success 'help CMD equals CMD --help' '
	run help user create && cp "$T/stdout" "$T/a" &&
	run user create --help && cmp "$T/a" "$T/stdout"
'
test_expect_code 64 'no command is a usage error' 'run'
test_expect_success 'unknown command: 64 and a message naming it' '
	expect_status 64 frobnicate && grep_in "$T/stderr" "unknown command '"'"'frobnicate'"'"'"
'
test_expect_success 'unknown option: 64 with the usage line' '
	expect_status 64 plan -f x --bogus &&
	grep_in "$T/stderr" "unknown option '"'"'--bogus'"'"'" &&
	grep_in "$T/stderr" "usage: msgadm plan"
'
test_expect_success 'missing option value: 64' '
	expect_status 64 plan -f
'
test_expect_success 'too many arguments: 64' '
	expect_status 64 user show a b && grep_in "$T/stderr" "unexpected argument"
'
test_expect_success 'bad output format: 64' '
	expect_status 64 -o xml version && grep_in "$T/stderr" "unknown output format"
'
test_expect_success 'version prints a version' '
	expect_status 0 version && grep -q "^msgadm [0-9]" "$T/stdout"
'
test_expect_success 'global options work after the command too' '
	expect_status 0 version -q
'
test_expect_success 'plan without -f: 64 naming the option' '
	expect_status 64 plan && grep_in "$T/stderr" "option --file is required"
'
test_expect_success 'every command with no arguments fails cleanly (no crash), or succeeds' '
	"$MSGADM" help | sed -n "s/^  \([a-z][a-z]*\( [a-z][a-z]*\)\?\)  .*/\1/p" >"$T/cmds" &&
	test -s "$T/cmds" &&
	while read -r c; do
		"$MSGADM" $c </dev/null >/dev/null 2>&1
		rc=$? &&
		case $rc in 0|1|64|65|66|69|77|78) ;; *) echo "msgadm $c: exit $rc"; exit 1 ;; esac || exit 1
	done <"$T/cmds"
'
