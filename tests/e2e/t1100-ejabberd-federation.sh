#!/bin/sh
# Closed federation, proven end to end with real XMPP server-to-server traffic: three real ejabberd
# 23.01 servers (example.test, partner.test, stranger.test) in a network namespace of this test's
# own, where loopback is the only device, so no packet can leave. They find each other's s2s ports
# through SRV records of a DNS server that runs in the namespace (23.01 has one outgoing_s2s_port for
# every remote domain, so SRV is the per-domain port mapping), and authenticate with dialback, without
# TLS. Baseline: messages between every two of them arrive (send_message, then the receiver's
# get_offline_count). Then example.test gets federation {mode: allowlist, partners: [partner.test]}:
# messages to and from partner.test still arrive, those to and from stranger.test are refused; then
# {mode: closed} refuses partner.test too.
#
# The policy goes on with the real msgadm binary: `msgadm apply -f policy.yaml --yes` on a context
# with driver ejabberd, auth basic and config_fragment (the file example.test's ejabberd.yml includes:
# msgadm writes its "# BEGIN msgadm federation" block there and calls reload_config); `plan
# --detailed-exitcode` answers 2 before each apply and 0 after it. FEDERATION_BY=hand writes the same
# block by hand instead (no msgadm): to tell ejabberd's behaviour from msgadm's.
#
# ejabberd 23.01 applies s2s_access to new streams only: the streams already open stay up after
# reload_config, and go on carrying messages, until stop_s2s_connections closes them. msgadm apply
# calls it after reload_config (the test checks its -v trace); by hand, the test calls it.
. "$(dirname "$0")/../ejabberd/netns.sh"
netns_enter "$@"
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/ejabberd/harness.sh"

t_start=$(date +%s%3N)
elapsed() { echo "$(($(date +%s%3N) - t_start)) ms"; }

netns_setup example.test partner.test stranger.test

# Stop the three servers at once rather than one after the other (ejabberd_stop_all, which runs
# after this hook, finds them stopped). The namespace's PID 1 is this script: should it die without
# its traps, the kernel kills what is left in the namespace.
t1100_stop_all() {
	for _n in example partner stranger; do
		_p=$(sed -n 's/^EJ_PID=//p' "$T/ejabberd-$_n/instance.env" 2>/dev/null)
		[ -n "$_p" ] && kill -TERM "$_p" 2>/dev/null
	done
	for _n in example partner stranger; do
		[ -f "$T/ejabberd-$_n/instance.env" ] || continue
		# (quiet: its look through /proc for the node may meet processes that are just ending)
		ejabberd_stop "$_n" 2>/dev/null || say "not ok - ejabberd $_n could not be stopped"
	done
}
HARNESS_EXIT_HOOKS="t1100_stop_all $HARNESS_EXIT_HOOKS"

# Federation over dialback without certificates: no STARTTLS on s2s, mod_s2s_dialback (the harness
# does not load it), IPv4 only (the names have A records only).
cat >"$T/federation.yml" <<'YML'
s2s_use_starttls: false
outgoing_s2s_families:
  - ipv4
modules:
  mod_s2s_dialback: {}
YML
DOMAINS="example.test partner.test stranger.test"
for n in example partner stranger; do
	EJ_INETRC_EXTRA=$NETNS_INETRC EJ_EXTRA_HOSTS=$DOMAINS ejabberd_start "$n" "$n.test" "$T/federation.yml"
	netns_srv "$n.test" "$EJ_S2S_PORT"
	ejabberd_api "$n" register "{\"user\": \"u\", \"host\": \"$n.test\", \"password\": \"$(cat /proc/sys/kernel/random/uuid)\"}" >"$T/register.out" 2>&1 || {
		say "not ok - could not register u@$n.test: $(cat "$T/register.out")"
		exit 1
	}
	say "# ejabberd $n.test: s2s on 127.0.0.1:$EJ_S2S_PORT, started in $EJ_START_MS ms"
