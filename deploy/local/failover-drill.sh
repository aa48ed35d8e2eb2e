#!/usr/bin/env bash
# The cluster's failover drill: brings up deploy/local (2 silos + a gateway on PostgreSQL) against the
# fake Cloudinary, sends a batch (DOCUMENTS, default 500), disrupts the cluster half-way, and reports
# whether every document was stored once and how long the cluster took to finish.
#   DRILL=kill      kill -9 silo-1 (default)
#   DRILL=term      SIGTERM silo-1: a graceful hand-over
#   DRILL=postgres  restart PostgreSQL
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
documents="${DOCUMENTS:-500}"
fake_port="${FAKE_CLOUDINARY_PORT:-5090}"
export GATEWAY_PORT="${GATEWAY_PORT:-5000}"

dotnet build "$root/tests/UploadProxy.Fakes" -c Release -v quiet -nologo >/dev/null
dotnet "$root/tests/UploadProxy.Fakes/bin/Release/net10.0/UploadProxy.Fakes.dll" cloudinary --port "$fake_port" \
  --cloud-name drill --api-key drill-key --api-secret drill-secret-not-real >/tmp/failover-drill-fake.log 2>&1 &
fake=$!
trap '"$here/cluster.sh" down >/dev/null; kill $fake 2>/dev/null || true' EXIT

export CLOUDINARY_URL="cloudinary://drill-key:drill-secret-not-real@drill"
export CLOUDINARY_UPLOAD_PREFIX="http://127.0.0.1:$fake_port"
# Failure detection tuned for the drill; the README says what these bound.
export Cluster__Membership__ProbeTimeout=00:00:02 Cluster__Membership__NumMissedProbesLimit=2
export Sessions__RecoveryInterval=00:00:10
"$here/cluster.sh" up

python3 - "$documents" "$GATEWAY_PORT" "$fake_port" "$here/.run/silo-1.pid" "${DRILL:-kill}" "$(cat "$here/.run/pg.dir")/data" <<'PY'
import concurrent.futures, hashlib, json, os, signal, sys, time, urllib.request, uuid

import subprocess
count, port, fake_port, victim_pid, drill, pg_data = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]

def disrupt():
    if drill == "postgres":
        as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        # -l: the restarted server must not inherit this process's pipes.
        # From the server's own folder: the checkout may be closed to the postgres user.
        subprocess.run(as_pg + ["/usr/lib/postgresql/15/bin/pg_ctl", "-D", pg_data, "-l", pg_data + "/../postgres.log", "-m", "fast", "-w", "restart"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=os.path.dirname(pg_data))
        return "restarted PostgreSQL"
    os.kill(int(open(victim_pid).read()), signal.SIGKILL if drill == "kill" else signal.SIGTERM)
    return f"sent {'SIGKILL' if drill == 'kill' else 'SIGTERM'} to silo-1"
base = f"http://127.0.0.1:{port}/api/notion/upload-proxy"

def call(method, url, body=None, headers=None):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    with urllib.request.urlopen(req, timeout=120) as r:
        return r.status, json.loads(r.read() or b"null")

def send(i):
    pdf = b"%PDF-1.4\n% drill " + str(i).encode() + b"\n" + os.urandom(64 * 1024) + b"\n%%EOF\n"
    _, session = call("POST", f"{base}/create", json.dumps({"filename": f"drill-{i:04d}.pdf"}).encode(), {"Content-Type": "application/json"})
    status, _ = call("POST", f"{base}/send/{session['id']}", pdf, {"Content-Type": "application/pdf", "Prefer": "respond-async"})
    return session["id"], hashlib.sha256(pdf).hexdigest(), status

start = time.time()
with concurrent.futures.ThreadPoolExecutor(16) as pool:
    first = list(pool.map(send, range(count // 2)))
    killed_at = time.time()
    print(f"{disrupt()} after {len(first)} documents were accepted")
    rest = []
    for i in range(count // 2, count):
        for attempt in range(60):
            try:
                rest.append(send(i)); break
            except Exception:
                time.sleep(1)  # 503 while the cluster notices the dead silo
batch = first + rest
accepted = time.time()

pending = {sid: sha for sid, sha, _ in batch}
results = {}
while pending and time.time() - accepted < 600:
    for sid in list(pending):
        try:
            _, s = call("GET", f"{base}/info/{sid}")
        except Exception:
            continue
        if s["status"] != "uploading":
            results[sid] = (s, pending.pop(sid))
    time.sleep(0.5)
done = time.time()

_, assets = call("GET", f"http://127.0.0.1:{fake_port}/_fake/assets")
by_id = {a["publicId"]: a for a in assets}
uploaded = [s for s, _ in results.values() if s["status"] == "uploaded"]
right_bytes = sum(1 for s, sha in results.values() if by_id.get((s.get("storage") or {}).get("public_id"), {}).get("sha256") == sha)
print(f"documents: {count}, accepted: {len(batch)}, uploaded: {len(uploaded)}, lost: {len(pending)}")
failed = [s for s, _ in results.values() if s["status"] == "failed"]
print(f"assets: {len(assets)} (one per public id), re-uploaded in place: {sum(1 for a in assets if a['uploadCount'] > 1)}, right bytes: {right_bytes}, failed: {len(failed)}")
print(f"batch accepted in {accepted - start:.1f} s; all settled {done - killed_at:.1f} s after the disruption ({done - accepted:.1f} s after the last accept)")
sys.exit(0 if len(uploaded) == count and len(assets) == count and right_bytes == count else 1)
PY
