#!/bin/sh
# Federation destinations outside the policy as plan findings (plan --detailed-exitcode exits 2 for
# them), and `render synapse-config`: the homeserver.yaml fragment for what only the config holds.
. "$(dirname "$0")/lib.sh"
start_synapse_emu

emu POST /_emu/seed '{"rooms": [{"room_id": "!adm:example.test", "name": "Admins", "state": [{"type": "m.room.server_acl",
  "content": {"allow": ["example.test", "partner.test"], "deny": [], "allow_ip_literals": false}}]}],
 "destinations": [{"destination": "partner.test", "last_successful_stream_ordering": 42},
  {"destination": "rogue.test", "last_successful_stream_ordering": 17},
  {"destination": "stale.test", "failure_ts": 1795690000000, "retry_interval": 600000}]}' >/dev/null

cat >"$T/allow.yaml" <<'YAML'
version: 1
server: example.test
federation: {mode: allowlist, partners: [partner.test]}
YAML
cat >"$T/open.yaml" <<'YAML'
version: 1
server: example.test
federation: {mode: open}
YAML

test_expect_success 'plan lists destinations outside the allowlist as findings, with their last contact' '
	expect_status 0 plan -f "$T/allow.yaml" &&
	grep_in "$T/stdout" "No changes: the server matches the policy." &&
	grep_in "$T/stdout" "Findings:" &&
	grep_in "$T/stdout" "  ? federation: the server federates with rogue.test, which mode allowlist does not admit (last successful send: stream ordering 17)" &&
	grep_in "$T/stdout" "  ? federation: the server federates with stale.test, which mode allowlist does not admit (no successful send recorded; failing since 2026-11-26T" &&
	not_in "$T/stdout" "with partner.test"
'

test_expect_code 2 'plan --detailed-exitcode exits 2 for findings alone' '
	run plan -f "$T/allow.yaml" --detailed-exitcode
'

test_expect_success 'findings are notes of level "finding" in -o json; destinations are read page by page' '
	sed -i "s/retries: 2/retries: 2\n    page_size: 1/" "$MSGADM_CONFIG" &&
	emu POST /_emu/requests/reset "" >/dev/null &&
	expect_status 0 -o json plan -f "$T/allow.yaml" &&
	python3 -c "import json, sys
p = json.load(open(sys.argv[1]))
f = [n for n in p[\"notes\"] if n[\"level\"] == \"finding\"]
assert [n[\"path\"] for n in f] == [\"federation\", \"federation\"], f
assert \"rogue.test\" in f[0][\"message\"] and \"stale.test\" in f[1][\"message\"], f" "$T/stdout" &&
	emu GET /_emu/requests >"$T/req" &&
	python3 -c "import json, sys
r = json.load(open(sys.argv[1]))
assert r[\"by_route\"][\"GET /_synapse/admin/v1/federation/destinations\"] == 3, r[\"by_route\"]" "$T/req"
'

test_expect_success 'closed mode: every other destination is a finding' '
	printf "version: 1\nserver: example.test\nfederation: {mode: closed}\n" >"$T/closed.yaml" &&
	run plan -f "$T/closed.yaml" &&
	grep_in "$T/stdout" "the server federates with partner.test, which mode closed does not admit (last successful send: stream ordering 42)"
'

test_expect_code 0 'open mode: no findings, --detailed-exitcode 0' '
	run plan -f "$T/open.yaml" --detailed-exitcode && ! grep -q "Findings:" "$T/stdout"
'

cat >"$T/config.yaml" <<'YAML'
version: 1
server: example.test
invites:
  registration: token
  guests: false
  allowed_domains: [example.test]
federation: {mode: allowlist, partners: [partner.test]}
retention:
  default: {max_lifetime: 1y, min_lifetime: 1d}
YAML

test_expect_success 'render synapse-config: the homeserver.yaml fragment, offline' '
	expect_status 0 --context down render synapse-config -f "$T/config.yaml" &&
	cat >"$T/expect" <<-EOT &&
	# homeserver.yaml fragment from msgadm for example.test
	# invites.registration
	enable_registration: true
	registration_requires_token: true
	# invites.allowed_domains
	allowed_local_3pids:
	  - medium: email
	    pattern: '"'"'^[^@]+@example\.test$'"'"'
	# invites.guests
	allow_guest_access: false
	# federation
	federation_domain_whitelist:
	  - partner.test
	# retention.default
	retention:
	  enabled: true
	  default_policy:
	    max_lifetime: 1y
	    min_lifetime: 1d
	EOT
	diff -u "$T/expect" "$T/stdout"
'

test_expect_success 'render synapse-config: rules per room alone still need retention enabled; -o json' '
	printf "version: 1\nserver: example.test\nfederation: {mode: closed}\nretention:\n  rooms: [{room: \"#a:example.test\", max_lifetime: 30d}]\n" >"$T/rooms.yaml" &&
	expect_status 0 render synapse-config -f "$T/rooms.yaml" &&
	grep_in "$T/stdout" "federation_domain_whitelist: []" &&
	grep_in "$T/stdout" "retention:" && grep_in "$T/stdout" "  enabled: true" &&
	expect_status 0 -o json render synapse-config -f "$T/rooms.yaml" &&
	python3 -c "import json, sys; d = json.load(open(sys.argv[1])); assert d[\"target\"] == \"synapse-config\" and \"federation_domain_whitelist: []\" in d[\"fragment\"]" "$T/stdout"
'

test_expect_success 'render: an unknown target is a usage error (64)' '
	expect_status 64 render nginx-config -f "$T/config.yaml" &&
	grep_in "$T/stderr" "render: unknown target '"'"'nginx-config'"'"' (known: synapse-config)"
'

test_expect_code 65 'render: an invalid policy is refused' '
	printf "version: 1\nserver: example.test\nfederation: {mode: sideways}\n" >"$T/bad.yaml" &&
	run render synapse-config -f "$T/bad.yaml"
'
