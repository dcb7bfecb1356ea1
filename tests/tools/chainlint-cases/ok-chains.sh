# && and || joins, pipes, line continuations, comments, blank lines, !
test_expect_success 'joined by && and ||' '
	expect_status 0 plan -f "$T/p.yaml" &&
	grep_in "$T/stdout" "+ user judy" || grep_in "$T/stdout" "~ user judy" &&

	# a comment between two commands, with an apostrophe'"'"'s worth of quoting
	sed -n "s/^a//p" "$T/stdout" |
		sort | uniq >"$T/sorted" &&
	cat "$T/a" \
		"$T/b" \
		"$T/c" >"$T/abc" &&
	! grep -q "nothing" "$T/abc" &&
	line="a # not a comment" && echo "$line" # a comment after the last command
'
test_expect_success 'one line' 'run version'
test_expect_code 64 'one line, test_expect_code' 'run'
