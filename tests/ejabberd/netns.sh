# A private network for end-to-end tests that need real servers to talk to each other (ejabberd s2s):
# the test script runs itself again inside new network, mount and PID namespaces, where the only
# network device is loopback, so no packet can leave; the names it serves resolve to 127.0.0.1 there
# only, from a hosts file bind-mounted over /etc/hosts and a DNS server of its own on 127.0.0.1:53
# (bind-mounted /etc/resolv.conf), which also answers the SRV records that tell each server the s2s
# port of the others. POSIX sh.
#
#   . "$(dirname "$0")/../ejabberd/netns.sh"
#   netns_enter "$@"                 # first thing in the script, before lib.sh: runs the script again
#                                    # inside the namespaces; returns only there
#   . "$(dirname "$0")/lib.sh"
#   . "$TOP/tests/ejabberd/harness.sh"
#   netns_setup a.test b.test        # loopback up, hosts, resolv.conf, DNS server; after harness.sh
#   netns_srv a.test 5269            # _xmpp-server._tcp.a.test -> a.test:5269 (ttl 0)
#   EJ_INETRC_EXTRA=$NETNS_INETRC ejabberd_start ...   # the node asks our DNS server for SRV records
#
# Functions
#   netns_enter ARGS...   Outside: makes sure namespaces can be made (else prints "not ok - network
#                         namespaces unavailable: REASON" and exits 1, never a skip), then runs
#                         `sh $0 ARGS...` under `unshare --net --mount --pid --fork --mount-proc
#                         --kill-child=SIGTERM`, passes TERM, HUP and INT on to it as TERM (the
#                         script's traps stop the servers and remove $T), and when it has ended
#                         checks (one "ok"/"not ok" line) that no process is left in its network
#                         namespace and that the host's /etc/hosts and /etc/resolv.conf are unchanged;
#                         exits with the inner script's status. Inside: returns at once.
#                         The test script is PID 1 of its PID namespace: when it ends, however it ends
#                         (even SIGKILL), the kernel kills every process left in it (the ejabberd
#                         nodes, the DNS server), and the network namespace goes with the last of them.
#                         Mount propagation is private (unshare's default): the bind mounts stay inside.
#   netns_setup NAMES...  Inside, after lib.sh and harness.sh: brings lo up, bind-mounts a hosts file
#                         (127.0.0.1 localhost $(hostname) NAMES) over /etc/hosts and "nameserver 127.0.0.1" over
#                         /etc/resolv.conf, starts the DNS server. Prints "not ok - ..." and exits 1
#                         when any of it fails.
#   netns_srv NAME PORT   publish the s2s SRV record of NAME
#   netns_links           the namespace's network devices, one name a line (only "lo" is expected)
#   netns_foreign_sockets every TCP/UDP socket of the namespace bound to an address other than 127.0.0.1
#                         or with a peer other than 127.0.0.1 (none expected)
#   netns_dns_foreign     DNS questions for names outside NAMES and their SRV records (none expected)
#
# Variables (inside): NETNS_DIR ($T/netns: hosts, resolv.conf, zone, dns.log), NETNS_ID (net:[inode]
# of the namespace), NETNS_HOST_ID (that of the host, from outside), NETNS_INETRC (inetrc terms that
# make an Erlang node use the DNS server: for EJ_INETRC_EXTRA), NETNS_DNS_PID.

[ -n "${NETNS_LOADED:-}" ] && return 0
NETNS_LOADED=1

# _netns_pids NETNS: the processes whose network namespace is NETNS ("net:[inode]"), host side.
_netns_pids() {
	for _p in /proc/[0-9]*; do
		[ "$(readlink "$_p/ns/net" 2>/dev/null)" = "$1" ] && echo "${_p#/proc/}"
	done
}

_netns_sum() { cat /etc/hosts /etc/resolv.conf 2>/dev/null | cksum; }

