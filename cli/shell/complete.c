/* The completion engine; what it offers, and why, is in complete.h. */
#include "complete.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_words.h"

static const char *const shell_values[] = {"bash", "zsh", "fish", NULL};

/* ---- the command table, by words ---- */

/* The length of a command name's first word: 4 for "user list". */
static size_t word_len(const char *name)
{
	return strcspn(name, " ");
}

static bool same_first_word(const char *a, const char *b)
{
	size_t n = word_len(a);

	return word_len(b) == n && strncmp(a, b, n) == 0;
}

/* Whether cmd may be offered: never a hidden command, nor in the console one it cannot run. */
static bool offered(const struct command *cmd, bool console)
{
	return !(cmd->flags & CMD_HIDDEN) && !(console && (cmd->flags & CMD_NOT_IN_CONSOLE));
}

/* Whether some command's name is word followed by a second word. */
static bool is_group(const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; command_table[i] != NULL; i++)
		if (strncmp(command_table[i]->name, word, n) == 0 && command_table[i]->name[n] == ' ')
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

/* The option of opts that word names ("--file", "--file=x", "-f", "-fx"), or NULL; *inline_value
 * tells whether the word holds the value too. */
static const struct cmd_option *option_named(const struct cmd_option *opts, int max, const char *word,
					     bool *inline_value)
{
	const char *value = NULL;
	int i = command_option_match(opts, max, word, &value);

	*inline_value = value != NULL;
	return i < 0 ? NULL : &opts[i];
}

/* ---- walking the words before the cursor ---- */

struct walk {
	bool console;
	const struct command *cmd; /* the command, once its words are complete */
	const char *group;	   /* a command's first word, while the second is still to come */
	const char *builtin;	   /* the console's use, exit or quit, when the line is one of those */
	bool unknown;		   /* the words name nothing: nothing to offer */
	bool dashdash;		   /* after "--" (or a CMD_RAW_ARGS command), every word is an argument */
	const struct cmd_option *pending; /* the option whose value is the next word */
	int nargs;			  /* arguments so far */
	const char *first_arg;
	const char *context; /* the --context given, for server values */
};

/* The option word names, global or the command's (global options come first, as in cli.c). */
static const struct cmd_option *walk_option(const struct walk *wk, const char *word, bool *inline_value)
{
	const struct cmd_option *o = option_named(global_options, CMD_ALL_OPTIONS, word, inline_value);

	if (o == NULL && wk->cmd != NULL)
		o = option_named(wk->cmd->options, CMD_MAX_OPTIONS, word, inline_value);
	return o;
}

static void place_word(struct walk *wk, const char *word)
{
	char two[128];

	if (wk->cmd != NULL || wk->builtin != NULL) {
		if (wk->nargs++ == 0)
			wk->first_arg = word;
		return;
	}
	if (wk->unknown)
		return;
	if (wk->group != NULL) {
		snprintf(two, sizeof(two), "%s %s", wk->group, word);
		wk->cmd = command_named(two);
		wk->group = NULL;
	} else if (wk->console && is_builtin(word)) {
		wk->builtin = word;
		return;
	} else if (is_group(word)) {
		wk->group = word;
		return;
	} else {
		wk->cmd = command_named(word);
	}
	wk->unknown = wk->cmd == NULL;
	if (wk->cmd != NULL && (wk->cmd->flags & CMD_RAW_ARGS))
		wk->dashdash = true;
}

static void walk_words(struct walk *wk, int argc, char *const argv[], bool console)
{
	memset(wk, 0, sizeof(*wk));
	wk->console = console;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const struct cmd_option *o;
		bool inline_value;

		if (wk->pending != NULL) {
			/* --context is the global one: those are found before the command's */
			if (strcmp(wk->pending->name, "context") == 0)
				wk->context = a;
			wk->pending = NULL;
			continue;
		}
		if (!wk->dashdash && strcmp(a, "--") == 0) {
			wk->dashdash = true;
			continue;
		}
		if (!wk->dashdash && a[0] == '-' && a[1] != '\0') {
			o = walk_option(wk, a, &inline_value);
			if (o != NULL && o->arg != NULL && !inline_value)
				wk->pending = o;
			else if (o != NULL && inline_value && strcmp(o->name, "context") == 0)
				wk->context = strchr(a, '=') + 1;
			continue;
		}
		place_word(wk, a);
	}
}

