#!/usr/bin/env python3
"""Times `ringplan lsp` on a rules directory as an editor drives it: open the rule set,
then edits, each followed at once by a hover, a completion, a definition and a references
request; and the diagnostics of each edit. Usage: scripts/lsp-timing.py RINGPLAN DIRECTORY FILE [EDITS]
(for the synthetic set: ringplan bench --output /tmp/syn, then scripts/lsp-timing.py
.build/release/ringplan /tmp/syn /tmp/syn/synthetic.yaml)."""
import json, os, subprocess, sys, time

binary, directory, path = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
edits = int(sys.argv[4]) if len(sys.argv) > 4 else 5
server = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
uri = "file://" + path
next_id = [0]

def send(obj):
    body = json.dumps(obj).encode()
    server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    server.stdin.flush()

def receive():
    length = None
    while True:
        line = server.stdout.readline()
        if line in (b"\r\n", b""):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(server.stdout.read(length))

def request(method, params):
    next_id[0] += 1
    send({"jsonrpc": "2.0", "id": next_id[0], "method": method, "params": params})
    start = time.monotonic()
    while True:
        message = receive()
        if message.get("id") == next_id[0]:
            return message, (time.monotonic() - start) * 1000

def wait_diagnostics(start, publications=1):
    """The time from `start` to the file's `publications`-th diagnostics (after an edit in a
    rule the server publishes three times: the edited rules checked alone with the rest of
    the file's last diagnostics, the whole check without the analyses, then with them)."""
    seen = 0
    while True:
        message = receive()
        if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
            seen += 1
            if seen == publications:
                return (time.monotonic() - start) * 1000

request("initialize", {"processId": None, "rootUri": "file://" + directory, "capabilities": {}})
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
text = open(path, encoding="utf-8").read()
lines = text.split("\n")
start = time.monotonic()
send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}})
print(f"{len(lines)} lines, {len(text) / 1e6:.1f} MB; first diagnostics after {wait_diagnostics(start):.0f} ms")
wait_diagnostics(start)  # the analyses' publication (no quick check on opening)
# A rule's ringing line, and a `to`/`dial` line to ask about.
ringing = next(i for i, l in enumerate(lines) if l.strip().startswith("ringing:") and i > len(lines) // 2)
dial = next(i for i in range(ringing, 0, -1) if "dial:" in lines[i] and "[" in lines[i])
times = {"hover": [], "completion": [], "definition": [], "references": [],
         "diagnostics of the edited rule": [], "diagnostics of the whole file": [], "diagnostics with analyses": []}
for version in range(2, 2 + edits):
    old = lines[ringing]
    lines[ringing] = f"    ringing: {10 + version}s"
    start = time.monotonic()
    # As editors send it (the server asks for incremental sync): the line's range and its new text.
    change = {"range": {"start": {"line": ringing, "character": 0}, "end": {"line": ringing, "character": len(old)}}, "text": lines[ringing]}
    send({"jsonrpc": "2.0", "method": "textDocument/didChange",
          "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}})
    column = lines[dial].index("agent") + 2
    position = {"textDocument": {"uri": uri}, "position": {"line": dial, "character": column}}
    times["hover"].append(request("textDocument/hover", position)[1])
    times["completion"].append(request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": ringing, "character": 4}})[1])
    times["definition"].append(request("textDocument/definition", position)[1])
    times["references"].append(request("textDocument/references", dict(position, context={"includeDeclaration": True}))[1])
    times["diagnostics of the edited rule"].append(wait_diagnostics(start))
    times["diagnostics of the whole file"].append(wait_diagnostics(start))
    times["diagnostics with analyses"].append(wait_diagnostics(start))
for name, values in times.items():
    values.sort()
    print(f"{name}: median {values[len(values) // 2]:.0f} ms, max {values[-1]:.0f} ms" + (" (from the edit, debounce included: 50 ms for the edited rule, 150 ms for the whole file)" if name.startswith("diagnostics") else " (sent right after an edit)"))
request("shutdown", {})
send({"jsonrpc": "2.0", "method": "exit", "params": {}})
server.wait(timeout=10)
