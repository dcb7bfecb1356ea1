/* Imperative commands (user create, invite revoke, ...) run through the same engine as apply: they
 * build a change list, which is checked against the schema and the live item, passes the same
 * safety checks, and is applied and reported the same way. */
#include <string.h>

#include "base/exitcode.h"
#include "cli.h"
#include "engine/safety.h"
#include "io/schema.h"

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* The item as a policy would write it: {key field: key, ...the values set}. */
static json_t *as_policy_item(const struct resource_type *t, const json_t *c)
{
	json_t *item = json_object(), *f;
	const char *k;

	json_object_set_new(item, t->key, json_string(change_key(c)));
	json_object_update(item, json_object_get(c, "after"));
	json_object_foreach(json_object_get(c, "fields"), k, f)
	    json_object_set(item, k, json_object_get(f, "to"));
	return item;
}

/* Command-line values obey the same schema as a policy's entries. */
static int check_against_schema(struct cli *cli, const struct resource_type *t, const json_t *c)
{
	char ref[64];
	json_t *def, *item = as_policy_item(t, c), *errors = json_array();
	int rc = 0;

	/* the entry's definition, with the $defs its references point into */
	snprintf(ref, sizeof(ref), "#/$defs/%s", t->schema_def);
	def = json_pack("{s:s,s:O}", "$ref", ref, "$defs", json_object_get(schema_policy(), "$defs"));
	if (def != NULL && !schema_validate(def, item, errors)) {
		const json_t *e = json_array_get(errors, 0);
		rc = err_set(&cli->err, EXIT_USAGE, "%s '%s': %s: %s", t->name, change_key(c), str(e, "path"),
			     str(e, "message"));
	}
	json_decref(errors);
	json_decref(item);
	json_decref(def);
	return rc;
}

/* Reads the item a change is about, where the driver can read one, so that a create never
 * overwrites an existing account, a reactivation never resets an active user's password, and an
 * update reports "from -> to". Sets *noop when the item already is as asked. */
static int check_against_server(struct cli *cli, struct session *s, const struct resource_type *t,
				const struct resource_ops *ops, json_t *c, int *noop)
{
	const enum change_op op = change_op(c);
	const char *key = change_key(c), *life = resource_field_with(t, FIELD_LIFECYCLE), *name;
	json_t *fields = json_object_get(c, "fields"), *item = NULL, *f;
	void *tmp;
	int rc = 0;

	*noop = 0;
	if (ops->get == NULL)
		return 0;
	if (ops->get(s, key, &item, &cli->err) != 0)
		return -1;
	if (op == OP_CREATE) {
		if (item != NULL)
			rc = err_set(&cli->err, EXIT_FAILURE_,
				     "%s '%s' already exists on %s; use 'msgadm %s update'", t->name, key,
				     s->context->server, t->command);
		goto done;
	}
	if (item == NULL) {
		rc = err_set(&cli->err, EXIT_FAILURE_, "%s: no %s '%s' on %s", s->driver->name, t->name, key,
			     s->context->server);
		goto done;
	}
	if (op == OP_REACTIVATE || op == OP_DEACTIVATE) {
		*noop = life != NULL && json_is_true(json_object_get(item, life)) == (op == OP_REACTIVATE);
		goto done;
	}
	json_object_foreach_safe(fields, tmp, name, f)
	{
		json_t *have = json_object_get(item, name);

		if (have != NULL && json_equal(have, json_object_get(f, "to")))
			json_object_del(fields, name);
		else
			json_object_set(f, "from", have ? have : json_null());
	}
	*noop = json_object_size(fields) == 0;
done:
	json_decref(item);
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
		const struct resource_ops *ops = driver_resource_of(s->driver, c);
		const struct resource_type *t = ops ? ops->type : resource_named(s->driver, change_type(c));

		if (t == NULL)
			return err_set(&cli->err, EXIT_FAILURE_, "unknown change '%s %s'",
				       op_name(change_op(c)), change_type(c));
		if (change_op(c) != OP_DELETE && check_against_schema(cli, t, c) != 0)
			return -1;
		if (ops == NULL)
			continue; /* apply says the server cannot */
		if (check_against_server(cli, s, t, ops, c, &noop) != 0)
			return -1;
		if (noop) {
			cli_info(cli, "Nothing to change: %s %s is already as asked.\n", t->name,
				 change_key(c));
			json_array_remove(changes, i);
			i--; /* unsigned wrap-around is defined; the loop's i++ brings it back */
		}
	}
	return 0;
}

/* The account types whose changes could lock the operator out: their accounts are read, and the
 * engine's safety checks run, before anything is applied. */
static int check_safety(struct cli *cli, struct session *s, const json_t *changes, bool force)
{
	const char *acting = NULL;
	json_t *c;
	size_t i;

	json_array_foreach(changes, i, c)
	{
		const struct resource_ops *ops = driver_resource_of(s->driver, c);
		const enum change_op op = change_op(c);
		json_t *items = NULL;
		int rc;

		if (ops == NULL || !(ops->type->flags & RESOURCE_ACCOUNTS))
			continue;
		/* only what can take an admin's rights away asks the server first */
		if (op != OP_DEACTIVATE && !json_is_false(json_object_get(
					       json_object_get(json_object_get(c, "fields"),
							       resource_field_with(ops->type, FIELD_ADMIN)),
					       "to")))
			continue;
		if (session_whoami(s, &acting, &cli->err) != 0 ||
		    (ops->list && ops->list(s, NULL, &items, &cli->err) != 0))
			return -1;
		rc = safety_check_type(ops->type, NULL, items, changes, acting, force, &cli->err);
		json_decref(items);
		return rc;
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
	json_t *plan = NULL, *results = NULL, *c;
	struct session *s;
	int failed, status = 0;
	size_t i;

	if (cli_session(cli, &s) != 0 || check_changes(cli, s, changes) != 0)
		return cli_failed(cli);
	if (json_array_size(changes) == 0)
		return 0;
	if (check_safety(cli, s, changes, force) != 0)
		return cli_failed(cli);
	plan = json_pack("{s:O}", "changes", changes);
	/* outcomes are reported once: done on stdout, a failure as the command's error on stderr */
	failed = cli_plan_apply(s, plan, NULL, &results);
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
	json_decref(results);
	json_decref(plan);
	return status;
}
