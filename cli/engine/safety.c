#include "safety.h"

#include <stdio.h>
#include <string.h>

#include "base/exitcode.h"

static void append(char *buf, size_t size, const char *s)
{
	size_t used = strlen(buf);

	snprintf(buf + used, size - used, "%s%s", used ? ", " : "", s);
}

/* The value an update gives field, or NULL when it does not change it. */
static const json_t *update_to(const json_t *c, const char *field)
{
	return field ? json_object_get(json_object_get(json_object_get(c, "fields"), field), "to") : NULL;
}

/* Whether change c leaves its account without admin rights or inactive. */
static bool removes_admin(const struct resource_type *t, const json_t *c)
{
	const enum change_op op = change_op(c);

	return op_effect(op) == EFFECT_REMOVE ||
	       (op == OP_UPDATE && json_is_false(update_to(c, resource_field_with(t, FIELD_ADMIN))));
}

static bool active(const struct resource_type *t, const json_t *item)
{
	const char *life = resource_field_with(t, FIELD_LIFECYCLE);

	return life == NULL || json_is_true(json_object_get(item, life));
}

/* Whether item u (key) is an active admin now. The acting account is one (it reads and writes
 * through the admin API) even where the server does not say so: some keep their admins elsewhere. */
static bool admin_now(const struct resource_type *t, const char *key, const json_t *u, const char *acting)
{
	const char *admin = resource_field_with(t, FIELD_ADMIN);

	return u != NULL &&
	       (json_is_true(json_object_get(u, admin)) || (acting && strcmp(key, acting) == 0)) &&
	       active(t, u);
}

/* Whether an active admin is left once the changes are applied. The accounts the changes touch are
 * followed change by change; of the others the first admin found is enough, not a count of all. */
static bool admin_after(const struct resource_type *t, const json_t *items, const json_t *changes,
			const char *acting)
{
	const char *admin = resource_field_with(t, FIELD_ADMIN);
	json_t *touched = json_object(), *u, *c, *is;
	const char *key;
	bool any = false;
	size_t i;

	json_array_foreach(changes, i, c)
	{
		const char *k = change_key(c);
		const enum change_op op = change_op(c);

		if (!change_is(c, t))
			continue;
		if (json_object_get(touched, k) == NULL)
			json_object_set_new(touched, k,
					    json_boolean(admin_now(t, k, json_object_get(items, k), acting)));
		if (removes_admin(t, c))
			json_object_set_new(touched, k, json_false());
		else if ((op == OP_REACTIVATE &&
			  json_is_true(json_object_get(json_object_get(items, k), admin))) ||
			 (op == OP_CREATE &&
			  json_is_true(json_object_get(json_object_get(c, "after"), admin))) ||
			 (op == OP_UPDATE && json_is_true(update_to(c, admin))))
			json_object_set_new(touched, k, json_true());
	}
	json_object_foreach(touched, key, is) any |= json_is_true(is);
	json_object_foreach((json_t *)items, key, u)
	{
		if (any)
			break;
		any = json_object_get(touched, key) == NULL && admin_now(t, key, u, acting);
	}
	json_decref(touched);
	return any;
}

/* Whether the server says who is an admin: one that keeps admins in its configuration (ejabberd
 * without config_fragment, for example) reports no admin field, and then only the acting-admin check
 * applies. */
static bool knows_admins(const struct resource_type *t, const json_t *items)
{
	const char *admin = resource_field_with(t, FIELD_ADMIN);
	const char *key;
	json_t *u;

	json_object_foreach((json_t *)items, key, u)
	{
		if (admin != NULL && json_object_get(u, admin) != NULL)
			return true;
	}
	return false;
}

int safety_check_type(const struct resource_type *t, const struct desired *d, const json_t *items,
		      const json_t *changes, const char *acting, bool force, struct msg_err *err)
{
	char names[1024] = "";
	size_t i, removals = 0;
	json_t *c;

	if (!(t->flags & RESOURCE_ACCOUNTS))
		return 0;
	json_array_foreach(changes, i, c)
	{
		if (change_is(c, t) && op_effect(change_op(c)) == EFFECT_REMOVE) {
			removals++;
			append(names, sizeof(names), change_key(c));
		}
	}
	if (d != NULL && d->limit >= 0 && (json_int_t)removals > d->limit)
		return err_set(err, EXIT_FAILURE_,
			       "refusing the whole plan: it would deactivate or delete %zu %s, more than %s "
			       "(%" JSON_INTEGER_FORMAT "): %s",
			       removals, t->plural, d->limit_path, d->limit, names);
	if (force)
		return 0;
	json_array_foreach(changes, i, c)
	{
		if (acting != NULL && change_is(c, t) && strcmp(change_key(c), acting) == 0 &&
		    removes_admin(t, c))
			return err_set(
			    err, EXIT_FAILURE_,
			    "refusing to %s '%s': it is the acting admin (the token's own account); "
			    "give --force to do it anyway",
			    change_op(c) == OP_UPDATE ? "remove admin rights from" : op_name(change_op(c)),
			    acting);
	}
	if (items != NULL && knows_admins(t, items) && !admin_after(t, items, changes, acting))
		return err_set(err, EXIT_FAILURE_,
			       "refusing: the plan would leave the server without an active admin; "
			       "give --force to do it anyway");
	return 0;
}

int safety_check(const json_t *policy, const json_t *actual, const json_t *changes, const char *acting,
		 bool force, struct msg_err *err)
{
	for (size_t i = 0; resource_types[i] != NULL; i++) {
		const struct resource_type *t = resource_types[i];
		const json_t *section = policy ? policy_at(policy, t->section) : NULL;
		struct desired d;
		int rc;

		if (!(t->flags & RESOURCE_ACCOUNTS))
			continue;
		desired_init(&d, t->list);
		rc = section != NULL ? t->expand(t, NULL, section, &d, NULL, err) : 0;
		if (rc == 0)
			rc = safety_check_type(t, &d, json_object_get(actual, t->state_key), changes, acting,
					       force, err);
		desired_clear(&d);
		if (rc != 0)
			return -1;
	}
	return 0;
}
