/* Tab completion in the console, through readline's rl_attempted_completion_function. Like the shell
 * completions (completion_gen.c, whose table-walking helpers it shares), it knows no command by name:
 * the words before the cursor are walked the way cli.c parses them (global options anywhere, a
 * command of one or two words, its options, its arguments), and the hint of whatever comes next
 * (cmd_option.complete, command.arg_complete) says what to offer: "file", "context", "format",
 * "shell", "command", or values only the server knows, "user" and "token". Those are asked through
 * the console's own session (its context, not a --context on the line being typed) and remembered
 * for CACHE_SECONDS, or until a command changes the server or the console changes context. */
#include "console.h"

#include <readline/readline.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "completion_shells.h"
#include "console_words.h"

#define CACHE_SECONDS 30

static struct cli *console_cli;
static json_t *candidates; /* strings offered for the word being completed, during one completion */

/* Server values by hint; names is a JSON array of strings, or NULL when not fetched. */
static struct live_cache {
	const char *hint;
	json_t *names;
	struct timespec at;
} live[] = {{"user", NULL, {0, 0}}, {"token", NULL, {0, 0}}};

/* The option of opts that word names ("--file", "--file=x", "-f", "-fx"), or NULL; *inline_value
 * tells whether the word holds the value too. The same matching as cli.c's. */
static const struct cmd_option *option_named(const struct cmd_option *opts, int max, const char *word,
					     bool *inline_value)
{
	*inline_value = false;
	if (word[0] != '-' || word[1] == '\0')
		return NULL;
	for (int i = 0; i < max && opts[i].name != NULL; i++) {
		size_t n = strlen(opts[i].name);

		if (word[1] == '-' && strncmp(word + 2, opts[i].name, n) == 0 &&
		    (word[2 + n] == '\0' || word[2 + n] == '=')) {
			*inline_value = word[2 + n] == '=';
			return &opts[i];
		}
		if (word[1] != '-' && opts[i].short_name != 0 && word[1] == opts[i].short_name) {
			*inline_value = word[2] != '\0';
			return &opts[i];
		}
	}
	return NULL;
}

/* Whether some command's name is word followed by a second word. */
static bool is_group(const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; command_table[i] != NULL; i++)
		if (opens_group(i) && (size_t)word_len(command_table[i]->name) == n &&
		    strncmp(command_table[i]->name, word, n) == 0)
			return true;
	return false;
}

static const struct command *command_named(const char *name)
{
	for (size_t i = 0; command_table[i] != NULL; i++)
		if (strcmp(command_table[i]->name, name) == 0)
			return command_table[i];
	return NULL;
}

static bool is_builtin(const char *word)
{
	for (size_t i = 0; console_builtins[i] != NULL; i++)
		if (strcmp(console_builtins[i], word) == 0)
			return true;
	return false;
}

/* What the words of a line say so far. */
struct walk {
	const struct command *cmd;	  /* the command, once its words are complete */
	const char *group;		  /* a command's first word, while the second is still to come */
	const char *builtin;		  /* use, exit or quit, when the line is one of those */
	bool unknown;			  /* the words name nothing: nothing to offer */
	bool dashdash;			  /* after "--", every word is an argument */
	const struct cmd_option *pending; /* the option whose value is the next word */
	int nargs;			  /* arguments so far */
	const char *first_arg;
};

static void place_word(struct walk *wk, const char *word)
{
	char two[128];

	if (wk->cmd != NULL || wk->builtin != NULL) {
		if (wk->nargs++ == 0)
			wk->first_arg = word;
	} else if (wk->unknown) {
		return;
	} else if (wk->group != NULL) {
		snprintf(two, sizeof(two), "%s %s", wk->group, word);
		wk->cmd = command_named(two);
		wk->unknown = wk->cmd == NULL;
		wk->group = NULL;
	} else if (is_builtin(word)) {
		wk->builtin = word;
	} else if (is_group(word)) {
		wk->group = word;
	} else {
		wk->cmd = command_named(word);
		wk->unknown = wk->cmd == NULL;
	}
}

