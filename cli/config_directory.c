/* The contexts file's directories (config_directory.h). */
#include "config_directory.h"

#include <stdlib.h>
#include <string.h>

#include "base/exitcode.h"
#include "io/document.h"

static const json_t *directories(const struct config *cfg)
{
	return json_object_get(cfg->doc, "directories");
}

json_t *config_directory_names(const struct config *cfg)
{
	json_t *names = json_array(), *d;
	size_t i;

	json_array_foreach(directories(cfg), i, d) json_array_append(names, json_object_get(d, "name"));
	return names;
}

int config_directory(const struct config *cfg, const char *name, struct directory_profile *out,
		     struct msg_err *err)
{
	const json_t *d, *found = NULL;
	char path[64], names[512] = "";
	size_t i, used = 0, at = 0;

	json_array_foreach(directories(cfg), i, d)
	{
		const char *n = json_string_value(json_object_get(d, "name"));

		if (strcmp(n, name) == 0) {
			if (found != NULL) {
				snprintf(path, sizeof(path), "directories[%zu].name", i);
				return document_problem(err, cfg->path, cfg->pos, path,
							"directory '%s' is defined twice", name);
			}
			found = d;
			at = i;
		}
		if (used < sizeof(names))
			used +=
			    (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "", n);
	}
	if (found == NULL)
		return err_set(err, EXIT_CONFIG, "%s: no directory '%s' in directories (known: %s)",
			       cfg->path, name, used ? names : "none");
	if (json_object_get(found, "bind_password_file") && json_object_get(found, "bind_password_env")) {
		snprintf(path, sizeof(path), "directories[%zu]", at);
		return document_problem(err, cfg->path, cfg->pos, path,
					"give bind_password_file or bind_password_env, not both");
	}
	if (json_object_get(found, "bind_dn") && !json_object_get(found, "bind_password_file") &&
	    !json_object_get(found, "bind_password_env")) {
		snprintf(path, sizeof(path), "directories[%zu]", at);
		return document_problem(err, cfg->path, cfg->pos, path,
					"bind_dn needs bind_password_file or bind_password_env");
	}
	*out = (struct directory_profile){
	    .name = name,
	    .url = json_string_value(json_object_get(found, "url")),
	    .starttls = json_is_true(json_object_get(found, "starttls")),
	    .ca_file = json_string_value(json_object_get(found, "ca_file")),
	    .bind_dn = json_string_value(json_object_get(found, "bind_dn")),
	    .bind_password_file = json_string_value(json_object_get(found, "bind_password_file")),
	    .bind_password_env = json_string_value(json_object_get(found, "bind_password_env")),
	    .page_size = json_object_get(found, "page_size")
			     ? (int)json_integer_value(json_object_get(found, "page_size"))
			     : 500,
	    .timeout_ms = json_object_get(found, "timeout")
			      ? (long)json_integer_value(json_object_get(found, "timeout")) * 1000
			      : 30000,
	};
	return 0;
}

int config_directory_password(const struct directory_profile *p, char **password, struct msg_err *err)
{
	char name[sizeof(err->text)];

	*password = NULL;
	if (p->bind_dn == NULL)
		return 0;
	if (p->bind_password_file != NULL) {
		snprintf(name, sizeof(name), "directory %s: bind password file %s", p->name,
			 p->bind_password_file);
		return config_read_secret_file(name, p->bind_password_file, password, err);
	}
	snprintf(name, sizeof(name), "directory %s", p->name);
	return config_read_secret_env(name, "bind_password_env", p->bind_password_env, password, err);
}
