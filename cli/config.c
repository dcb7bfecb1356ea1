/* The contexts file: where it is, whether it can be trusted, and which context to use. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/document.h"
#include "audit/audit.h"
#include "base/exitcode.h"
#include "io/file_private.h"
#include "io/schema.h"
#include "io/wholefile.h"
#include "io/yaml_load.h"

#define KEY_FILE_MAX 65536 /* a PEM RSA 4096-bit key is about 3300 bytes */

char *config_default_path(void)
{
	const char *env = getenv("MSGADM_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char *path = NULL;

	if (env != NULL && *env)
		return strdup(env);
	if (xdg != NULL && *xdg) {
		if (asprintf(&path, "%s/msgadm/config.yaml", xdg) < 0)
			return NULL;
		return path;
	}
	if (asprintf(&path, "%s/.config/msgadm/config.yaml", home ? home : ".") < 0)
		return NULL;
	return path;
}

static const char *str_field(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static long int_field(const json_t *obj, const char *key, long fallback)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? (long)json_integer_value(v) : fallback;
}

/* Fills cfg->contexts from the validated document; names must be unique. */
static int read_contexts(struct config *cfg, struct msg_err *err)
{
	const json_t *list = json_object_get(cfg->doc, "contexts");
	size_t i, j;
	json_t *c;

	cfg->current = str_field(cfg->doc, "current_context");
	cfg->ncontexts = json_array_size(list);
	cfg->contexts = calloc(cfg->ncontexts ? cfg->ncontexts : 1, sizeof(*cfg->contexts));
	if (cfg->contexts == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	json_array_foreach(list, i, c)
	{
		struct context *ctx = &cfg->contexts[i];
		char path[64];

		ctx->name = str_field(c, "name");
		ctx->driver = str_field(c, "driver");
		ctx->url = str_field(c, "url");
		ctx->server = str_field(c, "server");
		ctx->token_file = str_field(c, "token_file");
		ctx->token_env = str_field(c, "token_env");
		ctx->auth = str_field(c, "auth") ? str_field(c, "auth") : "bearer";
		ctx->ca_file = str_field(c, "ca_file");
		ctx->client_cert = str_field(c, "client_cert");
		ctx->client_key = str_field(c, "client_key");
		ctx->audit_log = str_field(c, "audit_log");
		ctx->settings = c; /* for the keys only one driver reads */
		ctx->timeout_ms = int_field(c, "timeout", 60) * 1000;
		ctx->connect_timeout_ms = int_field(c, "connect_timeout", 10) * 1000;
		ctx->retries = (int)int_field(c, "retries", 4);
		ctx->page_size = (int)int_field(c, "page_size", 500);
		ctx->parallel = (int)int_field(c, "parallel", 4);
		snprintf(path, sizeof(path), "contexts[%zu].name", i);
		for (j = 0; j < i; j++)
			if (strcmp(cfg->contexts[j].name, ctx->name) == 0)
				return document_problem(err, cfg->path, cfg->pos, path,
							"context '%s' is defined twice", ctx->name);
		if (ctx->token_file != NULL && ctx->token_env != NULL) {
			snprintf(path, sizeof(path), "contexts[%zu]", i);
			return document_problem(err, cfg->path, cfg->pos, path,
						"give token_file or token_env, not both");
		}
	}
	return 0;
}

int config_load(const char *path, struct config **out, struct msg_err *err)
{
	static const struct file_private trusted = {
	    .flags = O_RDONLY,
	    .refuse = FILE_PRIVATE_TRUSTED,
	    .status = EXIT_CONFIG,
	    .missing_ok = true,
	    .exposed = "%s: is writable by group or others; fix with: chmod go-w %s",
	};
	struct config *cfg = calloc(1, sizeof(*cfg));
	FILE *f = NULL;
	int fd, rc = -1;

	if (cfg == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	cfg->path = strdup(path);
	fd = file_private_open(path, &trusted, err);
	if (fd == FILE_PRIVATE_MISSING) {
		cfg->doc = json_object();
		cfg->pos = yaml_pos_new();
		cfg->contexts = calloc(1, sizeof(*cfg->contexts));
		rc = 0;
		goto done;
	}
	if (fd < 0)
		goto done;
	cfg->exists = 1;
	/* parsed from the descriptor that was checked, not from the path opened again */
	f = fdopen(fd, "rb");
	if (f == NULL) {
		close(fd);
		err_set(err, EXIT_FAILURE_, "out of memory");
		goto done;
	}
	if (yaml_load_stream(f, path, &cfg->doc, &cfg->pos, err) != 0 ||
	    document_check(path, schema_config(), cfg->doc, cfg->pos, err) != 0 ||
	    read_contexts(cfg, err) != 0) {
		err->status = EXIT_CONFIG;
		goto done;
	}
	rc = 0;
done:
	if (f != NULL)
		fclose(f);
	if (rc == 0)
		*out = cfg;
	else
		config_free(cfg);
	return rc;
}

void config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->contexts);
	json_decref(cfg->doc);
	yaml_pos_free(cfg->pos);
	free(cfg->path);
	free(cfg);
}

static const struct context *find_context(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->ncontexts; i++)
		if (strcmp(cfg->contexts[i].name, name) == 0)
			return &cfg->contexts[i];
	return NULL;
}

