/* Tests of the ejabberd driver's reading of replies: the mapping of ejabberd's mixed error shapes to
 * messages and exit statuses, vCard values, the deactivation marker, the version in the status text,
 * and the ejabberd.yml fragments it renders (which must load as YAML). The replies are what a real
 * ejabberd 23.01 answered (/work/shared/reference/ejabberd/OBSERVED-23.01.md, and a private instance
 * asked by hand); the few marked "adapted" change one part of such a reply. No network. */
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

#define HOST "example.test"

/* A reply as http_request hands it over: the body, and its JSON when it parses. */
static struct http_reply reply_of(long status, const char *body)
{
	struct http_reply r = {.status = status, .body = (char *)body, .body_len = strlen(body)};

	r.json = body[0] ? json_loads(body, JSON_DECODE_ANY, NULL) : NULL;
	if (r.json != NULL)
		hold(r.json);
	return r;
}

/* Maps a reply expected to be an error; checks the status and the whole message. */
static void expect_error(const char *command, long status, const char *body, int exit, const char *text)
{
	struct http_reply r = reply_of(status, body);
	struct msg_err err = {0};
	json_t *value = NULL;

	assert_int_equal(ej_reply_map(command, HOST, &r, NULL, &value, &err), -1);
	assert_null(value);
	if (strcmp(err.text, text) != 0)
		fail_msg("got      \"%s\"\nexpected \"%s\"", err.text, text);
	assert_int_equal(err.status, exit);
	assert_int_equal(err.http_status, status);
}

/* Maps a reply expected to succeed; returns the value (held). */
static json_t *map_ok(const char *command, long status, const char *body, const char *const *expected)
{
	struct http_reply r = reply_of(status, body);
	struct msg_err err = {0};
	json_t *value = NULL;

	if (ej_reply_map(command, HOST, &r, expected, &value, &err) != 0)
		fail_msg("%s: %s", command, err.text);
	return hold(value);
}

/* ---- error shapes ---- */

static void test_register_conflict(void **state)
{
	(void)state;
	expect_error("register", 409,
		     "{\"status\":\"error\",\"code\":10090,\"message\":\"User alice@example.test already "
		     "registered\"}",
		     EXIT_FAILURE_,
		     "ejabberd: register: 409 (code 10090): User alice@example.test already registered");
}

static void test_unauthorized_and_forbidden(void **state)
{
	(void)state;
	expect_error(
	    "status", 401,
	    "{\"status\":\"error\",\"code\":10,\"message\":\"You are not authorized to call this "
	    "command.\"}",
	    EXIT_NOPERM,
	    "ejabberd: status: 401 (code 10): You are not authorized to call this command. (check the "
	    "context's token file: auth: basic takes the full JID and password, auth: bearer an OAuth "
	    "token)");
	expect_error(
	    "registered_users", 401,
	    "{\"status\":\"error\",\"code\":10,\"message\":\"Oauth Token is invalid or expired.\"}",
	    EXIT_NOPERM,
	    "ejabberd: registered_users: 401 (code 10): Oauth Token is invalid or expired. (check the "
	    "context's token file: auth: basic takes the full JID and password, auth: bearer an OAuth "
	    "token)");
	expect_error(
	    "status", 403,
	    "{\"status\":\"error\",\"code\":32,\"message\":\"AccessRules: Account does not have the "
	    "right to perform the operation.\"}",
	    EXIT_NOPERM,
	    "ejabberd: status: 403 (code 32): AccessRules: Account does not have the right to perform "
	    "the operation. (the account needs admin rights through api_permissions in ejabberd.yml; an "
	    "OAuth token needs the ejabberd:admin scope)");
}

static void test_endpoint_not_found_names_the_module(void **state)
{
	(void)state;
	expect_error("check_account", 404,
		     "{\"status\":\"error\",\"code\":40,\"message\":\"Endpoint not found.\"}", EXIT_PROTOCOL,
		     "ejabberd: check_account: 404 (code 40): Endpoint not found. (command not available: "
		     "check_account comes from mod_admin_extra; is it in the modules of ejabberd.yml?)");
	expect_error("registered_users", 404,
		     "{\"status\":\"error\",\"code\":40,\"message\":\"Endpoint not found.\"}", EXIT_PROTOCOL,
		     "ejabberd: registered_users: 404 (code 40): Endpoint not found. (this ejabberd has no "
		     "command registered_users: is it 23.01 or later?)");
}

