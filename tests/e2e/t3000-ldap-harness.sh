#!/bin/sh
# The LDAP test harness against a real OpenLDAP slapd: a private instance with its own cn=config on
# 127.0.0.1 only, the seed of tests/ldap/README.md (size limit, groups of each kind, nesting and a
# cycle, ppolicy locks, the AD-shaped subtree), TLS that fails for the wrong CA and the wrong host
# name, secrets in 0600 files only, and nothing left running or on disk when a test script ends.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/ldap/harness.sh"

ldap_start main
say "# slapd main: configured, seeded (1,200 people) and answering in $LDAP_START_MS ms; RSS $(sed -n 's/^VmRSS:[[:space:]]*//p' "/proc/$LDAP_PID/status")"
P="ou=people,$LDAP_BASE"
G="ou=groups,$LDAP_BASE"

# svc ARGS...: ldapsearch as the service account over LDAP_URL, as msgadm will see the directory.
svc() { ldapsearch -x -LLL -o ldif-wrap=no -H "$LDAP_URL" -D "$LDAP_BIND_DN" -y "$LDAP_BIND_PW_FILE" "$@"; }
# dns FILE: the entries' DNs of an LDIF, sorted (base64 dn:: lines decoded).
dns() {
	python3 - "$1" <<-\PY
	import base64, sys
	out = []
	for line in open(sys.argv[1], encoding="utf-8"):
	    if line.startswith("dn:: "):
	        out.append(base64.b64decode(line[5:]).decode())
	    elif line.startswith("dn: "):
	        out.append(line[4:].rstrip("\n"))
	print("\n".join(sorted(out)))
	PY
}
# same WANT GOT: the two files hold the same lines (both sorted by the caller), or a diff.
same() { diff -u "$1" "$2"; }
# values FILE ATTR: the values of ATTR in an LDIF, sorted, base64 decoded.
values() {
	python3 - "$1" "$2" <<-\PY
	import base64, sys
	out = []
	a = sys.argv[2].lower()
	for line in open(sys.argv[1], encoding="utf-8"):
	    name, sep, v = line.rstrip("\n").partition(":")
	    if not sep or name.lower() != a:
	        continue
	    out.append(base64.b64decode(v[1:].strip()).decode() if v.startswith(":") else v.strip())
	print("\n".join(sorted(out)))
	PY
}

