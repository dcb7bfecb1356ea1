#!/bin/sh
# Snapshots of a real ejabberd (Debian's 23.01, tests/ejabberd/harness.sh) through an auth: basic
# context: the body is the export with ejabberd's metadata, two snapshots of the same state are
# identical but for "created" (same body, same body_sha256), keygen/sign/verify work on it (and the
# openssl command line agrees), and check compares a policy with it offline: 0 when it complies,
# 2 with each deviation named when it does not, without a request to the server.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/ejabberd/harness.sh"
. "$TOP/tests/ejabberd/msgadm.sh"

ejabberd_start main example.test
ej_contexts
say "# ejabberd main started in $EJ_START_MS ms"
for u in carol dave; do
	ejabberd_api main register "{\"user\": \"$u\", \"host\": \"example.test\", \"password\": \"Pw-$u-123\"}" >/dev/null ||
		{ say "not ok - could not register $u"; exit 1; }
done

py() {
	code=$1
	shift
	python3 -c "import hashlib, json, sys
$code" "$@"
}

test_expect_success 'snapshot create on ejabberd: metadata, and the body is the export' '
	expect_status 0 --context basic snapshot create --out "$T/s1.json" &&
	grep_in "$T/stdout" "Wrote $T/s1.json: example.test (ejabberd " &&
	grep_in "$T/stdout" "context basic)" &&
	"$MSGADM" --context basic -o json export >"$T/export.json" &&
	py "
s = json.load(open(sys.argv[1]))
m = s[\"snapshot\"]
assert m[\"format\"] == \"msgadm-snapshot/1\" and m[\"driver\"] == \"ejabberd\", m
assert m[\"context\"] == \"basic\" and m[\"server\"] == \"example.test\", m
assert m[\"server_version\"].startswith(\"23.01\"), m
assert s[\"body\"] == json.load(open(sys.argv[2])), \"the body is not the export\"
ids = sorted(u[\"id\"] for u in s[\"body\"][\"users\"][\"list\"])
assert ids == [\"admin\", \"carol\", \"dave\"], ids
canon = json.dumps(s[\"body\"], sort_keys=True, separators=(\",\", \":\"), ensure_ascii=False)
assert hashlib.sha256(canon.encode()).hexdigest() == m[\"body_sha256\"]
" "$T/s1.json" "$T/export.json"
'

test_expect_success 'two snapshots of the same state: identical bodies and body_sha256' '
	sleep 1 &&
	expect_status 0 --context basic snapshot create --out "$T/s2.json" &&
	grep -v "\"created\":" "$T/s1.json" >"$T/s1.rest" &&
	grep -v "\"created\":" "$T/s2.json" >"$T/s2.rest" &&
	cmp "$T/s1.rest" "$T/s2.rest" &&
	py "
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert a[\"snapshot\"][\"body_sha256\"] == b[\"snapshot\"][\"body_sha256\"]
assert a[\"body\"] == b[\"body\"] and a[\"snapshot\"][\"created\"] != b[\"snapshot\"][\"created\"]
" "$T/s1.json" "$T/s2.json"
'

test_expect_success 'a new account on the server changes the digest' '
	ejabberd_api main register "{\"user\": \"erin\", \"host\": \"example.test\", \"password\": \"Pw-erin-123\"}" >/dev/null &&
	expect_status 0 --context basic snapshot create --out "$T/s3.json" &&
	py "
a, b = (json.load(open(f))[\"snapshot\"][\"body_sha256\"] for f in sys.argv[1:3])
assert a != b
" "$T/s1.json" "$T/s3.json"
'

test_expect_success 'keygen, sign and verify the ejabberd snapshot; openssl agrees; tampering is 65' '
	expect_status 0 snapshot keygen --out "$T/audit.key" &&
	expect_status 0 snapshot sign "$T/s3.json" --key "$T/audit.key" &&
	test "$(wc -c <"$T/s3.json.sig")" -eq 64 &&
	expect_status 0 snapshot verify "$T/s3.json" --pubkey "$T/audit.key.pub" &&
	grep_in "$T/stdout" "good signature ($T/s3.json.sig)" &&
	openssl pkeyutl -verify -pubin -inkey "$T/audit.key.pub" -rawin -in "$T/s3.json" \
		-sigfile "$T/s3.json.sig" >"$T/openssl.out" &&
	grep_in "$T/openssl.out" "Signature Verified Successfully" &&
	sed "s/\"carol\"/\"carl\"/" "$T/s3.json" >"$T/t.json" && cp "$T/s3.json.sig" "$T/t.json.sig" &&
	expect_status 65 snapshot verify "$T/t.json" --pubkey "$T/audit.key.pub"
'

cat >"$T/complies.yaml" <<'YAML'
version: 1
server: example.test
users:
  manage: exclusive
  list:
    - {id: admin}
    - {id: carol}
    - {id: dave}
    - {id: erin}
YAML
cat >"$T/deviating.yaml" <<'YAML'
version: 1
server: example.test
users:
  manage: exclusive
  list:
    - {id: admin}
    - {id: carol}
    - {id: dave}
    - {id: judy}
YAML

test_expect_success 'check against the ejabberd snapshot: complies (0), offline' '
	MSGADM_CONFIG="$T/none.yaml" "$MSGADM" check -f "$T/complies.yaml" --snapshot "$T/s3.json" \
		--pubkey "$T/audit.key.pub" >"$T/stdout" 2>"$T/stderr" &&
	grep_in "$T/stdout" "complies with $T/complies.yaml." &&
	grep_in "$T/stdout" "Check: 0 deviations."
'

test_expect_success 'check against the ejabberd snapshot: deviations (2), each named' '
	MSGADM_CONFIG="$T/none.yaml" "$MSGADM" check -f "$T/deviating.yaml" --snapshot "$T/s3.json" >"$T/stdout" 2>"$T/stderr"
	rc=$? && test "$rc" -eq 2 &&
	grep_in "$T/stdout" "deviates from $T/deviating.yaml:" &&
	grep_in "$T/stdout" "  user judy: present: expected true, found false" &&
	grep_in "$T/stdout" "  user erin: active: expected false, found true (not in the policy (users.manage: exclusive))" &&
	{ MSGADM_CONFIG="$T/none.yaml" "$MSGADM" -o json check -f "$T/deviating.yaml" --snapshot "$T/s3.json" >"$T/dev.json"; test $? -eq 2; } &&
	py "
r = json.load(open(sys.argv[1]))
assert r[\"complies\"] is False and r[\"summary\"][\"deviations\"] == 2, r[\"summary\"]
assert {(d[\"key\"], d[\"field\"]) for d in r[\"deviations\"]} == {(\"judy\", \"present\"), (\"erin\", \"active\")}, r[\"deviations\"]
" "$T/dev.json"
'