static void test_bare_string_errors(void **state)
{
	(void)state;
	expect_error("change_password", 404, "\"unknown_user\"", EXIT_FAILURE_,
		     "ejabberd: change_password: 404: unknown_user");
	expect_error("registered_users", 400, "\"Request have missing argument: host\"", EXIT_FAILURE_,
		     "ejabberd: registered_users: 400: Request have missing argument: host");
	expect_error("status", 400, "\"400 Bad Request\"", EXIT_FAILURE_,
		     "ejabberd: status: 400: 400 Bad Request");
	/* without the "unset" strings allowed, a missing vCard is an error like any other */
	expect_error("get_vcard", 400, "\"error_no_vcard_found\"", EXIT_FAILURE_,
		     "ejabberd: get_vcard: 400: error_no_vcard_found");
}

static void test_unknown_vhost_is_configuration(void **state)
{
	(void)state;
	expect_error(
	    "registered_users", 400, "\"Unknown virtual host\"", EXIT_CONFIG,
	    "ejabberd: registered_users: 400: Unknown virtual host (the context's server example.test "
	    "is not a host of this ejabberd)");
	/* register says it differently */
	expect_error("register", 500,
		     "{\"status\":\"error\",\"code\":10001,\"message\":\"Unknown virtual host\"}",
		     EXIT_CONFIG,
		     "ejabberd: register: 500 (code 10001): Unknown virtual host (the context's server "
		     "example.test is not a host of this ejabberd)");
}

static void test_malformed_username_is_about_one_account(void **state)
{
	(void)state;
	/* a 500, but about this one name: apply goes on with the other changes */
	expect_error(
	    "register", 500,
	    "{\"status\":\"error\",\"code\":10001,\"message\":\"Can't register user a b@@example.test "
	    "at node ejdrv47@localhost: Malformed username\"}",
	    EXIT_FAILURE_,
	    "ejabberd: register: 500 (code 10001): Can't register user a b@@example.test at node "
	    "ejdrv47@localhost: Malformed username");
}

static void test_server_errors(void **state)
{
	(void)state;
	/* get_vcard on a server without mod_vcard */
	expect_error("get_vcard", 500, "\"internal_error\"", EXIT_UNAVAILABLE,
		     "ejabberd: get_vcard: 500: internal_error (get_vcard needs mod_vcard: is it enabled in "
		     "ejabberd.yml?)");
	expect_error(
	    "private_set", 500, "\"internal_error\"", EXIT_UNAVAILABLE,
	    "ejabberd: private_set: 500: internal_error (private_set needs mod_private: is it enabled "
	    "in ejabberd.yml?)");
	/* adapted: what a proxy answers when the last retry failed too */
	expect_error("registered_users", 503, "", EXIT_UNAVAILABLE,
		     "ejabberd: registered_users: 503 with an empty reply");
	expect_error("status", 502, "<html><body>Bad gateway</body></html>", EXIT_UNAVAILABLE,
		     "ejabberd: status: 502 with a reply that is not an ejabberd error (<html><body>Bad "
		     "gateway</body></html>)");
}

static void test_html_page(void **state)
{
	(void)state;
	/* POST /api/registered_users with an empty body */
	expect_error(
	    "registered_users", 400,
	    "<?xml version='1.0'?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
	    "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n<html "
	    "xmlns='http://www.w3.org/1999/xhtml' xml:lang='en' lang='en'><head><meta "
	    "http-equiv='Content-Type' content='text/html; "
	    "charset=utf-8'/></head><body><h1>400 Bad Request</h1></body></html>",
	    EXIT_FAILURE_, "ejabberd: registered_users: 400 with an HTML page (400 Bad Request)");
}

static void test_status_results(void **state)
{
	struct http_reply r;
	struct msg_err err = {0};

	(void)state;
	assert_int_equal(json_integer_value(map_ok("set_vcard", 200, "0", NULL)), 0);
	assert_int_equal(json_integer_value(map_ok("ban_account", 200, "0", NULL)), 0);
	/* private_set with a broken element: 1, with 200 */
	r = reply_of(200, "1");
	assert_int_equal(ej_reply_map("private_set", HOST, &r, NULL, NULL, &err), -1);
	assert_int_equal(err.status, EXIT_FAILURE_);
	assert_string_equal(err.text, "ejabberd: private_set: the server answered 1 (failed)");
	/* check_account's 1 is an answer ("no such account"), not a failure */
	assert_int_equal(json_integer_value(map_ok("check_account", 200, "1", NULL)), 1);
	/* adapted: a status command answering a string */
	expect_error("change_password", 200, "\"Success\"", EXIT_PROTOCOL,
		     "ejabberd: change_password: 200 with an unexpected reply (\"Success\")");
}

