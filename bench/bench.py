"""Benchmark a running Pantry: twine upload, simple-page load, pip/uv installs.

Prints figures (no pass/fail). Example, on a fresh local stack of its own:

    .venv/bin/python bench/bench.py --start-stack --duration 10 --reps 3

Against a stack that is already running (`make run`), give its URL and admin token
(--url / $PANTRY_URL, --token / $PANTRY_TOKEN). See bench/README.md.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import json
import os
import random
import re
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PEER_CORPUS = Path("/work/shared/peerbench/corpus.py")
ACCEPTS = {"json": "application/vnd.pypi.simple.v1+json", "html": "text/html"}
SECRETS: list[str] = []  # redacted from everything this script prints


def say(text: str = "") -> None:
    for secret in SECRETS:
        text = text.replace(secret, "***")
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_stack(work: Path, token: str) -> tuple[subprocess.Popen[bytes], str]:
    port, moto_port = free_port(), free_port()
    env = dict(os.environ, PANTRY_PORT=str(port), PANTRY_MOTO_PORT=str(moto_port))
    env["PANTRY_ADMIN_TOKEN"] = token
    log = work / "stack.log"
    with log.open("wb") as out:
        command = [str(BIN / "python"), "-m", "infra.local.run"]
        stack = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and stack.poll() is None:
        if "Ready." in log.read_text(errors="replace").splitlines():
            return stack, f"http://127.0.0.1:{port}"
        time.sleep(0.2)
    stop_stack(stack)
    raise SystemExit(f"bench: the local stack did not print Ready.; see {log}")


def stop_stack(stack: subprocess.Popen[bytes]) -> None:
    stack.terminate()  # run.py turns SIGTERM into a clean stop of its children
    try:
        stack.wait(timeout=30)
    except subprocess.TimeoutExpired:
        stack.kill()


def server_pids(port: int) -> dict[str, int]:
    """PIDs of `chalice local --port PORT` and its sibling moto_server, from /proc."""
    table: dict[int, tuple[int, list[str]]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                cmd = Path(f"/proc/{entry}/cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            table[int(entry)] = (int(stat[1]), cmd.split("\0"))
    for pid, (parent, cmd) in table.items():
        # `chalice local`, or the local stack's wrapper of it (infra.local.chalice_local).
        is_chalice = (
            any(Path(arg).name == "chalice" for arg in cmd[:2])
            or "infra.local.chalice_local" in cmd
        ) and "local" in cmd
        if is_chalice and "--port" in cmd and cmd[cmd.index("--port") + 1] == str(port):
            siblings = [o for o, (pp, c) in table.items() if pp == parent and o != pid]
            moto = [o for o in siblings if "moto_server" in " ".join(table[o][1])]
            return {"chalice": pid} | ({"moto": moto[0]} if moto else {})
    return {}


def cpu_seconds(pids: dict[str, int], since: dict[str, float] | None = None) -> dict[str, float]:
    """CPU seconds (user + system) of each process, or their increase since `since`."""
    seconds = {}
    for name, pid in pids.items():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[name] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return {k: round(v - since.get(k, 0), 3) for k, v in seconds.items()} if since else seconds


def make_corpus(work: Path, versions: int) -> tuple[Path, str, dict[str, str], str]:
    out = work / "corpus"
    if PEER_CORPUS.exists():
        command = [sys.executable, str(PEER_CORPUS), "--out", str(out), "--projects", "52"]
        subprocess.run([*command, "--versions", str(versions)], check=True, capture_output=True)
        manifest = json.loads((out / "manifest.json").read_text())
        return out / "dist", manifest["app"], manifest["expected_resolution"], "peerbench"
    sys.path.insert(0, str(ROOT))
    from tests.support.dists import Dist, write_dists

    # bench-app -> 40 direct -> 8 -> 3: 52 packages, each in 1.0 and 1.1.
    names = ["bench-app"] + [f"bench-pkg-{n:03d}" for n in range(1, 52)]
    needs = {0: tuple(f"Bench.Pkg_{n:03d}>=1.0" for n in range(1, 41))}
    needs |= {n: (f"bench_pkg.{41 + n % 8:03d}>=1.0",) for n in range(5, 41, 5)}
    needs |= {n: (f"BENCH-pkg-{49 + n % 3:03d}~=1.0",) for n in range(41, 49)}
    dists = [
        Dist(name, v, needs.get(n, ())) for n, name in enumerate(names) for v in ("1.0", "1.1")
    ]
    write_dists(dists, out / "dist")
    return out / "dist", "bench-app", dict.fromkeys(names, "1.1"), "tests/support/dists.py"


def call(url: str, authorization: str, payload: dict | None = None, accept: str = "") -> dict:
    """A JSON request (POST when there is a payload); SystemExit with the reason on 4xx/5xx."""
    data = json.dumps(payload).encode() if payload is not None else None
    headers = {"Authorization": authorization, "Accept": accept or "application/json"}
    request = urllib.request.Request(url, data, headers | {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as error:
        raise SystemExit(f"bench: {url}: {error.code} {error.read()[:300]!r}") from None


def timed(command: list[str], env: dict[str, str]) -> tuple[int, float, float]:
    """Run a client: its exit code, wall seconds and CPU seconds (its output on failure)."""
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        output = (done.stdout + done.stderr)[-2000:]
        say(f"{Path(command[0]).name} exited {done.returncode}:\n{output}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return done.returncode, wall, round(cpu, 2)


def upload(files: list[Path], url: str, repo: str, token: str, env: dict[str, str]) -> dict:
    env = dict(env, TWINE_USERNAME="__token__", TWINE_PASSWORD=token)
    command = [str(BIN / "twine"), "upload", "--non-interactive", "--disable-progress-bar"]
    command += ["--repository-url", f"{url}/{repo}/", *map(str, files)]
    code, wall, cpu = timed(command, env)
    rate = round(len(files) / wall, 1)
    return {"files": len(files), "wall_s": round(wall, 2), "files_per_s": rate,
            "twine_exit": code, "twine_cpu_s": cpu}  # fmt: skip


def load(url: str, paths: list[str], accept: str, auth: str, concurrency: int, seconds: float):
    """GET random project pages over `concurrency` keep-alive connections for `seconds`."""
    split, headers = urlsplit(url), {"Accept": accept, "Authorization": auth}
    samples: list[tuple[float, int, int, bool, str]] = []  # list.append is thread-safe
    errors: list[str] = []
    stop_at = time.perf_counter() + seconds

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection(split.hostname, split.port, timeout=30)
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                connection.request("GET", rng.choice(paths), headers=headers)
                answer = connection.getresponse()
                size = len(answer.read())
            except (OSError, http.client.HTTPException) as error:
                errors.append(repr(error))
                connection.close()
                continue
            kind = answer.getheader("Content-Type", "")
            # will_close: the server did not keep the connection alive (reopened next time)
            samples.append(
                (time.perf_counter() - started, answer.status, size, answer.will_close, kind)
            )
        connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall, count = time.perf_counter() - started, len(samples)
    ordered = sorted(sample[0] for sample in samples) or [0.0]
    ranks = {"p50": 0.5, "p90": 0.9, "p99": 0.99, "max": 1.0}
    at = {k: ordered[min(len(ordered) - 1, int(q * len(ordered)))] for k, q in ranks.items()}
    ms = {f"{k}_ms": round(seconds * 1000, 1) for k, seconds in at.items()}
    return {"requests": count, "req_per_s": round(count / wall, 1), **ms, "errors": len(errors),
            "non_200": sum(s[1] != 200 for s in samples), "conn_closed": sum(s[3] for s in samples),
            "bytes_per_resp": round(sum(s[2] for s in samples) / max(count, 1)),
            "content_type": " | ".join(sorted({s[4] for s in samples}))}  # fmt: skip


def install(tool: str, source: list[str], app: str, work: Path, env: dict[str, str]):
    venv = work / "venv"
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([str(BIN / "uv"), "venv", "--quiet", "--python", sys.executable, str(venv)],
                   env=env, check=True)  # fmt: skip
    python = str(venv / "bin" / "python")
    command = {
        "pip": [str(BIN / "pip"), "--python", python, "install", "--no-cache-dir", "--quiet"],
        "uv": [str(BIN / "uv"), "pip", "install", "--python", python, "--no-cache", "--quiet"],
    }[tool]
    code, wall, cpu = timed([*command, *source, app], env)
    found = {}  # what the venv holds: normalized name -> version
    for info in venv.glob("lib/python*/site-packages/*.dist-info"):
        name, version = info.name.removesuffix(".dist-info").rsplit("-", 1)
        found[re.sub(r"[-_.]+", "-", name).lower()] = version
    return code, wall, cpu, found


def isolated_env(work: Path) -> dict[str, str]:
    """Keep this machine's pip/uv/twine configuration out of the measurement."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "TWINE_"))}
    home = work / "home"
    home.mkdir(exist_ok=True)
    return env | {
        "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"), "PIP_CONFIG_FILE": os.devnull,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1",
        "PIP_KEYRING_PROVIDER": "disabled", "UV_NO_CONFIG": "1",
        "UV_CACHE_DIR": str(work / "uv-cache"), "UV_PYTHON_DOWNLOADS": "never",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }  # fmt: skip


