#!/bin/sh
# Shell completions come from the command table: the committed scripts are what the binary prints,
# bash completes commands, options and values with them, zsh and fish parse them, and completion
# asks a server only when MSGADM_COMPLETE_REMOTE=1.
. "$(dirname "$0")/lib.sh"

# The scripts run `msgadm`: put a wrapper on PATH that logs each call, to see which were made.
mkdir -p "$T/bin" "$T/files/policies"
cat >"$T/bin/msgadm" <<WRAPPER
#!/bin/sh
echo "\$*" >>"$T/calls"
exec "$MSGADM" "\$@"
WRAPPER
chmod 755 "$T/bin/msgadm"
PATH="$T/bin:$PATH"
export PATH
: >"$T/files/policy.yaml"

# A contexts file of our own; msgadm refuses one (or a token file) that others may read.
umask 077
printf 'syt_completion_test\n' >"$T/alpha.token"
cat >"$MSGADM_CONFIG" <<CFG
current_context: alpha
contexts:
  - name: alpha
    driver: synapse
    url: https://matrix.alpha.test
    server: alpha.test
    token_file: $T/alpha.token
  - name: beta-2
    driver: synapse
    url: http://127.0.0.1:1
    server: beta.test
    token_file: $T/alpha.token
CFG
chmod 600 "$MSGADM_CONFIG" "$T/alpha.token"
umask 022

# check_generated SHELL FILE: completions/FILE equals `msgadm completion SHELL`.
check_generated() {
	"$MSGADM" completion "$1" >"$T/generated.$1" || return 1
	if ! diff -u "$TOP/completions/$2" "$T/generated.$1"; then
		echo "completions/$2 differs from 'msgadm completion $1': run 'make completions'"
		return 1
	fi
}

# complete_bash WORD...: loads the bash completion in a non-interactive bash, runs _msgadm for the
# command line of these words (the last, maybe empty, is the one completed) and prints COMPREPLY
# on one line. LINE, when set, is COMP_LINE, for words that COMP_WORDBREAKS split (--output=json).
complete_bash() {
	"$MSGADM" completion bash >"$T/msgadm.bash" || return 1
	bash -c '
		script=$1
		shift
		. "$script" || exit 1
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE=${LINE:-$*}
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=(x)
		_msgadm || exit 1
		echo "${COMPREPLY[*]}"
	' complete_bash "$T/msgadm.bash" "$@"
}

