#!/usr/bin/env python3
"""Writes the test directory's seed (LDIF, for slapadd) to stdout; tests/ldap/README.md documents it.

    seed.py SERVICE_HASH_FILE [--empty]

SERVICE_HASH_FILE holds the {SSHA} hash of the service account's password (slappasswd -T), so that
no secret is an argument. --empty writes only the suffix, the OUs, the policy and the service account.
Everything else is fixed: the same entries, names and objectGUIDs on every run.
"""
import base64, hashlib, os, sys

BASE = "dc=example,dc=test"
PEOPLE = "ou=people," + BASE
GROUPS = "ou=groups," + BASE
AD = "ou=ad," + BASE
N_PEOPLE = 1200

# Named people (uid, given name, surname, mail); the rest are user0001..user1189.
NAMED = [
    ("alice", "Alice", "Archer", "alice@example.test"),
    ("bob", "Bob", "Baker", "bob@example.test"),
    ("carol", "Carol", "Cooper", "carol@example.test"),
    ("dave", "Dave", "Dyer", "dave@example.test"),
    ("erin", "Erin", "Evans", "erin@example.test"),
    ("frank", "Frank", "Fisher", "frank@example.test"),
    ("grace", "Grace", "Gardner", "grace@example.test"),
    ("heidi", "Heidi", "Hunter", "heidi@example.test"),
    ("Mallory", "Mallory", "Mason", "mallory@example.test"),  # upper case: the id is "mallory"
    ("kim lee", "Kim", "Lee", "kim.lee@example.test"),  # a space: no Matrix localpart, no XMPP node
    ("jürgen", "Jürgen", "Jäger", "juergen@example.test"),  # UTF-8: no Matrix localpart (XMPP allows it)
]
LOCKED = {"dave": "000001010000Z", "erin": "20250101000000Z", "user0100": "20250101000000Z"}


def attr(name, value):
    """One LDIF line; base64 (name::) when the value is not plain ASCII or starts badly."""
    if isinstance(value, bytes):
        return "%s:: %s" % (name, base64.b64encode(value).decode())
    safe = value.isascii() and value == value.strip() and not value.startswith((":", "<")) \
        and all(32 <= ord(c) < 127 for c in value)
    if safe:
        return "%s: %s" % (name, value)
    return "%s:: %s" % (name, base64.b64encode(value.encode()).decode())


def entry(dn, *pairs):
    lines = [attr("dn", dn)]
    for name, value in pairs:
        values = value if isinstance(value, list) else [value]
        lines += [attr(name, v) for v in values]
    return "\n".join(lines) + "\n\n"


def ssha(password):
    salt = hashlib.sha256(b"salt:" + password.encode()).digest()[:8]
    return "{SSHA}" + base64.b64encode(hashlib.sha1(password.encode() + salt).digest() + salt).decode()


def person_dn(uid):
    return "uid=%s,%s" % (uid.replace(",", "\\,"), PEOPLE)


def group_dn(cn):
    return "cn=%s,%s" % (cn, GROUPS)


def people():
    out = [(u, g, s, m) for (u, g, s, m) in NAMED]
    for i in range(1, N_PEOPLE - len(NAMED) + 1):
        u = "user%04d" % i
        out.append((u, "User", "%04d" % i, u + "@example.test"))
    return out


