# A newline or a ; where && belongs.
test_expect_success 'a missing && at the end of a line' '
	expect_status 0 plan -f "$T/p.yaml" # BROKEN
	grep_in "$T/stdout" "+ user judy"
'
test_expect_success 'plan: the capability note (as t1040 had it)' '
	run server info && grep_in "$T/stdout" "msgadm retention enforce" &&
	run plan -f "$T/p.yaml"; grep_in "$T/stdout" "msgadm retention enforce" # BROKEN
'
test_expect_code 2 'in test_expect_code too' '
	echo a >"$T/a"; echo b >"$T/b" && # BROKEN
	run plan -f "$T/p.yaml" --detailed-exitcode
'
test_expect_success 'after a line continuation, the line where the command ends' '
	cat "$T/a" \
		"$T/b" # BROKEN
	cat "$T/c"
'
test_expect_success "in a double-quoted title's block" '
	a && b &&
	c # BROKEN

	d
'
