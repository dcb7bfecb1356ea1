# Compound commands whose inner lists are chained, and loops that end with || return 1 or || exit 1.
test_expect_success 'subshells, groups, if, case, loops, functions' '
	( cd "$T" && ls ) &&
	{ echo a && echo b; } >"$T/ab" &&
	if test -s "$T/ab"; then
		echo yes &&
		cat "$T/ab"
	elif test -e "$T/ab"; then
		echo empty
	else
		echo none
	fi &&
	case $x in
	a|b) echo ab ;;
	*) ;;
	esac &&
	for f in a b; do
		test -n "$f" &&
		echo "$f" || return 1
	done &&
	for m; do grep_in "$T/stderr" "$m" || exit 1; done &&
	while read -r c; do
		test -n "$c" || { echo "empty line"; exit 1; }
	done <"$T/ab" &&
	i=0 && until test $i -ge 3; do
		i=$((i + 1)) || return 1
	done &&
	while read -r c; do
		case $c in ok) ;; *) echo "bad: $c"; exit 1 ;; esac
	done <"$T/ab" &&
	for a in x y; do
		for b in 1 2; do
			test -n "$a$b" || exit 1
		done
	done &&
	check() {
		test -n "$1" &&
		echo "$1"
	} &&
	check x
'
# blocks inside loops and functions are found too
for with in a b; do
	test_expect_success "$with: in a loop" '
		echo "$with" &&
		true
	'
done