done
say "# three servers up after $(elapsed)"

# round 'FROM>TO ...' 'FROM>TO ...': u@FROM.test sends u@TO.test a message for each pair of the first
# list (send_message, type chat; the receivers are offline, so a delivered message waits in their
# offline store); the pairs of the second list must arrive (within 10 s), and nothing else: once they
# are in (or at once, if none is expected), the counts must stay put for 1.5 s more when some pairs
# are to be refused. Prints the counts.
round() {
	python3 - "$1" "$2" \
		"example=$EJ_URL_example=$(cat "$EJ_DIR_example/admin.basic")" \
		"partner=$EJ_URL_partner=$(cat "$EJ_DIR_partner/admin.basic")" \
		"stranger=$EJ_URL_stranger=$(cat "$EJ_DIR_stranger/admin.basic")" <<-\PY
	import base64, json, sys, time, urllib.request
	sends, wanted = sys.argv[1].split(), sys.argv[2].split()
	srv = {}
	for a in sys.argv[3:]:
	    name, url, cred = a.split("=", 2)
	    srv[name] = (url, "Basic " + base64.b64encode(cred.encode()).decode())
	def api(name, cmd, body):
	    url, auth = srv[name]
	    req = urllib.request.Request(url + "/api/" + cmd, data=json.dumps(body).encode(), method="POST",
	                                 headers={"Content-Type": "application/json", "Authorization": auth})
	    with urllib.request.urlopen(req, timeout=10) as r:
	        return json.loads(r.read().decode() or "null")
	def counts():
	    c = {}
	    for n in srv:
	        v = api(n, "get_offline_count", {"user": "u", "host": n + ".test"})
	        c[n] = v["value"] if isinstance(v, dict) else int(v)
	    return c
	before = counts()
	want = dict(before)
	for p in wanted:
	    want[p.split(">")[1]] += 1
	for p in sends:
	    a, b = p.split(">")
	    r = api(a, "send_message", {"type": "chat", "from": "u@%s.test" % a, "to": "u@%s.test" % b,
	                                "subject": "", "body": "t1100 %s at %f" % (p, time.time())})
	    assert r in (0, ""), "send_message %s: %r" % (p, r)
	t0 = time.time()
	now = counts()
	while any(now[n] < want[n] for n in srv) and time.time() - t0 < 10:
	    time.sleep(0.1)
	    now = counts()
	t_in = time.time() - t0
	# A refusal is a matter of milliseconds (a denied dialback, or a bounce before any connection):
	# when some messages must not arrive, make sure for a while that they do not.
	settle = 1.5 if sorted(sends) != sorted(wanted) else 0
	t1 = time.time()
	while all(now[n] == want[n] for n in srv) and time.time() - t1 < settle:
	    time.sleep(0.1)
	    now = counts()
	for n in srv:
	    print("u@%s.test: %d offline before, %d after, %d wanted" % (n, before[n], now[n], want[n]))
	print("expected messages in after %.2f s; counts then unchanged for %.1f s" % (t_in, time.time() - t1))
	sys.exit(0 if now == want else 1)
	PY
}

# wait_s2s NAME 'IN OUT' [SECONDS]: polls (up to 10 s) until server NAME has IN incoming and OUT
# outgoing s2s streams (incoming_s2s_number, outgoing_s2s_number); prints what it has.
wait_s2s() {
	python3 - "$(eval "echo \"\$EJ_URL_$1\"")" "$(cat "$T/ejabberd-$1/admin.basic")" "$1" "$2" "${3:-10}" <<-\PY
	import base64, json, sys, time, urllib.request
	url, cred, name, want, limit = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
	auth = "Basic " + base64.b64encode(cred.encode()).decode()
	def number(cmd):
	    req = urllib.request.Request(url + "/api/" + cmd, data=b"{}", method="POST",
	                                 headers={"Content-Type": "application/json", "Authorization": auth})
	    with urllib.request.urlopen(req, timeout=10) as r:
	        return list(json.loads(r.read().decode()).values())[0]
	t0 = time.time()
	while True:
	    got = "%d %d" % (number("incoming_s2s_number"), number("outgoing_s2s_number"))
	    if got == want or time.time() - t0 > limit:
	        break
	    time.sleep(0.1)
	print("%s: s2s streams in/out %s (wanted %s) after %.1f s" % (name, got, want, time.time() - t0))
	sys.exit(0 if got == want else 1)
	PY
}

