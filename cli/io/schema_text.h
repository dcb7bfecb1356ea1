/* String checks for the schema validator (schema_text.c); nothing else uses them. */
#ifndef MSGADM_SCHEMA_TEXT_H
#define MSGADM_SCHEMA_TEXT_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

/* The message for a string s (bytes long: a NUL inside fails every format) that is not in format,
 * or NULL when it is, or when msgadm does not know the format (annotations only). */
const char *schema_format_problem(const char *format, const char *s, size_t bytes);
/* Compiles an ECMA-262 pattern into re (REG_EXTENDED | REG_NOSUB); false when it uses what POSIX
 * cannot express the same way (lookaround, \b, \p{...}, back references). */
bool schema_regex_compile(regex_t *re, const char *ecma);
/* Whether s matches the ECMA-262 pattern; *supported is false (and the result false) for a pattern
 * schema_regex_compile refuses. Each pattern is compiled once per process, not once per value: a
 * policy of 100,000 users matches the same id pattern 100,000 times. */
bool schema_regex_match(const char *ecma, const char *s, bool *supported);

#endif
