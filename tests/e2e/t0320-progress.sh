#!/bin/sh
# The progress meter of long work (cli/progress.h): on stderr when that is a terminal, with counts and
# a rate; never in a pipe or a file; erased when the work ends, between apply's lines and on Ctrl-C.
# script(1) gives msgadm a pseudo-terminal whose output (the typescript) is what the terminal got;
# tmux shows the screen as a person would see it at the end.
. "$(dirname "$0")/lib.sh"
start_synapse_emu --seed-users 3000
export XDG_STATE_HOME="$T/state" TERM=xterm
unset MSGADM_NO_PROGRESS
ESC=$(printf '\033')
CR=$(printf '\r')

# A context with small pages: listing 3,002 users takes 31 requests.
cat >>"$MSGADM_CONFIG" <<CFG
  - name: pages
    driver: synapse
    url: $EMU_URL
    server: example.test
    token_file: $T/admin.token
    page_size: 100
CFG

# 300 accounts to create.
{
	printf 'version: 1\nserver: example.test\nusers:\n  list:\n'
	i=1
	while [ $i -le 300 ]; do
		printf '    - {id: new%03d, display_name: New %d}\n' $i $i
		i=$((i + 1))
	done
} >"$T/policy.yaml"

# Each run starts from the emulator's startup state, with latency that makes the work last a while.
SLOW_PUT='{"kind": "delay", "delay_ms": 20, "count": -1, "match": "PUT /_synapse/admin/v2/users/"}'
SLOW_PAGES='{"kind": "delay", "delay_ms": 30, "count": -1, "match": "GET /_synapse/admin/v2/users?"}'
SLOW_USER='{"kind": "delay", "delay_ms": 1, "count": -1, "match": "GET /_synapse/admin/v2/users/@"}'

# on_pty FILE 'shell command': runs the command on a pseudo-terminal; FILE gets what reached the
# terminal. Redirections inside the command decide which streams that is.
on_pty() {
	script -qec "$2" /dev/null >"$1" </dev/null
}

# has_bar FILE LABEL TOTAL: FILE shows the meter: "\r", LABEL, a count of TOTAL, a rate, and "\033[K".
has_bar() {
	grep_in "$1" "$2" &&
	grep -q "$CR$2  [0-9][0-9]*/$3  .*[0-9.][0-9.]*/s" "$1" &&
	grep -qF "$ESC[K" "$1" || { echo "no meter for '$2 .../$3' in:"; cat -v "$1" | tail -c 2000; return 1; }
}

# clean FILE: no "\r", no escape sequence and no meter text.
clean() {
	if grep -q "[$CR$ESC]" "$1" || grep -qE "Applying changes|Reading users|/s  ETA" "$1"; then
		echo "$1 is not clean:"
		cat -v "$1" | head -c 2000
		return 1
	fi
}

# ---- (a) apply, stderr on a terminal ----

test_expect_success 'apply on a terminal: stderr shows the meter with counts of 300 and a rate' '
	emu_fresh "{\"reset\": true}" "$SLOW_PUT" &&
	on_pty "$T/a.tty" "$MSGADM apply -f $T/policy.yaml --yes >$T/a.out" &&
	has_bar "$T/a.tty" "Applying changes" 300 &&
	grep_in "$T/a.out" "Apply: 300 changes, 0 failed." &&
	clean "$T/a.out"
'
test_expect_success 'the meter counts up and its last line is erased' '
	tr "$CR" "\n" <"$T/a.tty" | sed -n "s|^Applying changes  \([0-9]*\)/300.*|\1|p" >"$T/counts" &&
	test "$(wc -l <"$T/counts")" -ge 2 &&
	sort -n -c "$T/counts" &&
	test "$(tail -c 4 "$T/a.tty" | od -An -c | tr -d " ")" = "\r033[K"
'

# ---- (b) stderr in a file or a pipe: nothing of it; stdout as without a terminal ----

test_expect_success 'without a terminal, stdout and stderr hold nothing of the meter' '
	emu_fresh "{\"reset\": true}" "$SLOW_PUT" &&
	"$MSGADM" apply -f "$T/policy.yaml" --yes >"$T/b.out" 2>"$T/b.err" &&
	clean "$T/b.out" && clean "$T/b.err"