def log_errors(log: Path) -> tuple[int, list[str]]:
    """How many tracebacks and ERROR records the stack logged, and the distinct ones."""
    lines, found = log.read_text(errors="replace").splitlines(), []
    for n, line in enumerate(lines):
        if line.startswith("Traceback"):  # plain: the exception is the next unindented line
            found.append(next((x for x in lines[n + 1 :] if x and not x[0].isspace()), "?"))
        elif line.startswith("{") and '"level":"ERROR"' in line.replace(" ", ""):
            with contextlib.suppress(ValueError):  # a JSON log record (Powertools style)
                record = json.loads(line)
                found.append(f"{record.get('message')} ({record.get('exception_name', '')})")
    return len(found), list(dict.fromkeys(error[:200] for error in found))


def report(res: dict) -> None:
    meta, up, names = res["meta"], res["upload"], list(res["meta"]["server_pids"])
    say(f"\nPantry benchmark {meta['when']}  {meta['url']}  repository {meta['repository']}")
    say(f"corpus ({meta['corpus']}): {meta['files']} files, {meta['mbytes']} MB; "
        f"`{meta['app']}` resolves {meta['packages']} packages; {os.cpu_count()} CPUs")  # fmt: skip
    say(f"\nupload: one `twine upload` of {up['files']} files")
    say(f"  {up['wall_s']} s wall, {up['files_per_s']} files/s, twine exit {up['twine_exit']}, "
        f"{up['listed']} projects listed after")  # fmt: skip
    per_file = {"twine": up["twine_cpu_s"], **up["cpu"]}
    say(
        "  CPU per file: "
        + ", ".join(f"{k} {v / up['files'] * 1000:.1f} ms" for k, v in per_file.items())
    )
    rows = [key for key in res["load"]["json"] if key not in ("requests", "content_type")]
    say(f"\nsimple project pages: {meta['concurrency']} connections, {meta['duration']} s each")
    say(f"  {'Accept':<18}" + "".join(f"{kind:>10}" for kind in ACCEPTS))
    for row in rows:
        say(f"  {row:<18}" + "".join(f"{res['load'][k].get(row, '-'):>10}" for k in ACCEPTS))
    for kind, found in res["load"].items():
        say(f"  Content-Type answered to {kind}: {found['content_type']}")
    say(f"\ninstall `{meta['app']}` into a fresh venv: median of {meta['reps']}, seconds")
    head = ["pantry", "floor", "x floor", "client CPU", *(f"{n} CPU" for n in names), "check"]
    say(f"  {'':<5}" + "".join(f"{h:>13}" for h in head))
    for tool, runs in res["install"].items():
        index, floor = runs["pantry"], runs["floor"]
        cells = [index["median_s"], floor["median_s"], index["median_s"] / floor["median_s"]]
        cells += [index["client_cpu_s"], *(index["cpu"].get(n, 0) for n in names)]
        check = "ok" if index["ok"] and floor["ok"] else "WRONG"
        say(f"  {tool:<5}" + "".join(f"{c:>13.2f}" for c in cells) + f"{check:>13}")
    if "stack_tracebacks" in res:
        say(f"\nstack log: {res['stack_tracebacks']} tracebacks / ERROR records")
        for line in res["stack_errors"]:
            say(f"  {line}")


