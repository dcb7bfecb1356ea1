#include "policy.h"

#include <stdlib.h>
#include <string.h>

#include "io/document.h"
#include "base/exitcode.h"
#include "first_seen.h"
#include "resource.h"
#include "io/schema.h"
#include "io/yaml_load.h"

/* Keys of `key` in the objects of array `list` must be unique. */
static int check_unique(const struct policy *p, const json_t *list, const char *list_path, const char *key,
			const char *what, struct msg_err *err)
{
	struct first_seen *seen = first_seen_new(json_array_size(list));
	json_t *item;
	char path[256];
	size_t i;
	int rc = 0;

	if (seen == NULL)
		return err_set(err, EXIT_FAILURE_, "out of memory");
	json_array_foreach(list, i, item)
	{
		const char *k = json_string_value(json_object_get(item, key));
		char first_path[256];
		size_t first;
		int line, col;

		if (k == NULL || (first = first_seen_at(seen, k, i)) == i)
			continue;
		snprintf(first_path, sizeof(first_path), "%s[%zu].%s", list_path, first, key);
		yaml_pos_lookup(p->pos, first_path, &line, &col);
		snprintf(path, sizeof(path), "%s[%zu].%s", list_path, i, key);
		if (line > 0)
			document_problem(err, p->file, p->pos, path,
					 "%s '%s' is listed twice (first at %d:%d)", what, k, line, col);
		else
			document_problem(err, p->file, p->pos, path, "%s '%s' is listed twice", what, k);
		rc = -1;
	}
	first_seen_free(seen);
	return rc;
}

static int check_semantics(const struct policy *p, struct msg_err *err)
{
	int rc = 0;

	err_clear(err);
	for (size_t i = 0; resource_types[i] != NULL; i++) {
		const struct resource_type *t = resource_types[i];
		const json_t *section = policy_at(p->doc, t->section);

		if (section == NULL)
			continue;
		if (check_unique(p, policy_at(p->doc, t->list), t->list, t->key, t->name, err) != 0)
			rc = -1;
		if (t->check != NULL && t->check(t, p, section, err) != 0)
			rc = -1;
	}
	if (check_unique(p, policy_at(p->doc, "retention.rooms"), "retention.rooms", "room", "room", err) !=
	    0)
		rc = -1;
	return rc;
}

/* Takes p (a policy with its document read) and holds it to the schema and the rules beyond it;
 * *out gets it on success, else it is freed. */
static int policy_finish(struct policy *p, struct policy **out, struct msg_err *err)
{
	if (document_check(p->file, schema_policy(), p->doc, p->pos, err) != 0 ||
	    check_semantics(p, err) != 0) {
		policy_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

int policy_load(const char *file, struct policy **out, struct msg_err *err)
{
	struct policy *p = calloc(1, sizeof(*p));

	if (p == NULL || (p->file = strdup(file)) == NULL) {
		free(p);
		return err_set(err, EXIT_FAILURE_, "out of memory");
	}
	if (yaml_load_file(file, &p->doc, &p->pos, err) != 0) {
		policy_free(p);
		return -1;
	}
	return policy_finish(p, out, err);
}

int policy_from_json(const char *file, const json_t *doc, struct policy **out, struct msg_err *err)
{
	struct policy *p = calloc(1, sizeof(*p));

	if (p == NULL || (p->file = strdup(file)) == NULL) {
		free(p);
		return err_set(err, EXIT_FAILURE_, "out of memory");
	}
	p->doc = json_deep_copy(doc);
	p->pos = yaml_pos_new();
	return policy_finish(p, out, err);
}

void policy_free(struct policy *p)
{
	if (p == NULL)
		return;
	json_decref(p->doc);
	yaml_pos_free(p->pos);
	free(p->file);
	free(p);
}