netns_enter() {
	if [ "${NETNS_INSIDE:-}" = "$$" ]; then
		return 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "not ok - network namespaces unavailable: the test makes them as root; uid is $(id -u)"
		exit 1
	fi
	for _c in unshare ip mount python3; do
		if ! command -v "$_c" >/dev/null; then
			echo "not ok - network namespaces unavailable: $_c is not installed"
			exit 1
		fi
	done
	_why=$(unshare --net --mount --pid --fork --mount-proc --kill-child=SIGTERM sh -c 'ip link set lo up' 2>&1) || {
		echo "not ok - network namespaces unavailable: ${_why:-unshare failed}"
		exit 1
	}
	_netns_host=$(readlink /proc/self/ns/net)
	_netns_before=$(_netns_sum)
	_netns_id_file=$(mktemp "${TMPDIR:-/tmp}/msgadm-netns.XXXXXX")
	# The script becomes PID 1 of the new PID namespace, so NETNS_INSIDE=1 is what it finds in $$.
	NETNS_INSIDE=1 NETNS_HOST_ID=$_netns_host NETNS_ID_FILE=$_netns_id_file \
		unshare --net --mount --pid --fork --mount-proc --kill-child=SIGTERM -- sh "$0" "$@" &
	_netns_unshare=$!
	# unshare blocks TERM and INT while it waits, and the script, started in the background, ignores
	# INT: so TERM, HUP and INT (Ctrl-C) here become a TERM to the script, whose traps clean up.
	trap '_netns_forward' TERM HUP INT
	_netns_rc=
	while [ -z "$_netns_rc" ]; do
		wait "$_netns_unshare"
		_rc=$?
		# wait returns >128 when a trapped signal interrupted it; the job may still run.
		if kill -0 "$_netns_unshare" 2>/dev/null; then continue; fi
		_netns_rc=$_rc
	done
	_id=$(cat "$_netns_id_file" 2>/dev/null)
	rm -f "$_netns_id_file"
	if [ -z "$_id" ]; then
		echo "not ok - the test did not get as far as its network namespace (exit $_netns_rc)"
		[ "$_netns_rc" -eq 0 ] && _netns_rc=1
	else
		# The kernel kills what is left in the PID namespace when its PID 1 ends; give it a moment.
		_i=0
		while [ -n "$(_netns_pids "$_id")" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
		_left=$(_netns_pids "$_id" | tr '\n' ' ')
		if [ -n "$_left" ]; then
			echo "not ok - processes left in the test's network namespace $_id: $_left"
			[ "$_netns_rc" -eq 0 ] && _netns_rc=1
		elif [ "$(_netns_sum)" != "$_netns_before" ]; then
			echo "not ok - the host's /etc/hosts or /etc/resolv.conf changed during the test"
			[ "$_netns_rc" -eq 0 ] && _netns_rc=1
		else
			echo "ok - after the test no process is left in its network namespace $_id (so it is gone), and the host's /etc/hosts and /etc/resolv.conf are as before"
		fi
	fi
	exit "$_netns_rc"
}

_netns_forward() { # SIGTERM to the script: the child of unshare (in host PID numbers)
	for _c in $(cat "/proc/$_netns_unshare/task/$_netns_unshare/children" 2>/dev/null); do
		kill -TERM "$_c" 2>/dev/null
	done
}

_netns_fail() {
	say "not ok - network namespace setup: $1"
	exit 1
}

netns_setup() {
	[ "${NETNS_INSIDE:-}" = 1 ] && [ "$$" -eq 1 ] || _netns_fail "netns_setup runs only inside netns_enter"
	NETNS_DIR="$T/netns"
	NETNS_NAMES="$*"
	NETNS_ID=$(readlink /proc/self/ns/net)
	[ -n "${NETNS_ID_FILE:-}" ] && echo "$NETNS_ID" >"$NETNS_ID_FILE"
	[ "$NETNS_ID" != "${NETNS_HOST_ID:-}" ] || _netns_fail "still in the host's network namespace"
	mkdir -p "$NETNS_DIR"
	_out=$(ip link set lo up 2>&1) || _netns_fail "ip link set lo up: $_out"
	{
		printf '127.0.0.1 localhost %s' "$(hostname)"
		for _h in "$@"; do printf ' %s' "$_h"; done
		printf '\n::1 localhost\n'
	} >"$NETNS_DIR/hosts"
	printf 'nameserver 127.0.0.1\n' >"$NETNS_DIR/resolv.conf"
	: >"$NETNS_DIR/zone"
	: >"$NETNS_DIR/dns.log"
	chmod 0644 "$NETNS_DIR/hosts" "$NETNS_DIR/resolv.conf"
	# Make sure the bind mounts stay in this mount namespace whatever the host's propagation is.
	_out=$(mount --make-rprivate / 2>&1) || _netns_fail "mount --make-rprivate /: $_out"
	for _f in hosts resolv.conf; do
		_out=$(mount --bind "$NETNS_DIR/$_f" "/etc/$_f" 2>&1) || _netns_fail "bind-mount /etc/$_f: $_out"
	done
	python3 - "$NETNS_DIR" "$@" >"$NETNS_DIR/dns.out" 2>&1 <<'PY' &
# A DNS server for the namespace: A 127.0.0.1 for the names given, SRV _xmpp-server._tcp.NAME from
# the zone file (re-read on every question: "NAME PORT" lines), NXDOMAIN for everything else; every
# question is logged, one "name type rcode" line each.
import os, socket, struct, sys
d, names = sys.argv[1], {n.lower() for n in sys.argv[2:]} | {"localhost"}
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
open(os.path.join(d, "dns.ready"), "w").close()
log = open(os.path.join(d, "dns.log"), "a", buffering=1)
def name_bytes(n):
    return b"".join(bytes([len(l)]) + l.encode() for l in n.split(".")) + b"\0"
while True:
    q, peer = s.recvfrom(4096)
    try:
        qid, flags, qd = struct.unpack(">HHH", q[:6])
        pos, labels = 12, []
        while q[pos]:
            labels.append(q[pos + 1:pos + 1 + q[pos]].decode("ascii", "replace"))
            pos += 1 + q[pos]
        qtype, qclass = struct.unpack(">HH", q[pos + 1:pos + 5])
        question = q[12:pos + 5]
    except (IndexError, struct.error):
        continue
    name = ".".join(labels).lower()
    zone = {}
    for line in open(os.path.join(d, "zone")):
        f = line.split()
        if len(f) == 2:
            zone[f[0].lower()] = int(f[1])
    answers, rcode = [], 3
    if name in names:
        rcode = 0
        if qtype == 1:
            answers.append((1, bytes([127, 0, 0, 1])))
    elif name.startswith("_xmpp-server._tcp.") and name[18:] in zone:
        rcode = 0
        if qtype == 33:
            answers.append((33, struct.pack(">HHH", 0, 0, zone[name[18:]]) + name_bytes(name[18:])))
    log.write("%s %d %s\n" % (name, qtype, "NOERROR" if rcode == 0 else "NXDOMAIN"))
    r = struct.pack(">HHHHHH", qid, 0x8400 | (flags & 0x0100) | rcode, 1, len(answers), 0, 0) + question
    for t, rdata in answers:
        r += struct.pack(">HHHIH", 0xC00C, t, 1, 0, len(rdata)) + rdata
    s.sendto(r, peer)
PY
	NETNS_DNS_PID=$!
	_i=0
	while [ ! -e "$NETNS_DIR/dns.ready" ] && kill -0 "$NETNS_DNS_PID" 2>/dev/null && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -e "$NETNS_DIR/dns.ready" ] || _netns_fail "the DNS server did not start: $(cat "$NETNS_DIR/dns.out")"
	HARNESS_EXIT_HOOKS="${HARNESS_EXIT_HOOKS:-} _netns_dns_stop"
	# Erlang re-reads its resolv_conf file when it changes (it does within seconds of the start: the
	# harness's is empty), and then takes the nameservers from it alone: so name ours, not a nameserver.
	NETNS_INETRC="{resolv_conf, \"$NETNS_DIR/resolv.conf\"}.
{timeout, 1000}.
{retry, 2}."

}

