/* Test tool: maps one ejabberd reply the way msgadm's driver does (ej_reply_map), so that end-to-end
 * tests can hold msgadm's reading of a reply a real ejabberd just sent, for requests msgadm itself
 * never makes (malformed JSON, a missing argument...).
 *   ej-reply-map COMMAND HOST STATUS BODYFILE
 * prints "EXIT<TAB>MESSAGE" for an error (EXIT: msgadm's exit status) or "0<TAB>VALUE" (the result as
 * compact JSON); exits 0 when it could map the reply, 2 on bad usage or an unreadable file. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/ejabberd.h"
#include "io/wholefile.h"

int main(int argc, char **argv)
{
	struct http_reply r = {0};
	struct msg_err err = {0};
	json_t *value = NULL;
	unsigned char *data = NULL;
	char *text;

	if (argc != 5) {
		fprintf(stderr, "usage: ej-reply-map COMMAND HOST STATUS BODYFILE\n");
		return 2;
	}
	if (wholefile_read(argv[4], 1 << 20, &data, &r.body_len, NULL, &err) != 0) {
		fprintf(stderr, "%s\n", err.text);
		return 2;
	}
	r.body = (char *)data;
	r.status = strtol(argv[3], NULL, 10);
	r.json = r.body_len > 0 ? json_loadb(r.body, r.body_len, JSON_DECODE_ANY, NULL) : NULL;
	if (ej_reply_map(argv[1], argv[2], &r, NULL, &value, &err) != 0) {
		printf("%d\t%s\n", err.status, err.text);
	} else {
		text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
		printf("0\t%s\n", text ? text : "?");
		free(text);
	}
	json_decref(value);
	json_decref(r.json);
	free(r.body);
	return 0;
}
