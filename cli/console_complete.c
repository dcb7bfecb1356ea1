/* Tab completion in the console, through readline's rl_attempted_completion_function: the words
 * before the cursor go to the completion engine that the shells' completion shares (complete.h), and
 * what it offers goes to readline. Values only the server knows come through the console's own
 * session (its context, not a --context on the line being typed), or from the completion cache while
 * it is fresh (complete_live.h). */
#include "console.h"

#include <readline/readline.h>
#include <stdlib.h>
#include <string.h>

#include "shell/complete.h"
#include "shell/complete_live.h"
#include "shell/console_words.h"

static struct cli *console_cli;
static json_t *candidates; /* strings offered for the word being completed, during one completion */

static int console_session(void *data, const struct context *ctx, struct session **s)
{
	(void)ctx; /* the one the console's session is for */
	return cli_session(data, s);
}

static json_t *console_live(const struct complete_source *src, const char *hint, const char *context)
{
	struct cli *cli = src->data;
	const struct context *ctx;
	struct config *cfg;
	json_t *names = NULL;

	(void)context;
	if (cli_config(cli, &cfg) == 0 && config_select(cfg, cli->context_name, &ctx, &cli->err) == 0)
		names = complete_live(ctx, hint, console_session, cli);
	err_clear(&cli->err);
	return names;
}

/* readline's generator over candidates: state 0 starts again. */
static char *next_candidate(const char *text, int state)
{
	static size_t i;
	size_t n = strlen(text);

	if (state == 0)
		i = 0;
	while (i < json_array_size(candidates)) {
		const char *s = json_string_value(json_array_get(candidates, i++));
		if (strncmp(s, text, n) == 0)
			return strdup(s);
	}
	return NULL;
}

/* The engine's candidates for the word whose first `skip` bytes readline does not see. */
static void take_values(const struct completion *c, size_t skip)
{
	json_t *v;
	size_t i;

	json_array_foreach(c->values, i, v)
	{
		const char *s = json_string_value(v);

		if (strlen(s) >= skip)
			json_array_append_new(candidates, json_string(s + skip));
	}
}

static char **complete(const char *text, int start, int end)
{
	struct complete_source src = {.data = console_cli,
				      .console = true,
				      .contexts = cli_complete_contexts,
				      .directories = cli_complete_directories,
				      .live = console_live};
	struct completion c = {0};
	struct console_words w;
	char *before = strndup(rl_line_buffer, (size_t)start), *word = NULL;
	char **matches = NULL;
	size_t skip = 0;
	int argc;

	(void)end;
	rl_attempted_completion_over = 1; /* no fallback to file names where nothing fits */
	if (before == NULL || (candidates = json_array()) == NULL ||
	    console_words_split(before, &w) == SPLIT_NO_MEMORY)
		goto done;
	argc = w.argc;
	if (w.open && argc > 0) {
		/* The word under the cursor began before start: after "--output=" ('=' ends a word for
		 * readline) or an opening quote. Anything else is beyond simple completion. */
		const char *last = w.argv[--argc];
		size_t n = strlen(last);

		if (last[0] == '-' && n > 1 && last[n - 1] == '=')
			skip = n;
		else if (last[0] != '\0')
			goto words_done;
	}
	if (asprintf(&word, "%.*s%s", (int)skip, skip ? w.argv[argc] : "", text) < 0) {
		word = NULL;
		goto words_done;
	}
	if (complete_word(&src, argc, w.argv, word, &c) != 0)
		goto words_done;
	if (c.files && c.value_at == skip)
		matches = rl_completion_matches(text, rl_filename_completion_function);
	else if (!c.files) {
		take_values(&c, skip);
		matches = rl_completion_matches(text, next_candidate);
	}
words_done:
	completion_free(&c);
	console_words_free(&w);
done:
	json_decref(candidates);
	candidates = NULL;
	free(word);
	free(before);
	return matches;
}

/* A backslash before a character keeps readline from taking it as a word break. */
static int backslash_quoted(char *line, int index)
{
	int n = 0;

	while (index - n > 0 && line[index - n - 1] == '\\')
		n++;
	return n % 2;
}

void console_complete_init(struct cli *cli)
{
	console_cli = cli;
	rl_attempted_completion_function = complete;
	rl_completer_word_break_characters = " \t\n=";
	rl_completer_quote_characters = "'\"";
	rl_filename_quote_characters = " \t\n\\\"'=#";
	rl_char_is_quoted_p = backslash_quoted;
}
