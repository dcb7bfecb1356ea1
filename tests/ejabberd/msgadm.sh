# Helpers for msgadm's end-to-end tests against a real ejabberd (tests/e2e/t10*-ejabberd-*.sh). POSIX sh;
# source it after lib.sh and harness.sh, and call the functions after ejabberd_start (they use the
# EJ_* variables of the instance last started or chosen with ejabberd_use).
#
#   ej_start_keeping_admins NAME VHOST
#                               ejabberd_start as an operator sets up msgadm's admin rights: the
#                               fragment starts with the empty admins block, and ejabberd.yml grants
#                               the ACL msgadm_admins the API (at top level, not in a test block)
#   ej_contexts [EXTRA_LINES]   writes $MSGADM_CONFIG (0600) with two contexts of the instance:
#                               "basic" (auth: basic, the admin's JID:password, current) and "bearer"
#                               (the admin's OAuth token); EXTRA_LINES (e.g. "config_fragment: ...")
#                               go into both, indented by the function
#   ej_context_nofrag           appends a context "nofrag": auth basic as the admin, no config_fragment
#   ej_users_policy FILE ENTRY...
#                               writes a listed-users policy for the instance's vhost, one
#                               "- ENTRY" line per entry (e.g. "{id: bob, admin: true}")
#   ej_users                    the instance's accounts, one per line, sorted
#   ej_exists ID                exit 0 when ID@VHOST is an account (check_account)
#   ej_check_password ID PW     prints what check_password answers: 0 (right) or 1 (wrong)
#   ej_password_of JID FILE     the last password FILE (a --credentials-out file) holds for JID
#   ej_vcard ID NAME [SUBNAME]  the vCard field's content, or the "not set" answer
#   xmpp_login JID PW           logs in over c2s (SASL PLAIN, no TLS: loopback only); prints
#                               "success" or the SASL failure condition; exit 0 only on success
#   xmpp_register USER PW       in-band registration (XEP-0077) over c2s; prints "registered" or
#                               the error condition and text; exit 0 only when registered

ej_start_keeping_admins() {
	EJ_FRAGMENT_INIT='# BEGIN msgadm admins
# Admin rights: what ejabberd.yml grants the ACL msgadm_admins.
acl:
  msgadm_admins:
    user: []
# END msgadm admins
'
	cat >"$T/grant.yml" <<'YML'
api_permissions:
  "msgadm admins":
    who:
      access:
        allow:
          - acl: msgadm_admins
    what:
      - "*"
      - "!stop"
      - "!start"
YML
	ejabberd_start "$1" "$2" "$T/grant.yml"
	unset EJ_FRAGMENT_INIT
}

ej_contexts() {
	_extra=${1:-}
	{
		echo "current_context: basic"
		echo "contexts:"
		for _c in basic bearer; do
			echo "  - name: $_c"
			echo "    driver: ejabberd"
			echo "    url: $EJ_URL"
			echo "    server: $EJ_VHOST"
			if [ "$_c" = basic ]; then
				echo "    auth: basic"
				echo "    token_file: $EJ_BASIC_FILE"
			else
				echo "    token_file: $EJ_TOKEN_FILE"
			fi
			echo "    retries: 1"
			echo "    timeout: 20"
			[ -n "$_extra" ] && printf '%s\n' "$_extra" | sed 's/^/    /'
		done
	} >"$MSGADM_CONFIG"
	chmod 600 "$MSGADM_CONFIG"
}

ej_context_nofrag() {
	cat >>"$MSGADM_CONFIG" <<CTX
  - name: nofrag
    driver: ejabberd
    url: $EJ_URL
    server: $EJ_VHOST
    auth: basic
    token_file: $EJ_BASIC_FILE
CTX
}

ej_users_policy() {
	_f=$1
	shift
	{
		printf 'version: 1\nserver: %s\nusers:\n  manage: listed\n  list:\n' "$EJ_VHOST"
		for _e in "$@"; do printf '    - %s\n' "$_e"; done
	} >"$_f"
}

ej_users() {
	# account names hold no quotes, commas or brackets: no JSON parser needed
	ejabberd_api "$EJ_NAME" registered_users "{\"host\": \"$EJ_VHOST\"}" | tr -d '[]"\n' | tr , '\n' | sort
}

ej_exists() {
	test "$(ejabberd_api "$EJ_NAME" check_account "{\"user\": \"$1\", \"host\": \"$EJ_VHOST\"}")" = 0
}

ej_check_password() {
	ejabberd_api "$EJ_NAME" check_password \
		"$(python3 -c 'import json, sys; print(json.dumps({"user": sys.argv[1], "host": sys.argv[2], "password": sys.argv[3]}))' "$1" "$EJ_VHOST" "$2")"
}

ej_password_of() {
	awk -v jid="$1" '$1 == jid { pw = $2 } END { if (pw == "") exit 1; print pw }' "$2"
}

ej_vcard() {
	if [ -n "${3:-}" ]; then
		ejabberd_request "$EJ_NAME" basic get_vcard2 \
			"{\"user\": \"$1\", \"host\": \"$EJ_VHOST\", \"name\": \"$2\", \"subname\": \"$3\"}"
	else
		ejabberd_request "$EJ_NAME" basic get_vcard "{\"user\": \"$1\", \"host\": \"$EJ_VHOST\", \"name\": \"$2\"}"
	fi | sed -n '2p' | python3 -c '
import json, sys
v = json.load(sys.stdin)
print(v["content"] if isinstance(v, dict) else v)'
}

# _xmpp MODE JID_OR_USER PASSWORD: one c2s stream to the instance (see the header).
_xmpp() {
	python3 - "$EJ_C2S_PORT" "$EJ_VHOST" "$@" <<'PY'
import base64, re, socket, sys
port, vhost, mode, who, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
s = socket.create_connection(("127.0.0.1", port), timeout=10)
def until(pattern):
    buf = b""
    while not re.search(pattern, buf):
        data = s.recv(65536)
        if not data:
            break
        buf += data
    return buf.decode(errors="replace")
def esc(t):
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
s.sendall(("<?xml version='1.0'?><stream:stream to='%s' xmlns='jabber:client' "
           "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>" % vhost).encode())
until(rb"</stream:features>")
if mode == "login":
    user = who.split("@")[0]
    blob = base64.b64encode(b"\0" + user.encode() + b"\0" + pw.encode()).decode()
    s.sendall(("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>%s</auth>" % blob).encode())
    reply = until(rb"<success[^>]*/>|</success>|</failure>")
    if "<success" in reply:
        print("success"); sys.exit(0)
    m = re.search(r"<failure[^>]*><([a-z-]+)", reply)
    print(m.group(1) if m else "no answer: " + reply); sys.exit(1)
s.sendall(("<iq type='set' id='reg1'><query xmlns='jabber:iq:register'><username>%s</username>"
           "<password>%s</password></query></iq>" % (esc(who), esc(pw))).encode())
reply = until(rb"</iq>|<iq[^>]*/>")
if "type='result'" in reply:
    print("registered"); sys.exit(0)
m = re.search(r"<error[^>]*><([a-z-]+)[^>]*/>(?:<text[^>]*>([^<]*)</text>)?", reply)
print("%s: %s" % (m.group(1), m.group(2)) if m else "no answer: " + reply); sys.exit(1)
PY
}

xmpp_login() { _xmpp login "$1" "$2"; }
xmpp_register() { _xmpp register "$1" "$2"; }
