/* Splitting a console line into words, as a POSIX shell does for simple input, and deciding whether a
 * line may be kept in the history file.
 *
 * Words are separated by spaces, tabs and newlines. 'single quotes' keep everything literally;
 * "double quotes" keep everything but a backslash before $ ` " \ or newline, which is removed; outside
 * quotes a backslash keeps the next character literally (and a backslash-newline disappears). A word
 * that begins with # starts a comment that runs to the end of the line. Nothing is expanded: no
 * variables, globs, ~ or command substitution. Quotes may join parts: a'b'"c" is one word, abc. */
#ifndef MSGADM_CONSOLE_WORDS_H
#define MSGADM_CONSOLE_WORDS_H

#include <stdbool.h>

struct console_words {
	int argc;
	char **argv; /* argc malloc'd words, then NULL */
	bool open;   /* the line ends inside the last word (nothing separates it from the end) */
	char quote;  /* the quote character still open at the end, or 0 */
};

enum console_split {
	SPLIT_OK = 0,
	SPLIT_OPEN_QUOTE,	  /* a quote is not closed */
	SPLIT_TRAILING_BACKSLASH, /* the line ends with a lone backslash */
	SPLIT_NO_MEMORY,
};

/* Splits line into w (which must be freed with console_words_free whatever the result). On
 * SPLIT_OPEN_QUOTE and SPLIT_TRAILING_BACKSLASH, w still holds the words, the last one open: what
 * completion needs for the part of a line before the cursor. */
enum console_split console_words_split(const char *line, struct console_words *w);
void console_words_free(struct console_words *w);
/* "unterminated quote" and so on, for messages. */
const char *console_split_error(enum console_split result);

/* Whether a line looks as if it carries a secret, and so must stay out of the history. It does when
 * one of its words (as split above, and also as separated by blanks only, so that comments and
 * unbalanced quotes are seen too):
 *  - is an option (starts with -) whose name contains pass, token, secret or key (--password,
 *    --api-key), or has the form NAME=VALUE where NAME contains one of those (token=..., or
 *    --client-secret=...), compared without regard to case;
 *  - or contains more than 32 consecutive characters of the base64 alphabets (letters, digits, +, /,
 *    =, - and _), which is what access tokens and keys look like.
 * msgadm takes no secret on its command line; this is defence in depth against a pasted one. */
bool console_line_secret(const char *line);

/* Words the console itself understands, which the command table does not hold. */
extern const char *const console_builtins[]; /* "use", "exit", "quit", then NULL */

#endif
