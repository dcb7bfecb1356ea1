/* A small JSON Schema (draft 2020-12) validator covering the keywords msgadm's schemas use:
 * type, enum, const, properties, required, additionalProperties, patternProperties, propertyNames,
 * items, prefixItems, minItems, maxItems, uniqueItems, minLength, maxLength, pattern, minimum,
 * maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, minProperties, maxProperties,
 * allOf, anyOf, oneOf, not, if/then/else, $ref (to "#", "#/$defs/..." and JSON pointers within the
 * same document), $defs, boolean schemas, and format ("email", "date", "hostname") as an assertion.
 * Annotations such as title, description, default, examples and $comment are ignored.
 *
 * Ownership: arguments are borrowed; the errors array is the caller's and receives new entries. */
#ifndef MSGADM_SCHEMA_H
#define MSGADM_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>

/* Validates instance against schema (root is the whole schema document, used to resolve $ref).
 * Appends one object per problem to errors (may be NULL when only the answer matters):
 *   {"path": "users.list[2].email", "message": "not an e-mail address"}
 * with path built by jpath.h, and "at": "key" when the problem is the key itself (unknown field). Messages
 * read well to an administrator: "unknown field 'colour'", "expected an integer, got a string", "missing
 * required field 'id'", "must be one of: closed, token, open", or the schema's own "errorMessage" string when
 * the failing subschema has one. Returns true when valid. */
bool schema_validate(const json_t *schema, const json_t *instance, json_t *errors);

/* The policy schema compiled into the binary (schemas/policy.schema.json, see schema_policy.c); a borrowed
 * parsed once. NULL only if the embedded text is broken (a build bug). */
const json_t *schema_policy(void);

/* The contexts file schema (schemas/config.schema.json), the same way. */
const json_t *schema_config(void);
/* The policy schema's text, for `msgadm schema`. */
const char *schema_policy_text(void);

#endif
