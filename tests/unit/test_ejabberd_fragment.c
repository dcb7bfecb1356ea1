/* Tests of the ejabberd driver's config_fragment file: finding msgadm's blocks between their markers,
 * replacing one while every other line stays, refusing markers that do not pair up, writing the file
 * atomically with its owner, group and mode, and the section handlers' reading of it (with and without
 * config_fragment). No network: reload_config is exercised by tests/e2e/t1030-ejabberd-config.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/ejabberd.h"
#include "base/exitcode.h"
#include "drivers/drivers.h"
#include "test_json.h"
#include "io/yaml_load.h"

static char dir[64];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/msgadm-frag.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int remove_dir(void **state)
{
	char cmd[128];

	release_all(state);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void put_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static char *read_back(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A fragment made of text, as ej_fragment_load would give it. */
static struct ej_fragment of_text(const char *text)
{
	struct ej_fragment f = {.path = strdup("/etc/ejabberd/msgadm.yml"), .text = strdup(text)};

	assert_non_null(f.path);
	assert_non_null(f.text);
	return f;
}

static const char admin_file[] = "# the admin's own lines\n"
				 "acl:\n"
				 "  local_net:\n"
				 "    ip: [\"10.0.0.0/8\"]\n"
				 "# BEGIN msgadm federation\n"
				 "s2s_access: msgadm_s2s\n"
				 "access_rules:\n"
				 "  msgadm_s2s:\n"
				 "    deny: all\n"
				 "# END msgadm federation\n"
				 "max_fsm_queue: 10000\n"
				 "# BEGIN msgadm registration  \r\n"
				 "access_rules:\n"
				 "  msgadm_register:\n"
				 "    deny: all\r\n"
				 "# END msgadm registration\r\n";

static void test_blocks_found(void **state)
{
	struct ej_fragment f = of_text(admin_file);
	struct msg_err err = {0};
	json_t *blocks = NULL;

	(void)state;
	assert_int_equal(ej_fragment_blocks(&f, &blocks, &err), 0);
	hold(blocks);
	assert_true(json_equal(
	    blocks,
	    J("{'federation': {'content': 's2s_access: msgadm_s2s\\naccess_rules:\\n  msgadm_s2s:\\n    "
	      "deny: all'}, 'registration': {'content': 'access_rules:\\n  msgadm_register:\\n    deny: "
	      "all'}}")));
	ej_fragment_free(&f);

	/* no markers, or an empty file: no blocks */
	f = of_text("");
	assert_int_equal(ej_fragment_blocks(&f, &blocks, &err), 0);
	assert_int_equal(json_object_size(hold(blocks)), 0);
	ej_fragment_free(&f);
	/* a marker mentioned inside a comment is no marker */
	f = of_text("# see '# BEGIN msgadm federation'\n#  BEGIN msgadm federation\n");
	assert_int_equal(ej_fragment_blocks(&f, &blocks, &err), 0);
	assert_int_equal(json_object_size(hold(blocks)), 0);
	ej_fragment_free(&f);
	/* a block that is not UTF-8 is named by its line and key */
	f = of_text("a: 1\n# BEGIN msgadm federation\ns2s_access: \xff\n# END msgadm federation\n");
	assert_int_equal(ej_fragment_blocks(&f, &blocks, &err), -1);
	assert_int_equal(err.status, EXIT_DATAERR);
	assert_string_equal(err.text, "/etc/ejabberd/msgadm.yml:2: the block 'federation' is not UTF-8");
	ej_fragment_free(&f);
}

static void expect_refused(const char *text, const char *message)
{
	struct ej_fragment f = of_text(text);
	struct msg_err err = {0};
	json_t *blocks = NULL;
	char *out = NULL;

	assert_int_equal(ej_fragment_blocks(&f, &blocks, &err), -1);
	assert_int_equal(err.status, EXIT_DATAERR);
	assert_string_equal(err.text, message);
	/* and nothing is rewritten over it */
	assert_int_equal(ej_fragment_set_block(&f, "federation", "s2s_access: all", &out, &err), -1);
	assert_null(out);
	ej_fragment_free(&f);
}