def measure(args: argparse.Namespace, work: Path, url: str, token: str) -> dict:
    repo = args.repository or f"bench-{time.strftime('%Y%m%d-%H%M%S')}"
    if not args.repository:
        call(f"{url}/v1/repositories", f"Bearer {token}", {"name": repo, "mode": "standard"})
    env = isolated_env(work)
    dist, app, expected, source = make_corpus(work, args.versions)
    files = sorted(dist.iterdir())
    pids = server_pids(urlsplit(url).port or 80)
    auth = "Basic " + base64.b64encode(f"__token__:{token}".encode()).decode()
    res: dict = {"meta": {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"), "url": url, "repository": repo,
        "corpus": source, "app": app, "packages": len(expected), "files": len(files),
        "mbytes": round(sum(f.stat().st_size for f in files) / 1e6, 2), "reps": args.reps,
        "duration": args.duration, "concurrency": args.concurrency, "server_pids": pids,
    }}  # fmt: skip

    say(f"uploading {len(files)} files to {url}/{repo}/ ...")
    before = cpu_seconds(pids)
    res["upload"] = upload(files, url, repo, token, env)
    res["upload"]["cpu"] = cpu_seconds(pids, before)
    listing = call(f"{url}/{repo}/simple/", auth, accept=ACCEPTS["json"])
    res["upload"]["listed"] = len(listing["projects"])

    paths = [f"/{repo}/simple/{name}/" for name in expected]
    res["load"] = {}
    for kind, accept in ACCEPTS.items():
        say(f"loading simple pages ({kind}) for {args.duration} s ...")
        serial = load(url, paths, accept, auth, 1, 2.0)  # also the warm-up
        before = cpu_seconds(pids)
        res["load"][kind] = found = load(url, paths, accept, auth, args.concurrency, args.duration)
        found["p50_1conn_ms"] = serial["p50_ms"]
        for name, seconds in cpu_seconds(pids, before).items():
            found[f"cpu_{name}_ms"] = round(seconds * 1000 / max(found["requests"], 1), 1)

    split = urlsplit(url)
    index = f"{split.scheme}://__token__:{token}@{split.netloc}/{repo}/simple/"
    sources = {"pantry": ["--index-url", index], "floor": ["--no-index", "--find-links", str(dist)]}
    runs: dict = {(t, s): [] for t in (["pip"] if args.no_uv else ["pip", "uv"]) for s in sources}
    keys = list(runs)
    for rep in range(args.reps):
        for key in keys[rep % len(keys) :] + keys[: rep % len(keys)]:  # rotate against drift
            say(f"install {rep + 1}/{args.reps}: {key[0]} from {key[1]} ...")
            before = cpu_seconds(pids)
            code, wall, client, got = install(key[0], sources[key[1]], app, work, env)
            cpu = cpu_seconds(pids, before)
            runs[key].append({"wall_s": round(wall, 3), "exit": code, "ok": got == expected,
                              "client_cpu_s": client, "cpu": cpu})  # fmt: skip
            if got != expected:
                wrong = {k: got.get(k) for k in expected if got.get(k) != expected[k]}
                say(f"  unexpected install: {len(got)} packages; differing: {wrong}")
    res["install"] = {}
    for (tool, src), rs in runs.items():
        res["install"].setdefault(tool, {})[src] = {
            "median_s": round(statistics.median(r["wall_s"] for r in rs), 3),
            "client_cpu_s": statistics.median(r["client_cpu_s"] for r in rs),
            "ok": all(r["ok"] for r in rs), "runs": rs,
            "cpu": {n: statistics.median(r["cpu"].get(n, 0) for r in rs) for n in pids},
        }  # fmt: skip
    return res


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("PANTRY_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--token", default=os.environ.get("PANTRY_TOKEN"))
    parser.add_argument("--repository", help="an existing repository (default: a new bench-<ts>)")
    parser.add_argument("--duration", type=float, default=10, help="seconds per load run")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--reps", type=int, default=3, help="installs per tool and source")
    parser.add_argument("--versions", type=int, default=3, help="versions per project (>= 3)")
    parser.add_argument("--no-uv", action="store_true", help="time pip only")
    parser.add_argument("--start-stack", action="store_true", help="run infra.local.run")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="pantry-bench-"))
    stack, finished = None, False
    try:
        token = secrets.token_urlsafe(24) if args.start_stack else args.token
        if not token:
            raise SystemExit("bench: give --token or $PANTRY_TOKEN (or use --start-stack)")
        SECRETS.append(token)
        if args.start_stack:
            stack, args.url = start_stack(work, token)
        res = measure(args, work, args.url.rstrip("/"), token)
        if stack:
            res["stack_tracebacks"], res["stack_errors"] = log_errors(work / "stack.log")
        report(res)
        if args.json:
            args.json.write_text(json.dumps(res, indent=2).replace(token, "***"))
            say(f"results written to {args.json}")
        finished = True
        return 0
    finally:
        if stack:
            stop_stack(stack)
        if args.keep or not finished:
            say(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
