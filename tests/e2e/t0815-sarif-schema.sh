#!/bin/sh
# lint -o sarif against the official SARIF 2.1.0 JSON schema (fetched from the npm registry by
# scripts/fetch-sarif-schema, pinned by SHA-256), checked with msgadm's own schema validator through
# the test tool tests/tools/json-validate. The tool is first shown to reject broken SARIF, so a
# validator that accepts everything cannot pass this test.
. "$(dirname "$0")/lib.sh"
BUILD_DIR=${MSGADM_TEST_BUILD:-$TOP/build}
VALIDATE=$BUILD_DIR/tests/tools/json-validate
SCHEMA=$BUILD_DIR/test-data/sarif-2.1.0-rtm.5.json

if ! "$TOP/scripts/fetch-sarif-schema" "$SCHEMA" 2>"$T/fetch.err"; then
	echo "not ok - could not obtain the SARIF 2.1.0 schema: $(cat "$T/fetch.err")"
	exit 1
fi
[ -x "$VALIDATE" ] || { echo "not ok - $VALIDATE is not built (make test builds it)"; exit 1; }

cat >"$T/risky.yaml" <<'YAML'
version: 1
server: example.gov
users:
  manage: exclusive
  list:
    - {id: root, admin: true}
invites:
  registration: open
  tokens:
    - {name: forever}
federation:
  mode: open
  partners: ["*.bund.de"]
lint:
  ignore:
    - {rule: token-no-expiry, reason: rotated by hand every month}
YAML
cat >"$T/clean.yaml" <<'YAML'
version: 1
server: example.gov
invites:
  registration: closed
federation:
  mode: closed
retention:
  default: {max_lifetime: 90d}
YAML

test_expect_code 2 'lint -o sarif of a risky policy reports findings' '
	"$MSGADM" -o sarif lint -f "$T/risky.yaml" >"$T/risky.sarif"
'
test_expect_success 'its SARIF validates against the official SARIF 2.1.0 schema' '
	grep -q "\"ruleId\"" "$T/risky.sarif" && grep -q "\"suppressions\"" "$T/risky.sarif" &&
	"$VALIDATE" "$SCHEMA" "$T/risky.sarif"
'
test_expect_success 'so does the SARIF of a clean policy (no results)' '
	"$MSGADM" -o sarif lint -f "$T/clean.yaml" >"$T/clean.sarif" &&
	"$VALIDATE" "$SCHEMA" "$T/clean.sarif"
'
test_expect_success 'the check can fail: broken SARIF is rejected, naming the place' '
	for m in "d[\"version\"] = \"9.9\"" "del d[\"runs\"]" \
	    "d[\"runs\"][0][\"results\"][0][\"level\"] = \"bogus\"" \
	    "d[\"runs\"][0][\"results\"][0][\"locations\"][0][\"physicalLocation\"][\"region\"][\"startLine\"] = 0"; do
		python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
$m
json.dump(d, open(sys.argv[2], \"w\"))" "$T/risky.sarif" "$T/bad.sarif" || exit 1
		if "$VALIDATE" "$SCHEMA" "$T/bad.sarif" >"$T/why"; then echo "accepted: $m"; exit 1; fi
		test -s "$T/why" || exit 1
	done
'
