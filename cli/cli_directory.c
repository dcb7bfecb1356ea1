/* Opening a directory of the contexts file for a command: the profile found, its bind password read,
 * handed to the bind and wiped at once. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "base/exitcode.h"
#include "config_directory.h"
#include "directory/users.h"
#include "drivers/drivers.h"
#include "engine/policy.h"

int cli_directory(struct cli *cli, const char *name, struct directory_profile *profile_out,
		  struct directory **out)
{
	struct directory_profile profile;
	struct config *cfg;
	char *password = NULL;
	int rc;

	if (cli_config(cli, &cfg) != 0 || config_directory(cfg, name, &profile, &cli->err) != 0 ||
	    config_directory_password(&profile, &password, &cli->err) != 0)
		return -1;
	rc = directory_open(&profile, password, cli->verbose ? cli->errout : NULL, out, &cli->err);
	if (profile_out != NULL)
		*profile_out = profile;
	if (password != NULL)
		explicit_bzero(password, strlen(password));
	free(password);
	return rc;
}

int cli_directory_policy(struct cli *cli, const char *file, struct policy **p, const json_t **spec)
{
	if (policy_load(file, p, &cli->err) != 0)
		return -1;
	*spec = json_object_get(json_object_get((*p)->doc, "users"), "directory");
	if (*spec == NULL)
		return cli_fail(cli, EXIT_DATAERR, "%s: no users.directory", file), -1;
	return 0;
}

int cli_directory_ids(struct cli *cli, struct directory_ids *ids)
{
	const struct context *ctx;
	const struct driver *drv;
	struct config *cfg;

	if (cli_config(cli, &cfg) != 0 || config_select(cfg, cli->context_name, &ctx, &cli->err) != 0)
		return -1;
	drv = driver_find(ctx->driver);
	*ids = (struct directory_ids){.check = drv != NULL ? drv->local_id_check : NULL, .ctx = ctx};
	return 0;
}

/* The plan's reads of users.directory (engine/session.h's directory_source): the directory opened,
 * read as the policy asks, closed; the answer with its digest, which saved plans keep. */
static int read_directory(const struct directory_source *src, const struct session *s, const json_t *spec,
			  json_t **answer, struct msg_err *err)
{
	struct cli *cli = src->ctx;
	const char *name = json_string_value(json_object_get(spec, "source"));
	const struct directory_ids ids = {.check = s->driver->local_id_check, .ctx = s->context};
	struct directory_profile profile;
	struct directory_query q;
	struct directory *d = NULL;
	json_t *users = NULL, *summed;
	char *digest;
	int rc;

	if (cli_directory(cli, name, &profile, &d) != 0) {
		if (err != &cli->err)
			*err = cli->err;
		return -1;
	}
	directory_query_of(spec, &q);
	rc = directory_users(d, &q, &ids, &users, err);
	directory_close(d);
	if (rc != 0) {
		err_prefix(err, "users.directory");
		return -1;
	}
	summed = json_pack("{s:O,s:O}", "users", json_object_get(users, "users"), "left_out",
			   json_object_get(users, "left_out"));
	digest = state_digest(summed);
	json_decref(summed);
	if (digest == NULL) {
		json_decref(users);
		return err_set(err, EXIT_FAILURE_, "cannot compute the directory's digest");
	}
	json_object_set_new(users, "directory", json_string(name));
	json_object_set_new(users, "url", json_string(profile.url));
	json_object_set_new(users, "digest", json_string(digest));
	free(digest);
	*answer = users;
	return 0;
}

void cli_directory_source(struct cli *cli, struct session *s)
{
	cli->directories = (struct directory_source){.read = read_directory, .ctx = cli};
	s->directory = &cli->directories;
}