# expect_completion 'EXPECTED' WORD...: COMPREPLY for the words is EXPECTED, in this order (or
# sorted, with SORTED=1: file names come in directory order).
expect_completion() {
	want=$1
	shift
	got=$(complete_bash "$@") || { echo "_msgadm failed for: $*"; return 1; }
	[ -n "${SORTED:-}" ] && got=$(printf '%s\n' $got | sort | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" != "$want" ]; then
		echo "completing '$*'"
		echo "  got:    '$got'"
		echo "  wanted: '$want'"
		return 1
	fi
}

# (a) The committed scripts are generated, never edited.
test_expect_success 'completions/msgadm.bash is what msgadm completion bash prints' '
	check_generated bash msgadm.bash
'
test_expect_success 'completions/_msgadm is what msgadm completion zsh prints' '
	check_generated zsh _msgadm
'
test_expect_success 'completions/msgadm.fish is what msgadm completion fish prints' '
	check_generated fish msgadm.fish
'

# (b) bash, through COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT as bash sets them.
test_expect_success 'bash: msgadm us<TAB> completes user' '
	expect_completion "user" msgadm us
'
test_expect_success 'bash: msgadm <TAB> offers the first word of every command in the table' '
	expect_status 0 help &&
	sed -n "s/^  \([a-z][a-z]*\).*/\1/p" "$T/stdout" | awk "!seen[\$0]++" | tr "\n" " " | sed "s/ $//" >"$T/words" &&
	expect_completion "$(cat "$T/words")" msgadm ""
'
test_expect_success 'bash: msgadm user <TAB> offers the user commands' '
	expect_completion "list show create update deactivate reactivate" msgadm user ""
'
test_expect_success 'bash: global options before the command do not hide it' '
	expect_completion "list" msgadm -v --context alpha user l &&
	expect_completion "info" msgadm -o json server ""
'
test_expect_success 'bash: msgadm plan --<TAB> offers the global options and plan'\''s own' '
	expect_completion "--context --output --color --verbose --quiet --help --file --out --detailed-exitcode --force" \
		msgadm plan --
'
test_expect_success 'bash: msgadm -o <TAB> offers the output formats' '
	expect_completion "text json yaml" msgadm -o "" &&
	expect_completion "json" msgadm --output j &&
	expect_completion "text json yaml" msgadm plan --output ""
'
test_expect_success 'bash: --output=<TAB> completes after the = that COMP_WORDBREAKS splits off' '
	LINE="msgadm --output=" expect_completion "text json yaml" msgadm --output = &&
	LINE="msgadm --output=y" expect_completion "yaml" msgadm --output = y
'
test_expect_success 'bash: msgadm --context <TAB> offers the names in the contexts file' '
	expect_completion "alpha beta-2" msgadm --context "" &&
	expect_completion "beta-2" msgadm user list --context b &&
	grep_in "$T/calls" "context list -o json"
'
test_expect_success 'bash: context use <TAB> offers context names, for one argument only' '
	expect_completion "alpha beta-2" msgadm context use "" &&
	expect_completion "" msgadm context use alpha ""
'
test_expect_success 'bash: file options and arguments complete file names' '
	cd "$T/files" &&
	SORTED=1 expect_completion "policies policy.yaml" msgadm plan -f "" &&
	SORTED=1 expect_completion "policies policy.yaml" msgadm validate x.yaml "" &&
	expect_completion "policy.yaml" msgadm apply --file policy. &&
	SORTED=1 LINE="msgadm plan --out=pol" expect_completion "policies policy.yaml" msgadm plan --out = pol
'
test_expect_success 'bash: option values are not arguments; a value without a hint completes nothing' '
	cd "$T/files" &&
	expect_completion "alpha beta-2" msgadm context use -o json "" &&
	SORTED=1 expect_completion "policies policy.yaml" msgadm apply -f p.yaml "" &&
	expect_completion "" msgadm apply p.yaml "" &&
	expect_completion "" msgadm invite create spring --uses ""
'
test_expect_success 'bash: msgadm user show <TAB> offers nothing without MSGADM_COMPLETE_REMOTE' '
	: >"$T/calls" &&
	expect_completion "" msgadm user show "" &&
	expect_completion "" msgadm invite revoke "" &&
	MSGADM_COMPLETE_REMOTE=0 expect_completion "" msgadm user deactivate "" &&
	test ! -s "$T/calls"
'
test_expect_success 'bash: help and completion complete their arguments' '
	expect_completion "list show create update deactivate reactivate" msgadm help user "" &&
	expect_completion "" msgadm help user list "" &&
	expect_completion "bash zsh fish" msgadm completion ""
'

# (c) zsh and fish: their scripts at least parse; skipped, visibly, where the shell is missing.
if command -v zsh >/dev/null 2>&1; then
	test_expect_success 'zsh syntax check: zsh -n accepts the zsh completion' '
		"$MSGADM" completion zsh >"$T/_msgadm" && zsh -n "$T/_msgadm"
	'
else
	say "ok - zsh syntax check # SKIP zsh not installed"
fi
if command -v fish >/dev/null 2>&1; then
	test_expect_success 'fish syntax check: fish --no-execute accepts the fish completion, which completes' '
		"$MSGADM" completion fish >"$T/msgadm.fish" && fish --no-execute "$T/msgadm.fish" &&
		fish -c "source $T/msgadm.fish; complete -C \"msgadm us\"; complete -C \"msgadm plan --d\"" >"$T/fish.out" &&
		grep -q "^user	" "$T/fish.out" && grep -q "^--detailed-exitcode	" "$T/fish.out"
	'
else
	say "ok - fish syntax check # SKIP fish not installed"
fi

# (d) An unknown shell is a usage error that names the known ones.
test_expect_success 'msgadm completion tcsh exits 64 and names the shells' '
	expect_status 64 completion tcsh &&
	grep_in "$T/stderr" "bash, zsh or fish"
'

# With MSGADM_COMPLETE_REMOTE=1, user ids and invite names come from the context's server.
start_synapse_emu
emu POST /_emu/seed '{"users": [{"name": "@alice:example.test"}, {"name": "@bob:example.test"}]}' >/dev/null
"$MSGADM" -q invite create spring-intake >/dev/null 2>&1

test_expect_success 'bash: with MSGADM_COMPLETE_REMOTE=1, user show <TAB> offers the server'\''s user ids' '
	MSGADM_COMPLETE_REMOTE=1 expect_completion "admin alice bob" msgadm user show "" &&
	MSGADM_COMPLETE_REMOTE=1 expect_completion "alice" msgadm user update --force al
'
test_expect_success 'bash: with MSGADM_COMPLETE_REMOTE=1, invite revoke <TAB> offers token names' '
	MSGADM_COMPLETE_REMOTE=1 expect_completion "spring-intake" msgadm invite revoke ""
'
test_expect_success 'bash: the --context on the line chooses the server asked' '
	: >"$T/calls" &&
	MSGADM_COMPLETE_REMOTE=1 expect_completion "" msgadm --context badtoken user show "" &&
	grep_in "$T/calls" "--context badtoken -q user list -o json"
'