log_mark() { for _n in example partner stranger; do wc -l <"$T/ejabberd-$_n/logs/ejabberd.log" >"$T/$_n.mark"; done; }
log_since() { tail -n "+$(($(cat "$T/$1.mark") + 1))" "$T/ejabberd-$1/logs/ejabberd.log"; }
# log_has NAME TEXT [TEXT2]: a line logged since log_mark holds TEXT (and TEXT2); waits up to 3 s for
# the log to be written.
log_lines() { log_since "$1" | grep -F -- "$2" | grep -F -- "${3:-$2}"; }
log_has() {
	_i=0
	while ! log_lines "$@" >/dev/null && [ $_i -lt 30 ]; do sleep 0.1; _i=$((_i + 1)); done
	log_lines "$@" | cut -c 1-300 | head -n 2 | grep . && return 0
	echo "ejabberd $1 logged no line with: $2 $3"
	echo "since the mark:"
	log_since "$1" | cut -c 1-300 | tail -n 20
	return 1
}

# --- the namespace
test_expect_success 'the test has a network namespace of its own: only lo, no route off loopback' '
	echo "links: $(netns_links | tr "\n" " ")" &&
	test "$(netns_links)" = lo &&
	test "$(sed -n "3,\$p" /proc/net/dev | cut -d: -f1 | tr -d " ")" = lo &&
	test "$NETNS_ID" != "$NETNS_HOST_ID" && echo "namespace $NETNS_ID, host $NETNS_HOST_ID" &&
	test -z "$(ip -4 route show table main)" &&
	! ip route get 192.0.2.1 2>"$T/route.err" && cat "$T/route.err" &&
	grep_in "$T/route.err" "Network is unreachable" &&
	for n in example partner stranger; do
		pid=$(sed -n "s/^EJ_PID=//p" "$T/ejabberd-$n/instance.env") &&
		test "$(readlink "/proc/$pid/ns/net")" = "$NETNS_ID" || { echo "ejabberd $n (pid $pid) is not in it"; exit 1; }
	done
'
test_expect_success 'inside, the three names resolve to 127.0.0.1 (bind-mounted /etc/hosts), others to nothing' '
	for d in $DOMAINS; do
		getent hosts "$d" >"$T/getent" && cat "$T/getent" && grep_in "$T/getent" "127.0.0.1" || exit 1
	done &&
	grep_in /etc/resolv.conf "nameserver 127.0.0.1" &&
	! getent hosts nowhere.invalid &&
	grep_in "$NETNS_DIR/dns.log" "nowhere.invalid 1 NXDOMAIN" &&
	ERL_INETRC="$EJ_DIR_example/inetrc" erl -noshell -eval "io:format(\"~p~n\", [[inet_res:getbyname(\"_xmpp-server._tcp.partner.test\", srv), inet:gethostbyname(\"stranger.test\")]]), halt()." >"$T/erl" &&
	cat "$T/erl" &&
	grep_in "$T/erl" "$(ejabberd_use partner && echo "$EJ_S2S_PORT")" && grep_in "$T/erl" "{127,0,0,1}"
'

# --- baseline
ALL='example>partner example>stranger partner>example partner>stranger stranger>example stranger>partner'
test_expect_success 'baseline: all three federate (a message from each to each arrives over s2s dialback)' '
	round "$ALL" "$ALL" &&
	for n in example partner stranger; do wait_s2s "$n" "2 2" || exit 1; done
