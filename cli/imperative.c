/* Imperative commands (user create, invite revoke, ...) run through the same engine as apply: they
 * build a change list, which is checked against the schema and the live account, passes the same
 * safety checks, and is applied and reported the same way. */
#include <string.h>

#include "cli.h"
#include "base/exitcode.h"
#include "engine/plan.h"
#include "engine/safety.h"
#include "io/schema.h"

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static int needs_admin_check(const json_t *changes)
{
	json_t *c;
	size_t i;

	json_array_foreach(changes, i, c)
	{
		const json_t *admin =
		    json_object_get(json_object_get(json_object_get(c, "fields"), "admin"), "to");

		if (strcmp(str(c, "op"), "deactivate") == 0 || json_is_false(admin))
			return 1;
	}
	return 0;
}

/* The resource as a policy would write it: {"id": key, ...} for users, {"name": key, ...} for tokens. */
static json_t *as_policy_item(const json_t *c)
{
	const int is_user = strcmp(str(c, "type"), "user") == 0;
	json_t *item = json_object(), *f;
	const char *k;

	json_object_set_new(item, is_user ? "id" : "name", json_string(str(c, "key")));
	json_object_update(item, json_object_get(c, "after"));
	json_object_foreach(json_object_get(c, "fields"), k, f)
	    json_object_set(item, k, json_object_get(f, "to"));
	return item;
}

/* Command-line values obey the same schema as a policy's entries. */
static int check_against_schema(struct cli *cli, const json_t *c)
{
	const int is_user = strcmp(str(c, "type"), "user") == 0;
	/* the entry's definition, with the $defs its references point into */
	json_t *def = json_pack("{s:s,s:O}", "$ref", is_user ? "#/$defs/user" : "#/$defs/token", "$defs",
				json_object_get(schema_policy(), "$defs"));
	json_t *item = as_policy_item(c), *errors = json_array();
	int rc = 0;

	if (def != NULL && !schema_validate(def, item, errors)) {
		const json_t *e = json_array_get(errors, 0);
		rc = err_set(&cli->err, EXIT_USAGE, "%s '%s': %s: %s", str(c, "type"), str(c, "key"),
			     str(e, "path"), str(e, "message"));
	}
	json_decref(errors);
	json_decref(item);
	json_decref(def);
	return rc;
}

/* Reads the account a user change is about, so that a create never overwrites an existing account,
 * a reactivation never resets an active user's password, and an update reports "from -> to".
 * Sets *noop when the account already is as asked. */
static int check_user_change(struct cli *cli, struct session *s, json_t *c, int *noop)
{
	const char *op = str(c, "op"), *id = str(c, "key");
	json_t *fields = json_object_get(c, "fields"), *user = NULL, *f;
	const char *name;
	void *tmp;
	int rc = 0;

	*noop = 0;
	if (s->driver->get_user == NULL)
		return 0;
	if (s->driver->get_user(s, id, &user, &cli->err) != 0)
		return -1;
	if (strcmp(op, "create") == 0) {
		if (user != NULL)
			rc = err_set(&cli->err, EXIT_FAILURE_,
				     "user '%s' already exists on %s; use 'msgadm user update'", id,
				     s->context->server);
		goto done;
	}
	if (user == NULL) {
		rc = err_set(&cli->err, EXIT_FAILURE_, "%s: no user '%s' on %s", s->driver->name, id,
			     s->context->server);
		goto done;
	}
	if (strcmp(op, "reactivate") == 0 || strcmp(op, "deactivate") == 0) {
		*noop = json_is_true(json_object_get(user, "active")) == (strcmp(op, "reactivate") == 0);
		goto done;
	}
	json_object_foreach_safe(fields, tmp, name, f)
	{
		json_t *have = json_object_get(user, name);

		if (have != NULL && json_equal(have, json_object_get(f, "to")))
			json_object_del(fields, name);
		else
			json_object_set(f, "from", have ? have : json_null());
	}
	*noop = json_object_size(fields) == 0;
done:
	json_decref(user);
	return rc;
}

/* Drops changes that would do nothing, saying so; fails on changes that must not happen. */
static int check_changes(struct cli *cli, struct session *s, json_t *changes)
{
	json_t *c;
	size_t i;
	int noop;

	json_array_foreach(changes, i, c)
	{
		if (strcmp(str(c, "op"), "delete") != 0 && check_against_schema(cli, c) != 0)
			return -1;
		if (strcmp(str(c, "type"), "user") != 0)
			continue;
		if (check_user_change(cli, s, c, &noop) != 0)
			return -1;
		if (noop) {
			cli_info(cli, "Nothing to change: user %s is already as asked.\n", str(c, "key"));
			json_array_remove(changes, i);
			i--; /* unsigned wrap-around is defined; the loop's i++ brings it back */
		}
	}
	return 0;
}

/* The first failure's own status tells the most (77 for 403, 69 unreachable, ...). */
static int first_failure(struct cli *cli, const json_t *results)
{
	json_t *r;
	size_t i;

	json_array_foreach(results, i, r)
	{
		if (strcmp(str(r, "status"), "ok") != 0) {
			int exit = (int)json_integer_value(json_object_get(r, "exit"));
			return cli_fail(cli, exit ? exit : EXIT_FAILURE_, "%s", str(r, "message"));
		}
	}
	return EXIT_FAILURE_;
}

int cli_run_changes(struct cli *cli, json_t *changes, bool force)
{
	json_t *actual = NULL, *plan = NULL, *results = NULL, *users = NULL, *c;
	const char *acting = NULL;
	struct session *s;
	int failed, status = 0;
	size_t i;

	if (cli_session(cli, &s) != 0 || check_changes(cli, s, changes) != 0)
		return cli_failed(cli);
	if (json_array_size(changes) == 0)
		return 0;
	if (needs_admin_check(changes)) {
		if (session_whoami(s, &acting, &cli->err) != 0 ||
		    (s->driver->list_users && s->driver->list_users(s, NULL, &users, &cli->err) != 0)) {
			status = cli_failed(cli);
			goto done;
		}
		actual = json_pack("{s:o*}", "users", users);
		if (safety_check(NULL, actual, changes, acting, force, &cli->err) != 0) {
			status = cli_failed(cli);
			goto done;
		}
	}
	plan = json_pack("{s:O}", "changes", changes);
	/* outcomes are reported once: done on stdout, a failure as the command's error on stderr */
	failed = plan_apply(s, plan, NULL, &results);
	if (cli->output != OUTPUT_TEXT) {
		cli_print(cli, results, NULL);
	} else if (failed == 0 && !cli->quiet) {
		json_array_foreach(changes, i, c)
		{
			plan_print_change(cli->out, c);
			fputs("      done\n", cli->out);
		}
	}
	if (failed > 0)
		status = first_failure(cli, results);
done:
	json_decref(results);
	json_decref(plan);
	json_decref(actual);
	return status;
}