static void test_unpaired_markers_refused(void **state)
{
	(void)state;
	expect_refused(
	    "a: 1\n# BEGIN msgadm federation\ns2s_access: all\n",
	    "/etc/ejabberd/msgadm.yml:2: '# BEGIN msgadm federation' has no '# END msgadm federation' "
	    "after it (fix the file by hand: msgadm replaces only whole blocks)");
	expect_refused("# END msgadm federation\n",
		       "/etc/ejabberd/msgadm.yml:1: '# END msgadm federation' without its '# BEGIN msgadm "
		       "federation' before it");
	expect_refused("# BEGIN msgadm federation\n# BEGIN msgadm registration\n",
		       "/etc/ejabberd/msgadm.yml:2: '# BEGIN msgadm registration' inside the block '# BEGIN "
		       "msgadm federation' of line 1, which has no '# END msgadm federation'");
	expect_refused("# BEGIN msgadm federation\n# END msgadm registration\n",
		       "/etc/ejabberd/msgadm.yml:2: '# END msgadm registration' without its '# BEGIN msgadm "
		       "registration' before it");
	expect_refused(
	    "# BEGIN msgadm federation\n# END msgadm federation\n# BEGIN msgadm federation\n"
	    "# END msgadm federation\n",
	    "/etc/ejabberd/msgadm.yml:3: a second block '# BEGIN msgadm federation' (the first is at "
	    "line 1)");
}

static void test_set_block_keeps_other_lines(void **state)
{
	struct ej_fragment f = of_text(admin_file);
	struct msg_err err = {0};
	char *out = NULL;

	(void)state;
	/* replaced in place */
	assert_int_equal(ej_fragment_set_block(&f, "federation", "s2s_access: all", &out, &err), 0);
	assert_string_equal(out, "# the admin's own lines\n"
				 "acl:\n"
				 "  local_net:\n"
				 "    ip: [\"10.0.0.0/8\"]\n"
				 "# BEGIN msgadm federation\n"
				 "s2s_access: all\n"
				 "# END msgadm federation\n"
				 "max_fsm_queue: 10000\n"
				 "# BEGIN msgadm registration  \r\n"
				 "access_rules:\n"
				 "  msgadm_register:\n"
				 "    deny: all\r\n"
				 "# END msgadm registration\r\n");
	free(out);
	/* taken out */
	assert_int_equal(ej_fragment_set_block(&f, "registration", NULL, &out, &err), 0);
	assert_non_null(strstr(out, "max_fsm_queue: 10000\n"));
	assert_null(strstr(out, "registration"));
	assert_null(strstr(out, "msgadm_register"));
	free(out);
	ej_fragment_free(&f);

	/* appended after the last line, which gets its missing newline */
	f = of_text("max_fsm_queue: 10000");
	assert_int_equal(ej_fragment_set_block(&f, "federation", "s2s_access: all", &out, &err), 0);
	assert_string_equal(out, "max_fsm_queue: 10000\n\n# BEGIN msgadm federation\ns2s_access: all\n"
				 "# END msgadm federation\n");
	free(out);
	ej_fragment_free(&f);

	/* an empty file gets a word on the markers, and reads back to the same block */
	f = of_text("\n");
	assert_int_equal(ej_fragment_set_block(&f, "federation", "a: 1\nb: 2", &out, &err), 0);
	assert_non_null(strstr(out, "kept by msgadm"));
	free(f.text);
	f.text = out;
	{
		json_t *blocks = NULL;

		assert_int_equal(ej_fragment_blocks(&f, &blocks, &err), 0);
		assert_true(json_equal(hold(blocks), J("{'federation': {'content': 'a: 1\\nb: 2'}}")));
	}
	ej_fragment_free(&f);
}

static void test_write_keeps_owner_group_and_mode(void **state)
{
	struct ej_fragment f = {0};
	struct msg_err err = {0};
	char path[128], cmd[160];
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/msgadm.yml", dir);
	put_file(path, "max_fsm_queue: 10000\n", 0604);
	if (geteuid() == 0) /* ejabberd's own file, as the harness and Debian have it */
		assert_int_equal(chown(path, 65534, 65534), 0);
	assert_int_equal(ej_fragment_load(path, &f, &err), 0);
	assert_true(f.exists);
	assert_int_equal(f.mode, 0604);
	assert_int_equal(ej_fragment_write(&f, "s2s_access: all\n", &err), 0);
	assert_string_equal(read_back(path), "s2s_access: all\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0604);
	if (geteuid() == 0) {
		assert_int_equal(st.st_uid, 65534);
		assert_int_equal(st.st_gid, 65534);
	}
	/* no temporary file left behind */
	snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) -eq 1", dir);
	assert_int_equal(system(cmd), 0);
	ej_fragment_free(&f);
}

