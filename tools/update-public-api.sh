#!/usr/bin/env bash
# Regenerates each packaged library's PublicAPI.Unshipped.txt from the build's own diagnostics:
# RS0016 (public symbol not listed) adds the symbol, RS0017 (listed symbol gone) removes it.
# Run it after a deliberate API change (or after merging branches that added API), then review the diff.
# Usage: tools/update-public-api.sh
set -euo pipefail
cd "$(dirname "$0")/.."
projects=(src/Backprop.Simd src/Backprop.Simd.Onnx)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Reruns until the build lists nothing more: a project that fails to compile hides its dependants' diagnostics.
for _ in 1 2 3; do
    dotnet build src/Backprop.Simd.Onnx/Backprop.Simd.Onnx.csproj -c Release --no-incremental -p:TreatWarningsAsErrors=false >"$log" 2>&1 || true
    grep -qE 'warning RS001[67]|error RS001[67]' "$log" || break
    for project in "${projects[@]}"; do
        unshipped=$project/PublicAPI.Unshipped.txt
        csproj=$(cd "$project" && pwd)/$(basename "$project").csproj
        /usr/bin/python3 - "$log" "$csproj" "$unshipped" <<'PY'
import re, sys
log, csproj, unshipped = sys.argv[1:]
added, removed = set(), set()
for line in open(log, encoding="utf-8"):
    if not line.rstrip().endswith("[" + csproj + "]"):
        continue
    m = re.search(r"RS0016: Symbol '(.+?)' is not part of the declared (?:public )?API", line)
    if m:
        added.add(m.group(1))
    m = re.search(r"RS0017: Symbol '(.+?)' is part of the declared API", line)
    if m:
        removed.add(m.group(1))
lines = [l.rstrip("\n") for l in open(unshipped, encoding="utf-8")]
kept = [l for l in lines if l and l not in removed]
entries = sorted(set(kept) | added, key=lambda s: (s.lstrip("~").lower(), s))
open(unshipped, "w", encoding="utf-8").write("".join(e + "\n" for e in entries))
print(f"{unshipped}: +{len(added)} -{len(removed & set(lines))}")
PY
    done
done
if grep -qE 'RS001[67]' "$log"; then echo "public API still differs; see: dotnet build -c Release"; exit 1; fi