'
say "# baseline delivered after $(elapsed)"

# --- closing federation on example.test
cat >"$T/allowlist.yaml" <<'YML'
version: 1
server: example.test
federation:
  mode: allowlist
  partners: [partner.test]
YML
cat >"$T/closed.yaml" <<'YML'
version: 1
server: example.test
federation:
  mode: closed
YML

# fragment_block MODE [PARTNER...]: the federation block exactly as msgadm renders it
# (cli/drivers/ejabberd_config.c), with its markers.
fragment_block() {
	echo "# BEGIN msgadm federation"
	case $1 in
	allowlist)
		shift
		echo "# Federation only with the partners."
		printf 'acl:\n  msgadm_partners:\n    server:\n'
		for p in "$@"; do printf '      - "%s"\n' "$p"; done
		printf 'access_rules:\n  msgadm_s2s:\n    allow: msgadm_partners\n    deny: all\n'
		;;
	closed)
		echo "# No federation: every server-to-server connection is refused."
		printf 'access_rules:\n  msgadm_s2s:\n    deny: all\n'
		;;
	esac
	echo "s2s_access: msgadm_s2s"
	echo "# END msgadm federation"
}

# msgadm's context for example.test: the admin by HTTP Basic, and the fragment its ejabberd.yml
# includes, where apply keeps the federation block and then calls reload_config.
cat >"$MSGADM_CONFIG" <<CFG
current_context: example
contexts:
  - name: example
    driver: ejabberd
    url: $EJ_URL_example
    server: example.test
    auth: basic
    token_file: $EJ_DIR_example/admin.basic
    config_fragment: $EJ_DIR_example/msgadm.yml
CFG
chmod 600 "$MSGADM_CONFIG"
FEDERATION_BY=${FEDERATION_BY:-msgadm}

# apply_federation POLICY MODE [PARTNER...]: puts example.test under the policy's federation.
apply_federation() {
	_policy=$1
	shift
	if [ "$FEDERATION_BY" = msgadm ]; then
		expect_status 2 plan -f "$_policy" --detailed-exitcode && cat "$T/stdout" &&
		expect_status 0 -v apply -f "$_policy" --yes && cat "$T/stdout" &&
		cp "$T/stderr" "$T/apply.trace" &&
		echo "--- $EJ_DIR_example/msgadm.yml (by msgadm)" && cat "$EJ_DIR_example/msgadm.yml" &&
		grep_in "$EJ_DIR_example/msgadm.yml" "# BEGIN msgadm federation" &&
		grep_in "$EJ_DIR_example/msgadm.yml" "# END msgadm federation" &&
		test "$(stat -c %U "$EJ_DIR_example/msgadm.yml")" = ejabberd &&
		expect_status 0 plan -f "$_policy" --detailed-exitcode
	else
		# BY HAND: msgadm's block, written into the fragment in place (it stays ejabberd's file).
		fragment_block "$@" >"$EJ_DIR_example/msgadm.yml" &&
		echo "--- $EJ_DIR_example/msgadm.yml (by hand)" && cat "$EJ_DIR_example/msgadm.yml" &&
		ejabberd_reload example
	fi
}

# close_s2s [NAME...]: ejabberd applies s2s_access to new streams only, so example.test's open ones
# must go: msgadm apply closes them (stop_s2s_connections after reload_config, in its -v trace);
# by hand, the test calls stop_s2s_connections. Then the servers NAME, which had streams with
# example.test, notice that they are closed, and keep only the one between them (1 in, 1 out).
close_s2s() {
	if [ "$FEDERATION_BY" = msgadm ]; then
		grep -n "reload_config\|stop_s2s_connections" "$T/apply.trace" | cut -c 1-200
		_r=$(grep -n reload_config "$T/apply.trace" | tail -n 1 | cut -d: -f1)
		_s=$(grep -n stop_s2s_connections "$T/apply.trace" | tail -n 1 | cut -d: -f1)
		[ -n "$_r" ] && [ -n "$_s" ] && [ "$_s" -gt "$_r" ] || {
			echo "msgadm apply did not call stop_s2s_connections after reload_config"
			return 1
		}
	else
		ejabberd_api example stop_s2s_connections || return 1
	fi
	wait_s2s example "0 0" || return 1
	for _n in "$@"; do wait_s2s "$_n" "1 1" || return 1; done
}

