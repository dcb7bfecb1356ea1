#!/bin/sh
# msgadm lint: the risk rules over a policy and over a snapshot's body, offline, in text, JSON, YAML,
# SARIF 2.1.0 and JUnit XML; ignores with reasons; --fail-on and the thresholds.
#
# SARIF: t0815-sarif-schema.sh holds the output to the official SARIF 2.1.0 JSON schema; sarif_check
# below asserts what the schema cannot: ruleId naming a rule and matching ruleIndex, the levels per
# rule, locations pointing at the policy's lines and columns, and suppressions carrying the reasons.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

cat >risky.yaml <<'YAML'
version: 1
server: example.gov
users:
  manage: exclusive
  list:
    - {id: root, admin: true}
    - {id: ops, admin: true}
invites:
  registration: open
  tokens:
    - {name: forever, uses: 10}
    - {name: spring, expires: 2027-03-31}
  allowed_domains: [example.gov, partner.example]
  guests: true
federation:
  mode: open
  partners: ["*.bund.de"]
retention:
  default: {max_lifetime: 2y}
lint:
  ignore:
    - rule: guests-enabled
      reason: the public help desk room needs guests
YAML

cat >clean.yaml <<'YAML'
version: 1
server: example.gov
users:
  manage: exclusive
  max_deactivations: 5
  list:
    - {id: root, admin: true}
invites:
  registration: token
  tokens:
    - {name: spring, uses: 20, expires: 2027-03-31}
federation:
  mode: allowlist
  partners: [bund.de]
retention:
  default: {max_lifetime: 180d}
YAML

test_expect_success 'a policy with a lint section is valid' '
	expect_status 0 validate risky.yaml clean.yaml
'
test_expect_code 0 'a clean policy: no findings, exit 0' '
	run lint -f clean.yaml && grep -q "clean.yaml: 0 errors, 0 warnings, 0 notes (fails at error)" "$T/stdout"
'
test_expect_success 'text: each finding names file:line:column, severity, path, rule, and why' '
	expect_status 2 lint -f risky.yaml &&
	grep_in "$T/stdout" "risky.yaml:4:11: warning: users.manage: exclusive management without users.max_deactivations [exclusive-without-limit]" &&
	grep_in "$T/stdout" "risky.yaml:9:17: error: invites.registration: registration is open: anyone can create an account [open-registration]" &&
	grep_in "$T/stdout" "risky.yaml:11:7: warning: invites.tokens[0]: token '"'"'forever'"'"' never expires [token-no-expiry]" &&
	grep_in "$T/stdout" "risky.yaml:12:7: warning: invites.tokens[1]: token '"'"'spring'"'"' has no use limit [token-unlimited-uses]" &&
	grep_in "$T/stdout" "risky.yaml:13:34: note: invites.allowed_domains[1]: '"'"'partner.example'"'"' is not a domain of example.gov [foreign-allowed-domain]" &&
	grep_in "$T/stdout" "risky.yaml:16:9: error: federation.mode: federation is open" &&
	grep_in "$T/stdout" "risky.yaml:17:14: warning: federation.partners[0]: partner '"'"'*.bund.de'"'"' is a pattern, not a server [partner-wildcard]" &&
	grep_in "$T/stdout" "risky.yaml:19:27: warning: retention.default.max_lifetime: messages are kept 2y, longer than 365d [retention-too-long]" &&
	grep_in "$T/stdout" "    With invites.registration: open, anyone who can reach the server can create an account." &&
	grep_in "$T/stdout" "risky.yaml: 2 errors, 5 warnings, 1 note; 1 ignored (fails at error)"
'
test_expect_success 'ignore with reason: reported with the reason, not counted' '
	grep_in "$T/stdout" "risky.yaml:14:11: ignored warning: invites.guests: guest access is enabled [guests-enabled]" &&
	grep_in "$T/stdout" "    ignored by lint.ignore: the public help desk room needs guests"
'
test_expect_success 'thresholds: --max-admins and --max-retention' '
	expect_status 2 lint -f risky.yaml --max-admins 1 &&
	grep_in "$T/stdout" "risky.yaml:6:5: warning: users.list: 2 active admins (root, ops), more than 1 [too-many-admins]" &&
	expect_status 0 lint -f clean.yaml --max-retention 90d &&
	grep_in "$T/stdout" "retention.default.max_lifetime: messages are kept 180d, longer than 90d" &&
	expect_status 64 lint -f clean.yaml --max-retention forever &&
	expect_status 64 lint -f clean.yaml --max-admins -2
