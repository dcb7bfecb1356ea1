/* Every command, in the order help lists them. Adding a command: write commands/<name>.c and add
 * it here; help, the man page synopsis and the completions follow from this table. The hidden ones
 * (CMD_HIDDEN) come last: msgadm's own tools, which help, the manual and completions leave out. */
#include <stddef.h>

#include "cli.h"
#include "shell/command.h"

extern const struct command cmd_validate, cmd_plan, cmd_apply, cmd_export, cmd_user_list, cmd_user_show,
    cmd_user_create, cmd_user_update, cmd_user_deactivate, cmd_user_reactivate, cmd_invite_list,
    cmd_invite_create, cmd_invite_revoke, cmd_server_info, cmd_context_list, cmd_context_use,
    cmd_context_show, cmd_console, cmd_completion, cmd_help, cmd_version;
extern const struct command cmd_lint, cmd_audit_log, cmd_audit_verify, cmd_audit_reports;
extern const struct command cmd_room_list, cmd_room_show, cmd_retention_enforce, cmd_render;
extern const struct command cmd_snapshot_create, cmd_snapshot_keygen, cmd_snapshot_sign, cmd_snapshot_verify,
    cmd_check;
extern const struct command cmd_directory_test, cmd_directory_users;
extern const struct command cmd_internal_complete, cmd_internal_man_synopsis;

const struct command *const command_table[] = {
    &cmd_validate,
    &cmd_plan,
    &cmd_apply,
    &cmd_export,
    &cmd_lint,
    &cmd_user_list,
    &cmd_user_show,
    &cmd_user_create,
    &cmd_user_update,
    &cmd_user_deactivate,
    &cmd_user_reactivate,
    &cmd_invite_list,
    &cmd_invite_create,
    &cmd_invite_revoke,
    &cmd_room_list,
    &cmd_room_show,
    &cmd_retention_enforce,
    &cmd_render,
    &cmd_server_info,
    &cmd_directory_test,
    &cmd_directory_users,
    &cmd_audit_log,
    &cmd_audit_verify,
    &cmd_audit_reports,
    &cmd_snapshot_create,
    &cmd_snapshot_keygen,
    &cmd_snapshot_sign,
    &cmd_snapshot_verify,
    &cmd_check,
    &cmd_context_list,
    &cmd_context_use,
    &cmd_context_show,
    &cmd_console,
    &cmd_completion,
    &cmd_help,
    &cmd_version,
    &cmd_internal_complete,
    &cmd_internal_man_synopsis,
    NULL,
};

/* The values of -o and --color, once: parsing, its messages and completion read them here (the help
 * texts below name them too; test_cli_globals checks they name them all). */
static const struct cmd_value output_values[] = {
    {"text", OUTPUT_TEXT, 0},
    {"json", OUTPUT_JSON, 0},
    {"yaml", OUTPUT_YAML, 0},
    {"sarif", OUTPUT_SARIF, CMD_REPORT_FORMATS},
    {"junit", OUTPUT_JUNIT, CMD_REPORT_FORMATS},
    {NULL, 0, 0},
};
static const struct cmd_value color_values[] = {
    {"auto", COLOR_AUTO, 0},
    {"always", COLOR_ALWAYS, 0},
    {"never", COLOR_NEVER, 0},
    {NULL, 0, 0},
};

const struct cmd_option global_options[] = {
    {"context", 0, "NAME", "use this connection profile (also MSGADM_CONTEXT)", "context", NULL},
    {"output", 'o', "FORMAT", "text (default), json or yaml; lint also sarif or junit", NULL, output_values},
    {"color", 0, "WHEN", "colour plans: auto (on a terminal, unless NO_COLOR is set), always or never", NULL,
     color_values},
    {"verbose", 'v', NULL, "trace HTTP requests on stderr (secrets redacted)", NULL, NULL},
    {"quiet", 'q', NULL, "print only results and errors", NULL, NULL},
    {"help", 'h', NULL, "show help for msgadm or one command", NULL, NULL},
    {NULL, 0, NULL, NULL, NULL, NULL},
};