'
test_expect_success 'stderr in a file, stdout on a terminal: the file is clean' '
	emu_fresh "{\"reset\": true}" "$SLOW_PUT" &&
	on_pty "$T/b2.tty" "$MSGADM apply -f $T/policy.yaml --yes 2>$T/b2.err" &&
	clean "$T/b2.err" &&
	grep_in "$T/b2.tty" "Apply: 300 changes, 0 failed." &&
	not_in "$T/b2.tty" "Applying changes  "
'
test_expect_success 'stderr in a pipe: clean' '
	emu_fresh "{\"reset\": true}" "$SLOW_PUT" &&
	on_pty "$T/b3.tty" "$MSGADM apply -f $T/policy.yaml --yes 2>&1 >$T/b3.out | cat >$T/b3.err" &&
	clean "$T/b3.err" && grep_in "$T/b3.out" "Apply: 300 changes, 0 failed."
'
test_expect_success 'stdout is byte for byte what it is without a terminal' '
	cmp "$T/a.out" "$T/b.out" && cmp "$T/a.out" "$T/b3.out"
'

# ---- (c) user list of a large server ----

test_expect_success 'user list on a terminal: a reading meter, out of 3002 users' '
	emu_fresh "{\"reset\": true}" "$SLOW_PAGES" &&
	on_pty "$T/c.tty" "$MSGADM --context pages user list >$T/c.out" &&
	has_bar "$T/c.tty" "Reading users" 3002 &&
	test "$(tail -c 4 "$T/c.tty" | od -An -c | tr -d " ")" = "\r033[K" &&
	test "$(wc -l <"$T/c.out")" = 3003 &&
	"$MSGADM" --context pages user list >"$T/c2.out" 2>"$T/c2.err" &&
	cmp "$T/c.out" "$T/c2.out" && clean "$T/c2.err"
'
test_expect_success 'MSGADM_NO_PROGRESS=1, TERM=dumb and -q turn it off' '
	on_pty "$T/c3.tty" "MSGADM_NO_PROGRESS=1 $MSGADM --context pages user list >/dev/null" &&
	clean "$T/c3.tty" &&
	on_pty "$T/c4.tty" "TERM=dumb $MSGADM --context pages user list >/dev/null" &&
	clean "$T/c4.tty" &&
	on_pty "$T/c5.tty" "$MSGADM -q --context pages user list >/dev/null" &&
	clean "$T/c5.tty" &&
	on_pty "$T/c6.tty" "MSGADM_NO_PROGRESS=0 $MSGADM --context pages user list >/dev/null" &&
	has_bar "$T/c6.tty" "Reading users" 3002
'
test_expect_success 'plan and export read with the meter too, export also the e-mail addresses' '
	emu_fresh "{\"reset\": true}" "[$SLOW_PAGES, $SLOW_USER]" &&
	on_pty "$T/p.tty" "$MSGADM --context pages plan -f $T/policy.yaml >/dev/null" &&
	has_bar "$T/p.tty" "Reading users" 3002 &&
	on_pty "$T/e.tty" "$MSGADM --context pages export >/dev/null" &&
	has_bar "$T/e.tty" "Reading users" 3002 &&
	has_bar "$T/e.tty" "Reading e-mail addresses" 3002
'

# ---- (d) the screen at the end, in tmux ----

TMUX_SOCKET="$T/tmux.sock"
tm() { tmux -S "$TMUX_SOCKET" -f "$T/tmux.conf" "$@"; }
printf 'set -g remain-on-exit on\nset -g history-limit 5000\n' >"$T/tmux.conf"
trap 'tm kill-server 2>/dev/null; cleanup' EXIT INT TERM

# in_tmux NAME 'msgadm args': runs msgadm in a 100x30 terminal, then says how it ended; the shell
# around it survives Ctrl-C (a trap, not an ignore, which msgadm would inherit).
in_tmux() {
	tm new-session -d -s "$1" -x 100 -y 30 \
		"exec env HOME='$HOME' XDG_STATE_HOME='$XDG_STATE_HOME' MSGADM_CONFIG='$MSGADM_CONFIG' \
		ASAN_OPTIONS='${ASAN_OPTIONS:-detect_leaks=1}' sh -c 'trap : INT; $MSGADM $2; echo \"[exited: \$?]\"'"
}
# everything the terminal shows and has scrolled away, blank lines dropped
scrollback() { tm capture-pane -p -S - -E - -t "$1" | sed '/^ *$/d'; }
# wait_for NAME PATTERN [SECONDS [last]]: until a line of the scrollback (with "last", its last line)
# matches the extended regexp; $T/screen keeps the scrollback.
wait_for() {
	i=0
	while [ "$i" -lt "$((${3:-30} * 10))" ]; do
		scrollback "$1" >"$T/screen" 2>/dev/null
		if [ "${4:-}" = last ]; then tail -n 1 "$T/screen"; else cat "$T/screen"; fi | grep -Eq -- "$2" &&
			return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "waited ${3:-30} s for /$2/ in:"
	tail -n 20 "$T/screen"
	return 1
}

