#!/usr/bin/python3
"""RSS of a running backprop-server before, at the peak of and after N parallel large /predict/batch bodies.

    large_bodies.py PID URL [--parallel 32] [--mb 29.8] [--rounds 3]

Each body is {"inputs": [[...], ...]} of rows as wide as the model's input (from /health), padded with
rows until it is about --mb MB; the server refuses those beyond its bound with a 4xx, which is counted.
Prints RSS (VmRSS of /proc/PID/status) in MB: at the start, the highest seen while the load runs,
and 10 s after it ends. Standard library only.
"""
import argparse, json, threading, time, urllib.request, http.client, urllib.parse

def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0

def main():
    p = argparse.ArgumentParser()
    p.add_argument("pid", type=int); p.add_argument("url")
    p.add_argument("--parallel", type=int, default=32); p.add_argument("--mb", type=float, default=29.8)
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    health = json.load(urllib.request.urlopen(a.url + "/health"))
    n0 = health["inputSize"]
    row = "[" + ",".join("0.123456789" for _ in range(n0)) + "]"
    rows = max(1, int(a.mb * 1e6 / (len(row) + 1)))
    body = ('{"inputs": [' + ",".join([row] * rows) + "]}").encode()
    start = rss_mb(a.pid); peak = start; statuses = {}
    stop = False
    lock = threading.Lock()
    def watch():
        nonlocal peak
        while not stop:
            peak = max(peak, rss_mb(a.pid)); time.sleep(0.05)
    def post():
        u = urllib.parse.urlparse(a.url)
        try:
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=300)
            c.request("POST", "/predict/batch", body, {"Content-Type": "application/json"})
            r = c.getresponse(); r.read(); s = r.status
        except Exception as e:
            s = type(e).__name__
        with lock:
            statuses[s] = statuses.get(s, 0) + 1
    w = threading.Thread(target=watch); w.start()
    for _ in range(a.rounds):
        ts = [threading.Thread(target=post) for _ in range(a.parallel)]
        [t.start() for t in ts]; [t.join() for t in ts]
    time.sleep(10); stop = True; w.join()
    print(f"body {len(body)/1e6:.1f} MB ({rows} rows of {n0}), {a.parallel} parallel x {a.rounds} rounds, statuses {statuses}")
    print(f"RSS start {start:.0f} MB, peak {peak:.0f} MB, 10 s after {rss_mb(a.pid):.0f} MB")
    try:
        print("server /stats after:", urllib.request.urlopen(a.url + "/stats").read().decode())
    except Exception as e:
        print("server /stats after: unavailable:", e)

main()
