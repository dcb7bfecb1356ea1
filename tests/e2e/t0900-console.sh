#!/bin/sh
# msgadm console as an admin uses it: in a terminal (a detached tmux session, driven with send-keys
# and read with capture-pane) with completion from the command table and the server, history,
# Ctrl-C and Ctrl-D; and from a pipe, as a script that stops at its first failing line.
. "$(dirname "$0")/lib.sh"
start_synapse_emu
emu POST /_emu/seed '{"users": [{"name": "@alice:example.test"}, {"name": "@bob:example.test"}]}' >/dev/null
export XDG_STATE_HOME="$T/state"
HISTORY="$XDG_STATE_HOME/msgadm/history"
cksum <"$MSGADM_CONFIG" >"$T/config.sum"

# console_pipe 'LINES': runs the console on those lines (with printf's backslash escapes), stdout and stderr to
# $T/stdout and $T/stderr; returns its status.
console_pipe() {
	printf '%b' "$1" | "$MSGADM" console >"$T/stdout" 2>"$T/stderr"
}

# ---- From a pipe: no prompt, no readline, no history; the first failure ends it ----

test_expect_code 1 'from a pipe, the first failing line ends the console with its status' '
	console_pipe "user list\nuser show nobody\nuser list\n"
'
test_expect_success 'from a pipe, the lines before the failure ran and none after it' '
	test "$(grep -c "^ID " "$T/stdout")" = 1 &&
	grep_in "$T/stdout" "alice" &&
	grep_in "$T/stderr" "no user '\''nobody'\'' on example.test" &&
	not_in "$T/stdout" "msgadm " &&
	test ! -e "$HISTORY"
'
test_expect_success 'blank lines and comments are skipped, quotes make one word, exit leaves' '
	console_pipe "# set a display name\n\n   \nuser update alice --display-name \"Alice Liddell\" # and show it\nuser show '\''alice'\''\nexit\nuser show nobody\n" &&
	grep_in "$T/stdout" "Alice Liddell"
'
test_expect_success 'global options on a line hold for that line only' '
	console_pipe "-o json user show bob\nuser show bob\n" &&
	grep_in "$T/stdout" "\"id\": \"bob\"" &&
	grep -q "^id  *bob$" "$T/stdout" &&
	console_pipe "user show bob\n-v user show bob\nuser show bob\n" &&
	test "$(grep -c "^> GET .*/_synapse/admin/v2/users/@bob" "$T/stderr")" = 1 &&
	test "$(grep -c "^id  *bob$" "$T/stdout")" = 3
'
test_expect_code 64 'commands flagged CMD_NOT_IN_CONSOLE answer a clear error' '
	console_pipe "completion bash\n" ; rc=$? &&
	grep_in "$T/stderr" "'\''completion'\'' is not available in the console" && not_in "$T/stdout" "_msgadm" &&
	console_pipe "console\n"; rc2=$? &&
	grep_in "$T/stderr" "'\''console'\'' is not available in the console" && test "$rc2" = 64 &&
	exit $rc
'
test_expect_code 64 'an unterminated quote is a usage error' '
	console_pipe "user show '\''alice\n"; rc=$? &&
	grep_in "$T/stderr" "msgadm: unterminated quote" && exit $rc
'
test_expect_success 'use CONTEXT switches the console only: the contexts file is untouched' '
	console_pipe "use down\nuser list\n"; rc=$? &&
	test "$rc" = 69 && grep_in "$T/stderr" "cannot connect to http://127.0.0.1:1" &&
	cksum <"$MSGADM_CONFIG" | cmp -s - "$T/config.sum" &&
	console_pipe "use nosuch\nuser list\n"; rc=$? &&
	test "$rc" = 78 && grep_in "$T/stderr" "nosuch" && test ! -s "$T/stdout"
'
test_expect_success 'after context use, the next line follows the rewritten contexts file' '
	cp "$MSGADM_CONFIG" "$T/config.saved" &&
	console_pipe "context use down\nuser list\n"; rc=$? &&
	cp "$T/config.saved" "$MSGADM_CONFIG" &&
	test "$rc" = 69 && grep_in "$T/stderr" "127.0.0.1:1"
'

# ---- In a terminal ----

PROMPT='msgadm emu@example.test> '