const struct command *complete_command(int argc, char *const argv[], bool console)
{
	struct walk wk;

	walk_words(&wk, argc, argv, console);
	return wk.cmd;
}

/* ---- what to offer ---- */

struct offer {
	const struct complete_source *src;
	const struct walk *wk;
	const char *word;
	struct completion *out;
};

/* Adds the word's part before out->value_at, then value, when that begins with the word. */
static void add(struct offer *of, const char *value, size_t len, const char *note)
{
	const char *want = of->word + of->out->value_at;
	size_t n = strlen(want);
	char *full;

	if (len < n || strncmp(value, want, n) != 0)
		return;
	if (asprintf(&full, "%.*s%.*s", (int)of->out->value_at, of->word, (int)len, value) < 0)
		return;
	json_array_append_new(of->out->values, json_string(full));
	json_array_append_new(of->out->notes, json_string(note != NULL ? note : ""));
	free(full);
}

static void add_word(struct offer *of, const char *value, const char *note)
{
	add(of, value, strlen(value), note);
}

static void add_list(struct offer *of, const char *const *values)
{
	for (size_t i = 0; values[i] != NULL; i++)
		add_word(of, values[i], NULL);
}

/* The first word of each command that may be offered; a group is told by its second words. */
static void add_first_words(struct offer *of, bool console)
{
	for (size_t i = 0; command_table[i] != NULL; i++) {
		const struct command *cmd = command_table[i];
		const char *name = cmd->name;
		char note[256] = "";
		size_t n = word_len(name), used = 0;
		bool first = offered(cmd, console);

		for (size_t j = 0; first && j < i; j++)
			first = !(offered(command_table[j], console) &&
				  same_first_word(command_table[j]->name, name));
		if (!first)
			continue;
		for (size_t j = i; name[n] == ' ' && command_table[j] != NULL && used < sizeof(note); j++)
			if (offered(command_table[j], console) &&
			    same_first_word(command_table[j]->name, name))
				used += (size_t)snprintf(note + used, sizeof(note) - used, "%s%s",
							 used ? ", " : "", command_table[j]->name + n + 1);
		add(of, name, n, name[n] == ' ' ? note : cmd->summary);
	}
}

/* The second words of group's commands. */
static void add_group_words(struct offer *of, const char *group, bool console)
{
	size_t n = strlen(group);

	for (size_t i = 0; command_table[i] != NULL; i++) {
		const struct command *cmd = command_table[i];

		if (strncmp(cmd->name, group, n) == 0 && cmd->name[n] == ' ' && offered(cmd, console))
			add_word(of, cmd->name + n + 1, cmd->summary);
	}
}

static void add_options(struct offer *of, const struct cmd_option *opts, int max)
{
	char buf[80];

	for (int i = 0; i < max && opts[i].name != NULL; i++) {
		snprintf(buf, sizeof(buf), "--%s", opts[i].name);
		add_word(of, buf, opts[i].help);
		if (opts[i].short_name != 0) {
			snprintf(buf, sizeof(buf), "-%c", opts[i].short_name);
			add_word(of, buf, opts[i].help);
		}
	}
}

static void add_contexts(struct offer *of)
{
	json_t *contexts, *c;
	char note[256];
	size_t i;

	if (of->src->contexts == NULL || (contexts = of->src->contexts(of->src)) == NULL)
		return;
	json_array_foreach(contexts, i, c)
	{
		snprintf(note, sizeof(note), "%s %s", json_string_value(json_object_get(c, "driver")),
			 json_string_value(json_object_get(c, "server")));
		add_word(of, json_string_value(json_object_get(c, "name")), note);
	}
	json_decref(contexts);
}

static void add_directories(struct offer *of)
{
	json_t *names, *name;
	size_t i;

	if (of->src->directories == NULL || (names = of->src->directories(of->src)) == NULL)
		return;
	json_array_foreach(names, i, name) add_word(of, json_string_value(name), "directory");
	json_decref(names);
}

