# Broken chains inside compound commands, and after them.
test_expect_success 'subshell, group, if, case, loop' '
	( cd "$T" # BROKEN
	ls ) &&
	{ echo a; echo b; } >"$T/ab" && # BROKEN
	if test -s "$T/ab"; then
		echo yes # BROKEN
		cat "$T/ab"
	else
		echo no; echo none # BROKEN
	fi # BROKEN
	case $x in
	a) echo a # BROKEN
		echo b ;;
	esac &&
	for f in a b; do
		test -n "$f" # BROKEN
		echo "$f" || return 1
	done # BROKEN
	check() {
		test -n "$1" # BROKEN
		echo "$1"
	} &&
	check x
'