static void test_new_file_and_symbolic_link(void **state)
{
	struct ej_fragment f = {0};
	struct msg_err err = {0};
	char sub[96], path[128], target[128], link_path[128];
	struct stat st;

	(void)state;
	/* a new file: 0640, in the directory's group */
	snprintf(sub, sizeof(sub), "%s/etc", dir);
	assert_int_equal(mkdir(sub, 0750), 0);
	if (geteuid() == 0)
		assert_int_equal(chown(sub, 0, 65534), 0);
	snprintf(path, sizeof(path), "%s/msgadm.yml", sub);
	assert_int_equal(ej_fragment_load(path, &f, &err), 0);
	assert_false(f.exists);
	assert_string_equal(f.text, "");
	assert_int_equal(ej_fragment_write(&f, "a: 1\n", &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	if (geteuid() == 0)
		assert_int_equal(st.st_gid, 65534);
	ej_fragment_free(&f);

	/* through a symbolic link: the file it names is replaced, the link stays */
	snprintf(target, sizeof(target), "%s/real.yml", dir);
	snprintf(link_path, sizeof(link_path), "%s/link.yml", dir);
	put_file(target, "a: 1\n", 0644);
	assert_int_equal(symlink(target, link_path), 0);
	assert_int_equal(ej_fragment_load(link_path, &f, &err), 0);
	assert_int_equal(ej_fragment_write(&f, "b: 2\n", &err), 0);
	assert_int_equal(lstat(link_path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_string_equal(read_back(target), "b: 2\n");
	ej_fragment_free(&f);

	/* a directory that is not there is the context's mistake */
	snprintf(path, sizeof(path), "%s/nowhere/msgadm.yml", dir);
	assert_int_equal(ej_fragment_load(path, &f, &err), -1);
	assert_int_equal(err.status, EXIT_CONFIG);
	assert_non_null(strstr(err.text, "nowhere: No such file or directory"));
	/* nor does it read a directory */
	assert_int_equal(ej_fragment_load(dir, &f, &err), -1);
	assert_non_null(strstr(err.text, "not a regular file"));
}

/* The blocks msgadm writes: valid YAML, without what an included file cannot hold. */
static void test_blocks_rendered(void **state)
{
	struct msg_err err = {0};
	json_t *doc = NULL;
	struct yaml_pos *pos = NULL;
	char *text;

	(void)state;
	text = ej_config_block("invites.registration", hold(json_string("open")));
	assert_non_null(text);
	assert_int_equal(yaml_load_string(text, strlen(text), "block", &doc, &pos, &err), 0);
	hold(doc);
	yaml_pos_free(pos);
	assert_null(json_object_get(doc, "modules"));
	assert_string_equal(
	    json_string_value(json_object_get(
		json_object_get(json_object_get(doc, "access_rules"), "msgadm_register"), "allow")),
	    "all");
	free(text);

	text = ej_config_block("federation", J("{'mode': 'allowlist', 'partners': ['bund.de']}"));
	assert_non_null(text);
	assert_null(strstr(text, "reload_config")); /* apply does that; the whole fragment says so */
	assert_int_equal(yaml_load_string(text, strlen(text), "block", &doc, &pos, &err), 0);
	hold(doc);
	yaml_pos_free(pos);
	assert_string_equal(json_string_value(json_object_get(doc, "s2s_access")), "msgadm_s2s");
	free(text);
	assert_null(ej_config_block("retention.default", J("{'max_lifetime': '30d'}")));
}

/* The admins block: what msgadm writes, read back; an empty ACL stays defined ("user: []"). */
static void test_admins_block(void **state)
{
	struct msg_err err = {0};
	json_t *jids = NULL;
	char *empty, *two;

	(void)state;
	empty = ej_admins_block(J("[]"));
	two = ej_admins_block(J("['alice@example.test', 'b\\\"ob@example.test']"));
	assert_string_equal(empty, "# Admin rights: what ejabberd.yml grants the ACL msgadm_admins.\n"
				   "acl:\n  msgadm_admins:\n    user: []");
	assert_string_equal(two, "# Admin rights: what ejabberd.yml grants the ACL msgadm_admins.\n"
				 "acl:\n  msgadm_admins:\n    user:\n      - \"alice@example.test\"\n"
				 "      - \"b\\\"ob@example.test\"");
	assert_int_equal(ej_admins_parse(empty, "f.yml", &jids, &err), 0);
	assert_int_equal(json_array_size(jids), 0);
	json_decref(jids);
	assert_int_equal(ej_admins_parse(two, "f.yml", &jids, &err), 0);
	assert_int_equal(json_array_size(jids), 2);
	assert_string_equal(json_string_value(json_array_get(jids, 1)), "b\"ob@example.test");
	json_decref(jids);
	free(empty);
	free(two);
}

/* A block someone edited into something else stops the plan, naming the file. */
static void test_admins_block_not_msgadm_s(void **state)
{
	static const char *const broken[] = {
	    "acl:\n  msgadm_admins:\n    server: [\"x.test\"]",
	    "acl:\n  msgadm_admins:\n    user: [\"a@x\"]\n  other:\n    user: [\"b@x\"]",
	    "acl:\n  msgadm_admins:\n    user: [1]",
	    "s2s_access: all",
	    "acl: [",
	};
	struct msg_err err = {0};
	json_t *jids = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(ej_admins_parse(broken[i], "/etc/ejabberd/msgadm.yml", &jids, &err), -1);
		assert_int_equal(err.status, EXIT_DATAERR);
		assert_non_null(strstr(err.text, "/etc/ejabberd/msgadm.yml"));
		assert_non_null(strstr(err.text, "admins block"));
	}
}

/* Export reads each block back as the value that renders to exactly it, and nothing for a block
 * that no value renders to. */
static void test_export_reads_blocks_back(void **state)
{
	static const char *const values[][2] = {
	    {"closed", "{'mode': 'closed'}"},
	    {"token", "{'mode': 'open'}"},
	    {"open", "{'mode': 'allowlist', 'partners': ['bund.de', 'partner.gov.nl']}"},
	    {"closed", "{'mode': 'allowlist', 'partners': []}"},
	};
	struct context ctx = {.name = "t", .server = "example.test"};
	struct session s = {.driver = &drv_ejabberd, .context = &ctx};
	struct msg_err err = {0};
	char path[128], text[2048];

	(void)state;
	snprintf(path, sizeof(path), "%s/msgadm.yml", dir);
	ctx.settings = hold(json_pack("{s:s}", "config_fragment", path));
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		json_t *reg = hold(json_string(values[i][0])), *fed = J(values[i][1]);
		json_t *doc = hold(json_object());
		char *rb = ej_config_block("invites.registration", reg),
		     *fb = ej_config_block("federation", fed);

		snprintf(text, sizeof(text),
			 "# BEGIN msgadm registration\n%s\n# END msgadm registration\nkeep: me\n"
			 "# BEGIN msgadm federation\n%s\n# END msgadm federation\n",
			 rb, fb);
		put_file(path, text, 0644);
		assert_int_equal(ejabberd_export_sections(&s, doc, &err), 0);
		assert_true(
		    json_equal(json_object_get(json_object_get(doc, "invites"), "registration"), reg));
		assert_true(json_equal(json_object_get(doc, "federation"), fed));
		free(rb);
		free(fb);
	}
	/* edited by hand: left out */
	put_file(path,
		 "# BEGIN msgadm federation\ns2s_access: all\n# END msgadm federation\n"
		 "# BEGIN msgadm registration\naccess_rules:\n  msgadm_register:\n    allow: all\n"
		 "# END msgadm registration\n",
		 0644);
	{
		json_t *doc = hold(json_object());

		assert_int_equal(ejabberd_export_sections(&s, doc, &err), 0);
		assert_int_equal(json_object_size(doc), 0);
	}
	/* no config_fragment: nothing to read */
	ctx.settings = NULL;
	assert_int_equal(ejabberd_export_sections(&s, hold(json_object()), &err), 0);
}

static void test_read_without_config_fragment(void **state)
{
	struct context ctx = {.name = "t", .server = "example.test"};
	struct session s = {.driver = &drv_ejabberd, .context = &ctx};
	json_t *notes = hold(json_array()), *desired = NULL, *actual = NULL, *n;
	struct msg_err err = {0};

	(void)state;
	assert_int_equal(ej_config_read_federation(&s, J("{'federation': {'mode': 'closed'}}"), &desired,
						   &actual, notes, &err),
			 0);
	assert_int_equal(json_object_size(hold(desired)), 0);
	assert_int_equal(json_object_size(hold(actual)), 0);
	n = json_array_get(notes, 0);
	assert_string_equal(json_string_value(json_object_get(n, "level")), "config-managed");
	assert_non_null(strstr(json_string_value(json_object_get(n, "message")), "config_fragment"));
	assert_non_null(strstr(json_string_value(json_object_get(n, "fragment")), "s2s_access: msgadm_s2s"));
}

static void test_read_with_config_fragment(void **state)
{
	struct context ctx = {.name = "t", .server = "example.test"};
	struct session s = {.driver = &drv_ejabberd, .context = &ctx};
	json_t *notes = hold(json_array()), *desired = NULL, *actual = NULL, *n;
	struct msg_err err = {0};
	char path[128], *block, text[512];
	size_t i;
	int module_note = 0, apply_note = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/msgadm.yml", dir);
	block = ej_config_block("invites.registration", hold(json_string("closed")));
	snprintf(text, sizeof(text), "x: 1\n# BEGIN msgadm registration\n%s\n# END msgadm registration\n",
		 block);
	put_file(path, text, 0644);
	ctx.settings = hold(json_pack("{s:s}", "config_fragment", path));
	assert_int_equal(ej_config_read_registration(&s, J("{'invites': {'registration': 'closed'}}"),
						     &desired, &actual, notes, &err),
			 0);
	hold(desired);
	hold(actual);
	assert_true(json_equal(desired, actual));
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(desired, "registration"), "content")), block);
	json_array_foreach(notes, i, n)
	{
		const char *fragment = json_string_value(json_object_get(n, "fragment"));

		module_note |= fragment != NULL && strstr(fragment, "mod_register") != NULL;
		apply_note |= strcmp(json_string_value(json_object_get(n, "level")), "apply") == 0;
	}
	assert_true(module_note);
	assert_false(apply_note); /* nothing to write */
	free(block);

	/* open differs from the file: apply will write and reload, and says so */
	assert_int_equal(ej_config_read_registration(&s, J("{'invites': {'registration': 'open'}}"), &desired,
						     &actual, notes, &err),
			 0);
	assert_false(json_equal(hold(desired), hold(actual)));
	n = json_array_get(notes, json_array_size(notes) - 2);
	assert_string_equal(json_string_value(json_object_get(n, "level")), "apply");
	assert_non_null(strstr(json_string_value(json_object_get(n, "message")), "call reload_config"));

	/* unpaired markers stop the plan, naming the context */
	put_file(path, "# BEGIN msgadm registration\n", 0644);
	assert_int_equal(ej_config_read_registration(&s, J("{'invites': {'registration': 'open'}}"), &desired,
						     &actual, notes, &err),
			 -1);
	assert_int_equal(err.status, EXIT_DATAERR);
	assert_non_null(strstr(err.text, "context t: "));
}

#define T(name) cmocka_unit_test_setup_teardown(name, make_dir, remove_dir)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_blocks_found),
	    T(test_unpaired_markers_refused),
	    T(test_set_block_keeps_other_lines),
	    T(test_write_keeps_owner_group_and_mode),
	    T(test_new_file_and_symbolic_link),
	    T(test_blocks_rendered),
	    T(test_admins_block),
	    T(test_admins_block_not_msgadm_s),
	    T(test_export_reads_blocks_back),
	    T(test_read_without_config_fragment),
	    T(test_read_with_config_fragment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
