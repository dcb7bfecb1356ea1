/* Who is in a group, nested groups resolved by msgadm itself: OpenLDAP has no
 * LDAP_MATCHING_RULE_IN_CHAIN, and Active Directory's is slow on large trees.
 *
 * Groups of every common kind: groupOfNames (member), groupOfUniqueNames (uniqueMember, an optional
 * "#'...'B" suffix ignored), posixGroup (memberUid: uids, not DNs) and Active Directory's group
 * (member). A member DN that is one of the people searched for is a member; any other is read, and
 * followed when it is a group. Each group is read once, so a cycle ends; nesting deeper than
 * GROUP_DEPTH_MAX is an error naming the chain's last group. */
#ifndef MSGADM_GROUPS_H
#define MSGADM_GROUPS_H

#include <jansson.h>

#include "base/msg_err.h"

#define GROUP_DEPTH_MAX 16

struct group_reader {
	/* The entry at dn with its objectclass, member, uniquemember and memberuid attributes
	 * (directory.h's entry form), or *entry NULL (0 returned) when there is none. */
	int (*read)(void *ctx, const char *dn, json_t **entry, struct msg_err *err);
	void *ctx;
};

/* The members of the group at dn: into people {normalized DN: true}, those of known (an object whose
 * keys are normalized DNs of the people searched for), and into uids {uid: true} the memberUid
 * values of every posixGroup met. A dn that is no group is EXIT_CONFIG, naming it. */
int group_members(const struct group_reader *r, const char *dn, const json_t *known, json_t **people,
		  json_t **uids, struct msg_err *err);

/* dn in the form DNs are compared in: ASCII letters in lower case, no blanks around the "," and
 * "=" that separate its parts (escaped ones kept). malloc'd. */
char *dn_normalize(const char *dn);

#endif