wait_file() { # FILE SECONDS: until FILE is not empty
	i=0
	while ! test -s "$1" && [ $i -lt $(($2 * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	test -s "$1"
}
gone() { # PID: the process has ended (within 2 s), zombies included: a server (re)started inside
	# a test block was the child of its subshell, so PID 1 reaps it
	i=0
	while test -d "/proc/$1" && ! grep -q "^State:[[:space:]]*Z" "/proc/$1/status" 2>/dev/null && [ $i -lt 20 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	! test -d "/proc/$1" || grep -q "^State:[[:space:]]*Z" "/proc/$1/status"
}

test_expect_success 'slapd is the Debian package'"'"'s, on its own cn=config, not the system'"'"'s service' '
	tr "\0" " " <"/proc/$LDAP_PID/cmdline" >"$T/cmdline" && cat "$T/cmdline" &&
	grep_in "$T/cmdline" "/usr/sbin/slapd -d stats -F $LDAP_DIR/slapd.d -h ldap://127.0.0.1:$LDAP_PORT/ ldaps://127.0.0.1:$LDAPS_PORT/ ldapi://" &&
	not_in "$T/cmdline" "/etc/ldap" &&
	test -f "$LDAP_DIR/slapd.d/cn=config.ldif" &&
	ldap_search main -b "" -s base namingContexts >"$T/dse" && grep_in "$T/dse" "namingContexts: $LDAP_BASE"
'
test_expect_success 'slapd listens on 127.0.0.1 only, on the two ports the harness chose' '
	python3 - "$LDAP_PID" "$LDAP_PORT $LDAPS_PORT" <<-\PY
	import os, sys
	pid, ports = int(sys.argv[1]), [int(p) for p in sys.argv[2].split()]
	inodes = set()
	for fd in os.listdir("/proc/%d/fd" % pid):
	    try:
	        l = os.readlink("/proc/%d/fd/%s" % (pid, fd))
	    except OSError:
	        continue
	    if l.startswith("socket:["):
	        inodes.add(l[8:-1])
	listening = []
	for proto in ("tcp", "tcp6", "udp", "udp6"):
	    for line in open("/proc/net/" + proto).read().splitlines()[1:]:
	        f = line.split()
	        if f[9] in inodes and (proto.startswith("udp") or f[3] == "0A"):
	            listening.append((proto, f[1]))
	print("listening:", listening)
	assert sorted(listening) == sorted(("tcp", "0100007F:%04X" % p) for p in ports), listening
	PY
'
test_expect_success 'passwords are in 0600 files without a newline, never on a command line' '
	test "$(stat -c %a "$LDAP_BIND_PW_FILE") $(stat -c %a "$LDAP_ADMIN_PW_FILE") $(stat -c %a "$LDAP_DIR/config.ldif")" = "600 600 600" &&
	pw=$(cat "$LDAP_BIND_PW_FILE") && apw=$(cat "$LDAP_ADMIN_PW_FILE") &&
	test "${#pw}" -ge 24 && test "${#apw}" -ge 24 && test "$pw" != "$apw" &&
	test "$(wc -l <"$LDAP_BIND_PW_FILE") $(wc -l <"$LDAP_ADMIN_PW_FILE")" = "0 0" &&
	ps -eo args >"$T/ps" && not_in "$T/ps" "$pw" && not_in "$T/ps" "$apw" &&
	not_in "$LDAP_DIR/config.ldif" "$apw" && not_in "$LDAP_DIR/seed.ldif" "$pw" &&
	grep_in "$LDAP_DIR/config.ldif" "olcRootPW: {SSHA}"
'
test_expect_success 'the service account binds and reads people, but not userPassword' '
	svc -b "$P" "(uid=alice)" >"$T/alice" && cat "$T/alice" &&
	grep_in "$T/alice" "mail: alice@example.test" && not_in "$T/alice" "userPassword" &&
	svc -b "$P" "(uid=alice)" userPassword >"$T/alice-pw" && not_in "$T/alice-pw" "userPassword" &&
	ldap_search main -b "$P" "(uid=alice)" userPassword >"$T/alice-admin" && grep_in "$T/alice-admin" "userPassword" &&
	svc -b "$P" "(userPassword=*)" 1.1 >"$T/pw-filter" && test ! -s "$T/pw-filter" &&
	svc -b "$P" "(uid=alice)" entryUUID >"$T/uuid" && grep -q "^entryUUID: [0-9a-f-]\{36\}$" "$T/uuid" &&
	{ svc -b "ou=policies,$LDAP_BASE" 1.1 >"$T/policies" 2>&1; rc=$?; } && test "$rc" -eq 32 &&
	! ldapsearch -x -H "$LDAP_URL" -D "$LDAP_BIND_DN" -y "$LDAP_ADMIN_PW_FILE" -b "$P" -s base 1.1 >"$T/badpw" 2>&1 &&
	grep_in "$T/badpw" "Invalid credentials (49)"
'
test_expect_success 'a plain search stops at 500 with "Size limit exceeded (4)"; a paged one gets all 1,200' '
	{ svc -b "$P" "(objectClass=inetOrgPerson)" 1.1 >"$T/plain" 2>"$T/plain.err"; rc=$?; } &&
	test "$rc" -eq 4 && grep_in "$T/plain.err" "Size limit exceeded (4)" &&
	test "$(grep -c "^dn:" "$T/plain")" -eq 500 &&
	svc -b "$P" -E pr=500/noprompt "(objectClass=inetOrgPerson)" 1.1 >"$T/paged" &&
	test "$(grep -c "^dn" "$T/paged")" -eq 1200 &&
	dns "$T/paged" | sort -u | wc -l | grep -qx 1200 &&
	ldap_search main -b "$P" "(objectClass=inetOrgPerson)" 1.1 >"$T/admin-all" &&
	test "$(grep -c "^dn" "$T/admin-all")" -eq 1200
'
test_expect_success 'groups of each kind, nested two deep, with a cycle, as tests/ldap/README.md says' '
	svc -b "cn=messaging,$G" -s base member >"$T/m" && values "$T/m" member >"$T/m.v" &&
	printf "%s\n" "cn=staff,$G" "uid=Mallory,$P" "uid=alice,$P" "uid=bob,$P" "uid=dave,$P" "uid=jürgen,$P" "uid=kim lee,$P" | sort >"$T/m.want" &&
	same "$T/m.want" "$T/m.v" &&
	svc -b "cn=staff,$G" -s base member >"$T/s" && values "$T/s" member >"$T/s.v" &&
	printf "%s\n" "uid=carol,$P" "uid=erin,$P" "cn=interns,$G" | sort >"$T/s.want" && same "$T/s.want" "$T/s.v" &&
	svc -b "cn=interns,$G" -s base member >"$T/i" && test "$(grep -c "^member:" "$T/i")" -eq 11 &&
	grep_in "$T/i" "member: uid=frank,$P" && grep_in "$T/i" "member: uid=user0010,$P" &&
	svc -b "cn=messaging-admins,$G" -s base member >"$T/a" && values "$T/a" member >"$T/a.v" &&
	printf "%s\n" "uid=alice,$P" "uid=carol,$P" | sort >"$T/a.want" && same "$T/a.want" "$T/a.v" &&
	svc -b "cn=cycle-a,$G" -s base member >"$T/ca" && grep_in "$T/ca" "member: cn=cycle-b,$G" &&
	svc -b "cn=cycle-b,$G" -s base member >"$T/cb" && grep_in "$T/cb" "member: cn=cycle-a,$G" &&
	svc -b "$G" "(objectClass=groupOfUniqueNames)" uniqueMember >"$T/u" &&
	grep_in "$T/u" "uniqueMember: cn=unique-sub,$G" && test "$(grep -c "^uniqueMember:" "$T/u")" -eq 6 &&
	svc -b "cn=posix-devs,$G" -s base memberUid gidNumber >"$T/px" &&
	grep_in "$T/px" "memberUid: alice" && grep_in "$T/px" "memberUid: user0002" && grep_in "$T/px" "gidNumber: 5000" &&
	svc -b "cn=posix-empty,$G" -s base memberUid >"$T/pe" && not_in "$T/pe" memberUid &&
	svc -b "cn=everyone,$G" -s base member >"$T/e" && test "$(grep -c "^member" "$T/e")" -eq 1200 &&
	svc -b "$G" "(member=uid=alice,$P)" 1.1 >"$T/of-alice" && dns "$T/of-alice" >"$T/of-alice.v" &&
	printf "%s\n" "cn=everyone,$G" "cn=messaging,$G" "cn=messaging-admins,$G" | sort >"$T/of-alice.want" &&
	same "$T/of-alice.want" "$T/of-alice.v"
'
test_expect_success 'nesting resolved as tests/ldap/README.md counts it: messaging 19, staff 13, cycles end' '
	svc -b "$G" "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))" member uniqueMember >"$T/groups" &&
	python3 - "$T/groups" "$G" <<-\PY
	import base64, sys
	members, dn = {}, None
	for line in open(sys.argv[1], encoding="utf-8"):
	    name, sep, v = line.rstrip("\n").partition(":")
	    if not sep:
	        continue
	    v = base64.b64decode(v[1:].strip()).decode() if v.startswith(":") else v.strip()
	    if name == "dn":
	        dn = v
	        members[dn] = []
	    else:
	        members[dn].append(v)
	def people(g):
	    seen, todo, out = set(), [g], set()
	    while todo:
	        x = todo.pop()
	        if x in seen:
	            continue
	        seen.add(x)
	        for m in members[x]:
	            if m in members:
	                todo.append(m)
	            else:
	                out.add(m)
	    return out
	g = lambda cn: "cn=%s,%s" % (cn, sys.argv[2])
	want = {"messaging": 19, "staff": 13, "interns": 11, "messaging-admins": 2, "cycle-a": 2, "cycle-b": 2,
	        "everyone": 1200, "unique-team": 5, "unique-sub": 2}
	got = {cn: len(people(g(cn))) for cn in want}
	print(got)
	assert got == want, got
	assert {m.split(",")[0] for m in people(g("cycle-a"))} == {"uid=grace", "uid=heidi"}
	PY
'
test_expect_success 'the people whose uid is no Matrix localpart are there, as they are' '
	svc -b "$P" "(|(uid=kim lee)(uid=jürgen)(uid=mallory))" uid >"$T/odd" && values "$T/odd" uid >"$T/odd.v" &&
	printf "%s\n" "Mallory" "jürgen" "kim lee" | sort >"$T/odd.want" && same "$T/odd.want" "$T/odd.v"
'
test_expect_success 'ppolicy: dave, erin and user0100 are locked (pwdAccountLockedTime); the admin can unlock and lock' '
	svc -b "$P" "(pwdAccountLockedTime=*)" pwdAccountLockedTime >"$T/locked" && cat "$T/locked" &&
	dns "$T/locked" >"$T/locked.v" &&
	printf "%s\n" "uid=dave,$P" "uid=erin,$P" "uid=user0100,$P" | sort >"$T/locked.want" &&
	same "$T/locked.want" "$T/locked.v" &&
	grep_in "$T/locked" "pwdAccountLockedTime: 000001010000Z" &&
	printf "dn: uid=erin,%s\nchangetype: modify\ndelete: pwdAccountLockedTime\n" "$P" | ldap_modify main >/dev/null &&
	svc -b "$P" "(pwdAccountLockedTime=*)" 1.1 >"$T/locked2" && test "$(grep -c "^dn" "$T/locked2")" -eq 2 &&
	printf "dn: uid=erin,%s\nchangetype: modify\nadd: pwdAccountLockedTime\npwdAccountLockedTime: 20250101000000Z\n" "$P" | ldap_modify main >/dev/null &&
	svc -b "$P" "(pwdAccountLockedTime=*)" 1.1 >"$T/locked3" && test "$(grep -c "^dn" "$T/locked3")" -eq 3
'
test_expect_success 'AD subtree: sAMAccountName, binary objectGUID, and the bit-AND matching rule on userAccountControl' '
	svc -b "ou=ad,$LDAP_BASE" "(userAccountControl:1.2.840.113556.1.4.803:=2)" sAMAccountName >"$T/disabled" &&
	values "$T/disabled" sAMAccountName >"$T/disabled.v" && printf "ben\ndan\n" >"$T/disabled.want" &&
	same "$T/disabled.want" "$T/disabled.v" &&
	svc -b "ou=ad,$LDAP_BASE" "(&(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))" sAMAccountName >"$T/enabled" &&
	values "$T/enabled" sAMAccountName >"$T/enabled.v" && printf "Eve.Smith\nann\ncat\n" | sort >"$T/enabled.want" &&
	same "$T/enabled.want" "$T/enabled.v" &&
	svc -b "ou=ad,$LDAP_BASE" "(sAMAccountName=ann)" objectGUID >"$T/guid" && cat "$T/guid" &&
	python3 -c "import base64,sys; l=[x for x in open(sys.argv[1]) if x.startswith(\"objectGUID:: \")]; g=base64.b64decode(l[0][13:]); print(g.hex()); assert len(g)==16 and g[0]==0 and g[15]==255" "$T/guid" &&
	svc -b "cn=Messaging Users,ou=groups,ou=ad,$LDAP_BASE" -s base member >"$T/adg" &&
	grep_in "$T/adg" "member: cn=AD Nested,ou=groups,ou=ad,$LDAP_BASE" && test "$(grep -c "^member:" "$T/adg")" -eq 3
'
tls() { # CA URL [-ZZ]: the root DSE as the service account, verifying the server with CA; libldap debug output on stderr
	LDAPTLS_CACERT=$1 LDAPTLS_REQCERT=demand ldapsearch -d 1 -x -LLL -H "$2" ${3:+"$3"} -D "$LDAP_BIND_DN" -y "$LDAP_BIND_PW_FILE" -b "" -s base 1.1
}
test_expect_success 'LDAPS and StartTLS succeed with the harness'"'"'s CA; slapd logs the TLS binds' '
	n0=$(grep -c "TLS established" "$LDAP_DIR/slapd.log" || :) &&
	tls "$LDAP_CA" "$LDAPS_URL" >"$T/ldaps" 2>&1 && grep_in "$T/ldaps" "res_errno: 0" &&
	tls "$LDAP_CA" "$LDAP_URL" -ZZ >"$T/starttls" 2>&1 && grep_in "$T/starttls" "res_errno: 0" &&
	LDAPTLS_CACERT=$LDAP_CA svc -ZZ -b "$P" "(uid=bob)" 1.1 >"$T/bob" && grep_in "$T/bob" "uid=bob" &&
	test "$(grep -c "TLS established tls_ssf=256 ssf=256 tls_proto=TLS1.3" "$LDAP_DIR/slapd.log")" -eq $((n0 + 3)) &&
	grep_in "$LDAP_DIR/slapd.log" "STARTTLS" &&
	grep_in "$LDAP_DIR/slapd.log" "BIND dn=\"$LDAP_BIND_DN\" mech=SIMPLE bind_ssf=0 ssf=256"
'
test_expect_success 'LDAPS and StartTLS fail with the wrong CA: "peer cert untrusted"' '
	! tls "$LDAP_CA_WRONG" "$LDAPS_URL" >"$T/ldaps-ca" 2>&1 && grep_in "$T/ldaps-ca" "peer cert untrusted" &&
	grep_in "$T/ldaps-ca" "Can'"'"'t contact LDAP server (-1)" &&
	! tls "$LDAP_CA_WRONG" "$LDAP_URL" -ZZ >"$T/starttls-ca" 2>&1 && grep_in "$T/starttls-ca" "peer cert untrusted" &&
	grep_in "$T/starttls-ca" "ldap_start_tls: Connect error (-11)"
'
test_expect_success 'LDAPS and StartTLS fail for the wrong host name (ldap_tls wronghost), and work again after ldap_tls right' '
	pid=$LDAP_PID && port=$LDAP_PORT && ldap_tls main wronghost && test "$LDAP_PID" != "$pid" && test "$LDAP_PORT" = "$port" &&
	! tls "$LDAP_CA" "$LDAPS_URL" >"$T/ldaps-host" 2>&1 &&
	grep_in "$T/ldaps-host" "hostname (127.0.0.1) does not match common name in certificate" &&
	! tls "$LDAP_CA" "$LDAP_URL" -ZZ >"$T/starttls-host" 2>&1 &&
	grep_in "$T/starttls-host" "does not match common name in certificate" &&
	ldap_tls main right && tls "$LDAP_CA" "$LDAPS_URL" >/dev/null 2>&1 && tls "$LDAP_CA" "$LDAP_URL" -ZZ >/dev/null 2>&1
'
ldap_use main
test_expect_success 'ldap_config changes cn=config live (here a size limit that also stops paged searches)' '
	printf "dn: olcDatabase={1}mdb,cn=config\nchangetype: modify\nreplace: olcSizeLimit\nolcSizeLimit: 500\n" | ldap_config main >/dev/null &&
	{ svc -b "$P" -E pr=500/noprompt "(objectClass=inetOrgPerson)" 1.1 >"$T/cut" 2>"$T/cut.err"; rc=$?; } &&
	test "$rc" -eq 4 && grep_in "$T/cut.err" "Size limit exceeded (4)" &&
	printf "dn: olcDatabase={1}mdb,cn=config\nchangetype: modify\nreplace: olcSizeLimit\nolcSizeLimit: size.soft=500 size.hard=500 size.prtotal=unlimited\n" | ldap_config main >/dev/null &&
	svc -b "$P" -E pr=500/noprompt "(objectClass=inetOrgPerson)" 1.1 >"$T/uncut" && test "$(grep -c "^dn" "$T/uncut")" -eq 1200
'
test_expect_success 'ldap_restart keeps data, ports and passwords; ldap_stop ends the server by its pid' '
	pid=$LDAP_PID && port=$LDAP_PORT && ldap_restart main && test "$LDAP_PID" != "$pid" && gone "$pid" &&
	test "$LDAP_PORT" = "$port" && svc -b "$P" "(uid=alice)" 1.1 >/dev/null &&
	ldap_start second --empty && test "$LDAP_NAME" = second && test "$LDAP_PORT" != "$port" &&
	svc -b "$P" -s one 1.1 >"$T/empty" && test ! -s "$T/empty" &&
	svc -b "$LDAP_BIND_DN" -s base cn >"$T/self" && grep_in "$T/self" "cn: msgadm" &&
	pid2=$LDAP_PID && ldap_stop second && ! test -d "/proc/$pid2" &&
	! svc -b "" -s base 1.1 >/dev/null 2>&1 &&
	ldap_use main && svc -b "" -s base 1.1 >/dev/null
'
ldap_use main

# child NAME 'CODE': a test script of its own (lib.sh + harness, its own $T) that runs CODE.
child() {
	mkdir -p "$T/$1/tests/e2e"
	{
		echo ". \"$TOP/tests/e2e/lib.sh\""
		echo "LDAP_HARNESS_DIR=\"$TOP/tests/ldap\""
		echo ". \"$TOP/tests/ldap/harness.sh\""
		echo "echo \"\$T\" >\"$T/$1.T\""
		printf '%s\n' "$2"
	} >"$T/$1/tests/e2e/t.sh"
}
test_expect_success 'a test that fails after starting slapd leaves no server and no files behind' '
	child failing "ldap_start x; echo \$LDAP_PID >\"$T/failing.pid\"; say \"not ok - on purpose\"; exit 3" &&
	{ sh "$T/failing/tests/e2e/t.sh" >"$T/failing.out" 2>&1; rc=$?; } &&
	cat "$T/failing.out" &&
	test "$rc" -eq 3 && test -s "$T/failing.pid" && gone "$(cat "$T/failing.pid")" &&
	! test -e "$(cat "$T/failing.T")"
'
test_expect_success 'a test killed with SIGTERM while slapd runs stops it too' '
	child killed "ldap_start y; echo \$LDAP_PID >\"$T/killed.pid\"; sleep 60 & echo \$! >\"$T/killed.sleep\"; wait" &&
	{ sh "$T/killed/tests/e2e/t.sh" >"$T/killed.out" 2>&1 & } &&
	kpid=$! &&
	wait_file "$T/killed.sleep" 30 &&
	test -s "$T/killed.pid" && test -d "/proc/$(cat "$T/killed.pid")" &&
	kill -TERM "$kpid" && { wait "$kpid"; rc=$?; } &&
	{ kill "$(cat "$T/killed.sleep")" 2>/dev/null || :; } &&
	cat "$T/killed.out" &&
	test "$rc" -eq 143 && gone "$(cat "$T/killed.pid")" && ! test -e "$(cat "$T/killed.T")"
'
test_expect_success 'entries slapadd refuses: "not ok - slapd could not be started" with the reason, exit 1' '
	printf "dn: uid=nobody,ou=nowhere,dc=example,dc=test\nobjectClass: inetOrgPerson\nuid: nobody\n" >"$T/bad.ldif" &&
	child bad "ldap_start z --extra \"$T/bad.ldif\"; say \"ok - not reached\"" &&
	{ sh "$T/bad/tests/e2e/t.sh" >"$T/bad.out" 2>&1; rc=$?; } &&
	cat "$T/bad.out" &&
	test "$rc" -eq 1 &&
	grep_in "$T/bad.out" "not ok - slapd could not be started (z): slapadd failed" &&
	grep_in "$T/bad.out" "#   " && not_in "$T/bad.out" "ok - not reached" &&
	! test -e "$(cat "$T/bad.T")"
'
