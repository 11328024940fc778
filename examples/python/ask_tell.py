#!/usr/bin/env python3
"""Run slurmopt's optimizer from Python through its command line (ask/tell).

    python3 ask_tell.py SPEC [ROUNDS] [slurmopt create flags...]

creates a campaign from SPEC (`slurmopt create`), then ROUNDS times asks for a trial, evaluates
it here and tells the result. Any loop works the same way: a notebook, a bash script, a
program on another machine sharing the folder. Set SLURMOPT to the command that runs slurmopt
(default "slurmopt"; from a checkout: SLURMOPT="node bin/slurmopt.js").
"""
import json
import os
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from branin import branin  # noqa: E402

SLURMOPT = shlex.split(os.environ.get("SLURMOPT", "slurmopt"))


def slurmopt(*args: str) -> str:
    """Runs one slurmopt command; a refused call (exit 2 or 3) raises with slurmopt's message."""
    done = subprocess.run([*SLURMOPT, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"slurmopt {args[0]} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def main() -> None:
    spec = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    campaign = slurmopt("create", spec, *sys.argv[3:]).strip()
    print(f"campaign folder: {campaign}", file=sys.stderr)
    for _ in range(rounds):
        trials = json.loads(slurmopt("ask", campaign, "--json"))
        if not trials:
            break  # max_eval reached (or the strategy waits for results of other clients)
        for trial in trials:
            p = trial["parameters"]
            try:
                value = branin(p["x"], p["y"])
            except Exception as e:  # an evaluation that fails is told as failed
                slurmopt("fail", campaign, str(trial["index"]), "--reason", str(e))
                continue
            slurmopt("tell", campaign, str(trial["index"]), f"RESULT={value!r}")
    best = json.loads(slurmopt("best", campaign, "--n", "1", "--json"))
    print(json.dumps({"dir": campaign, "best": best}))


if __name__ == "__main__":
    main()
