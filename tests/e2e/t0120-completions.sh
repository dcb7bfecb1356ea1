#!/bin/sh
# Shell completions: small generated scripts that ask `msgadm __complete` at each Tab (t0125 tests
# what it offers). The committed scripts are what the binary prints, and bash (with Debian's
# bash-completion and without it), zsh and fish complete with them for real: commands, options and
# their values, files, and user ids, token names and rooms from the Synapse emulator.
. "$(dirname "$0")/lib.sh"
start_synapse_emu
emu POST /_emu/seed '{"users": [{"name": "@alice:example.test"}, {"name": "@bob:example.test"}],
 "rooms": [{"room_id": "!lobby:example.test", "creator": "@bob:example.test", "name": "Lobby", "alias": "#lobby:example.test"}],
 "registration_tokens": [{"token": "spring-intake"}]}' >/dev/null
export XDG_CACHE_HOME="$T/cache"
BASH_COMPLETION_SCRIPT=/usr/share/bash-completion/bash_completion

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
for shell in bash zsh fish; do "$MSGADM" completion $shell >"$T/msgadm.$shell"; done

# check_generated SHELL FILE: completions/FILE equals `msgadm completion SHELL`.
check_generated() {
	if ! diff -u "$TOP/completions/$2" "$T/msgadm.$1"; then
		echo "completions/$2 differs from 'msgadm completion $1': run 'make completions'"
		return 1
	fi
}

# (a) The committed scripts are generated, never edited; all they know is how to ask msgadm.
test_expect_success 'completions/msgadm.bash is what msgadm completion bash prints' '
	check_generated bash msgadm.bash
'
test_expect_success 'completions/_msgadm is what msgadm completion zsh prints' '
	check_generated zsh _msgadm
'
test_expect_success 'completions/msgadm.fish is what msgadm completion fish prints' '
	check_generated fish msgadm.fish
'
test_expect_success 'the scripts are small, name no command and say how to keep them off the server' '
	for shell in bash zsh fish; do
		grep -q "__complete --" "$T/msgadm.$shell" &&
		grep -q "MSGADM_COMPLETE_REMOTE=0" "$T/msgadm.$shell" &&
		! grep -Eq "deactivate|snapshot|--detailed-exitcode" "$T/msgadm.$shell" &&
		test "$(wc -l <"$T/msgadm.$shell")" -lt 120 || { echo "msgadm.$shell"; exit 1; }
	done
'

# (b) bash, through COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT as bash sets them: once with
# bash-completion loaded (its _init_completion), once without.

