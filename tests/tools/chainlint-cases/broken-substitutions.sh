# The commands inside $(...) need their && too: `x=$(a; b)` takes b's status alone.
test_expect_success 'inside $(...)' '
	v=$(cd "$T"; ls) && # BROKEN
	test "$(cat "$T/a"; cat "$T/b")" = "ab" && # BROKEN
	w=$(cd "$T" # BROKEN
		ls) &&
	test "$(echo "$(printf x; echo y)")" = xy # BROKEN
'
