#!/bin/sh
# The manuals follow the code: msgadm(1)'s synopsis is generated from the command table and shows
# every command as its --help shows it; msgadm-config(5) and msgadm-policy(5) name every property
# of the schemas.
. "$(dirname "$0")/lib.sh"

# The commands of the table, as `msgadm help` lists them.
"$MSGADM" help | sed -n "s/^  \([a-z][a-z-]*\( [a-z][a-z-]*\)\?\)  .*/\1/p" | sed "s/ *$//" >"$T/commands"

# The page as a person reads it, on lines long enough never to wrap; spaces around | squeezed, as
# mdoc sets "bash | zsh" where usage lines say "bash|zsh".
squeeze() { sed "s/ *| */|/g; s/  */ /g; s/^ //; s/ $//"; }

test_expect_success 'man/msgadm.1 is what make man generates from the command table' '
	"$TOP/scripts/man-sync" "$MSGADM" "$TOP/man/msgadm.1" >"$T/msgadm.1" &&
	if ! diff -u "$TOP/man/msgadm.1" "$T/msgadm.1"; then
		echo "man/msgadm.1 differs from the command table: run make man"
		exit 1
	fi
'
test_expect_success 'every command'\''s --help usage line is its synopsis in msgadm(1)' '
	test -s "$T/commands" &&
	mandoc -T ascii -O width=400 "$TOP/man/msgadm.1" | col -b >"$T/page" &&
	sed -n "/^SYNOPSIS/,/^DESCRIPTION/p" "$T/page" | sed -n "s/^ *msgadm /msgadm /p" | squeeze >"$T/synopsis" &&
	while read -r cmd; do
		"$MSGADM" $cmd --help | sed -n "s/^usage: //p" | squeeze >"$T/usage" &&
		test -s "$T/usage" &&
		grep -qxF -f "$T/usage" "$T/synopsis" || {
			echo "msgadm $cmd --help says: $(cat "$T/usage")"
			echo "msgadm(1) synopsis has: $(grep "^msgadm $cmd" "$T/synopsis")"
			exit 1
		}
	done <"$T/commands"
'
test_expect_success 'each command item in msgadm(1) COMMANDS shows the same synopsis' '
	sed -n "/^COMMANDS/,/^SAFETY/p" "$T/page" | squeeze >"$T/items" &&
	while read -r cmd; do
		"$MSGADM" $cmd --help | sed -n "s/^usage: msgadm //p" | squeeze >"$T/usage" &&
		grep -qxF -f "$T/usage" "$T/items" || { echo "COMMANDS lacks: $(cat "$T/usage")"; exit 1; }
	done <"$T/commands"
'
test_expect_success 'every option a command takes is in its usage line' '
	while read -r cmd; do
		"$MSGADM" $cmd --help >"$T/help" &&
		usage=$(sed -n "s/^usage: //p" "$T/help") &&
		sed -n "/^Options:/,\$s/^ *\(-.\)\?,\? *\(--[a-z-]*\).*/\1 \2/p" "$T/help" >"$T/opts" &&
		while read -r short long; do
			{ [ -n "$long" ] || { long=$short && short=; }; } &&
			case " $usage " in
			*" $long "* | *"[$long "* | *"[$long]"* | *" $long]"* | *"|$long"*) ;;
			*" $short "* | *"[$short "*)
				[ -n "$short" ] || { echo "msgadm $cmd: $long is not in: $usage"; exit 1; } ;;
			*) echo "msgadm $cmd: $short $long is not in: $usage"; exit 1 ;;
			esac || exit 1
		done <"$T/opts" || exit 1
	done <"$T/commands"
'
test_expect_success 'the global options of msgadm(1) are the table'\''s, --color among them' '
	"$MSGADM" help >"$T/help" &&
	grep_in "$T/help" "--color WHEN" &&
	grep -q "^ *msgadm \[--context NAME\] \[-o FORMAT\] \[--color WHEN\] \[-v\] \[-q\] \[-h\] command" "$T/page"
'

# documented SCHEMA PAGE: every property name in the schema appears in the page as a Cm word, alone
# or as the last part of a dotted path (users.manage).
documented() {
	python3 - "$1" "$2" <<'PY'
import json, re, sys
schema, page = json.load(open(sys.argv[1])), open(sys.argv[2]).read()
names = set()
def walk(node):
    if isinstance(node, dict):
        names.update(node.get("properties", {}))
        for v in node.values(): walk(v)
    elif isinstance(node, list):
        for v in node: walk(v)
walk(schema)
missing = sorted(n for n in names if not re.search(r"\bCm ([a-z_]+\.)*" + re.escape(n) + r"\b", page))
if missing:
    sys.exit("%s does not document: %s" % (sys.argv[2], ", ".join(missing)))
print(len(names), "properties documented")
PY
}
test_expect_success 'msgadm-config(5) documents every property of config.schema.json' '
	documented "$TOP/schemas/config.schema.json" "$TOP/man/msgadm-config.5"
'
test_expect_success 'msgadm-policy(5) documents every property of policy.schema.json' '
	documented "$TOP/schemas/policy.schema.json" "$TOP/man/msgadm-policy.5"
'
