#!/bin/sh
# Snapshots for auditors against the Synapse emulator: deterministic files whose body digest is the
# SHA-256 of the RFC 8785 form, Ed25519 keys and signatures that the openssl command line accepts,
# tampering caught with exit 65, and offline compliance checks that never reach a server.
. "$(dirname "$0")/lib.sh"
start_synapse_emu

emu POST /_emu/seed '{"users": [
  {"name": "@bob:example.test", "displayname": "Bob"},
  {"name": "@zoe:example.test", "displayname": "Zo\u00eb \u00dcnicode \u2713"},
  {"name": "@dave:example.test", "displayname": "Dave", "deactivated": true},
  {"name": "@erin:example.test", "displayname": "erin", "threepids": [{"medium": "email", "address": "erin@example.test"}]}],
 "registration_tokens": [
  {"token": "old-token", "uses_allowed": 5},
  {"token": "keep-token", "uses_allowed": 1, "expiry_time": null}]}' >/dev/null

# py 'CODE' ARGS...: a Python check with json, hashlib and sys loaded.
py() {
	code=$1
	shift
	python3 -c "import hashlib, json, sys
$code" "$@"
}

# ---- snapshot create

test_expect_success 'snapshot create writes the export with its metadata' '
	expect_status 0 snapshot create --out "$T/s1.json" &&
	grep_in "$T/stdout" "Wrote $T/s1.json: example.test (synapse 1.67.0, context emu)" &&
	grep_in "$T/stdout" "6 users, 2 invite tokens." &&
	"$MSGADM" -o json export >"$T/export.json" &&
	"$MSGADM" version >"$T/version" &&
	py "
