#!/bin/sh
# The EXAMPLES of the manuals really run, as printed. msgadm-policy(5)'s policy is the policy.yaml of
# msgadm(1)'s examples, against a Synapse emulator named example.gov (the pages' server); every
# command line of msgadm(1)'s EXAMPLES runs in order, in one directory, through sh, with `msgadm` on
# PATH, and must exit 0 unless its comment says "exits N". A line that asks for confirmation on a
# terminal gets one: it runs in a pseudo-terminal answering "yes". Each configuration of
# msgadm-config(5) is loaded by `msgadm context list`. The blocks are taken from the pages, never
# copied here: an example that stops working fails this test.
. "$(dirname "$0")/lib.sh"
EMU_SERVER_NAME=example.gov start_synapse_emu

# blocks PAGE: the literal blocks of the EXAMPLES section, each ended by a line "@@END@@".
blocks() {
	sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$1" | awk '
		/^\.Bd -literal/ { inside = 1; next }
		/^\.Ed/ { if (inside) print "@@END@@"; inside = 0; next }
		inside { gsub(/\\&/, ""); gsub(/\\e/, "\\"); print }'
}
# block PAGE N: the Nth literal block (1-based) of PAGE's EXAMPLES.
block() { blocks "$1" | awk -v n="$2" '/^@@END@@$/ { k++; next } k == n - 1'; }

mkdir -p "$T/work" "$T/bin" && ln -s "$MSGADM" "$T/bin/msgadm"
PATH="$T/bin:$PATH"
export PATH

test_expect_success 'the manuals have examples to run' '
	test "$(blocks "$TOP/man/msgadm.1" | grep -c "^@@END@@$")" -ge 2 &&
	test "$(blocks "$TOP/man/msgadm-policy.5" | grep -c "^@@END@@$")" -ge 1 &&
	test "$(blocks "$TOP/man/msgadm-config.5" | grep -c "^@@END@@$")" -ge 2
'
test_expect_success 'msgadm-policy(5): the example policy is valid' '
	block "$TOP/man/msgadm-policy.5" 1 >"$T/work/policy.yaml" &&
	test -s "$T/work/policy.yaml" &&
	(cd "$T/work" && msgadm validate policy.yaml)
'

# Runs each command line of msgadm(1)'s EXAMPLES in $T/work; prints "ok LINE" or "FAILED LINE ...".
python3 - "$T/work" "$TOP/man/msgadm.1" >"$T/examples.out" 2>&1 <<'PY'
import os, pty, re, select, subprocess, sys, time

work, page = sys.argv[1], sys.argv[2]
text = open(page).read()
section = text.split("\n.Sh EXAMPLES\n", 1)[1].split("\n.Sh ", 1)[0]
lines = []
for block in re.findall(r"^\.Bd -literal[^\n]*\n(.*?)^\.Ed$", section, re.S | re.M):
    lines += [l.replace("\\&", "").replace("\\e", "\\") for l in block.splitlines() if l.strip()]

def in_pty(line):
    """Runs line in a pseudo-terminal, answering 'yes' to the confirmation question."""
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(work)
        os.execvp("sh", ["sh", "-c", line])
    out, answered, deadline = b"", False, time.time() + 60
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            out += data
            if not answered and b"Only 'yes' is accepted" in out:
                os.write(fd, b"yes\n")
                answered = True
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")

for line in lines:
    m = re.search(r"#.*\bexits (\d+)", line)
    want = int(m.group(1)) if m else 0
    asks = re.match(r"msgadm apply\b", line) and "--yes" not in line
    if asks:
        rc, out = in_pty(line)
    else:
        p = subprocess.run(["sh", "-c", line], cwd=work, capture_output=True, text=True, timeout=60)
        rc, out = p.returncode, p.stdout + p.stderr
    if rc == want:
        print("ok %s" % line)
    else:
        print("FAILED %s (exit %d, wanted %d)\n%s" % (line, rc, want, out[-2000:]))
PY
test_expect_success 'msgadm(1): every command line of EXAMPLES exits as the page says' '
	cat "$T/examples.out" &&
	test "$(grep -c "^ok " "$T/examples.out")" -ge 10 &&
	! grep -q "^FAILED" "$T/examples.out" &&
	grep -q "^ok msgadm apply change.plan" "$T/examples.out"
'
test_expect_success 'msgadm(1) examples did their work: the policy is applied, files are there' '
	emu_state >"$T/state.json" &&
	python3 -c "
import json, sys
users = json.load(open(sys.argv[1]))[\"users\"]
alice = users[\"@alice:example.gov\"]
assert alice[\"displayname\"] == \"Alice Liddell\", alice
" "$T/state.json" &&
	for f in change.plan snapshot.yaml audit.key audit.key.pub snap.json lint.sarif; do
		test -s "$T/work/$f" || { echo "missing $f"; exit 1; }
	done
'
for n in 1 2; do
	test_expect_success "msgadm-config(5): configuration example $n loads" '
		block "$TOP/man/msgadm-config.5" '"$n"' >"$T/config$n.yaml" && chmod 600 "$T/config$n.yaml" &&
		MSGADM_CONFIG="$T/config$n.yaml" msgadm context list >"$T/ctx$n.out" &&
		cat "$T/ctx$n.out" &&
		grep -q "synapse\|ejabberd" "$T/ctx$n.out"
	'
done
