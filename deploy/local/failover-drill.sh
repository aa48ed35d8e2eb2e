#!/usr/bin/env bash
# The cluster's failover drill: brings up deploy/local (2 silos + a gateway on PostgreSQL) against the
# fake Cloudinary, sends a batch (DOCUMENTS, default 500), disrupts the cluster half-way, and reports
# whether every document was stored once, how long the cluster took to finish, the longest create, info and send
# call, and how many calls got 503 and whether each said when to retry. The client honours Retry-After.
# The cluster runs with the product's own defaults (failure detection included): the drill measures those.
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
"$here/cluster.sh" up

python3 - "$documents" "$GATEWAY_PORT" "$fake_port" "$here/.run/silo-1.pid" "${DRILL:-kill}" "$(cat "$here/.run/pg.dir")/data" <<'PY'
import concurrent.futures, hashlib, json, os, signal, subprocess, sys, threading, time, urllib.error, urllib.request

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

calls, calls_lock = [], threading.Lock()  # (kind, status, seconds, has Retry-After, started)

class Unavailable(Exception):
    def __init__(self, retry_after):
        self.retry_after = retry_after

def call(kind, method, url, body=None, headers=None):
    """One timed call; a 503 raises Unavailable with its Retry-After (None when missing)."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    started = time.time()
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            status, answer, retry_after = r.status, json.loads(r.read() or b"null"), r.headers.get("Retry-After")
    except urllib.error.HTTPError as e:
        status, answer, retry_after = e.code, None, e.headers.get("Retry-After")
    except Exception:
        status, answer, retry_after = 0, None, None  # no answer at all (connection refused or reset)
    with calls_lock:
        calls.append((kind, status, time.time() - started, retry_after is not None, started))
    if status == 503:
        raise Unavailable(retry_after)
    if status == 0 or status >= 400:
        raise RuntimeError(f"{kind} answered {status}")
    return status, answer

def honouring_retry_after(step):
    """What a well-behaved client does: after a 503 it waits the Retry-After it was given (1 s without one), then tries again."""
    for _ in range(120):
        try:
            return step()
        except Unavailable as e:
            time.sleep(float(e.retry_after or 1))
        except Exception:
            time.sleep(1)
    raise RuntimeError("gave up after 120 attempts")

def send(i):
    pdf = b"%PDF-1.4\n% drill " + str(i).encode() + b"\n" + os.urandom(64 * 1024) + b"\n%%EOF\n"
    _, session = honouring_retry_after(lambda: call("create", "POST", f"{base}/create", json.dumps({"filename": f"drill-{i:04d}.pdf"}).encode(), {"Content-Type": "application/json"}))
    status, _ = honouring_retry_after(lambda: call("send", "POST", f"{base}/send/{session['id']}", pdf, {"Content-Type": "application/pdf", "Prefer": "respond-async"}))
    return session["id"], hashlib.sha256(pdf).hexdigest(), status

def read_while(ids, running):
    """A dashboard's polling during the disruption: info of sessions accepted before it, round after round."""
    while running.is_set():
        for sid in ids:
            if not running.is_set():
                break
            try:
                call("info", "GET", f"{base}/info/{sid}")
            except Exception:
                pass

start = time.time()
with concurrent.futures.ThreadPoolExecutor(16) as pool:
    first = list(pool.map(send, range(count // 2)))
    killed_at = time.time()
    print(f"{disrupt()} after {len(first)} documents were accepted")
    running = threading.Event(); running.set()
    readers = [threading.Thread(target=read_while, args=([sid for sid, _, _ in first[k::4]], running)) for k in range(4)]
    for reader in readers:
        reader.start()
    rest = list(pool.map(send, range(count // 2, count)))
    running.clear()
    for reader in readers:
        reader.join()
batch = first + rest
accepted = time.time()

pending = {sid: sha for sid, sha, _ in batch}
results = {}
while pending and time.time() - accepted < 600:
    for sid in list(pending):
        try:
            _, s = call("info", "GET", f"{base}/info/{sid}")
        except Exception:
            continue
        if s["status"] != "uploading":
            results[sid] = (s, pending.pop(sid))
    time.sleep(0.5)
done = time.time()

with urllib.request.urlopen(f"http://127.0.0.1:{fake_port}/_fake/assets", timeout=60) as r:
    assets = json.loads(r.read())
by_id = {a["publicId"]: a for a in assets}
uploaded = [s for s, _ in results.values() if s["status"] == "uploaded"]
right_bytes = sum(1 for s, sha in results.values() if by_id.get((s.get("storage") or {}).get("public_id"), {}).get("sha256") == sha)
print(f"documents: {count}, accepted: {len(batch)}, uploaded: {len(uploaded)}, lost: {len(pending)}")
failed = [s for s, _ in results.values() if s["status"] == "failed"]
print(f"assets: {len(assets)} (one per public id), re-uploaded in place: {sum(1 for a in assets if a['uploadCount'] > 1)}, right bytes: {right_bytes}, failed: {len(failed)}")
print(f"batch accepted in {accepted - start:.1f} s; all settled {done - killed_at:.1f} s after the disruption ({done - accepted:.1f} s after the last accept)")
longest = {}
for kind in ("create", "info", "send"):
    of_kind = [c for c in calls if c[0] == kind]
    longest[kind] = max((c[2] for c in of_kind), default=0.0)
    worst = lambda cs: f"{max((c[2] for c in cs), default=0.0):.1f} s"
    print(f"{kind}: {len(of_kind)} calls, longest {longest[kind]:.1f} s (before the disruption {worst([c for c in of_kind if c[4] < killed_at])}, "
          f"after it {worst([c for c in of_kind if c[4] >= killed_at])}; answered 503 {worst([c for c in of_kind if c[1] == 503])}); "
          f"over 5 s: {sum(1 for c in of_kind if c[2] > 5)}")
unavailable = [c for c in calls if c[1] == 503]
without = sum(1 for c in unavailable if not c[3])
print(f"503: {len(unavailable)} ({', '.join(f'{k} {sum(1 for c in unavailable if c[0] == k)}' for k in ('create', 'info', 'send'))}), "
      f"without Retry-After: {without}; no answer at all: {sum(1 for c in calls if c[1] == 0)}")
stored_once = len(uploaded) == count and len(assets) == count and right_bytes == count
print(f"every document stored exactly once: {'yes' if stored_once else 'NO'}; "
      f"every call within 5 s: {'yes' if max(longest.values()) <= 5.0 else 'NO'}; every 503 with Retry-After: {'yes' if without == 0 else 'NO'}")
sys.exit(0 if stored_once else 1)
PY
