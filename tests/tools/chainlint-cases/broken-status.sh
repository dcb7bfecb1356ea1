# What is not excused: an assignment of $? is a command too, false and exit 0 do not leave, && exit 1
# falls through when its left side fails, and a ( ) subshell that exits leaves only itself.
test_expect_success 'not excused' '
	run plan; rc=$? # BROKEN
	test $rc = 3 &&
	test -s "$T/a" || false # BROKEN
	test -s "$T/b" || exit 0 # BROKEN
	grep -q x "$T/c" && exit 1 # BROKEN
	test -s "$T/d" || ( echo "no d"; exit 1 ) # BROKEN
	if test -s "$T/e"; then exit 1; else echo fine; fi # BROKEN
	echo why; cat "$T/log"; return # BROKEN BROKEN
	test -n "$x"
'
