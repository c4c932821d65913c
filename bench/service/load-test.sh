#!/usr/bin/env bash
# Loads the prediction service (src/Backprop.Simd.Server) from a second process on loopback with
# wrk at 1, 16 and 64 connections, SECONDS each (default 10), and prints throughput, p50 and p99
# latency, errors and the server's garbage collections during each run. Usage:
#   bench/service/load-test.sh [MODEL_FILE] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${2:-10}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; } >&2
dotnet build -c Release src/Backprop.Simd.Server >/dev/null
dotnet build -c Release src/Backprop.Simd.Cli >/dev/null
work=$(mktemp -d)
model=${1:-$work/model.bpsimd}
[ -f "$model" ] || dotnet src/Backprop.Simd.Cli/bin/Release/net10.0/backprop.dll train --epochs 3 --json --out "$model" >/dev/null
/usr/bin/python3 -c "import struct, sys; sys.stdout.buffer.write(struct.pack('<784f', *[(i % 17) / 16 for i in range(784)]))" > "$work/body.bin"
url=http://127.0.0.1:5080
dotnet src/Backprop.Simd.Server/bin/Release/net10.0/backprop-server.dll --model "$model" --urls "$url" > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf "$url/health" >/dev/null && break; sleep 0.2; done
curl -sf "$url/health" >/dev/null || { cat "$work/server.log"; exit 1; }
# Warm up (JIT, connection pools), then measure.
BODY="$work/body.bin" wrk -t 2 -c 16 -d 3s -s bench/service/post-predict.lua "$url/predict" >/dev/null
echo "| connections | requests/s | p50 | p99 | errors | server gen0 / gen1 / gen2 collections |"
echo "| ---: | ---: | ---: | ---: | ---: | --- |"
for connections in 1 16 64; do
    threads=$(( connections < 2 ? 1 : 2 ))
    before=$(curl -s "$url/stats")
    line=$(BODY="$work/body.bin" wrk -t $threads -c $connections -d "${seconds}s" -s bench/service/post-predict.lua "$url/predict" | grep '^RESULT')
    after=$(curl -s "$url/stats")
    /usr/bin/python3 - "$connections" "$line" "$before" "$after" <<'PY'
import json, sys
c, line, before, after = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
r = dict(kv.split("=") for kv in line.split()[1:])
gc = " / ".join(str(after[g] - before[g]) for g in ("gen0", "gen1", "gen2"))
print(f"| {c} | {float(r['rps']):,.0f} | {int(r['p50_us'])} us | {int(r['p99_us'])} us | {r['errors']} | {gc} |")
PY
done
