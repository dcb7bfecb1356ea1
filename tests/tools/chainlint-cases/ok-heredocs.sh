# Here-documents: their bodies are not shell, whatever the delimiter's quoting.
cat >"$T/policy.yaml" <<'YAML'
users:
  it's: "not shell; nor is test_expect_success 'x' 'y' here"
YAML
test_expect_success 'here-documents in a block' '
	python3 - "$T/stdout" <<-\PY &&
	import json, sys
	r = json.load(open(sys.argv[1]))
	if r:
	    print("no && needed here")
	PY
	cat >"$T/a.yaml" <<-EOF &&
	version: 1
	server: $SERVER
	EOF
	python3 - <<-"PY" &&
	print("quoted with double quotes")
	PY
	cat <<EOF >"$T/b" &&
not indented; $HOME
EOF
	python3 - "$T/stdout" <<-\PY
	print("the last command")
	PY
'
