#include "safety.h"

#include <stdio.h>
#include <string.h>

#include "base/exitcode.h"

static void append(char *buf, size_t size, const char *s)
{
	size_t used = strlen(buf);

	snprintf(buf + used, size - used, "%s%s", used ? ", " : "", s);
}

static const char *op_of(const json_t *c)
{
	return json_string_value(json_object_get(c, "op"));
}

static const char *key_of(const json_t *c)
{
	return json_string_value(json_object_get(c, "key"));
}

static int is_user(const json_t *c)
{
	return strcmp(json_string_value(json_object_get(c, "type")), "user") == 0;
}

/* Whether change c leaves user key without admin rights or inactive. */
static int removes_admin(const json_t *c)
{
	const json_t *admin = json_object_get(json_object_get(json_object_get(c, "fields"), "admin"), "to");

	return strcmp(op_of(c), "deactivate") == 0 || strcmp(op_of(c), "delete") == 0 ||
	       (strcmp(op_of(c), "update") == 0 && json_is_false(admin));
}

/* Active admins once the changes are applied. The acting account is one (it reads and writes through
 * the admin API) even where the server does not say so: ejabberd reports msgadm's own ACL only. */
static size_t admins_after(const json_t *actual_users, const json_t *changes, const char *acting)
{
	json_t *admins = json_object();
	const char *id;
	json_t *u, *c;
	size_t i, n;

	json_object_foreach((json_t *)actual_users, id, u)
	{
		if ((json_is_true(json_object_get(u, "admin")) || (acting && strcmp(id, acting) == 0)) &&
		    json_is_true(json_object_get(u, "active")))
			json_object_set_new(admins, id, json_true());
	}
	json_array_foreach(changes, i, c)
	{
		if (!is_user(c))
			continue;
		if (removes_admin(c))
			json_object_del(admins, key_of(c));
		else if (strcmp(op_of(c), "reactivate") == 0 &&
			 json_is_true(json_object_get(json_object_get(actual_users, key_of(c)), "admin")))
			json_object_set_new(admins, key_of(c), json_true());
		else if (strcmp(op_of(c), "create") == 0 &&
			 json_is_true(json_object_get(json_object_get(c, "after"), "admin")))
			json_object_set_new(admins, key_of(c), json_true());
		else if (strcmp(op_of(c), "update") == 0 &&
			 json_is_true(
			     json_object_get(json_object_get(json_object_get(c, "fields"), "admin"), "to")))
			json_object_set_new(admins, key_of(c), json_true());
	}
	n = json_object_size(admins);
	json_decref(admins);
	return n;
}

/* Whether the state read says who is an admin: a server that keeps admins in its configuration
 * (ejabberd without config_fragment) reports no admin field, and then only the acting-admin check
 * applies. */
static int knows_admins(const json_t *actual_users)
{
	const char *id;
	json_t *u;

	json_object_foreach((json_t *)actual_users, id, u)
	{
		if (json_object_get(u, "admin") != NULL)
			return 1;
	}
	return 0;
}

int safety_check(const json_t *policy, const json_t *actual, const json_t *changes, const char *acting,
		 bool force, struct msg_err *err)
{
	const json_t *limit = json_object_get(json_object_get(policy, "users"), "max_deactivations");
	const json_t *actual_users = json_object_get(actual, "users");
	char names[1024] = "";
	size_t i, deactivations = 0;
	json_t *c;

	json_array_foreach(changes, i, c)
	{
		if (is_user(c) && (strcmp(op_of(c), "deactivate") == 0 || strcmp(op_of(c), "delete") == 0)) {
			deactivations++;
			append(names, sizeof(names), key_of(c));
		}
	}
	if (json_is_integer(limit) && (json_int_t)deactivations > json_integer_value(limit))
		return err_set(err, EXIT_FAILURE_,
			       "refusing the whole plan: it would deactivate or delete %zu users, more than "
			       "users.max_deactivations (%" JSON_INTEGER_FORMAT "): %s",
			       deactivations, json_integer_value(limit), names);
	if (force)
		return 0;
	json_array_foreach(changes, i, c)
	{
		if (acting != NULL && is_user(c) && strcmp(key_of(c), acting) == 0 && removes_admin(c))
			return err_set(
			    err, EXIT_FAILURE_,
			    "refusing to %s '%s': it is the acting admin (the token's own account); "
			    "give --force to do it anyway",
			    strcmp(op_of(c), "update") == 0 ? "remove admin rights from" : op_of(c), acting);
	}
	if (actual_users != NULL && knows_admins(actual_users) &&
	    admins_after(actual_users, changes, acting) == 0)
		return err_set(err, EXIT_FAILURE_,
			       "refusing: the plan would leave the server without an active admin; "
			       "give --force to do it anyway");
	return 0;
}
