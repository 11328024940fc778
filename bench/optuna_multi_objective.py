"""Optuna's default multi-objective sampler as a column of bench/multiObjective.ts.

`optuna.create_study(directions=[...])` without a sampler uses NSGAIISampler() in Optuna 3.1
(Debian's python3-optuna); here it is NSGAIISampler(seed=s) with the same defaults
(population_size 50, so within 50 trials every point comes from the first, random generation).
Same protocol as optuna_tpe.py, with "directions" in the start line and {"values": [...]} as
the answers: Node sends {"seed": s, "budget": b, "space": [...], "directions": [...]}, then
answers every {"params": {...}} line; after `budget` trials the script prints {"done": true}.
Run with Debian's /usr/bin/python3.
"""
import json
import sys

import optuna

from optuna_tpe import distributions

optuna.logging.set_verbosity(optuna.logging.WARNING)


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        dists = distributions(req["space"])
        study = optuna.create_study(
            directions=req["directions"],
            sampler=optuna.samplers.NSGAIISampler(seed=req["seed"]),
        )
        for _ in range(req["budget"]):
            trial = study.ask(dists)
            print(json.dumps({"params": trial.params}), flush=True)
            answer = json.loads(sys.stdin.readline())
            study.tell(trial, answer["values"])
        print(json.dumps({"done": True}), flush=True)


if __name__ == "__main__":
    main()
