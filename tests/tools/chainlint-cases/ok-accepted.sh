# What may stand without &&: a background command, a status read with $?, a command that cannot fall
# through with a failure, and the commands before an explicit failure.
test_expect_success 'accepted without &&' '
	sleep 10 &
	pid=$! &&
	run plan -f "$T/p.yaml"; rc=$? &&
	run plan -f "$T/p.yaml"; test $? = 3 &&
	run plan; case $? in 3) ;; *) exit 1 ;; esac &&
	test $rc = 65 || { echo "exit $rc, wanted 65"; cat "$T/stderr"; exit 1; }
	if grep -q "Reading users" "$T/stderr"; then exit 1; fi
	test -s "$T/stdout" || exit 1
	test -s "$T/stdout" || return 1
	grep_in "$T/stdout" "Plan:" &&
	if test -s "$T/stderr"; then
		echo "unexpected stderr:"
		cat "$T/stderr"
		false
	fi
'
test_expect_code 3 'the last command decides' '
	test -e "$T/a" || {
		echo "no a"
		exit 1
	}
	run plan -f "$T/p.yaml"
'
