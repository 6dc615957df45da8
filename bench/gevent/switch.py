"""gevent's side of bench/switch.js: 100 greenlets in a gevent.sleep(0) round-robin.

    /usr/bin/python3 bench/gevent/switch.py [--json] [--reps 5] [--rounds 3000]

Best and median of several repetitions, in switches per second (one switch = one
gevent.sleep(0) of one greenlet). With --json the last output line is the result as JSON.
"""
import argparse
import json
import time

import gevent

N = 100


def worker(rounds):
    sleep = gevent.sleep
    for _ in range(rounds):
        sleep(0)


def run_once(rounds):
    start = time.perf_counter()
    greenlets = [gevent.spawn(worker, rounds) for _ in range(N)]
    gevent.joinall(greenlets)
    elapsed = time.perf_counter() - start
    return N * rounds / elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3000)
    args = parser.parse_args()

    run_once(args.rounds // 10)  # warm-up
    rates = [run_once(args.rounds) for _ in range(args.reps)]
    ordered = sorted(rates, reverse=True)
    result = {
        "best": ordered[0],
        "median": ordered[len(ordered) // 2],
        "samples": rates,
        "tasks": N,
        "switchesPerRep": N * args.rounds,
        "loop": type(gevent.get_hub().loop).__module__,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print("gevent %s: %.2f M switches/s (best of %d), median %.2f M/s"
              % (gevent.__version__, result["best"] / 1e6, args.reps, result["median"] / 1e6))


if __name__ == "__main__":
    main()