static void walk_words(struct walk *wk, int argc, char *const argv[])
{
	memset(wk, 0, sizeof(*wk));
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const struct cmd_option *o;
		bool inline_value;

		if (wk->pending != NULL) {
			wk->pending = NULL;
			continue;
		}
		if (!wk->dashdash && strcmp(a, "--") == 0) {
			wk->dashdash = true;
			continue;
		}
		if (!wk->dashdash && a[0] == '-' && a[1] != '\0') {
			o = option_named(global_options, ALL_OPTIONS, a, &inline_value);
			if (o == NULL && wk->cmd != NULL)
				o = option_named(wk->cmd->options, CMD_MAX_OPTIONS, a, &inline_value);
			if (o != NULL && o->arg != NULL && !inline_value)
				wk->pending = o;
			continue;
		}
		place_word(wk, a);
	}
}

const struct command *console_find_command(int argc, char *const argv[])
{
	struct walk wk;

	walk_words(&wk, argc, argv);
	return wk.cmd;
}

static void add(const char *s, size_t n)
{
	json_array_append_new(candidates, json_stringn(s, n));
}

static void add_word(const char *s)
{
	add(s, strlen(s));
}

/* Whether the console runs some command whose first word is that of command_table[i]. */
static bool group_in_console(size_t i)
{
	const char *name = command_table[i]->name;
	size_t n = (size_t)word_len(name);

	for (size_t j = i; command_table[j] != NULL; j++)
		if ((size_t)word_len(command_table[j]->name) == n &&
		    strncmp(command_table[j]->name, name, n) == 0 &&
		    !(command_table[j]->flags & CMD_NOT_IN_CONSOLE))
			return true;
	return false;
}

/* The first word of each command (only of those the console runs, with in_console). */
static void add_first_words(bool in_console)
{
	for (size_t i = 0; command_table[i] != NULL; i++)
		if (first_of_word(i) && (!in_console || group_in_console(i)))
			add(command_table[i]->name, (size_t)word_len(command_table[i]->name));
}

static void add_group_words(const char *group, bool in_console)
{
	size_t n = strlen(group);

	for (size_t i = 0; command_table[i] != NULL; i++) {
		const char *name = command_table[i]->name;

		if (strncmp(name, group, n) == 0 && name[n] == ' ' &&
		    (!in_console || !(command_table[i]->flags & CMD_NOT_IN_CONSOLE)))
			add_word(name + n + 1);
	}
}

static void add_options(const struct cmd_option *opts, int max)
{
	char buf[80];

	for (int i = 0; i < max && opts[i].name != NULL; i++) {
		snprintf(buf, sizeof(buf), "--%s", opts[i].name);
		add_word(buf);
		if (opts[i].short_name != 0) {
			snprintf(buf, sizeof(buf), "-%c", opts[i].short_name);
			add_word(buf);
		}
	}
}

static void add_contexts(void)
{
	struct config *cfg;

	if (cli_config(console_cli, &cfg) != 0) {
		err_clear(&console_cli->err);
		return;
	}
	for (size_t i = 0; i < cfg->ncontexts; i++)
		add_word(cfg->contexts[i].name);
}

static double seconds_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* Asks the server for the keys of its users or tokens; a failure offers nothing, silently. */
static int fetch_live(struct live_cache *c)
{
	struct session *s;
	json_t *found = NULL, *v;
	const char *key;
	int rc = -1;

	if (cli_session(console_cli, &s) != 0)
		goto done;
	if (strcmp(c->hint, "user") == 0 && s->driver->list_users != NULL)
		rc = s->driver->list_users(s, NULL, &found, &console_cli->err);
	else if (strcmp(c->hint, "token") == 0 && s->driver->list_tokens != NULL)
		rc = s->driver->list_tokens(s, &found, &console_cli->err);
	if (rc != 0)
		goto done;
	c->names = json_array();
	json_object_foreach(found, key, v) json_array_append_new(c->names, json_string(key));
	clock_gettime(CLOCK_MONOTONIC, &c->at);
done:
	err_clear(&console_cli->err);
	json_decref(found);
	return rc;
}

