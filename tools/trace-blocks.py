#!/usr/bin/env python3
"""What a view costs by block size, and how fast views, blocks and transactions go, from members' traces.

Each member writes a trace when its node.json sets consensus.trace_file (bench: --member-setting
consensus.trace_file=trace.log keeps them as member-I.trace.log). Members on one host share
CLOCK_MONOTONIC, so times compare across files. Usage:

    tools/trace-blocks.py [--from S] [--to S] [--step S] D/member-0.trace.log D/member-1.trace.log ...

Seconds count from the first event of any trace. Prints:
  - per block size: the leader's build (BuildBlock -> ProposalReady), the followers' verification
    (VerifyBlock -> BlockVerified), delivery (Deliver -> published) and the proposal hop (leader sends
    -> follower's core has it), p50 / p90 / max in ms, over the window;
  - per block size of a view and of the view before it: how many views had a member nullify without
    notarizing (a timeout, skip, join or invalid verdict) and how many were nullified by three or more;
  - per step of the first trace's member: views entered, blocks and transactions published a second,
    and VIEW timers fired a second.
"""
import argparse
import re
from collections import defaultdict

KV = re.compile(r'(\w+)=(\S+)')
SIZES = [(0, 0), (1, 31), (32, 63), (64, 127), (128, 255), (256, 399), (400, 512)]


def size_class(n):
    if n is None:
        return 'none'
    for lo, hi in SIZES:
        if lo <= n <= hi:
            return f'{lo}-{hi}'
    return str(n)


def load(path):
    events = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip('\n').split(' ', 1)
            if len(parts) == 2 and parts[0].isdigit():
                events.append((int(parts[0]), parts[1], dict(KV.findall(parts[1]))))
    return events


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * p))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--from', dest='lo', type=float, default=0.0)
    ap.add_argument('--to', dest='hi', type=float, default=1e12)
    ap.add_argument('--step', type=int, default=10)
    ap.add_argument('traces', nargs='+')
    args = ap.parse_args()
    members = [load(p) for p in args.traces]
    t0 = min(ev[0][0] for ev in members if ev)

    def sec(t):
        return (t - t0) / 1e9

    sent = {}
    size = {}
    for m, events in enumerate(members):
        for t, text, kv in events:
            if text.startswith('cmd PersistThenBroadcast Proposal'):
                sent[kv['view']] = t
                if args.lo <= sec(t) <= args.hi:
                    size[int(kv['view'])] = int(kv['txs'])

    costs = defaultdict(list)
    nullified = defaultdict(set)
    notarized = defaultdict(set)
    for m, events in enumerate(members):
        build, verify, deliver, proposal_txs = {}, {}, {}, {}
        for t, text, kv in events:
            if not args.lo <= sec(t) <= args.hi:
                continue
            if text.startswith('cmd BuildBlock'):
                build[kv['view']] = t
            elif text.startswith('in ProposalReady') and kv['view'] in build:
                costs[('build', size_class(int(kv['txs'])))].append((t - build[kv['view']]) / 1e6)
            elif text.startswith('in Proposal '):
                proposal_txs[kv['view']] = int(kv['txs'])
                if kv['view'] in sent:
                    costs[('hop', size_class(int(kv['txs'])))].append((t - sent[kv['view']]) / 1e6)
            elif text.startswith('cmd VerifyBlock'):
                verify[kv['view']] = t
            elif text.startswith('in BlockVerified') and kv['view'] in verify and kv['view'] in proposal_txs:
                costs[('verify', size_class(proposal_txs[kv['view']]))].append((t - verify[kv['view']]) / 1e6)
            elif text.startswith('cmd Deliver'):
                deliver[kv['height']] = t
            elif text.startswith('published') and kv['height'] in deliver:
                costs[('deliver', size_class(int(kv['txs'])))].append((t - deliver[kv['height']]) / 1e6)
            elif text.startswith('cmd PersistThenBroadcast Vote kind=NULLIFY'):
                nullified[int(kv['view'])].add(m)
            elif text.startswith('cmd PersistThenBroadcast Vote kind=NOTARIZE'):
                notarized[int(kv['view'])].add(m)

    print(f'{"stage (ms)":10s} {"txs":>9s} {"count":>7s} {"p50":>8s} {"p90":>8s} {"max":>9s}')
    for stage in ('build', 'verify', 'deliver', 'hop'):
        for lo, hi in SIZES:
            values = costs.get((stage, f'{lo}-{hi}'))
            if values:
                print(f'{stage:10s} {lo:4d}-{hi:<4d} {len(values):7d} {pct(values, .5):8.2f} {pct(values, .9):8.2f} '
                      f'{max(values):9.2f}')

    print('\n(this view\'s block size, previous view\'s)   views   a member nullified without notarizing   '
          'nullified by >= 3')
    views = defaultdict(lambda: [0, 0, 0])
    for v in sorted(set(size) | set(nullified)):
        if v not in size and v not in nullified:
            continue
        row = views[(size_class(size.get(v)), size_class(size.get(v - 1)))]
        stuck = nullified[v] - notarized[v]
        row[0] += 1
        row[1] += 1 if stuck else 0
        row[2] += 1 if len(stuck) >= 3 else 0
    for key in sorted(views):
        n, some, most = views[key]
        print(f'{str(key):35s} {n:7d} {some:8d} ({100.0 * some / n:4.1f} %) {most:8d} ({100.0 * most / n:4.1f} %)')

    print(f'\nmember of {args.traces[0]}, per {args.step} s:')
    top_view, blocks, txs, timers = defaultdict(int), defaultdict(int), defaultdict(int), defaultdict(int)
    for t, text, kv in members[0]:
        b = int(sec(t)) // args.step
        if 'view' in kv and text.startswith('cmd SetTimer'):
            top_view[b] = max(top_view[b], int(kv['view']))
        elif text.startswith('published'):
            blocks[b] += 1
            txs[b] += int(kv['txs'])
        elif text.startswith('in TimerFired') and kv.get('kind') == 'VIEW':
            timers[b] += 1
    previous = 0
    for b in sorted(top_view):
        s = args.step
        print(f'{b * s:5d}-{b * s + s:<5d} s  views/s {(top_view[b] - previous) / s:6.1f}  blocks/s {blocks[b] / s:6.1f}  '
              f'tx/s {txs[b] / s:7.0f}  VIEW timers fired/s {timers[b] / s:5.1f}')
        previous = top_view[b]


if __name__ == '__main__':
    main()