'
test_expect_success '--fail-on: warnings fail only when asked' '
	printf "version: 1\nserver: example.gov\ninvites: {guests: true}\nretention: {default: {max_lifetime: 30d}}\n" >warn.yaml &&
	expect_status 0 lint -f warn.yaml &&
	expect_status 2 lint -f warn.yaml --fail-on warning &&
	expect_status 2 lint -f warn.yaml --fail-on note &&
	expect_status 64 lint -f warn.yaml --fail-on never &&
	grep_in "$T/stderr" "not note, warning or error"
'
test_expect_success 'an ignored error does not fail the run' '
	printf "version: 1\nserver: example.gov\nfederation: {mode: open}\nretention: {default: {max_lifetime: 30d}}\nlint:\n  ignore: [{rule: open-federation, reason: public research network}]\n" >ignored.yaml &&
	expect_status 0 lint -f ignored.yaml &&
	grep_in "$T/stdout" "ignored by lint.ignore: public research network"
'
test_expect_success 'an ignore that matched nothing is reported' '
	printf "version: 1\nserver: example.gov\nretention: {default: {max_lifetime: 30d}}\nlint:\n  ignore: [{rule: open-federation, reason: legacy}]\n" >unused.yaml &&
	expect_status 0 lint -f unused.yaml &&
	grep_in "$T/stdout" "unused.yaml:5:12: note: lint.ignore[0]: rule '"'"'open-federation'"'"' is ignored but found nothing"
'
test_expect_success 'a lint.ignore without a reason, or for an unknown rule, is invalid (65)' '
	printf "version: 1\nserver: example.gov\nlint:\n  ignore: [{rule: open-federation}, {rule: nope, reason: x}]\n" >noreason.yaml &&
	expect_status 65 lint -f noreason.yaml &&
	grep_in "$T/stderr" "noreason.yaml:4:12: lint.ignore[0]: missing required field '"'"'reason'"'"'" &&
	grep_in "$T/stderr" "lint.ignore[1].rule: must be one of: open-registration"
'

test_expect_success 'json: the report with rules, findings, ignores, summary and failed' '
	expect_status 2 -o json lint -f risky.yaml &&
	python3 - "$T/stdout" <<-"PY"
	import json, sys
	r = json.load(open(sys.argv[1]))
	assert r["file"] == "risky.yaml" and r["source"] == "policy" and r["failed"] is True, r
	assert r["summary"] == {"error": 2, "warning": 5, "note": 1, "ignored": 1}, r["summary"]
	assert (r["fail_on"], r["max_retention"], r["max_admins"]) == ("error", "365d", 3), r
	assert len(r["rules"]) == 11 and all(k in r["rules"][0] for k in ("id", "severity", "title", "explanation"))
	by = {(f["rule"], f["path"]): f for f in r["findings"]}
	f = by[("open-registration", "invites.registration")]
	assert (f["severity"], f["line"], f["column"]) == ("error", 9, 17), f
	g = by[("guests-enabled", "invites.guests")]
	assert g["ignored"] == "the public help desk room needs guests", g
	assert [x["id"] for x in r["rules"] if "ignored" in x] == ["guests-enabled"]
	PY
'
test_expect_success 'yaml: the same report' '
	expect_status 2 -o yaml lint -f risky.yaml &&
	grep_in "$T/stdout" "rule: open-registration" &&
	grep_in "$T/stdout" "failed: true"
'