static void add_live(const char *hint)
{
	for (size_t i = 0; i < sizeof(live) / sizeof(live[0]); i++) {
		struct live_cache *c = &live[i];
		json_t *name;
		size_t k;

		if (strcmp(c->hint, hint) != 0)
			continue;
		if (c->names != NULL && seconds_since(&c->at) >= CACHE_SECONDS) {
			json_decref(c->names);
			c->names = NULL;
		}
		if (c->names == NULL && fetch_live(c) != 0)
			return;
		json_array_foreach(c->names, k, name) add_word(json_string_value(name));
	}
}

void console_complete_forget(void)
{
	for (size_t i = 0; i < sizeof(live) / sizeof(live[0]); i++) {
		json_decref(live[i].names);
		live[i].names = NULL;
	}
}

static void add_hint_values(const char *hint)
{
	if (strcmp(hint, "format") == 0)
		for (size_t i = 0; format_values[i] != NULL; i++)
			add_word(format_values[i]);
	else if (strcmp(hint, "shell") == 0)
		for (size_t i = 0; shell_values[i] != NULL; i++)
			add_word(shell_values[i]);
	else if (strcmp(hint, "context") == 0)
		add_contexts();
	else
		add_live(hint);
}

static size_t count_matches(const char *text)
{
	size_t n = strlen(text), count = 0, i;
	json_t *c;

	json_array_foreach(candidates, i, c) count += strncmp(json_string_value(c), text, n) == 0;
	return count;
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

/* Fills candidates for text, given the words before it; returns the hint when it is "file". */
static const char *offer(struct walk *wk, const char *text, const struct cmd_option *inline_option)
{
	const char *hint = NULL;

	if (inline_option != NULL) {
		hint = inline_option->complete;
	} else if (wk->pending != NULL) {
		hint = wk->pending->complete;
	} else if (text[0] == '-' && !wk->dashdash && !wk->unknown) {
		add_options(global_options, ALL_OPTIONS);
		if (wk->cmd != NULL)
			add_options(wk->cmd->options, CMD_MAX_OPTIONS);
	} else if (wk->unknown) {
		return NULL;
	} else if (wk->builtin != NULL) {
		if (strcmp(wk->builtin, "use") == 0 && wk->nargs == 0)
			hint = "context";
	} else if (wk->group != NULL) {
		add_group_words(wk->group, true);
	} else if (wk->cmd == NULL) {
		/* use, exit and quit in a list of all, or when no command fits: "us" is for user */
		add_first_words(true);
		if (text[0] == '\0' || count_matches(text) == 0)
			for (size_t i = 0; console_builtins[i] != NULL; i++)
				add_word(console_builtins[i]);
	} else if (wk->cmd->max_args < 0 || wk->nargs < wk->cmd->max_args) {
		hint = wk->cmd->arg_complete;
		if (hint != NULL && strcmp(hint, "command") == 0) {
			hint = NULL;
			if (wk->nargs == 0)
				add_first_words(false);
			else if (wk->nargs == 1 && is_group(wk->first_arg))
				add_group_words(wk->first_arg, false);
		}
	}
	if (hint != NULL && strcmp(hint, "file") == 0)
		return hint;
	if (hint != NULL)
		add_hint_values(hint);
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	struct console_words w;
	struct walk wk;
	const struct cmd_option *inline_option = NULL;
	char *before = strndup(rl_line_buffer, (size_t)start);
	char **matches = NULL;
	int argc;
	bool inline_value;

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

		if (last[0] == '-' && n > 1 && last[n - 1] == '=') {
			walk_words(&wk, argc, w.argv);
			inline_option = option_named(global_options, ALL_OPTIONS, last, &inline_value);
			if (inline_option == NULL && wk.cmd != NULL)
				inline_option =
				    option_named(wk.cmd->options, CMD_MAX_OPTIONS, last, &inline_value);
			if (inline_option == NULL || inline_option->arg == NULL)
				goto words_done;
		} else if (last[0] != '\0') {
			goto words_done;
		}
	}
	walk_words(&wk, argc, w.argv);
	if (offer(&wk, text, inline_option) != NULL)
		matches = rl_completion_matches(text, rl_filename_completion_function);
	else
		matches = rl_completion_matches(text, next_candidate);
words_done:
	console_words_free(&w);
done:
	json_decref(candidates);
	candidates = NULL;
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