_netns_dns_stop() {
	[ -n "${NETNS_DNS_PID:-}" ] && kill "$NETNS_DNS_PID" 2>/dev/null && wait "$NETNS_DNS_PID" 2>/dev/null
	NETNS_DNS_PID=
}

netns_srv() { # NAME PORT
	printf '%s %s\n' "$1" "$2" >>"$NETNS_DIR/zone"
}

netns_links() {
	ip -o link show | sed 's/^[0-9]*: \([^:@]*\).*/\1/'
}

netns_foreign_sockets() {
	# /proc/net is this namespace's; addresses are little-endian hex, 0100007F is 127.0.0.1.
	for _proto in tcp udp tcp6 udp6; do
		awk -v p="$_proto" 'NR > 1 {
			split($2, l, ":"); split($3, r, ":")
			if (l[1] != "0100007F" || (r[1] != "0100007F" && r[1] != "00000000")) print p, $2, $3
		}' "/proc/net/$_proto"
	done
}

netns_dns_foreign() {
	awk -v names="$NETNS_NAMES localhost" 'BEGIN { n = split(names, a, " "); for (i = 1; i <= n; i++) ok[a[i]] = 1 }
		{ d = $1; sub(/^_xmpps?-server\._tcp\./, "", d); if (!(d in ok)) print }' "$NETNS_DIR/dns.log"
}