static void list_names(const struct config *cfg, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < cfg->ncontexts && used < size; i++)
		used +=
		    (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", cfg->contexts[i].name);
}

int config_select(const struct config *cfg, const char *name, const struct context **out, struct msg_err *err)
{
	const char *why = "--context";
	const struct context *ctx;
	char names[512];

	if (name == NULL && (name = getenv("MSGADM_CONTEXT")) != NULL && *name)
		why = "MSGADM_CONTEXT";
	else if (name == NULL || !*name) {
		name = cfg->current;
		why = "current_context";
	}
	if (name == NULL) {
		if (cfg->ncontexts == 1) {
			*out = &cfg->contexts[0];
			return 0;
		}
		if (!cfg->exists)
			return err_set(
			    err, EXIT_CONFIG,
			    "%s: no such file; create it with a context (see msgadm(1), CONNECTION PROFILES)",
			    cfg->path);
		if (cfg->ncontexts == 0)
			return err_set(
			    err, EXIT_CONFIG,
			    "%s: no contexts defined; add one (see msgadm(1), CONNECTION PROFILES)",
			    cfg->path);
		list_names(cfg, names, sizeof(names));
		return err_set(err, EXIT_CONFIG,
			       "%s: several contexts and none chosen (%s); use --context NAME", cfg->path,
			       names);
	}
	ctx = find_context(cfg, name);
	if (ctx == NULL) {
		list_names(cfg, names, sizeof(names));
		return err_set(err, EXIT_CONFIG, "%s: unknown context '%s' (from %s); known: %s", cfg->path,
			       name, why, cfg->ncontexts ? names : "none");
	}
	*out = ctx;
	return 0;
}

static void trim(char *s)
{
	size_t n = strlen(s);
	char *p = s;

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	memmove(s, p, strlen(p) + 1);
}