static void test_success_that_is_not_json(void **state)
{
	(void)state;
	expect_error("status", 200, "The node is started\x1b[2J", EXIT_PROTOCOL,
		     "ejabberd: status: 200 but the reply is not JSON (The node is started [2J)");
}

static void test_expected_strings_are_answers(void **state)
{
	json_t *v;

	(void)state;
	v = map_ok("get_vcard", 400, "\"error_no_vcard_found\"", ej_vcard_unset);
	assert_string_equal(json_string_value(v), "error_no_vcard_found");
	assert_true(json_is_null(hold(ej_vcard_value(v))));
	v = map_ok("get_vcard2", 400, "\"error_no_value_found_in_vcard\"", ej_vcard_unset);
	assert_true(json_is_null(hold(ej_vcard_value(v))));
	/* an expected string does not turn a server error into an answer */
	{
		struct http_reply r = reply_of(500, "\"error_no_vcard_found\"");
		struct msg_err err = {0};
		json_t *value = NULL;

		assert_int_equal(ej_reply_map("get_vcard", HOST, &r, ej_vcard_unset, &value, &err), -1);
		assert_null(value);
	}
}

static void test_undescribed_command_refused(void **state)
{
	struct http_reply r = reply_of(200, "0");
	struct msg_err err = {0};

	(void)state;
	assert_int_equal(ej_reply_map("kick_session", HOST, &r, NULL, NULL, &err), -1);
	assert_string_equal(err.text, "internal error: ejabberd command kick_session is not described");
}

/* ---- vCard values, marker, version, JIDs ---- */

static void test_vcard_values(void **state)
{
	(void)state;
	assert_string_equal(json_string_value(hold(ej_vcard_value(J("{'content': 'Alice L.'}")))),
			    "Alice L.");
	/* set_vcard with "" is how msgadm clears a field; get_vcard then answers "" */
	assert_true(json_is_null(hold(ej_vcard_value(J("{'content': ''}")))));
	assert_string_equal(json_string_value(hold(ej_vcard_value(hold(json_loads(
				"{\"content\":\"\\u00c5lice \\\"quoted\\\" <x> & \\u00fc\"}", 0, NULL))))),
			    "\xc3\x85lice \"quoted\" <x> & \xc3\xbc");
	assert_null(ej_vcard_value(J("{'contents': 'x'}")));
	assert_null(ej_vcard_value(hold(json_string("Success"))));
	assert_null(ej_vcard_value(hold(json_integer(0))));
}

/* A private_get reply around the given XML. */
static json_t *res_of(const char *xml)
{
	return hold(json_pack("{s:s}", "res", xml));
}

static void test_marker(void **state)
{
	bool deactivated = true;

	(void)state;
	/* nothing stored, and after msgadm cleared it: the empty element */
	assert_int_equal(ej_marker_parse(res_of("<query xmlns='jabber:iq:private'><msgadm "
						"xmlns='urn:msgadm:account'/></query>"),
					 &deactivated),
			 0);
	assert_false(deactivated);
	assert_int_equal(ej_marker_parse(res_of("<query xmlns='jabber:iq:private'><msgadm "
						"xmlns='urn:msgadm:account'>deactivated</msgadm></query>"),
					 &deactivated),
			 0);
	assert_true(deactivated);
	/* adapted: other text in the element is not the marker */
	assert_int_equal(
	    ej_marker_parse(res_of("<query xmlns='jabber:iq:private'><msgadm "
				   "xmlns='urn:msgadm:account'>deactivated-not</msgadm></query>"),
			    &deactivated),
	    0);
	assert_false(deactivated);
	/* adapted: an element whose name only starts like ours */
	assert_int_equal(ej_marker_parse(res_of("<query xmlns='jabber:iq:private'><msgadmx "
						"xmlns='urn:msgadm:account'>deactivated</msgadmx></query>"),
					 &deactivated),
			 0);
	assert_false(deactivated);
	assert_int_equal(ej_marker_parse(res_of("aaaaa"), &deactivated), -1);
	assert_int_equal(ej_marker_parse(hold(json_integer(0)), &deactivated), -1);
	assert_int_equal(ej_marker_parse(res_of("<query><msgadm xmlns='urn:msgadm:account'"), &deactivated),
			 -1);
}

