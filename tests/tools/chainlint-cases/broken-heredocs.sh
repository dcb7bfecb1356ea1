# A here-document or a long string whose command lacks its &&.
test_expect_success 'here-document' '
	python3 - "$T/stdout" <<-\PY # BROKEN
	import sys
	PY
	test -s "$T/stdout" &&
	cat >"$T/a" <<EOF # BROKEN
body
EOF
	cat "$T/a"
'
test_expect_success 'a python3 -c string spanning lines' '
	python3 -c "
import sys
assert False, \"x\"
" "$T/stdout" # BROKEN
	echo done
'