# A terminal (lib.sh); HOME and XDG_STATE_HOME inside $T (exported by lib.sh and above). The shell
# around the console writes how it ended: tmux itself does not always learn a pane's status.
term_start "env HOME='$HOME' XDG_STATE_HOME='$XDG_STATE_HOME' MSGADM_CONFIG='$MSGADM_CONFIG' \
	ASAN_OPTIONS='${ASAN_OPTIONS:-detect_leaks=1}' '$MSGADM' console; echo \"[console exited: \$?]\""

test_expect_success 'the prompt shows the context and the server' '
	at_prompt
'
test_expect_success 'Tab completes a command from the table: us<Tab> gives "user "' '
	keys us Tab && at_prompt "user "
'
test_expect_success 'Tab completes a user id the server knows: user show al<Tab> gives alice' '
	keys "show al" Tab && at_prompt "user show alice " &&
	keys Enter && wait_for screen "^active +true" && at_prompt
'
test_expect_success 'Tab completes options and their values from the table' '
	keys "user list --em" Tab && at_prompt "user list --email " &&
	keys -- "-o y" Tab && at_prompt "user list --email -o yaml " &&
	keys C-u "context show bad" Tab && at_prompt "context show badtoken " &&
	keys C-u && at_prompt
'
test_expect_success 'a failing command prints its error and the console goes on' '
	keys "user show nobody" Enter &&
	wait_for screen "^msgadm: synapse: no user .nobody. on example.test$" && at_prompt &&
	keys "user list" Enter && wait_for screen "^bob +bob +no +yes" && at_prompt
'
test_expect_success 'Up brings back the last line, but never one that looks like a secret' '
	keys "user show --password=hunter2" Enter && wait_for screen "unknown option .--password=hunter2." &&
	keys "user show syt_YWRtaW4_QnVYdGhXbkVsZ2VsZ0hBcmJxeQ_3kD9x2" Enter &&
	wait_for screen "no user .syt_" && at_prompt &&
	keys Up && at_prompt "user list" &&
	keys C-u && at_prompt
'
test_expect_success 'the history file is private (0600 in a 0700 directory) and holds no secret' '
	test -f "$HISTORY" &&
	test "$(stat -c %a "$HISTORY")" = 600 &&
	test "$(stat -c %a "$(dirname "$HISTORY")")" = 700 &&
	grep -qx "user list" "$HISTORY" &&
	grep -q "^user show nobody" "$HISTORY" &&
	! grep -Ei "password|hunter2|syt_" "$HISTORY"
'
test_expect_success 'Ctrl-C cancels a slow request promptly and the console survives' '
	emu_fault "{\"kind\": \"delay\", \"delay_ms\": 3000, \"count\": 1}" &&
	keys "user list" Enter &&
	i=0 && until emupy "print(call(\"GET\", \"/_emu/fault\")[\"faults\"][0][\"hits\"])" | grep -qx 1; do
		i=$((i + 1)) && test $i -lt 50 && sleep 0.1 || exit 1; done &&
	start=$(date +%s%N) && keys C-c &&
	wait_for screen "^msgadm: synapse: GET /_synapse/admin/v2/users: interrupted$" 2 &&
	elapsed=$((($(date +%s%N) - start) / 1000000)) && echo "cancelled after $elapsed ms" &&
	test "$elapsed" -lt 2000 && at_prompt &&
	emu_clear_faults && keys "user show bob" Enter && wait_for screen "^id +bob$" && at_prompt
'
test_expect_success 'Ctrl-C at the prompt drops the line being typed and prompts again' '
	keys "user deactivate bob" && at_prompt "user deactivate bob" && keys C-c && wait_for screen "deactivate bob\^C$" && at_prompt &&
	expect_status 0 user show bob && grep -q "^active  *true$" "$T/stdout"
'
test_expect_success 'use CONTEXT changes the prompt, not the contexts file' '
	keys "use user" Enter && wait_for screen "^Using context .user. in this console.$" &&
	PROMPT="msgadm user@example.test> " at_prompt &&
	cksum <"$MSGADM_CONFIG" | cmp -s - "$T/config.sum"
'
test_expect_success 'Ctrl-D leaves the console with status 0, and the pane ends' '
	keys C-d && wait_for screen "^\[console exited: [0-9]+\]$" &&
	grep -qx "\[console exited: 0\]" "$T/screen" && i=0 &&
	until test "$(tm display-message -p -t term "#{pane_dead}")" = 1; do
		i=$((i + 1)) && test $i -lt 50 || { echo "the pane is still alive"; exit 1; }
		sleep 0.1 || exit 1
	done
'
