#!/bin/sh
# make install puts the binary, man pages (and completions, when present) under DESTDIR/PREFIX;
# the man pages are clean mdoc and name every command of the table.
. "$(dirname "$0")/lib.sh"
BUILD_DIR=${MSGADM_TEST_BUILD:-$TOP/build}
SAN_FLAG=
case $BUILD_DIR in */asan) SAN_FLAG=SAN=1 ;; esac

test_expect_success 'make install honours PREFIX and DESTDIR' '
	make -s -C "$TOP" install BUILD="$BUILD_DIR" $SAN_FLAG DESTDIR="$T/inst" PREFIX=/opt/msgadm >/dev/null &&
	test -x "$T/inst/opt/msgadm/bin/msgadm" &&
	test -f "$T/inst/opt/msgadm/share/man/man1/msgadm.1" &&
	test -f "$T/inst/opt/msgadm/share/man/man5/msgadm-policy.5" &&
	test -f "$T/inst/opt/msgadm/share/man/man5/msgadm-config.5" &&
	"$T/inst/opt/msgadm/bin/msgadm" version | grep -q "^msgadm "
'
test_expect_success 'the man pages pass mandoc -T lint at warning level' '
	mandoc -T lint -W warning "$TOP"/man/*.[15]
'
test_expect_success 'msgadm(1) names every command in the command table' '
	expect_status 0 help &&
	sed -n "s/^  \([a-z][a-z]*\( [a-z][a-z]*\)\?\)  .*/\1/p" "$T/stdout" | sed "s/ *$//" >"$T/commands" &&
	test -s "$T/commands" &&
	while read -r cmd; do
		set -- $cmd &&
		if [ $# -eq 2 ]; then pat="^\.It Cm $1 $2"; else pat="^\.It Cm $1"; fi &&
		grep -q "$pat" "$TOP/man/msgadm.1" || { echo "msgadm.1 lacks $cmd"; exit 1; }
	done <"$T/commands"
'
test_expect_success 'msgadm(1) documents every exit status the code defines' '
	for n in $(sed -n "s/.*= \([0-9][0-9]*\),.*/\1/p" "$TOP/cli/base/exitcode.h"); do
		grep -q "^\.It $n\$" "$TOP/man/msgadm.1" || { echo "exit status $n missing"; exit 1; }
	done
'
