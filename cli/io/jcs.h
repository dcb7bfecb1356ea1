/* RFC 8785, the JSON Canonicalization Scheme (JCS): one byte sequence for one JSON value, so that a
 * hash of it does not depend on how the value was formatted. The rules, as implemented here:
 *   - no whitespace; object members sorted by their names as arrays of UTF-16 code units;
 *   - strings escaped as ECMAScript's JSON.stringify does: \" \\ \b \f \n \r \t, other control
 *     characters as \u00xx (lower-case hex), everything else as literal UTF-8;
 *   - numbers as ECMAScript's Number.prototype.toString prints an IEEE 754 double (shortest
 *     round-trip digits; exponent form below 1e-6 and from 1e21 on; -0 as 0). jansson integers whose
 *     magnitude is at most 2^53 are exact doubles and print as integers; larger ones are first
 *     rounded to the nearest double, as the RFC's I-JSON number model requires.
 * Values JCS cannot hold (NaN, infinities, invalid UTF-8) are refused, never approximated. */
#ifndef MSGADM_JCS_H
#define MSGADM_JCS_H

#include <jansson.h>
#include <stddef.h>

#include "base/msg_err.h"

/* The canonical form of v: *out gets a malloc'd, NUL-terminated string (it holds no NUL byte) and
 * *len its length. Errors: EXIT_DATAERR naming the JSON path of the value JCS cannot hold. */
int jcs_canonicalize(const json_t *v, char **out, size_t *len, struct msg_err *err);

/* The same tokens laid out for reading: a newline and `indent` spaces per nesting level inside
 * every non-empty array and object, ": " after member names. Removing the whitespace outside
 * strings gives exactly jcs_canonicalize's output. `level` is the nesting level v starts at, so the
 * result can be embedded in a larger document. */
int jcs_pretty(const json_t *v, int indent, int level, char **out, size_t *len, struct msg_err *err);

/* ECMAScript's Number::toString(d) into buf (at least 32 bytes); -1 for NaN and infinities. */
int jcs_format_double(double d, char *buf, size_t size);

/* Orders two UTF-8 strings by their UTF-16 code units, as RFC 8785 sorts member names: <0, 0, >0. */
int jcs_compare_names(const char *a, const char *b);

#endif
