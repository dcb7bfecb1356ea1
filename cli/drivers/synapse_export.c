/* What export and snapshots learn from Synapse beyond accounts and tokens: the federation section,
 * read back from the rooms' server ACLs. It is exported only when every room the ACLs govern (the
 * federatable rooms a local user is still in) holds the very ACL that one federation section renders
 * to (synapse_acl_for): then that section is what the server enforces. Rooms that disagree, or no
 * such room at all, leave it out; check then reports federation as not in the snapshot. Mode open
 * leaves ACLs alone, so it is never read back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synapse.h"

/* The federation section an ACL was rendered from: the allowed names but the server's own as
 * partners (none: closed). NULL when the ACL is not one msgadm renders. */
static json_t *federation_of(const char *server, const json_t *acl)
{
	json_t *partners = json_array(), *name, *found, *again = NULL;
	struct msg_err ignored = {0};
	char host[256];
	size_t i;

	syn_server_host(server, host, sizeof(host));
	json_array_foreach(json_object_get(acl, "allow"), i, name)
	{
		if (json_is_string(name) && strcmp(json_string_value(name), host) != 0)
			json_array_append(partners, name);
	}
	found = json_array_size(partners) == 0
		    ? json_pack("{s:s}", "mode", "closed")
		    : json_pack("{s:s,s:o}", "mode", "allowlist", "partners", json_incref(partners));
	json_decref(partners);
	if (synapse_acl_for(server, found, &again, &ignored) != 0 || !json_equal(again, acl)) {
		json_decref(found);
		found = NULL;
	}
	json_decref(again);
	return found;
}

int synapse_export_sections(struct session *s, json_t *doc, struct msg_err *err)
{
	json_t *rooms = NULL, *state = NULL, *federation = NULL, *w;
	bool agree = true;
	size_t i;
	int rc = -1;

	if (syn_rooms_list(s, &rooms, err) != 0)
		return -1;
	json_array_foreach(rooms, i, w)
	{
		const char *id = json_string_value(json_object_get(w, "room_id"));
		const json_t *acl;
		json_t *f;

		if (id == NULL || syn_room_reach(w) != SYN_ROOM_GOVERNED)
			continue;
		if (syn_room_state(s, id, &state, err) != 0)
			goto done;
		acl = syn_state_content(state, "m.room.server_acl", "");
		f = acl != NULL ? federation_of(s->context->server, acl) : NULL;
		if (f == NULL || (federation != NULL && !json_equal(f, federation)))
			agree = false;
		if (federation == NULL)
			federation = f;
		else
			json_decref(f);
		json_decref(state);
		state = NULL;
		if (!agree)
			break;
	}
	if (agree && federation != NULL)
		json_object_set(doc, "federation", federation);
	rc = 0;
done:
	json_decref(federation);
	json_decref(state);
	json_decref(rooms);
	return rc;
}