int config_read_secret_file(const char *name, const char *path, char **secret, struct msg_err *err)
{
	char buf[4096];
	const struct file_private how = {
	    .name = name,
	    .flags = O_RDONLY,
	    .regular = true,
	    .refuse = FILE_PRIVATE_SECRET,
	    .status = EXIT_CONFIG,
	};
	size_t n = 0;
	ssize_t got;
	int fd;

	fd = file_private_open(path, &how, err);
	if (fd < 0)
		return -1;
	while (n < sizeof(buf) - 1 && (got = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)got;
	close(fd);
	buf[n] = '\0';
	trim(buf);
	if (buf[0] == '\0') {
		explicit_bzero(buf, sizeof(buf));
		return err_set(err, EXIT_CONFIG, "%s is empty", name);
	}
	*secret = strdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return *secret ? 0 : err_set(err, EXIT_FAILURE_, "out of memory");
}

int config_read_secret_env(const char *name, const char *key, const char *variable, char **secret,
			   struct msg_err *err)
{
	const char *value = getenv(variable);

	if (value == NULL || *value == '\0')
		return err_set(err, EXIT_CONFIG, "%s: environment variable %s (%s) is not set", name,
			       variable, key);
	*secret = strdup(value);
	if (*secret == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	trim(*secret);
	return 0;
}

int context_read_key(const struct context *ctx, unsigned char **pem, size_t *len, struct msg_err *err)
{
	char name[sizeof(err->text)];
	const struct file_private secret = {
	    .name = name,
	    .flags = O_RDONLY,
	    .regular = true,
	    .refuse = FILE_PRIVATE_SECRET,
	    .status = EXIT_CONFIG,
	};
	int fd, rc;

	if (ctx->client_key == NULL) {
		*pem = NULL;
		*len = 0;
		return 0;
	}
	snprintf(name, sizeof(name), "context %s: client_key %s", ctx->name, ctx->client_key);
	fd = file_private_open(ctx->client_key, &secret, err);
	if (fd < 0)
		return -1;
	rc = wholefile_read_fd(fd, name, KEY_FILE_MAX, pem, len, NULL, err);
	close(fd);
	if (rc != 0 && err->status != EXIT_FAILURE_)
		err->status = EXIT_CONFIG;
	return rc;
}

int context_read_token(const struct context *ctx, char **token, struct msg_err *err)
{
	char name[sizeof(err->text)];

	if (ctx->token_file != NULL) {
		snprintf(name, sizeof(name), "context %s: token file %s", ctx->name, ctx->token_file);
		return config_read_secret_file(name, ctx->token_file, token, err);
	}
	if (ctx->token_env != NULL) {
		snprintf(name, sizeof(name), "context %s", ctx->name);
		return config_read_secret_env(name, "token_env", ctx->token_env, token, err);
	}
	return err_set(err, EXIT_CONFIG, "context %s: no token_file or token_env given", ctx->name);
}

/* Whether line is the top-level current_context key (plain, 'single' or "double" quoted). */
static int is_current_line(const char *line)
{
	const char *p = line;
	char quote = 0;

	if (*p == '"' || *p == '\'')
		quote = *p++;
	if (strncmp(p, "current_context", 15) != 0)
		return 0;
	p += 15;
	if (quote && *p++ != quote)
		return 0;
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == ':';
}

/* The comment at the end of a line (" # ..."), or "" */
static const char *trailing_comment(const char *line)
{
	const char *hash = strstr(line, " #");

	return hash ? hash : "";
}

/* Replaces (or adds) the top-level current_context line, keeping every other line and comment. */
int config_set_current(struct config *cfg, const char *name, struct msg_err *err)
{
	char *tmp = NULL, *line = NULL;
	size_t cap = 0;
	int replaced = 0, rc = -1;
	FILE *in = NULL, *out = NULL;

	if (find_context(cfg, name) == NULL) {
		char names[512];
		list_names(cfg, names, sizeof(names));
		return err_set(err, EXIT_CONFIG, "%s: unknown context '%s'; known: %s", cfg->path, name,
			       cfg->ncontexts ? names : "none");
	}
	if (asprintf(&tmp, "%s.tmp", cfg->path) < 0)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	in = fopen(cfg->path, "r");
	if (in == NULL) {
		err_set(err, EXIT_CONFIG, "%s: %s", cfg->path, strerror(errno));
		goto done;
	}
	umask(077);
	out = fopen(tmp, "w");
	if (out == NULL) {
		err_set(err, EXIT_CONFIG, "%s: %s", tmp, strerror(errno));
		goto done;
	}
	fchmod(fileno(out), 0600);
	while (getline(&line, &cap, in) > 0) {
		if (is_current_line(line)) {
			const char *comment = trailing_comment(line);
			if (!replaced)
				fprintf(out, "current_context: %s%s%s", name, comment, *comment ? "" : "\n");
			replaced = 1;
			continue;
		}
		if (!replaced && line[0] != '#' && line[0] != '\n' && line[0] != '-' &&
		    strncmp(line, "---", 3)) {
			fprintf(out, "current_context: %s\n", name);
			replaced = 1;
		}
		fputs(line, out);
	}
	if (!replaced)
		fprintf(out, "current_context: %s\n", name);
	if (fclose(out) != 0) {
		out = NULL;
		err_set(err, EXIT_CONFIG, "%s: %s", tmp, strerror(errno));
		goto done;
	}
	out = NULL;
	if (rename(tmp, cfg->path) != 0) {
		err_set(err, EXIT_CONFIG, "%s: %s", cfg->path, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	if (out != NULL)
		fclose(out);
	if (in != NULL)
		fclose(in);
	if (rc != 0 && tmp != NULL)
		unlink(tmp);
	free(line);
	free(tmp);
	return rc;
}

int config_audit_path(const struct config *cfg, const char *name, char **path, const char **context,
		      struct msg_err *err)
{
	const char *env = getenv("MSGADM_CONTEXT");
	const struct context *ctx = NULL;
	struct msg_err ignored;

	*context = NULL;
	if ((name != NULL && *name) || (env != NULL && *env)) {
		if (config_select(cfg, name, &ctx, err) != 0)
			return -1;
		*context = ctx->name;
	} else if (config_select(cfg, NULL, &ctx, &ignored) != 0) {
		ctx = NULL; /* nothing configured: the default log */
	}
	*path = audit_path(ctx);
	return *path ? 0 : err_set(err, EXIT_FAILURE_, "out of memory");
}
