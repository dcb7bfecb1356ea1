# Blocks the linter cannot read are failures, never passes.
test_expect_success 'a here-document that never ends' '
	cat >"$T/a" <<-EOF && # ERROR
	text
'
test_expect_success 'an if without fi' '
	if test -s "$T/a"; then
		cat "$T/a"
	  # ERROR
'
test_expect_success 'an unclosed double quote' '
	grep_in "$T/stdout" "text # ERROR
'
