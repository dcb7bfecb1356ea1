#include "yaml_emit.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "base/exitcode.h"

/* True when a plain scalar with this text would not read back as the same string. */
static int needs_quotes(const char *s)
{
	static const char *const words[] = {"null", "~", "true", "false", "yes", "no", "on", "off", "y", "n"};

	if (*s == '\0' || isdigit((unsigned char)*s) || strchr("+-.", *s) != NULL)
		return 1;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(s, words[i]) == 0)
			return 1;
	return 0;
}

static int emit_scalar(yaml_emitter_t *em, const char *text, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text, (int)strlen(text), 1, 1, style);
	return yaml_emitter_emit(em, &ev);
}

static int emit_value(yaml_emitter_t *em, const json_t *v)
{
	yaml_event_t ev;
	char num[64];
	const char *key;
	json_t *item;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
		if (!yaml_emitter_emit(em, &ev))
			return 0;
		json_object_foreach((json_t *)v, key, item)
		{
			if (!emit_scalar(em, key,
					 needs_quotes(key) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
							   : YAML_ANY_SCALAR_STYLE) ||
			    !emit_value(em, item))
				return 0;
		}
		yaml_mapping_end_event_initialize(&ev);
		return yaml_emitter_emit(em, &ev);
	case JSON_ARRAY:
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
		if (!yaml_emitter_emit(em, &ev))
			return 0;
		json_array_foreach(v, i, item)
		{
			if (!emit_value(em, item))
				return 0;
		}
		yaml_sequence_end_event_initialize(&ev);
		return yaml_emitter_emit(em, &ev);
	case JSON_STRING:
		return emit_scalar(em, json_string_value(v),
				   needs_quotes(json_string_value(v)) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
								      : YAML_ANY_SCALAR_STYLE);
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return emit_scalar(em, num, YAML_PLAIN_SCALAR_STYLE);
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.17g", json_real_value(v));
		return emit_scalar(em, num, YAML_PLAIN_SCALAR_STYLE);
	case JSON_TRUE:
		return emit_scalar(em, "true", YAML_PLAIN_SCALAR_STYLE);
	case JSON_FALSE:
		return emit_scalar(em, "false", YAML_PLAIN_SCALAR_STYLE);
	case JSON_NULL:
		return emit_scalar(em, "null", YAML_PLAIN_SCALAR_STYLE);
	}
	return 0;
}

static int write_out(void *data, unsigned char *buffer, size_t size)
{
	return fwrite(buffer, 1, size, (FILE *)data) == size;
}

int yaml_emit(FILE *out, const json_t *value, struct msg_err *err)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	int ok;

	if (!yaml_emitter_initialize(&em))
		return err_set(err, EXIT_FAILURE_, "out of memory");
	yaml_emitter_set_output(&em, write_out, out);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, 110);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	ok = yaml_emitter_emit(&em, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	ok = ok && yaml_emitter_emit(&em, &ev);
	ok = ok && emit_value(&em, value);
	yaml_document_end_event_initialize(&ev, 1);
	ok = ok && yaml_emitter_emit(&em, &ev);
	yaml_stream_end_event_initialize(&ev);
	ok = ok && yaml_emitter_emit(&em, &ev);
	if (!ok)
		err_set(err, EXIT_FAILURE_, "writing YAML: %s", em.problem ? em.problem : "output error");
	yaml_emitter_delete(&em);
	return ok ? 0 : -1;
}
