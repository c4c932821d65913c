#!/usr/bin/env python3
"""Where a training run's time goes, from a dotnet-trace speedscope file: for each thread, the share
of its sampled time inside Trainer.Step() that each innermost managed method holds (exclusive),
and the share of a few phases (inclusive). Used by bench/profile/profile_epoch.sh.
Usage: summarise_trace.py TRACE.speedscope.json [TOP]"""
import collections
import json
import sys

PHASES = ["Trainer.ComputeGradient", "BatchBackprop`1[System.Single].ForwardUnchecked",
          "BatchBackprop`1[System.Single].Backpropagate", "Trainer.Update", "WorkerPool.Run",
          "WorkerPool.WorkerLoop", "Dataset.PrefetchInput", "Dataset.GatherUnchecked"]


def short(name):
    return name.split("!", 1)[-1].split("(")[0].replace("Backprop.Simd.", "")


def main():
    trace = json.load(open(sys.argv[1]))
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    frames = [f["name"] for f in trace["shared"]["frames"]]
    for profile in trace["profiles"]:
        if profile["type"] != "evented":
            continue
        stack, last, total = [], None, 0.0
        leaf, phase = collections.Counter(), collections.Counter()
        for event in profile["events"]:
            at = event["at"]
            if last is not None and stack:
                names = [frames[f] for f in stack]
                if any("Trainer.Step()" in n or "WorkerPool.WorkerLoop" in n for n in names):
                    dt = at - last
                    total += dt
                    managed = [n for n in names if n not in ("CPU_TIME", "UNMANAGED_CODE_TIME")]
                    suffix = " (in native code)" if names[-1] == "UNMANAGED_CODE_TIME" else ""
                    leaf[short(managed[-1]) + suffix] += dt
                    for p in PHASES:
                        if any(p in n for n in managed):
                            phase[p] += dt
            last = at
            if event["type"] == "O":
                stack.append(event["frame"])
            else:
                stack.pop()
        if total < 50:
            continue
        print(f"\n{profile['name']}: {total / 1000:.2f} s sampled in training steps")
        print("| innermost method | share |")
        print("| --- | ---: |")
        for name, t in leaf.most_common(top):
            print(f"| {name} | {t / total:.1%} |")
        print("| phase (inclusive) | share |")
        print("| --- | ---: |")
        for p in PHASES:
            if phase[p]:
                print(f"| {p} | {phase[p] / total:.1%} |")


if __name__ == "__main__":
    main()