test_expect_success 'apply with stdout and stderr on one terminal: lines intact, no meter left' '
	emu_fresh "{\"reset\": true}" "$SLOW_PUT" &&
	in_tmux apply "apply -f $T/policy.yaml --yes" &&
	wait_for apply "^\[exited: 0\]$" 60 &&
	grep -q "^Apply: 300 changes, 0 failed\.$" "$T/screen" &&
	test "$(grep -c "^      done$" "$T/screen")" = 300 &&
	test "$(grep -c "^  + user new[0-9][0-9][0-9]$" "$T/screen")" = 600 &&
	if grep -nE "Applying changes |Reading users|/s  ETA|\[#" "$T/screen"; then exit 1; fi
'
test_expect_success 'Ctrl-C during apply: no more changes start, those running end, a clean line' '
	emu_fresh "{\"reset\": true}" "{\"kind\": \"delay\", \"delay_ms\": 200, \"count\": -1, \"match\": \"PUT /_synapse/admin/v2/users/\"}" &&
	in_tmux intr "apply -f $T/policy.yaml --yes" &&
	wait_for intr "^Applying changes  [0-9]+/300" 60 &&
	tm send-keys -t intr C-c &&
	wait_for intr "\[exited: 130\]$" 30 &&
	grep -Eq "^(\^C)?\[exited: 130\]$" "$T/screen" &&
	grep -q "^msgadm: stopping: no more changes are started; waiting for those running" "$T/screen" &&
	grep -q "^ *not attempted: interrupted before it was started$" "$T/screen" &&
	grep -q "^msgadm: interrupted: [0-9]* of 300 changes did not succeed$" "$T/screen" &&
	if grep -nE "Applying changes |/s  ETA|\[#|failed: .*interrupted" "$T/screen"; then exit 1; fi
'
test_expect_success 'a second Ctrl-C aborts the changes running too: they fail as interrupted, exit 130' '
	emu_fresh "{\"reset\": true}" "{\"kind\": \"delay\", \"delay_ms\": 3000, \"count\": -1, \"match\": \"PUT /_synapse/admin/v2/users/\"}" &&
	in_tmux intr2 "apply -f $T/policy.yaml --yes --parallel 4" &&
	wait_for intr2 "^Applying changes  [0-9]+/300" 60 &&
	tm send-keys -t intr2 C-c &&
	wait_for intr2 "^msgadm: stopping: no more changes are started" 10 &&
	tm send-keys -t intr2 C-c &&
	wait_for intr2 "\[exited: 130\]$" 30 &&
	test "$(grep -c "^ *failed: synapse: PUT .*interrupted" "$T/screen")" -ge 1 &&
	grep -q "^ *not attempted: interrupted before it was started$" "$T/screen" &&
	if grep -nE "Applying changes |/s  ETA|\[#" "$T/screen"; then exit 1; fi
'
# (the request Ctrl-C cut may still reach the emulator after the next reset: totals may be 299)
test_expect_success 'Ctrl-C during apply in the console: the error starts a clean line' '
	emu_fresh "{\"reset\": true}" "{\"kind\": \"delay\", \"delay_ms\": 200, \"count\": -1, \"match\": \"PUT /_synapse/admin/v2/users/\"}" &&
	in_tmux con "console" &&
	wait_for con "emu@example\.test> *$" 30 last &&
	tm send-keys -t con "apply -f $T/policy.yaml --yes" Enter &&
	wait_for con "^Applying changes  [0-9]+/[0-9]+" 60 &&
	tm send-keys -t con C-c &&
	wait_for con "^Apply: [0-9]+ changes, [0-9]+ failed\.$" 30 &&
	wait_for con "^msgadm emu@example\.test> *$" 30 last &&
	if grep -nE "Applying changes |/s  ETA|\[#" "$T/screen"; then exit 1; fi &&
	tm send-keys -t con exit Enter &&
	wait_for con "^\[exited: 0\]$" 30
'
