/* Imperative commands (user create, invite revoke, ...) run through the same engine as apply: they
 * build a change list, pass the same safety checks, and report outcomes the same way. */
#include <string.h>

#include "cli.h"
#include "exitcode.h"
#include "plan.h"
#include "safety.h"

static int needs_admin_check(const json_t *changes)
{
	json_t *c;
	size_t i;

	json_array_foreach(changes, i, c)
	{
		const char *op = json_string_value(json_object_get(c, "op"));
		const json_t *admin = json_object_get(json_object_get(json_object_get(c, "fields"), "admin"), "to");

		if (strcmp(op, "deactivate") == 0 || json_is_false(admin))
			return 1;
	}
	return 0;
}

/* An imperative update knows only the new values: read the account so the report shows
 * "from -> to" and fields that already hold their value are left out. */
static int fill_update_from(struct cli *cli, struct session *s, json_t *change)
{
	const char *id = json_string_value(json_object_get(change, "key"));
	json_t *fields = json_object_get(change, "fields"), *user = NULL, *f;
	const char *name;
	void *tmp;

	if (s->driver->get_user == NULL || s->driver->get_user(s, id, &user, &cli->err) != 0)
		return s->driver->get_user == NULL ? 0 : -1;
	if (user == NULL)
		return err_set(&cli->err, EXIT_FAILURE_, "%s: no user '%s' on %s", s->driver->name, id,
			       s->context->server);
	json_object_foreach_safe(fields, tmp, name, f)
	{
		json_t *have = json_object_get(user, name);

		if (have != NULL && json_equal(have, json_object_get(f, "to")))
			json_object_del(fields, name);
		else
			json_object_set(f, "from", have ? have : json_null());
	}
	json_decref(user);
	return 0;
}

int cli_run_changes(struct cli *cli, json_t *changes, bool force)
{
	json_t *actual = NULL, *plan = NULL, *results = NULL, *users = NULL;
	struct session *s;
	const char *acting = NULL;
	int failed, status = 0;
	json_t *c;
	size_t i;

	if (cli_session(cli, &s) != 0)
		return cli_failed(cli);
	json_array_foreach(changes, i, c)
	{
		if (strcmp(json_string_value(json_object_get(c, "op")), "update") == 0 &&
		    strcmp(json_string_value(json_object_get(c, "type")), "user") == 0 &&
		    fill_update_from(cli, s, c) != 0)
			return cli_failed(cli);
		if (json_object_get(c, "fields") != NULL && json_object_size(json_object_get(c, "fields")) == 0) {
			cli_info(cli, "Nothing to change: %s %s already matches.\n",
				 json_string_value(json_object_get(c, "type")), json_string_value(json_object_get(c, "key")));
			json_array_remove(changes, i);
			i--;
		}
	}
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
	if (failed > 0) {
		json_t *r = NULL, *each;

		json_array_foreach(results, i, each)
		{
			if (r == NULL && strcmp(json_string_value(json_object_get(each, "status")), "ok") != 0)
				r = each;
		}
		/* the first failure's own status tells the most (77 for 403, 69 unreachable, ...) */
		int exit = (int)json_integer_value(json_object_get(r, "exit"));
		status = cli_fail(cli, exit ? exit : EXIT_FAILURE_, "%s",
				  json_string_value(json_object_get(r, "message")));
	}
done:
	json_decref(results);
	json_decref(plan);
	json_decref(actual);
	return status;
}
