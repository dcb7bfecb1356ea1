# Loop bodies that do not end with || return 1 / || exit 1: a failure before the last iteration is lost.
test_expect_success 'loops' '
	for f in a b; do
		grep_in "$T/stdout" "$f" # LOOP
	done &&
	while read -r c; do grep -q "$c" "$T/x" && echo "$c"; done <"$T/list" && # LOOP
	i=0 && until test $i -ge 3; do
		i=$((i + 1)) && test $i -lt 50 || exit 1
		sleep 0.1 # LOOP
	done &&
	while read -r short long; do
		case " $usage " in
		*" $long "*) ;;
		*" $short "*) [ -n "$short" ] ;;
		*) echo "not in: $usage"; exit 1 ;;
		esac # LOOP
	done <"$T/opts" &&
	for a in x y; do
		for b in 1 2; do
			test -n "$a$b" # LOOP
		done # LOOP
	done &&
	for f in a b; do
		test -n "$f" || return 1
		echo "$f" && test -n "$f" # BROKEN
		echo "$f" || return 1
	done
'
