# Quoted strings spanning lines, and the quoting that single-quoted blocks need.
test_expect_success "a title in double quotes, with $var and the block'\''s quote" '
	python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d[\"a\"] == 1; print(d)
for x in d:
    print(x)
" "$T/stdout" &&
	grep_in "$T/stderr" "the plan'"'"'s changes" &&
	grep_in "$T/stderr" "no user '\''nobody'\''" &&
	grep_in "$T/stderr" "unknown context '"'nope'"' (from --context)" &&
	test "$(cat "$T/a" && cat "$T/b")" = "ab" &&
	v=$(cd "$T" &&
		ls | sort) &&
	test "$(echo "$(printf "%s" "x" && echo y)")" = "xy" &&
	n=$((n + 1)) && m=${n:-0} && k=`echo $n` &&
	test "$(printf "%s\n" "x;y" | tr ";" " ")" = "x y" &&
	test $(( (n + 1) * 2 )) -gt 0
'
