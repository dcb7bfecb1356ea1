/* Test tool: validates a JSON instance against a JSON Schema with msgadm's own validator, printing
 * each problem as "PATH: MESSAGE". Used to hold lint's SARIF output to the official SARIF schema.
 *   json-validate SCHEMA INSTANCE   -> exit 0 valid, 1 invalid, 2 unreadable input */
#include <jansson.h>
#include <stdio.h>

#include "io/schema.h"

int main(int argc, char **argv)
{
	json_t *schema = NULL, *instance = NULL, *errors = json_array(), *e;
	json_error_t jerr;
	size_t i;
	int rc = 2;

	if (argc != 3) {
		fprintf(stderr, "usage: json-validate SCHEMA INSTANCE\n");
		goto done;
	}
	schema = json_load_file(argv[1], 0, &jerr);
	instance = json_load_file(argv[2], JSON_DECODE_ANY, &jerr);
	if (schema == NULL || instance == NULL) {
		fprintf(stderr, "%s:%d:%d: %s\n", jerr.source, jerr.line, jerr.column, jerr.text);
		goto done;
	}
	rc = schema_validate(schema, instance, errors) ? 0 : 1;
	json_array_foreach(errors, i, e)
	{
		printf("%s: %s\n", json_string_value(json_object_get(e, "path")),
		       json_string_value(json_object_get(e, "message")));
	}
done:
	json_decref(errors);
	json_decref(schema);
	json_decref(instance);
	return rc;
}