def main():
    service_hash = open(sys.argv[1]).read().strip()
    empty = "--empty" in sys.argv[2:]
    w = sys.stdout.write
    w(entry(BASE, ("objectClass", ["top", "dcObject", "organization"]), ("dc", "example"), ("o", "Example Test")))
    for ou in ("people", "groups", "services", "policies", "ad"):
        w(entry("ou=%s,%s" % (ou, BASE), ("objectClass", "organizationalUnit"), ("ou", ou)))
    w(entry("cn=msgadm,ou=services," + BASE, ("objectClass", ["applicationProcess", "simpleSecurityObject"]),
            ("cn", "msgadm"), ("userPassword", service_hash), ("description", "msgadm's read-only service account")))
    # ppolicy: no lockout by failures in the tests; locks are set in the seed and by the tests.
    w(entry("cn=default,ou=policies," + BASE, ("objectClass", ["organizationalRole", "pwdPolicy"]),
            ("cn", "default"), ("pwdAttribute", "userPassword"), ("pwdLockout", "TRUE"),
            ("pwdLockoutDuration", "0"), ("pwdMaxFailure", "0")))
    if empty:
        return
    ps = people()
    assert len(ps) == N_PEOPLE
    for uid, given, sn, mail in ps:
        pairs = [("objectClass", ["top", "person", "organizationalPerson", "inetOrgPerson"]), ("uid", uid),
                 ("cn", "%s %s" % (given, sn)), ("sn", sn), ("givenName", given), ("mail", mail)]
        if not uid.startswith("user"):
            pairs.append(("userPassword", ssha("seed-" + uid)))
        if uid in LOCKED:
            pairs.append(("pwdAccountLockedTime", LOCKED[uid]))
        w(entry(person_dn(uid), *pairs))

    def gon(cn, members, desc):
        w(entry(group_dn(cn), ("objectClass", "groupOfNames"), ("cn", cn), ("description", desc),
                ("member", members)))

    P = person_dn
    gon("messaging", [P("alice"), P("bob"), P("Mallory"), P("dave"), P("kim lee"), P("jürgen"), group_dn("staff")],
        "who has a messaging account (nested: staff, then interns)")
    gon("staff", [P("carol"), P("erin"), group_dn("interns")], "nested in messaging")
    gon("interns", [P("frank")] + [P("user%04d" % i) for i in range(1, 11)], "nested in staff, two deep")
    gon("messaging-admins", [P("alice"), P("carol")], "the admins")
    gon("cycle-a", [P("grace"), group_dn("cycle-b")], "cycle: contains cycle-b")
    gon("cycle-b", [P("heidi"), group_dn("cycle-a")], "cycle: contains cycle-a")
    gon("everyone", [P(p[0]) for p in ps], "all 1,200 people, one value each")
    w(entry(group_dn("unique-team"), ("objectClass", "groupOfUniqueNames"), ("cn", "unique-team"),
            ("uniqueMember", [P("alice"), P("frank"), P("heidi"), group_dn("unique-sub")])))
    w(entry(group_dn("unique-sub"), ("objectClass", "groupOfUniqueNames"), ("cn", "unique-sub"),
            ("uniqueMember", [P("user0020"), P("user0021")])))
    w(entry(group_dn("posix-devs"), ("objectClass", "posixGroup"), ("cn", "posix-devs"), ("gidNumber", "5000"),
            ("memberUid", ["alice", "bob", "user0002"])))
    w(entry(group_dn("posix-empty"), ("objectClass", "posixGroup"), ("cn", "posix-empty"), ("gidNumber", "5001")))

    # The Active-Directory-shaped subtree (schema: tests/ldap/ad-schema.ldif).
    w(entry("ou=users," + AD, ("objectClass", "organizationalUnit"), ("ou", "users")))
    w(entry("ou=groups," + AD, ("objectClass", "organizationalUnit"), ("ou", "groups")))
    for sam, uac in AD_USERS:
        w(entry(ad_user_dn(sam), ("objectClass", ["top", "person", "organizationalPerson", "user"]),
                ("cn", sam.title()), ("sn", sam.title()), ("sAMAccountName", sam), ("objectGUID", guid(sam)),
                ("userAccountControl", str(uac)), ("mail", "%s@ad.example.test" % sam.lower())))
    for cn, members in AD_GROUPS:
        w(entry("cn=%s,ou=groups,%s" % (cn, AD), ("objectClass", ["top", "group"]), ("cn", cn),
                ("sAMAccountName", cn.replace(" ", "")), ("objectGUID", guid(cn)), ("member", members)))


# sAMAccountName, userAccountControl (512 normal; bit 2, ACCOUNTDISABLE, set in 514 and 66050;
# 66048 = normal + DONT_EXPIRE_PASSWORD, enabled)
AD_USERS = [("ann", 512), ("ben", 514), ("cat", 66048), ("dan", 66050), ("Eve.Smith", 512)]


def ad_user_dn(sam):
    return "cn=%s,ou=users,%s" % (sam.title(), AD)


AD_GROUPS = [("Messaging Users", [ad_user_dn("ann"), ad_user_dn("ben"), "cn=AD Nested,ou=groups," + AD]),
             ("AD Nested", [ad_user_dn("cat"), ad_user_dn("dan"), ad_user_dn("Eve.Smith")]),
             ("Messaging Admins", [ad_user_dn("ann")])]


def guid(name):
    """16 fixed bytes per name: MD5 of "guid:NAME"; ann's starts with 00 and ends with ff (binary, not text)."""
    g = bytearray(hashlib.md5(("guid:" + name).encode()).digest())
    if name == "ann":
        g[0], g[15] = 0x00, 0xFF
    return bytes(g)


if __name__ == "__main__":
    main()