if [ "$FEDERATION_BY" = msgadm ]; then
	by="msgadm apply, then plan --detailed-exitcode: 0"
else
	by="BY HAND (FEDERATION_BY=hand), no msgadm"
fi
test_expect_success "allowlist [partner.test] on example.test ($by); ejabberd has it" '
	apply_federation "$T/allowlist.yaml" allowlist partner.test &&
	ejabberd_api example dump_config "{\"out\": \"$EJ_DIR_example/dump.yml\"}" &&
	grep_in "$EJ_DIR_example/dump.yml" "s2s_access: msgadm_s2s" &&
	grep_in "$EJ_DIR_example/dump.yml" "- \"partner.test\""
'
if [ "$FEDERATION_BY" = msgadm ]; then
	test_expect_success 'msgadm apply then closed the s2s streams open before (stop_s2s_connections)' 'close_s2s partner stranger'
else
	test_expect_success '23.01: after reload_config the streams already open stay up, and still carry a stranger message' '
		wait_s2s example "2 2" 1 &&
		round "stranger>example" "stranger>example"
	'
	test_expect_success 'stop_s2s_connections (called by the test) closes them' 'close_s2s partner stranger'
fi
log_mark
test_expect_success 'allowlist: partner.test both ways arrives; stranger.test both ways is refused' '
	round "example>partner partner>example example>stranger stranger>example" "example>partner partner>example" &&
	log_has example "authentication stranger.test -> example.test" "Access denied by service policy" &&
	log_has stranger "Failed to establish outbound s2s connection stranger.test -> example.test" &&
	wait_s2s example "1 1" 1
'
test_expect_success 'allowlist: partner.test and stranger.test still federate with each other' '
	round "partner>stranger stranger>partner" "partner>stranger stranger>partner"
'

test_expect_success "closed on example.test ($by); ejabberd has it; its s2s streams closed" '
	apply_federation "$T/closed.yaml" closed &&
	ejabberd_api example dump_config "{\"out\": \"$EJ_DIR_example/dump.yml\"}" &&
	grep_in "$EJ_DIR_example/dump.yml" "s2s_access: msgadm_s2s" &&
	not_in "$EJ_DIR_example/dump.yml" "partner.test" &&
	close_s2s partner
'
log_mark
test_expect_success 'closed: partner.test and stranger.test, both ways, are refused' '
	round "example>partner partner>example example>stranger stranger>example" "" &&
	log_has example "authentication partner.test -> example.test" "Access denied by service policy" &&
	log_has partner "Failed to establish outbound s2s connection partner.test -> example.test" &&
	wait_s2s example "0 0" 1
'

# --- nothing but loopback, nothing but our names
test_expect_success 'every socket in the namespace is on 127.0.0.1, and lo carried all the traffic' '
	netns_foreign_sockets >"$T/foreign" && ! test -s "$T/foreign" &&
	ip -s -o link show lo | sed "s/\\\\ */ /g" &&
	test "$(awk -F "[: ]+" "/lo:/ {print \$4}" /proc/net/dev)" -gt 0
'
test_expect_success 'the servers asked our DNS server only about the three names' '
	sort "$NETNS_DIR/dns.log" | uniq -c &&
	grep_in "$NETNS_DIR/dns.log" "_xmpp-server._tcp.partner.test 33 NOERROR" &&
	test -z "$(netns_dns_foreign | grep -v "^nowhere\.invalid ")"
'
say "# done after $(elapsed) (the servers stop next)"