# sarif_check FILE [EXPECTED_URI]: the SARIF 2.1.0 essentials (see the top of this file).
sarif_check() {
	python3 - "$@" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
uri = sys.argv[2] if len(sys.argv) > 2 else None
assert s["version"] == "2.1.0", s.get("version")
assert s["$schema"].endswith("sarif-schema-2.1.0.json"), s["$schema"]
assert isinstance(s["runs"], list) and len(s["runs"]) == 1
run = s["runs"][0]
drv = run["tool"]["driver"]
assert drv["name"] == "msgadm" and isinstance(drv["rules"], list) and drv["rules"], drv
ids = [r["id"] for r in drv["rules"]]
assert len(set(ids)) == len(ids), ids
for r in drv["rules"]:
    assert r["shortDescription"]["text"] and r["fullDescription"]["text"], r
    assert r["defaultConfiguration"]["level"] in ("none", "note", "warning", "error"), r
assert isinstance(run["results"], list)
for res in run["results"]:
    assert res["ruleId"] in ids and ids[res["ruleIndex"]] == res["ruleId"], res
    assert res["level"] in ("none", "note", "warning", "error"), res
    assert isinstance(res["message"]["text"], str) and res["message"]["text"], res
    assert res["locations"], res
    for loc in res["locations"]:
        pl = loc["physicalLocation"]
        assert isinstance(pl["artifactLocation"]["uri"], str), pl
        if uri:
            assert pl["artifactLocation"]["uri"] == uri, pl
        reg = pl["region"]
        assert isinstance(reg["startLine"], int) and reg["startLine"] >= 1, reg
        assert isinstance(reg["startColumn"], int) and reg["startColumn"] >= 1, reg
    for sup in res.get("suppressions", []):
        assert sup["kind"] in ("inSource", "external") and sup["justification"], sup
print(len(run["results"]))
PY
}
test_expect_success 'sarif: SARIF 2.1.0 essentials, with the policy file'\''s lines and columns' '
	expect_status 2 -o sarif lint -f risky.yaml &&
	cp "$T/stdout" risky.sarif &&
	test "$(sarif_check risky.sarif risky.yaml)" = 9 &&
	python3 - risky.sarif <<-"PY"
	import json, sys
	run = json.load(open(sys.argv[1]))["runs"][0]
	at = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"],
	       r["locations"][0]["physicalLocation"]["region"]["startColumn"]): r for r in run["results"]}
	assert at[("open-registration", 9, 17)]["level"] == "error"
	assert at[("open-federation", 16, 9)]["level"] == "error"
	assert at[("partner-wildcard", 17, 14)]["level"] == "warning"
	assert at[("foreign-allowed-domain", 13, 34)]["level"] == "note"
	g = at[("guests-enabled", 14, 11)]
	assert g["suppressions"] == [{"kind": "inSource", "justification": "the public help desk room needs guests"}], g
	PY
'
test_expect_success 'sarif: an absolute path becomes a file:// URI' '
	expect_status 2 -o sarif lint -f "$T/risky.yaml" &&
	cp "$T/stdout" abs.sarif &&
	sarif_check abs.sarif "file://$T/risky.yaml" >/dev/null
'
test_expect_success 'junit: parsed by xml.etree, one case per rule, failures, skipped with the reason' '
	expect_status 2 -o junit lint -f risky.yaml --fail-on warning &&
	python3 - "$T/stdout" <<-"PY"
	import sys, xml.etree.ElementTree as ET
	root = ET.parse(sys.argv[1]).getroot()
	assert root.tag == "testsuites", root.tag
	suite = root.find("testsuite")
	cases = {c.get("name"): c for c in suite.findall("testcase")}
	assert len(cases) == 11 and suite.get("tests") == "11", cases.keys()
	failed = sorted(n for n, c in cases.items() if c.find("failure") is not None)
	assert failed == sorted(["exclusive-without-limit", "open-registration", "token-no-expiry", "token-unlimited-uses",
	                         "open-federation", "partner-wildcard", "retention-too-long"]), failed
	assert suite.get("failures") == "7" and suite.get("skipped") == "1" and suite.get("errors") == "0", suite.attrib
	f = cases["open-registration"].find("failure")
	assert f.get("type") == "error" and "risky.yaml:9:17" in f.text, (f.attrib, f.text)
	assert cases["guests-enabled"].find("skipped").get("message") == "ignored by lint.ignore: the public help desk room needs guests"
	assert "partner.example" in cases["foreign-allowed-domain"].find("system-out").text
	assert cases["no-retention"].find("failure") is None and cases["no-retention"].find("skipped") is None
	PY
'
test_expect_success 'junit: with the default --fail-on, warnings are not failures' '
	expect_status 2 -o junit lint -f risky.yaml &&
	python3 -c "
