#!/usr/bin/python3
"""N damaged requests against a running backprop-server; counts the statuses, fails on any 5xx.

    fuzz_requests.py URL [--count 100000] [--seed 1]

Valid bodies (one row, named inputs, a batch, raw float32) for a model of --width inputs, bit-flipped,
cut, spliced or replaced by noise, under a random Content-Type, on one keep-alive connection (reopened
when the server closes it). Standard library only.
"""
import argparse, http.client, random, struct, sys, urllib.parse, collections

def main():
    p = argparse.ArgumentParser()
    p.add_argument("url"); p.add_argument("--count", type=int, default=100000); p.add_argument("--seed", type=int, default=1)
    p.add_argument("--width", type=int, default=784)
    a = p.parse_args()
    rnd = random.Random(a.seed)
    n = a.width
    row = "[" + ",".join(f"{rnd.random():.6g}" for _ in range(n)) + "]"
    seeds = [
        ('{"input": ' + row + "}").encode(),
        ('{"inputs": [' + row + "," + row + "]}").encode(),
        ('{"inputs": {' + ",".join(f'"x{j}": {j}' for j in range(n)) + ', "id": [1, {"a": null}]}}').encode(),
        struct.pack(f"<{n}f", *[rnd.random() for _ in range(n)]),
    ]
    types = ["application/json", None, "application/octet-stream", "text/plain", "application/json; charset=utf-8",
             "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "a/b/c", ";;", "application/problem+json"]
    u = urllib.parse.urlparse(a.url)
    conn = None
    counts = collections.Counter()
    for i in range(a.count):
        body = bytearray(rnd.choice(seeds))
        kind = rnd.randrange(6)
        if kind == 0 and body:
            for _ in range(1 + rnd.randrange(8)):
                k = rnd.randrange(len(body)); body[k] ^= 1 << rnd.randrange(8)
        elif kind == 1: body = body[:rnd.randrange(len(body) + 1)]
        elif kind == 2:
            k = rnd.randrange(len(body) + 1); body[k:k] = rnd.randbytes(1 + rnd.randrange(64))
        elif kind == 3:
            k = rnd.randrange(len(body) + 1); del body[k:k + 1 + rnd.randrange(64)]
        elif kind == 4:
            k = rnd.randrange(len(body) + 1); body[k:k] = rnd.choice([b"NaN", b"1e39", b"-1e400", b"Infinity", b'"x"', b"[[[[", b"\xff\xfe", b"null", b"1" * 400])
        else: body = bytearray(rnd.randbytes(rnd.randrange(600)))
        headers = {}
        t = rnd.choice(types)
        if t is not None: headers["Content-Type"] = t
        path = rnd.choice(["/predict", "/predict/batch"])
        for attempt in range(3):
            try:
                if conn is None: conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
                conn.request("POST", path, bytes(body), headers)
                r = conn.getresponse(); r.read()
                counts[r.status] += 1
                if r.getheader("Connection", "").lower() == "close": conn.close(); conn = None
                break
            except (http.client.HTTPException, ConnectionError, OSError):
                if conn: conn.close()
                conn = None
                if attempt == 2: counts["connection error"] += 1
    print(f"{a.count} requests: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items(), key=str)))
    sys.exit(1 if any(isinstance(k, int) and k >= 500 for k in counts) else 0)

main()
