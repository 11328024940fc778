"""Optuna TPE as a reference row for bench/optimizers.ts (ask/tell over stdin/stdout).

Protocol, one JSON object per line. Node sends {"seed": s, "budget": b, "space": [...]} to
start a study, then answers every {"params": {...}} line with {"value": v}. After `budget`
trials the script prints {"done": true} and waits for the next study (EOF ends it).
Run with Debian's /usr/bin/python3 (python3-optuna).
"""
import json
import sys

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def distributions(space):
    out = {}
    for p in space:
        if p["kind"] == "choice":
            out[p["name"]] = optuna.distributions.CategoricalDistribution(p["values"])
        elif p["valueType"] == "int":
            out[p["name"]] = optuna.distributions.IntDistribution(p["low"], p["high"], log=p["log"])
        else:
            out[p["name"]] = optuna.distributions.FloatDistribution(p["low"], p["high"], log=p["log"])
    return out


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        dists = distributions(req["space"])
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=req["seed"]))
        for _ in range(req["budget"]):
            trial = study.ask(dists)
            print(json.dumps({"params": trial.params}), flush=True)
            answer = json.loads(sys.stdin.readline())
            study.tell(trial, answer["value"])
        print(json.dumps({"done": True}), flush=True)


if __name__ == "__main__":
    main()