static void test_version_from_status(void **state)
{
	char *v;

	(void)state;
	/* POST /api/status on 23.01 */
	v = ej_version_from_status(
	    "The node ejdrv47@localhost is started. Status: startedejabberd 23.01-1 is "
	    "running in that node");
	assert_string_equal(v, "23.01-1");
	free(v);
	/* ejabberdctl status prints it on its own line */
	v = ej_version_from_status(
	    "The node ejdrv47@localhost is started with status: started\nejabberd 23.01-1 "
	    "is running in that node");
	assert_string_equal(v, "23.01-1");
	free(v);
	/* the documentation's example has no version number */
	assert_null(ej_version_from_status("The node ejabberd@localhost is started with status: "
					   "startedejabberd X.X is running in that node"));
	assert_null(ej_version_from_status("The node ejabberd@localhost is stopped"));
}

static void test_local_part(void **state)
{
	char *l;

	(void)state;
	l = ej_local_part("admin@example.test", HOST);
	assert_string_equal(l, "admin");
	free(l);
	l = ej_local_part("admin@example.test/msgadm", HOST);
	assert_string_equal(l, "admin");
	free(l);
	assert_null(ej_local_part("admin@example.testx", HOST));
	assert_null(ej_local_part("admin@other.test", HOST));
	assert_null(ej_local_part("example.test", HOST));
	assert_null(ej_local_part("@example.test", HOST));
	assert_null(ej_local_part(NULL, HOST));
}

/* ---- capabilities ---- */

static void test_capabilities(void **state)
{
	const char *note = NULL;

	(void)state;
	assert_ptr_equal(driver_find("ejabberd"), &drv_ejabberd);
	assert_true(drv_ejabberd.basic_auth);
	assert_int_equal(driver_capability(&drv_ejabberd, "users.list[].display_name", NULL), CAP_MANAGED);
	assert_int_equal(driver_capability(&drv_ejabberd, "users.list[].email", NULL), CAP_MANAGED);
	assert_int_equal(driver_capability(&drv_ejabberd, "users.list[].active", &note), CAP_MANAGED);
	assert_non_null(strstr(note, "banned outside msgadm read as active"));
	/* admin rights: msgadm's ACL in config_fragment, so a context without one can only be told */
	assert_int_equal(driver_capability(&drv_ejabberd, "users.list[].admin", &note), CAP_MANAGED);
	assert_non_null(strstr(note, "msgadm_admins"));
	{
		struct context with = {.settings = J("{'config_fragment': '/etc/ejabberd/msgadm.yml'}")},
			       without = {0};

		note = NULL;
		assert_int_equal(
		    drv_ejabberd.context_capability(&with, "users.list[].admin", CAP_MANAGED, &note),
		    CAP_MANAGED);
		assert_int_equal(
		    drv_ejabberd.context_capability(&without, "users.list[].admin", CAP_MANAGED, &note),
		    CAP_CONFIG);
		assert_non_null(strstr(note, "only when the context sets config_fragment"));
		assert_int_equal(
		    drv_ejabberd.context_capability(&without, "users.list[].email", CAP_MANAGED, &note),
		    CAP_MANAGED);
	}
	assert_int_equal(driver_capability(&drv_ejabberd, "users.list[].delete", &note), CAP_MANAGED);
	assert_non_null(strstr(note, "unregister"));
	assert_int_equal(driver_capability(&drv_ejabberd, "invites.tokens", NULL), CAP_UNSUPPORTED);
	assert_int_equal(driver_capability(&drv_ejabberd, "invites.registration", NULL), CAP_CONFIG);
	assert_int_equal(driver_capability(&drv_ejabberd, "federation", NULL), CAP_CONFIG);
	assert_int_equal(driver_capability(&drv_ejabberd, "retention.default", &note), CAP_CONFIG);
	assert_non_null(strstr(note, "delete_old_mam_messages"));
	assert_int_equal(driver_capability(&drv_ejabberd, "retention.rooms", NULL), CAP_UNSUPPORTED);
	/* nothing the driver cannot do is filled in */
	assert_null(driver_resource(&drv_ejabberd, &resource_token));
	assert_false(drv_synapse.basic_auth);
}