# complete_bash WORD...: loads the bash completion (after bash-completion when BASHCOMP is set) in a
# non-interactive bash, runs _msgadm for the command line of these words (the last, maybe empty, is
# the one completed) and prints COMPREPLY on one line. LINE, when set, is COMP_LINE, for words that
# COMP_WORDBREAKS split (--output=json).
complete_bash() {
	bash -c '
		[ -z "$BASHCOMP" ] || . "$BASHCOMP" || exit 1
		. "$1" || exit 1
		shift
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

expect_status 0 help
sed -n "s/^  \([a-z][a-z]*\).*/\1/p" "$T/stdout" | awk "!seen[\$0]++" | tr "\n" " " | sed "s/ $//" >"$T/words"

for BASHCOMP in "$BASH_COMPLETION_SCRIPT" ""; do
	export BASHCOMP
	if [ -n "$BASHCOMP" ]; then
		with="with bash-completion"
		if [ ! -r "$BASHCOMP" ]; then
			say "ok - bash $with # SKIP bash-completion is not installed"
			continue
		fi
	else
		with="without bash-completion"
	fi
	test_expect_success "bash $with: msgadm us<TAB> completes user; <TAB> offers every command of help" '
		expect_completion "user" msgadm us &&
		expect_completion "$(cat "$T/words")" msgadm ""
	'
	test_expect_success "bash $with: subcommands, also after global options" '
		expect_completion "list show create update deactivate reactivate" msgadm user "" &&
		expect_completion "list" msgadm -v --context emu user l &&
		expect_completion "info" msgadm -o json server ""
	'
	test_expect_success "bash $with: options, the global ones and the command'\''s" '
		expect_completion "--context --output --color --verbose --quiet --help --file --out --detailed-exitcode --force" \
			msgadm plan --
	'
	test_expect_success "bash $with: -o and --color values, also after the = that COMP_WORDBREAKS splits off" '
		expect_completion "text json yaml" msgadm -o "" &&
		expect_completion "text json yaml sarif junit" msgadm lint --output "" &&
		expect_completion "auto always never" msgadm --color "" &&
		LINE="msgadm --output=" expect_completion "text json yaml" msgadm --output = &&
		LINE="msgadm --color=al" expect_completion "always" msgadm --color = al
	'
	test_expect_success "bash $with: contexts, for --context and context use" '
		expect_completion "emu user badtoken down envtok" msgadm --context "" &&
		expect_completion "down" msgadm user list --context d &&
		expect_completion "" msgadm context use emu ""
	'
	test_expect_success "bash $with: files, also after --out=" '
		cd "$T/files" &&
		SORTED=1 expect_completion "policies policy.yaml" msgadm plan -f "" &&
		SORTED=1 expect_completion "policies policy.yaml" msgadm validate x.yaml "" &&
		expect_completion "policy.yaml" msgadm apply --file policy. &&
		SORTED=1 LINE="msgadm plan --out=pol" expect_completion "policies policy.yaml" msgadm plan --out = pol &&
		expect_completion "" msgadm apply p.yaml ""
	'
	test_expect_success "bash $with: user ids, token names and rooms from the server, through msgadm __complete" '
		: >"$T/calls" &&
		expect_completion "admin alice bob" msgadm user show "" &&
		expect_completion "alice" msgadm user update --force al &&
		grep_in "$T/calls" "__complete -- user update --force al" &&
		expect_completion "spring-intake" msgadm invite revoke "" &&
		expect_completion "\\#lobby:example.test" msgadm room show "#" &&
		LINE="msgadm room show #lobby:ex" expect_completion "example.test" msgadm room show "#lobby" : ex
	'
	test_expect_success "bash $with: the --context on the line chooses the server asked" '
		: >"$T/calls" &&
		expect_completion "" msgadm --context user user show "" &&
		grep_in "$T/calls" "__complete -- --context user user show " &&
		MSGADM_COMPLETE_REMOTE=0 expect_completion "" msgadm user show ""
	'
	test_expect_success "bash $with: help and completion complete their arguments" '
		expect_completion "list show create update deactivate reactivate" msgadm help user "" &&
		expect_completion "" msgadm help user list "" &&
		expect_completion "bash zsh fish" msgadm completion ""
	'
done
unset BASHCOMP

# (c) bash at a terminal, with bash-completion as Debian loads it: what readline puts on the line.
if [ -r "$BASH_COMPLETION_SCRIPT" ]; then
	cat >"$T/bashrc" <<RC
. $BASH_COMPLETION_SCRIPT
. $T/msgadm.bash
PS1='\$ '
RC
	PROMPT='$ '
	term_start "cd '$T/files' && env -i HOME='$HOME' TERM=xterm PATH='$PATH' MSGADM_CONFIG='$MSGADM_CONFIG' \
		XDG_CACHE_HOME='$XDG_CACHE_HOME' ASAN_OPTIONS='${ASAN_OPTIONS:-detect_leaks=1}' \
		bash --noprofile --rcfile '$T/bashrc' -i"
	test_expect_success 'bash at a terminal: Tab completes a command, a user id from the server and --color=' '
		at_prompt &&
		keys "msgadm us" Tab && at_prompt "msgadm user " &&
		keys "show al" Tab && at_prompt "msgadm user show alice " &&
		keys C-u "msgadm --color=al" Tab && at_prompt "msgadm --color=always " &&
		keys C-u
	'
	test_expect_success 'bash at a terminal: a room alias goes on the line quoted, a file after --out=' '
		keys C-u "msgadm room show \\#" Tab && at_prompt "msgadm room show \\#lobby:example.test " &&
		keys C-u "msgadm plan --out=policy.y" Tab && at_prompt "msgadm plan --out=policy.yaml " &&
		keys C-u
	'
	term_stop
else
	say "ok - bash at a terminal # SKIP bash-completion is not installed"
fi

# (d) zsh at a terminal, with compinit and the script in $fpath: _describe shows descriptions.
if command -v zsh >/dev/null 2>&1; then
	mkdir -p "$T/zfunc" "$T/zdot"
	cp "$T/msgadm.zsh" "$T/zfunc/_msgadm"
	cat >"$T/zdot/.zshrc" <<RC
fpath=($T/zfunc \$fpath)
autoload -U compinit && compinit -u -D
PS1='%% '
RC
	PROMPT='% '
	test_expect_success 'zsh syntax check: zsh -n accepts the zsh completion' '
		zsh -n "$T/msgadm.zsh"
	'
	term_start "cd '$T/files' && env -i HOME='$HOME' TERM=xterm PATH='$PATH' MSGADM_CONFIG='$MSGADM_CONFIG' \
		XDG_CACHE_HOME='$XDG_CACHE_HOME' ASAN_OPTIONS='${ASAN_OPTIONS:-detect_leaks=1}' ZDOTDIR='$T/zdot' \
		zsh -d -i"
	test_expect_success 'zsh: Tab completes commands, and lists subcommands with their summaries' '
		at_prompt &&
		keys "msgadm us" Tab && at_prompt "msgadm user " &&
		keys Tab && wait_for screen "^show +-- show one account$" &&
		keys C-u && at_prompt
	'
	test_expect_success 'zsh: Tab completes a user id from the server, --color= and a file after --out=' '
		keys "msgadm user show al" Tab && at_prompt "msgadm user show alice " &&
		keys C-u "msgadm --color=al" Tab && at_prompt "msgadm --color=always " &&
		keys C-u "msgadm plan --out=policy.y" Tab && at_prompt "msgadm plan --out=policy.yaml " &&
		keys C-u "msgadm room show '\''#" Tab && at_prompt "msgadm room show '\''#lobby:example.test'\'' " &&
		keys C-u && at_prompt
	'
	term_stop
else
	say "ok - zsh # SKIP zsh not installed"
fi

# (e) fish: its own completion engine, asked with complete -C.
if command -v fish >/dev/null 2>&1; then
	# fish_complete CMDLINE...: what fish offers for each command line, one candidate a line.
	fish_complete() {
		script=". $T/msgadm.fish"
		for line; do script="$script; complete -C \"$line\""; done
		env HOME="$HOME" XDG_CONFIG_HOME="$T/fishconfig" fish --no-config -c "$script" >"$T/fish.out"
	}
	test_expect_success 'fish syntax check: fish --no-execute accepts the fish completion' '
		fish --no-execute "$T/msgadm.fish"
	'
	test_expect_success 'fish: commands and options, with their descriptions' '
		fish_complete "msgadm us" "msgadm plan --d" &&
		grep -qx "user	list, show, create, update, deactivate, reactivate" "$T/fish.out" &&
		grep -qx -- "--detailed-exitcode	exit 2 when there are changes or findings, 0 when none" "$T/fish.out"
	'
	test_expect_success 'fish: --color= values, a user id and a token name from the server, a file after --out=' '
		cd "$T/files" &&
		fish_complete "msgadm --color=a" "msgadm user show al" "msgadm invite revoke " "msgadm plan --out=policy.y" &&
		grep -qx -- "--color=always" "$T/fish.out" && grep -qx -- "--color=auto" "$T/fish.out" &&
		grep -qx "alice" "$T/fish.out" && grep -qx "spring-intake" "$T/fish.out" &&
		grep -q -- "^--out=policy.yaml" "$T/fish.out" &&
		not_in "$T/fish.out" "bob"
	'
else
	say "ok - fish # SKIP fish not installed"
fi

# (f) An unknown shell is a usage error that names the known ones.
test_expect_success 'msgadm completion tcsh exits 64 and names the shells' '
	expect_status 64 completion tcsh &&
	grep_in "$T/stderr" "bash, zsh or fish"
'
