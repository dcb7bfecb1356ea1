/* Every command, in the order help lists them. Adding a command: write commands/<name>.c and add
 * it here; help, the man page synopsis and the completions follow from this table. The hidden ones
 * (CMD_HIDDEN) come last: msgadm's own tools, which help, the manual and completions leave out. */
#include <stddef.h>

#include "shell/command.h"

extern const struct command cmd_validate, cmd_plan, cmd_apply, cmd_export, cmd_user_list, cmd_user_show,
    cmd_user_create, cmd_user_update, cmd_user_deactivate, cmd_user_reactivate, cmd_invite_list,
    cmd_invite_create, cmd_invite_revoke, cmd_server_info, cmd_context_list, cmd_context_use,
    cmd_context_show, cmd_console, cmd_completion, cmd_help, cmd_version;
extern const struct command cmd_lint, cmd_audit_log, cmd_audit_verify, cmd_audit_reports;
extern const struct command cmd_room_list, cmd_room_show, cmd_retention_enforce, cmd_render;
extern const struct command cmd_snapshot_create, cmd_snapshot_keygen, cmd_snapshot_sign, cmd_snapshot_verify,
    cmd_check;
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

const struct cmd_option global_options[] = {
    {"context", 0, "NAME", "use this connection profile (also MSGADM_CONTEXT)", "context"},
    {"output", 'o', "FORMAT", "text (default), json or yaml; lint also sarif or junit", "format"},
    {"color", 0, "WHEN", "colour plans: auto (on a terminal, unless NO_COLOR is set), always or never",
     "color"},
    {"verbose", 'v', NULL, "trace HTTP requests on stderr (secrets redacted)", NULL},
    {"quiet", 'q', NULL, "print only results and errors", NULL},
    {"help", 'h', NULL, "show help for msgadm or one command", NULL},
    {NULL, 0, NULL, NULL, NULL},
};