/* ---- ejabberd.yml fragments ---- */

/* Renders a section, checks that it loads as YAML, and returns the document (held) and the text. */
static json_t *fragment(const char *section, json_t *value, char **text)
{
	struct msg_err err = {0};
	json_t *doc = NULL;
	struct yaml_pos *pos = NULL;
	char *t = ejabberd_render_config(section, value);

	assert_non_null(t);
	if (yaml_load_string(t, strlen(t), section, &doc, &pos, &err) != 0)
		fail_msg("%s: not YAML: %s\n%s", section, err.text, t);
	yaml_pos_free(pos);
	hold(doc);
	if (text != NULL)
		*text = t;
	else
		free(t);
	return doc;
}

static void test_render_registration(void **state)
{
	json_t *doc;
	char *text;

	(void)state;
	doc = fragment("invites.registration", hold(json_string("closed")), NULL);
	assert_string_equal(
	    json_string_value(json_object_get(
		json_object_get(json_object_get(doc, "access_rules"), "msgadm_register"), "deny")),
	    "all");
	assert_string_equal(json_string_value(json_object_get(
				json_object_get(json_object_get(doc, "modules"), "mod_register"), "access")),
			    "msgadm_register");
	doc = fragment("invites.registration", hold(json_string("open")), NULL);
	assert_string_equal(
	    json_string_value(json_object_get(
		json_object_get(json_object_get(doc, "access_rules"), "msgadm_register"), "allow")),
	    "all");
	/* no tokens in 23.01: closed, and saying why */
	doc = fragment("invites.registration", hold(json_string("token")), &text);
	assert_non_null(strstr(text, "no registration tokens"));
	assert_non_null(json_object_get(
	    json_object_get(json_object_get(doc, "access_rules"), "msgadm_register"), "deny"));
	assert_int_not_equal(text[strlen(text) - 1], '\n');
	free(text);
}

static void test_render_federation(void **state)
{
	json_t *doc, *rule;
	char *text;

	(void)state;
	doc = fragment("federation", J("{'mode': 'allowlist', 'partners': ['bund.de', 'partner.gov.nl']}"),
		       NULL);
	assert_string_equal(json_string_value(json_object_get(doc, "s2s_access")), "msgadm_s2s");
	assert_true(json_equal(
	    json_object_get(json_object_get(json_object_get(doc, "acl"), "msgadm_partners"), "server"),
	    J("['bund.de', 'partner.gov.nl']")));
	rule = json_object_get(json_object_get(doc, "access_rules"), "msgadm_s2s");
	assert_string_equal(json_string_value(json_object_get(rule, "allow")), "msgadm_partners");
	assert_string_equal(json_string_value(json_object_get(rule, "deny")), "all");

	doc = fragment("federation", J("{'mode': 'closed'}"), NULL);
	assert_string_equal(json_string_value(json_object_get(doc, "s2s_access")), "msgadm_s2s");
	rule = json_object_get(json_object_get(doc, "access_rules"), "msgadm_s2s");
	assert_string_equal(json_string_value(json_object_get(rule, "deny")), "all");
	assert_null(json_object_get(rule, "allow"));
	assert_null(json_object_get(doc, "acl"));

	/* an allowlist of nobody federates with nobody */
	doc = fragment("federation", J("{'mode': 'allowlist', 'partners': []}"), &text);
	assert_non_null(strstr(text, "without partners"));
	assert_null(json_object_get(doc, "acl"));
	free(text);

	doc = fragment("federation", J("{'mode': 'open'}"), NULL);
	assert_string_equal(json_string_value(json_object_get(doc, "s2s_access")), "all");
}

static void test_render_partner_names_quoted(void **state)
{
	json_t *doc;

	(void)state;
	/* names YAML would read as something else stay strings; odd characters cannot break out */
	doc = fragment(
	    "federation",
	    hold(json_pack("{s:s,s:[s,s,s]}", "mode", "allowlist", "partners", "null", "true", "a\\\"b")),
	    NULL);
	assert_true(json_equal(
	    json_object_get(json_object_get(json_object_get(doc, "acl"), "msgadm_partners"), "server"),
	    hold(json_pack("[s,s,s]", "null", "true", "a\\\"b"))));
}

