/* Console line splitting and the history's secret rule; the rules are in console_words.h. */
#include "console_words.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const console_builtins[] = {"use", "exit", "quit", NULL};

/* Backslash inside double quotes escapes only these (POSIX). */
static const char dquote_escapable[] = "$`\"\\\n";

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static bool push_word(struct console_words *w, const char *buf, size_t len)
{
	char **grown = realloc(w->argv, ((size_t)w->argc + 2) * sizeof(*w->argv));
	char *word;

	if (grown == NULL)
		return false;
	w->argv = grown;
	w->argv[w->argc] = NULL;
	if ((word = strndup(buf, len)) == NULL)
		return false;
	w->argv[w->argc++] = word;
	w->argv[w->argc] = NULL;
	return true;
}

enum console_split console_words_split(const char *line, struct console_words *w)
{
	char *buf = malloc(strlen(line) + 1); /* a word is never longer than the line */
	enum console_split result = SPLIT_OK;
	size_t len = 0;
	bool in_word = false;
	char quote = 0;

	memset(w, 0, sizeof(*w));
	if (buf == NULL)
		return SPLIT_NO_MEMORY;
	for (const char *p = line; *p != '\0'; p++) {
		char c = *p;

		if (quote == '\'') {
			if (c == '\'')
				quote = 0;
			else
				buf[len++] = c;
			continue;
		}
		if (quote == '"') {
			if (c == '"') {
				quote = 0;
			} else if (c == '\\' && p[1] != '\0' && strchr(dquote_escapable, p[1]) != NULL) {
				if (*++p != '\n')
					buf[len++] = *p;
			} else {
				buf[len++] = c;
			}
			continue;
		}
		if (c == '\\' && p[1] == '\n') { /* a continued line: not even a separator */
			p++;
			continue;
		}
		if (is_blank(c)) {
			if (in_word && !push_word(w, buf, len)) {
				result = SPLIT_NO_MEMORY;
				goto done;
			}
			in_word = false;
			len = 0;
			continue;
		}
		if (c == '#' && !in_word)
			break;
		in_word = true;
		if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == '\\') {
			if (p[1] == '\0') {
				result = SPLIT_TRAILING_BACKSLASH;
				break;
			}
			buf[len++] = *++p;
		} else {
			buf[len++] = c;
		}
	}
	if (quote != 0)
		result = SPLIT_OPEN_QUOTE;
	w->quote = quote;
	w->open = in_word;
	if (in_word && !push_word(w, buf, len))
		result = SPLIT_NO_MEMORY;
done:
	free(buf);
	return result;
}

void console_words_free(struct console_words *w)
{
	for (int i = 0; i < w->argc; i++)
		free(w->argv[i]);
	free(w->argv);
	memset(w, 0, sizeof(*w));
}

const char *console_split_error(enum console_split result)
{
	switch (result) {
	case SPLIT_OK:
		return "no error";
	case SPLIT_OPEN_QUOTE:
		return "unterminated quote";
	case SPLIT_TRAILING_BACKSLASH:
		return "the line ends with a backslash";
	case SPLIT_NO_MEMORY:
		break;
	}
	return "out of memory";
}

/* Whether s[0..n) contains, ignoring case, a word that names a secret. */
static bool names_secret(const char *s, size_t n)
{
	static const char *const names[] = {"pass", "token", "secret", "key", NULL};

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; names[k] != NULL; k++) {
			size_t m = strlen(names[k]);
			if (m <= n - i && strncasecmp(s + i, names[k], m) == 0)
				return true;
		}
	return false;
}

static bool is_base64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
	       c == '/' || c == '=' || c == '-' || c == '_';
}

/* The rule of console_line_secret for one word of n bytes. */
static bool word_secret(const char *word, size_t n)
{
	const char *eq = memchr(word, '=', n);
	size_t run = 0;

	if ((word[0] == '-' || eq != NULL) && names_secret(word, eq != NULL ? (size_t)(eq - word) : n))
		return true;
	for (size_t i = 0; i < n; i++) {
		run = is_base64_char(word[i]) ? run + 1 : 0;
		if (run > 32)
			return true;
	}
	return false;
}

bool console_line_secret(const char *line)
{
	struct console_words w;
	bool secret = false;

	/* The words as the command sees them (quotes and backslashes removed)... */
	if (console_words_split(line, &w) == SPLIT_NO_MEMORY)
		secret = true;
	for (int i = 0; !secret && i < w.argc; i++)
		secret = w.argv[i][0] != '\0' && word_secret(w.argv[i], strlen(w.argv[i]));
	console_words_free(&w);
	/* ...and as the history file would hold them, comments included. */
	for (const char *p = line; !secret && *p != '\0';) {
		size_t n;

		p += strspn(p, " \t\n");
		n = strcspn(p, " \t\n");
		secret = n > 0 && word_secret(p, n);
		p += n;
	}
	return secret;
}