static void add_live(struct offer *of, const char *hint)
{
	json_t *names, *name;
	size_t i;

	if (of->src->live == NULL || (names = of->src->live(of->src, hint, of->wk->context)) == NULL)
		return;
	json_array_foreach(names, i, name)
	{
		if (json_is_string(name))
			add_word(of, json_string_value(name), NULL);
	}
	json_decref(names);
}

/* The values of hint; "command" by how many of help's arguments come before. */
static void add_values(struct offer *of, const char *hint)
{
	const struct walk *wk = of->wk;

	if (hint == NULL)
		return;
	if (strcmp(hint, "file") == 0) {
		of->out->files = true;
	} else if (strcmp(hint, "shell") == 0) {
		add_list(of, shell_values);
	} else if (strcmp(hint, "context") == 0) {
		add_contexts(of);
	} else if (strcmp(hint, "directory") == 0) {
		add_directories(of);
	} else if (strcmp(hint, "command") == 0) {
		/* help explains every command, even those the console cannot run */
		if (wk->nargs == 0)
			add_first_words(of, false);
		else if (wk->nargs == 1 && is_group(wk->first_arg))
			add_group_words(of, wk->first_arg, false);
	} else {
		add_live(of, hint);
	}
}

/* The values of option o: its list (those the command takes: -o sarif only where it prints SARIF),
 * else those of its hint. */
static void add_option_values(struct offer *of, const struct cmd_option *o)
{
	unsigned flags = of->wk->cmd != NULL ? of->wk->cmd->flags : 0;

	if (o->values == NULL) {
		add_values(of, o->complete);
		return;
	}
	for (const struct cmd_value *v = o->values; v->word != NULL; v++)
		if (command_value_allowed(v, flags))
			add_word(of, v->word, NULL);
}

/* An option word: the options that begin with it, or the values of the one it names with a value
 * glued on ("--color=al", "-oj"). */
static void offer_option(struct offer *of)
{
	const struct walk *wk = of->wk;
	bool inline_value;
	const struct cmd_option *o = walk_option(wk, of->word, &inline_value);

	if (o == NULL || !inline_value) {
		add_options(of, global_options, CMD_ALL_OPTIONS);
		if (wk->cmd != NULL)
			add_options(of, wk->cmd->options, CMD_MAX_OPTIONS);
		return;
	}
	if (o->arg == NULL)
		return;
	of->out->value_at = of->word[1] == '-' ? strlen(o->name) + 3 : 2;
	add_option_values(of, o);
}

static void offer(struct offer *of)
{
	const struct walk *wk = of->wk;
	bool console = of->src->console;

	if (wk->unknown || (wk->cmd != NULL && !offered(wk->cmd, console)))
		return;
	if (wk->pending != NULL) {
		add_option_values(of, wk->pending);
	} else if (of->word[0] == '-' && !wk->dashdash) {
		offer_option(of);
	} else if (wk->builtin != NULL) {
		if (strcmp(wk->builtin, "use") == 0 && wk->nargs == 0)
			add_values(of, "context");
	} else if (wk->group != NULL) {
		add_group_words(of, wk->group, console);
	} else if (wk->cmd == NULL) {
		add_first_words(of, console);
		/* the console's words in a list of all, or when no command fits: "us" is for user */
		if (console && (of->word[0] == '\0' || json_array_size(of->out->values) == 0))
			add_list(of, console_builtins);
	} else if (wk->cmd->max_args < 0 || wk->nargs < wk->cmd->max_args) {
		add_values(of, wk->cmd->arg_complete);
	}
}

int complete_word(const struct complete_source *src, int argc, char *const argv[], const char *word,
		  struct completion *out)
{
	struct walk wk;
	struct offer of = {src, &wk, word, out};

	memset(out, 0, sizeof(*out));
	out->values = json_array();
	out->notes = json_array();
	if (out->values == NULL || out->notes == NULL)
		return -1;
	walk_words(&wk, argc, argv, src->console);
	offer(&of);
	return 0;
}

void completion_free(struct completion *c)
{
	json_decref(c->values);
	json_decref(c->notes);
	memset(c, 0, sizeof(*c));
}