static void test_render_other_sections(void **state)
{
	(void)state;
	/* 23.01 has no retention option to render: the capability note says what to run instead */
	assert_null(ejabberd_render_config("retention.default", J("{'max_lifetime': '365d'}")));
	assert_null(ejabberd_render_config("retention.rooms", J("[]")));
	assert_null(ejabberd_render_config("invites.guests", hold(json_false())));
	assert_null(ejabberd_render_config("invites.registration", hold(json_integer(1))));
}

/* ---- passwords and the credentials file ---- */

static void test_password(void **state)
{
	char a[EJ_PASSWORD_LEN + 1], b[EJ_PASSWORD_LEN + 1];
	struct msg_err err = {0};

	(void)state;
	assert_int_equal(ej_password_new(a, &err), 0);
	assert_int_equal(ej_password_new(b, &err), 0);
	assert_int_equal(strlen(a), EJ_PASSWORD_LEN);
	assert_true(EJ_PASSWORD_LEN >= 24);
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
			 EJ_PASSWORD_LEN);
	assert_string_not_equal(a, b);
}

static void test_credentials_file(void **state)
{
	const struct context ctx = {.name = "t", .driver = "ejabberd", .server = HOST};
	struct session s = {.context = &ctx};
	char dir[] = "/tmp/msgadm-ej-XXXXXX", path[64], link_path[64], buf[128] = "";
	struct msg_err err = {0};
	struct stat st;
	int fd = -1, f;
	ssize_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/creds", dir);
	snprintf(link_path, sizeof(link_path), "%s/link", dir);

	/* no --credentials-out: refused before anything happens */
	assert_int_equal(ej_credentials_open(&s, "creating alice@example.test", &fd, &err), -1);
	assert_int_equal(err.status, EXIT_USAGE);
	assert_string_equal(err.text,
			    "ejabberd: creating alice@example.test needs --credentials-out FILE: its new "
			    "password is written only there; nothing was changed");

	/* created 0600, one line per account, appended */
	s.credentials_out = path;
	assert_int_equal(ej_credentials_open(&s, "creating alice@example.test", &fd, &err), 0);
	assert_int_equal(ej_credentials_write(&s, fd, "alice@example.test", "pw-one", &err), 0);
	assert_int_equal(ej_credentials_open(&s, "reactivating bob@example.test", &fd, &err), 0);
	assert_int_equal(ej_credentials_write(&s, fd, "bob@example.test", "pw-two", &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	f = open(path, O_RDONLY);
	assert_true(f >= 0);
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	assert_true(n > 0);
	assert_string_equal(buf, "alice@example.test pw-one\nbob@example.test pw-two\n");

	/* a file others can read is refused, and left as it was */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(ej_credentials_open(&s, "creating carol@example.test", &fd, &err), -1);
	assert_int_equal(err.status, EXIT_FAILURE_);
	assert_non_null(strstr(err.text, "is readable by group or others"));

	/* a symbolic link is not followed */
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(symlink(path, link_path), 0);
	s.credentials_out = link_path;
	assert_int_equal(ej_credentials_open(&s, "creating carol@example.test", &fd, &err), -1);
	assert_non_null(strstr(err.text, "is a symbolic link"));

	unlink(link_path);
	unlink(path);
	rmdir(dir);
}

#define T(name) cmocka_unit_test_teardown(name, release_all)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_register_conflict),
	    T(test_unauthorized_and_forbidden),
	    T(test_endpoint_not_found_names_the_module),
	    T(test_bare_string_errors),
	    T(test_unknown_vhost_is_configuration),
	    T(test_malformed_username_is_about_one_account),
	    T(test_server_errors),
	    T(test_html_page),
	    T(test_status_results),
	    T(test_success_that_is_not_json),
	    T(test_expected_strings_are_answers),
	    T(test_undescribed_command_refused),
	    T(test_vcard_values),
	    T(test_marker),
	    T(test_version_from_status),
	    T(test_local_part),
	    T(test_capabilities),
	    T(test_render_registration),
	    T(test_render_federation),
	    T(test_render_partner_names_quoted),
	    T(test_render_other_sections),
	    T(test_password),
	    T(test_credentials_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