s = json.load(open(sys.argv[1]))
assert list(s) == [\"snapshot\", \"body\"], list(s)
m = s[\"snapshot\"]
assert m[\"format\"] == \"msgadm-snapshot/1\" and m[\"context\"] == \"emu\", m
assert m[\"driver\"] == \"synapse\" and m[\"server\"] == \"example.test\", m
assert m[\"server_version\"] == \"1.67.0\", m
assert open(sys.argv[3]).read().split()[1] == m[\"msgadm_version\"], m
import datetime, re
assert re.fullmatch(r\"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\", m[\"created\"]), m
t = datetime.datetime.strptime(m[\"created\"], \"%Y-%m-%dT%H:%M:%SZ\").replace(tzinfo=datetime.timezone.utc)
assert abs((datetime.datetime.now(datetime.timezone.utc) - t).total_seconds()) < 600, m
assert s[\"body\"] == json.load(open(sys.argv[2])), \"the body is not the export\"
" "$T/s1.json" "$T/export.json" "$T/version"
'
test_expect_success 'body_sha256 is the SHA-256 of the body in RFC 8785 form (computed independently)' '
	py "
s = json.load(open(sys.argv[1]))
# for this data (ASCII names, integers, no control characters) sorted compact JSON is RFC 8785
canon = json.dumps(s[\"body\"], sort_keys=True, separators=(\",\", \":\"), ensure_ascii=False)
assert \"Zo\u00eb \u00dcnicode \u2713\" in canon
assert hashlib.sha256(canon.encode()).hexdigest() == s[\"snapshot\"][\"body_sha256\"]
" "$T/s1.json" &&
	grep_in "$T/s1.json" "\"display_name\": \"Zoë Ünicode ✓\""
'
test_expect_success 'the file is laid out deterministically: canonical order, two spaces, final newline' '
	py "
raw = open(sys.argv[1], encoding=\"utf-8\").read()
s = json.loads(raw)
def layout(v, level):
    pad = \"  \" * (level + 1)
    if isinstance(v, dict) and v:
        return \"{\n\" + \",\n\".join(pad + json.dumps(k, ensure_ascii=False) + \": \" + layout(v[k], level + 1) for k in sorted(v)) + \"\n\" + \"  \" * level + \"}\"
    if isinstance(v, list) and v:
        return \"[\n\" + \",\n\".join(pad + layout(x, level + 1) for x in v) + \"\n\" + \"  \" * level + \"]\"
    return json.dumps(v, ensure_ascii=False)
want = \"{\n  \\\"snapshot\\\": \" + layout(s[\"snapshot\"], 1) + \",\n  \\\"body\\\": \" + layout(s[\"body\"], 1) + \"\n}\n\"
assert raw == want, \"layout differs\"
" "$T/s1.json"
'
test_expect_success 'two snapshots of the same state: identical bodies and digests' '
	sleep 1 &&
	expect_status 0 snapshot create --out "$T/s2.json" &&
	grep -v "\"created\":" "$T/s1.json" >"$T/s1.rest" &&
	grep -v "\"created\":" "$T/s2.json" >"$T/s2.rest" &&
	cmp "$T/s1.rest" "$T/s2.rest" &&
	py "
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert a[\"snapshot\"][\"body_sha256\"] == b[\"snapshot\"][\"body_sha256\"]
assert a[\"body\"] == b[\"body\"]
" "$T/s1.json" "$T/s2.json"
'
test_expect_success 'a change on the server changes the digest' '
	emu POST /_emu/seed "{\"users\": [{\"name\": \"@heidi:example.test\"}]}" >/dev/null &&
	expect_status 0 snapshot create --out "$T/s3.json" &&
	py "
a, b = (json.load(open(f))[\"snapshot\"][\"body_sha256\"] for f in sys.argv[1:3])
assert a != b
" "$T/s1.json" "$T/s3.json"
'
test_expect_success 'snapshot create never overwrites a file' '
	cp "$T/s1.json" "$T/s1.copy" &&
	expect_status 1 snapshot create --out "$T/s1.json" &&
	grep_in "$T/stderr" "s1.json already exists; not overwritten" &&
	cmp "$T/s1.json" "$T/s1.copy"
'
test_expect_success 'snapshot create: server down is 69 and leaves no file' '
	expect_status 69 --context down snapshot create --out "$T/down.json" &&
	test ! -e "$T/down.json"
'
test_expect_success 'snapshot create needs --out: 64' '
	expect_status 64 snapshot create && grep_in "$T/stderr" "option --out is required"
'
test_expect_success 'snapshot create -o json prints the metadata and the file' '
	expect_status 0 -o json snapshot create --out "$T/s4.json" &&
	py "
r = json.load(open(sys.argv[1]))
assert r[\"file\"] == sys.argv[2] and r[\"format\"] == \"msgadm-snapshot/1\" and \"body\" not in r, r
assert r[\"body_sha256\"] == json.load(open(sys.argv[2]))[\"snapshot\"][\"body_sha256\"]
" "$T/stdout" "$T/s4.json"
'

# ---- keys

test_expect_success 'snapshot keygen: private key 0600, public key 0644, PEM that openssl reads' '
	umask 022 &&
	expect_status 0 snapshot keygen --out "$T/audit.key" &&
	test "$(stat -c %a "$T/audit.key")" = 600 &&
	test "$(stat -c %a "$T/audit.key.pub")" = 644 &&
	head -n 1 "$T/audit.key" | grep -qx -- "-----BEGIN PRIVATE KEY-----" &&
	head -n 1 "$T/audit.key.pub" | grep -qx -- "-----BEGIN PUBLIC KEY-----" &&
	openssl pkey -in "$T/audit.key" -noout &&
	openssl pkey -pubin -in "$T/audit.key.pub" -noout -text | grep -q "ED25519 Public-Key"
'
test_expect_success 'the key is named by the SHA-256 of its DER public key, as openssl computes it' '
	fp=$(openssl pkey -pubin -in "$T/audit.key.pub" -outform DER | sha256sum | cut -d" " -f1) &&
	grep_in "$T/stdout" "key sha256:$fp"
'
test_expect_success 'snapshot keygen refuses existing files and changes nothing' '
	cp "$T/audit.key" "$T/key.copy" && cp "$T/audit.key.pub" "$T/pub.copy" &&
	expect_status 1 snapshot keygen --out "$T/audit.key" &&
	grep_in "$T/stderr" "already exists; not overwritten" &&
	cmp "$T/audit.key" "$T/key.copy" && cmp "$T/audit.key.pub" "$T/pub.copy" &&
	: >"$T/lonely.pub" &&
	expect_status 1 snapshot keygen --out "$T/lonely" &&
	grep_in "$T/stderr" "lonely.pub already exists" &&
	test ! -e "$T/lonely"
'

# ---- sign and verify

test_expect_success 'snapshot sign writes a 64-byte detached signature, SNAP.sig' '
	expect_status 0 snapshot sign "$T/s1.json" --key "$T/audit.key" &&
	grep_in "$T/stdout" "Signed $T/s1.json: the signature is in $T/s1.json.sig." &&
	test "$(wc -c <"$T/s1.json.sig")" -eq 64
'
test_expect_success 'snapshot verify: good signature and digest, offline' '
	emu POST /_emu/requests/reset "" >/dev/null &&
	expect_status 0 snapshot verify "$T/s1.json" --pubkey "$T/audit.key.pub" &&
	grep_in "$T/stdout" "good signature ($T/s1.json.sig)" &&
	grep_in "$T/stdout" "the body matches body_sha256" &&
	test "$(emu GET /_emu/requests | py "print(json.load(sys.stdin)[\"total\"])")" = 0
'
test_expect_success 'the openssl command line verifies the signature' '
	openssl pkeyutl -verify -pubin -inkey "$T/audit.key.pub" -rawin -in "$T/s1.json" \
		-sigfile "$T/s1.json.sig" >"$T/openssl.out" &&
	grep_in "$T/openssl.out" "Signature Verified Successfully"
'
test_expect_success 'the openssl command of msgadm(1) SNAPSHOTS works as printed' '
	mkdir "$T/doc" && cp "$T/s1.json" "$T/doc/snap.json" && cp "$T/s1.json.sig" "$T/doc/snap.json.sig" &&
	cp "$T/audit.key.pub" "$T/doc/key.pub" &&
	sed -n "/^openssl pkeyutl -verify/,/-sigfile/p" "$TOP/man/msgadm.1" | sed "s/\\\\e\$/\\\\/" >"$T/doc/cmd.sh" &&
	grep -q "sigfile snap.json.sig" "$T/doc/cmd.sh" &&
	(cd "$T/doc" && sh ./cmd.sh) | grep -q "Signature Verified Successfully"
'
test_expect_success 'a signature made by the openssl command line verifies with msgadm' '
	cp "$T/s2.json" "$T/s2o.json" &&
	openssl pkeyutl -sign -inkey "$T/audit.key" -rawin -in "$T/s2o.json" -out "$T/s2o.json.sig" &&
	expect_status 0 snapshot verify "$T/s2o.json" --pubkey "$T/audit.key.pub"
'
test_expect_success 'snapshot sign never overwrites a signature' '
	cp "$T/s1.json.sig" "$T/sig.copy" &&
	expect_status 1 snapshot sign "$T/s1.json" --key "$T/audit.key" &&
	grep_in "$T/stderr" "s1.json.sig already exists" &&
	cmp "$T/s1.json.sig" "$T/sig.copy"
'
test_expect_success 'snapshot sign refuses a key others can read: 78' '
	cp "$T/audit.key" "$T/open.key" && chmod 644 "$T/open.key" &&
	expect_status 78 snapshot sign "$T/s2.json" --key "$T/open.key" &&
	grep_in "$T/stderr" "open.key is readable by group or others; fix with: chmod 600" &&
	test ! -e "$T/s2.json.sig"
'
test_expect_success 'snapshot sign refuses a snapshot whose body no longer matches its digest: 65' '
	sed "s/\"display_name\": \"Bob\"/\"display_name\": \"Rob\"/" "$T/s2.json" >"$T/bad-body.json" &&
	! cmp -s "$T/s2.json" "$T/bad-body.json" &&
	expect_status 65 snapshot sign "$T/bad-body.json" --key "$T/audit.key" &&
	grep_in "$T/stderr" "refusing to sign: $T/bad-body.json: the body does not match its body_sha256" &&
	test ! -e "$T/bad-body.json.sig"
'

# ---- tampering: every one is 65 with a message that says what failed

# tampered NAME SED-EXPR: a signed copy of s1.json with the expression applied to the snapshot.
tampered() {
	sed "$2" "$T/s1.json" >"$T/$1.json" && cp "$T/s1.json.sig" "$T/$1.json.sig" &&
		! cmp -s "$T/s1.json" "$T/$1.json"
}
test_expect_success 'a changed byte in the body: 65, the body and the signature named' '
	tampered body "s/\"display_name\": \"Bob\"/\"display_name\": \"Bop\"/" &&
	expect_status 65 snapshot verify "$T/body.json" --pubkey "$T/audit.key.pub" &&
	grep_in "$T/stderr" "body.json: the body does not match its body_sha256" &&
	grep_in "$T/stderr" "the body was changed after the snapshot was taken" &&
	grep_in "$T/stderr" "and the signature $T/body.json.sig does not verify with $T/audit.key.pub" &&
	! openssl pkeyutl -verify -pubin -inkey "$T/audit.key.pub" -rawin -in "$T/body.json" \
		-sigfile "$T/body.json.sig" >/dev/null 2>&1
'
test_expect_success 'a changed byte in the metadata: 65, the signature named, the body intact' '
	tampered meta "s/\"context\": \"emu\"/\"context\": \"emv\"/" &&
	expect_status 65 snapshot verify "$T/meta.json" --pubkey "$T/audit.key.pub" &&
	grep_in "$T/stderr" "the signature $T/meta.json.sig does not verify with $T/audit.key.pub" &&
	grep_in "$T/stderr" "the body still matches its body_sha256"
'
test_expect_success 'a changed body with a recomputed digest still fails on the signature: 65' '
	py "
raw = open(sys.argv[1], encoding=\"utf-8\").read()
s = json.loads(raw)
s[\"body\"][\"users\"][\"list\"][0][\"admin\"] = False
canon = json.dumps(s[\"body\"], sort_keys=True, separators=(\",\", \":\"), ensure_ascii=False)
old = json.loads(raw)[\"snapshot\"][\"body_sha256\"]
raw = raw.replace(old, hashlib.sha256(canon.encode()).hexdigest()).replace(\"\\\"admin\\\": true\", \"\\\"admin\\\": false\", 1)
open(sys.argv[2], \"w\", encoding=\"utf-8\").write(raw)
" "$T/s1.json" "$T/rehashed.json" &&
	cp "$T/s1.json.sig" "$T/rehashed.json.sig" &&
	expect_status 65 snapshot verify "$T/rehashed.json" --pubkey "$T/audit.key.pub" &&
	grep_in "$T/stderr" "does not verify" &&
	grep_in "$T/stderr" "the body still matches its body_sha256"
'
test_expect_success 'a changed byte in the signature: 65' '
	cp "$T/s1.json" "$T/sigbyte.json" &&
	py "
b = bytearray(open(sys.argv[1], \"rb\").read()); b[17] ^= 0x01
open(sys.argv[2], \"wb\").write(bytes(b))
" "$T/s1.json.sig" "$T/sigbyte.json.sig" &&
	expect_status 65 snapshot verify "$T/sigbyte.json" --pubkey "$T/audit.key.pub" &&
	grep_in "$T/stderr" "the signature $T/sigbyte.json.sig does not verify"
'
test_expect_success 'a cut signature: 65, naming its length' '
	cp "$T/s1.json" "$T/cut.json" && head -c 63 "$T/s1.json.sig" >"$T/cut.json.sig" &&
	expect_status 65 snapshot verify "$T/cut.json" --pubkey "$T/audit.key.pub" &&
	grep_in "$T/stderr" "cut.json.sig is 63 bytes, not an Ed25519 signature (64)"
'
test_expect_success 'the wrong public key: 65' '
	expect_status 0 snapshot keygen --out "$T/other.key" &&
	expect_status 65 snapshot verify "$T/s1.json" --pubkey "$T/other.key.pub" &&
	grep_in "$T/stderr" "does not verify with $T/other.key.pub" &&
	grep_in "$T/stderr" "or another key signed it"
'
test_expect_success 'verify: a missing signature is 66, a private key for --pubkey is 65' '
	expect_status 66 snapshot verify "$T/s3.json" --pubkey "$T/audit.key.pub" &&
	grep_in "$T/stderr" "s3.json.sig: No such file" &&
	expect_status 65 snapshot verify "$T/s1.json" --pubkey "$T/audit.key" &&
	grep_in "$T/stderr" "is a private key; verify with the public key"
'
test_expect_success 'a file that is not a snapshot: 65' '
	echo "{\"hello\": 1}" >"$T/hello.json" &&
	expect_status 65 snapshot sign "$T/hello.json" --key "$T/audit.key" &&
	grep_in "$T/stderr" "hello.json: not a msgadm snapshot"
'

# ---- offline compliance

"$MSGADM" export >"$T/export.yaml"
cat >"$T/deviating.yaml" <<'YAML'
version: 1
server: example.test
users:
  manage: exclusive
  protect: [admin]
  list:
    - {id: bob, display_name: Bob, admin: true}
    - {id: zoe, display_name: "Zoë Ünicode ✓"}
    - {id: erin, email: erin@example.test, active: false}
    - {id: judy}
    - {id: dave}
    - {id: heidi}
invites:
  registration: token
  tokens:
    - {name: keep-token, uses: 1}
    - {name: new-token, uses: 5}
federation:
  mode: allowlist
  partners: [bund.de]
YAML

test_expect_success 'check: a complying snapshot exits 0, and no server is asked' '
	emu POST /_emu/requests/reset "" >/dev/null &&
	expect_status 0 check -f "$T/export.yaml" --snapshot "$T/s3.json" &&
	grep_in "$T/stdout" "$T/s3.json (example.test, taken " &&
	grep_in "$T/stdout" "complies with $T/export.yaml." &&
	grep_in "$T/stdout" "Check: 0 deviations." &&
	test "$(emu GET /_emu/requests | py "print(json.load(sys.stdin)[\"total\"])")" = 0
'
test_expect_success 'check: deviations exit 2, each with resource, field, expected and found' '
	expect_status 2 check -f "$T/deviating.yaml" --snapshot "$T/s3.json" &&
	grep_in "$T/stdout" "deviates from $T/deviating.yaml:" &&
	grep_in "$T/stdout" "  user bob: admin: expected true, found false" &&
	grep_in "$T/stdout" "  user judy: present: expected true, found false" &&
	grep_in "$T/stdout" "  user dave: active: expected true, found false" &&
	grep_in "$T/stdout" "  user erin: active: expected false, found true (active: false in the policy)" &&
	grep_in "$T/stdout" "  user alice: active: expected false, found true (not in the policy (users.manage: exclusive))" &&
	grep_in "$T/stdout" "  token new-token: present: expected true, found false" &&
	grep_in "$T/stdout" "  token old-token: present: expected false, found true (not in invites.tokens)" &&
	grep_in "$T/stdout" "  invites: registration: expected \"token\", not in the snapshot (config-managed on synapse: homeserver.yaml:" &&
	grep_in "$T/stdout" "  federation: mode: expected \"allowlist\", not in the snapshot" &&
	grep_in "$T/stdout" "  federation: partners: expected [\"bund.de\"], not in the snapshot" &&
	grep_in "$T/stdout" "Check: 10 deviations (3 not in the snapshot)." &&
	not_in "$T/stdout" "user zoe" && not_in "$T/stdout" "keep-token"
'
test_expect_success 'check -o json: the same deviations, machine-readable' '
	expect_status 2 -o json check -f "$T/deviating.yaml" --snapshot "$T/s3.json" &&
	py "
r = json.load(open(sys.argv[1]))
assert r[\"complies\"] is False and r[\"policy\"] == sys.argv[2], r
assert r[\"snapshot\"][\"file\"] == sys.argv[3] and r[\"snapshot\"][\"server\"] == \"example.test\"
assert r[\"summary\"] == {\"deviations\": 10, \"not_in_snapshot\": 3}, r[\"summary\"]
d = {(x[\"resource\"], x.get(\"key\"), x[\"field\"]): x for x in r[\"deviations\"]}
bob = d[(\"user\", \"bob\", \"admin\")]
assert bob[\"expected\"] is True and bob[\"found\"] is False and bob[\"path\"] == \"users.list[0]\", bob
assert d[(\"user\", \"judy\", \"present\")][\"found\"] is False
assert d[(\"token\", \"old-token\", \"present\")][\"reason\"] == \"not in invites.tokens\"
fed = d[(\"federation\", None, \"partners\")]
assert fed[\"expected\"] == [\"bund.de\"] and fed[\"found\"] is None and fed[\"in_snapshot\"] is False, fed
assert all(\"in_snapshot\" not in x for x in r[\"deviations\"] if x[\"resource\"] in (\"user\", \"token\"))
" "$T/stdout" "$T/deviating.yaml" "$T/s3.json" &&
	expect_status 0 -o json check -f "$T/export.yaml" --snapshot "$T/s3.json" &&
	py "
r = json.load(open(sys.argv[1]))
assert r[\"complies\"] is True and r[\"deviations\"] == [] and r[\"summary\"][\"deviations\"] == 0, r
" "$T/stdout"
'
test_expect_success 'check works with no contexts file and with an unreachable context' '
	MSGADM_CONFIG="$T/none.yaml" "$MSGADM" check -f "$T/deviating.yaml" --snapshot "$T/s3.json" >"$T/a.out" 2>&1
	a=$? &&
	"$MSGADM" --context down check -f "$T/deviating.yaml" --snapshot "$T/s3.json" >"$T/b.out" 2>&1
	b=$? &&
	test ! -e "$T/none.yaml" && test "$a" -eq 2 && test "$b" -eq 2 &&
	cmp "$T/a.out" "$T/b.out" &&
	grep_in "$T/a.out" "Check: 10 deviations"
'
test_expect_success 'check --pubkey verifies the signature first: good 0, tampered metadata 65' '
	expect_status 0 snapshot sign "$T/s3.json" --key "$T/audit.key" &&
	expect_status 0 check -f "$T/export.yaml" --snapshot "$T/s3.json" --pubkey "$T/audit.key.pub" &&
	expect_status 65 check -f "$T/export.yaml" --snapshot "$T/meta.json" --pubkey "$T/audit.key.pub" &&
	grep_in "$T/stderr" "does not verify"
'
test_expect_success 'check refuses a snapshot whose body does not match its digest: 65' '
	expect_status 65 check -f "$T/export.yaml" --snapshot "$T/body.json" &&
	grep_in "$T/stderr" "the body does not match its body_sha256"
'
test_expect_success 'the digest ignores formatting: a re-indented snapshot still checks' '
	py "
s = json.load(open(sys.argv[1]))
json.dump({\"body\": s[\"body\"], \"snapshot\": s[\"snapshot\"]}, open(sys.argv[2], \"w\"), indent=5, ensure_ascii=True)
" "$T/s3.json" "$T/reformatted.json" &&
	! cmp -s "$T/s3.json" "$T/reformatted.json" &&
	expect_status 0 check -f "$T/export.yaml" --snapshot "$T/reformatted.json"
'
test_expect_success 'check: a policy for another server is 65, naming the place' '
	sed "s/^server: example.test/server: other.example/" "$T/deviating.yaml" >"$T/other.yaml" &&
	expect_status 65 check -f "$T/other.yaml" --snapshot "$T/s3.json" &&
	grep_in "$T/stderr" "other.yaml:2:9: server: the policy is for '"'"'other.example'"'"' but the snapshot"
'
test_expect_success 'check: --snapshot is required (64), a missing snapshot is 66, a bad policy 65' '
	expect_status 64 check -f "$T/export.yaml" &&
	grep_in "$T/stderr" "option --snapshot is required" &&
	grep_in "$T/stderr" "usage: msgadm check -f FILE --snapshot SNAP" &&
	expect_status 66 check -f "$T/export.yaml" --snapshot "$T/nope.json" &&
	printf "version: 1\nserver: example.test\nusers: {colour: red}\n" >"$T/bad.yaml" &&
	expect_status 65 check -f "$T/bad.yaml" --snapshot "$T/s3.json"
'
