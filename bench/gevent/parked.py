"""gevent's side of bench/parked.js: N greenlets each blocked in gevent.sleep(60).

    /usr/bin/python3 bench/gevent/parked.py [--json] [--n 50000]

- bytes per greenlet: process RSS after gc.collect() with all of them parked, minus before, / N
  (Python has no equivalent of V8's heapUsed; a parked greenlet's saved C stack slice is malloc'd
  memory that only RSS sees);
- spawn rate: greenlets spawned and parked per second, from the first spawn until the main
  greenlet resumes from gevent.sleep(0), which it does only after the hub has run every greenlet
  spawned before it (callbacks run in FIFO order); a counter checks that all reached their sleep;
- kill rate: gevent.killall of all of them (which also cancels their timers).
With --json the last output line is the result as JSON.
"""
import argparse
import gc
import json
import os
import time

import gevent

PARK_SECONDS = 60
started = 0


def parked():
    global started
    started += 1
    gevent.sleep(PARK_SECONDS)


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--n", type=int, default=50_000)
    args = parser.parse_args()
    n = args.n

    # Warm up the hub and the loop so that their one-time allocations are not counted.
    gevent.joinall([gevent.spawn(gevent.sleep, 0) for _ in range(100)])

    gc.collect()
    before = rss()
    start = time.perf_counter()
    greenlets = [gevent.spawn(parked) for _ in range(n)]
    spawned = time.perf_counter()
    while started < n:
        gevent.sleep(0)
    all_parked = time.perf_counter()
    gc.collect()
    after = rss()

    kill_start = time.perf_counter()
    gevent.killall(greenlets)
    killed = time.perf_counter()
    assert all(g.dead for g in greenlets)

    result = {
        "n": n,
        "rssPerTask": (after - before) / n,
        "spawnPerSecond": n / (all_parked - start),
        "spawnLoopMs": (spawned - start) * 1000,
        "firstRunMs": (all_parked - spawned) * 1000,
        "killPerSecond": n / (killed - kill_start),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print("gevent %s, %d greenlets parked in sleep(%d): %.0f bytes RSS each, %.1f k/s spawned, killall %.1f k/s"
              % (gevent.__version__, n, PARK_SECONDS, result["rssPerTask"], result["spawnPerSecond"] / 1e3,
                 result["killPerSecond"] / 1e3))


if __name__ == "__main__":
    main()