import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot().find(\"testsuite\")
assert s.get(\"failures\") == \"2\", s.attrib
" "$T/stdout"
'

# A snapshot, by hand in the shape snapshot files have: {"snapshot": {...}, "body": <policy>}.
cat >snap.json <<'JSON'
{
  "snapshot": {"format": "msgadm-snapshot/1", "context": "prod", "taken": "2026-11-26T10:00:00Z"},
  "body": {
    "version": 1,
    "server": "example.gov",
    "users": {"manage": "listed", "list": [{"id": "a", "admin": true}, {"id": "b", "admin": true}]},
    "invites": {"tokens": [{"name": "t1", "uses": null, "expires": null}]}
  }
}
JSON
printf '%s\n' '{"body":{"federation":{"mode":"open"},"server":"example.gov","version":1},"snapshot":{"format":"msgadm-snapshot/1"}}' >canonical.json

test_expect_success 'snapshot: the body is linted, places point into the snapshot file' '
	expect_status 0 lint --snapshot snap.json --max-admins 1 &&
	grep_in "$T/stdout" "snap.json:3:11: warning: no retention section" &&
	grep_in "$T/stdout" "snap.json:6:43: warning: users.list: 2 active admins (a, b), more than 1 [too-many-admins]" &&
	grep_in "$T/stdout" "snap.json:7:28: warning: invites.tokens[0]: token '"'"'t1'"'"' never expires [token-no-expiry]" &&
	grep_in "$T/stdout" "snap.json:7:28: warning: invites.tokens[0]: token '"'"'t1'"'"' has no use limit" &&
	expect_status 0 -o json lint --snapshot snap.json &&
	python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert r[\"source\"] == \"snapshot\" and r[\"file\"] == \"snap.json\", r" "$T/stdout"
'
test_expect_success 'snapshot: canonical one-line JSON, in SARIF' '
	expect_status 2 -o sarif lint --snapshot canonical.json &&
	cp "$T/stdout" snap.sarif &&
	test "$(sarif_check snap.sarif canonical.json)" = 2 &&
	python3 -c "
import json, sys
r = [x for x in json.load(open(sys.argv[1]))[\"runs\"][0][\"results\"] if x[\"ruleId\"] == \"open-federation\"][0]
reg = r[\"locations\"][0][\"physicalLocation\"][\"region\"]
assert (reg[\"startLine\"], reg[\"startColumn\"]) == (1, 31), reg
" snap.sarif
'
test_expect_success 'snapshot: an invalid body is named by its place in the snapshot (65)' '
	printf "{\"snapshot\": {},\n \"body\": {\"version\": 1, \"server\": \"example.gov\",\n  \"users\": {\"list\": [{\"id\": \"A B\"}]}}}\n" >badsnap.json &&
	expect_status 65 lint --snapshot badsnap.json &&
	grep_in "$T/stderr" "badsnap.json:3:29: body.users.list[0].id:"
'
test_expect_success 'snapshot: a file that is not a snapshot (65), a missing one (66)' '
	expect_status 65 lint --snapshot clean.yaml &&
	grep_in "$T/stderr" "clean.yaml: not a snapshot" &&
	printf "{\"body\": {\"version\": 1, \"server\": \"example.gov\"}}\n" >nohead.json &&
	expect_status 65 lint --snapshot nohead.json &&
	grep_in "$T/stderr" "missing required field '"'"'snapshot'"'"'" &&
	expect_status 66 lint --snapshot missing.json
'

test_expect_success 'usage: -f or --snapshot, one of them; policy errors are 65 and 66' '
	expect_status 64 lint &&
	grep_in "$T/stderr" "give either -f FILE or --snapshot FILE" &&
	expect_status 64 lint -f clean.yaml --snapshot snap.json &&
	expect_status 66 lint -f nowhere.yaml &&
	printf "version: 1\nserver: example.gov\ncolour: red\n" >bad.yaml &&
	expect_status 65 lint -f bad.yaml &&
	grep_in "$T/stderr" "bad.yaml:3:1: colour: unknown field"
'
test_expect_success 'lint --rules lists every rule with its severity' '
	expect_status 0 lint --rules &&
	for r in open-registration open-federation partner-wildcard token-no-expiry token-unlimited-uses \
		guests-enabled foreign-allowed-domain no-retention retention-too-long too-many-admins \
		exclusive-without-limit; do grep -q "^$r " "$T/stdout" || { echo "no $r"; exit 1; }; done &&
	grep -q "^open-registration *error " "$T/stdout" &&
	expect_status 0 -o json lint --rules &&
	expect_status 64 -o sarif lint --rules
'
test_expect_success '-o sarif and -o junit are usage errors elsewhere, naming the formats' '
	expect_status 64 -o sarif validate clean.yaml &&
	grep_in "$T/stderr" "-o sarif: msgadm validate prints text, json or yaml" &&
	expect_status 64 version -o junit &&
	grep_in "$T/stderr" "-o junit: msgadm version prints text, json or yaml" &&
	expect_status 64 -o xml lint -f clean.yaml &&
	grep_in "$T/stderr" "(text, json, yaml, sarif or junit)"
'
