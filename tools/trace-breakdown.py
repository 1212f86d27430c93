#!/usr/bin/env python3
"""Per-stage latency of a local network from its members' consensus traces.

Each member writes a trace when its node.json sets consensus.trace_file (lines "<nanoTime> <event>").
Members on one host share CLOCK_MONOTONIC, so times compare across files. Usage:

    tools/trace-breakdown.py D/member-0/trace.log D/member-1/trace.log ...

Prints, for every stage of a view, the median / p90 / p99 / max in microseconds over the views seen.
"""
import re
import sys
from collections import defaultdict

TEMPLATE_PROPOSAL, TEMPLATE_VOTE, TEMPLATE_TXBATCH = 10, 11, 13
KV = re.compile(r'(\w+)=(\S+)')


def load(path):
    events = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip('\n').split(' ', 1)
            if len(parts) != 2 or not parts[0].isdigit():
                continue
            t = int(parts[0])
            text = parts[1]
            events.append((t, text, dict(KV.findall(text))))
    return events


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * p))]


def main(paths):
    members = {i: load(p) for i, p in enumerate(paths)}
    stages = defaultdict(list)
    proposal_sent = {}            # view -> (leader, t)
    vote_sent = {}                # (view, kind, signer) -> t
    build_start = {}
    for m, events in members.items():
        for t, text, kv in events:
            if text.startswith('cmd PersistThenBroadcast Proposal'):
                proposal_sent[int(kv['view'])] = (m, t)
            elif text.startswith('cmd PersistThenBroadcast Vote'):
                vote_sent[(int(kv['view']), kv['kind'], m)] = t
            elif text.startswith('cmd BuildBlock'):
                build_start[int(kv['view'])] = t
    for m, events in members.items():
        last_frame = {}           # (from, template) -> t of the latest frame not yet consumed
        verify_cmd = {}
        proposal_in = {}
        for t, text, kv in events:
            if text.startswith('frame '):
                last_frame[(int(kv['from']), int(kv['template']))] = t
            elif text.startswith('in ProposalReady'):
                v = int(kv['view'])
                if v in build_start:
                    stages['1 leader builds (BuildBlock -> ProposalReady)'].append(t - build_start[v])
            elif text.startswith('in Proposal '):
                v = int(kv['view'])
                proposal_in[v] = t
                if v in proposal_sent:
                    leader, ts = proposal_sent[v]
                    stages['2 proposal hop (leader sends -> follower core has it)'].append(t - ts)
                    tf = last_frame.get((leader, TEMPLATE_PROPOSAL))
                    if tf is not None and tf >= ts:
                        stages['2a   of which: leader send -> frame at follower transport'].append(tf - ts)
                        stages['2b   of which: transport -> core (ring, signature check)'].append(t - tf)
            elif text.startswith('cmd VerifyBlock'):
                verify_cmd[int(kv['view'])] = t
            elif text.startswith('in BlockVerified'):
                v = int(kv['view'])
                if v in verify_cmd:
                    stages['3 follower verifies (VerifyBlock -> BlockVerified)'].append(t - verify_cmd[v])
            elif text.startswith('cmd PersistThenBroadcast Vote') and kv.get('kind') == 'NOTARIZE':
                v = int(kv['view'])
                if v in proposal_in:
                    stages['4 follower: proposal in -> notarize vote sent'].append(t - proposal_in[v])
            elif text.startswith('in Vote '):
                key = (int(kv['view']), kv['kind'], int(kv['signer']))
                if key in vote_sent:
                    ts = vote_sent[key]
                    stages['5 vote hop (signer sends -> receiver core has it)'].append(t - ts)
                    tf = last_frame.get((int(kv['signer']), TEMPLATE_VOTE))
                    if tf is not None and tf >= ts:
                        stages['5a   of which: send -> frame at receiver transport'].append(tf - ts)
                        stages['5b   of which: transport -> core (ring, signature check)'].append(t - tf)
            elif text.startswith('cmd Deliver'):
                v = int(kv['view'])
                if v in proposal_sent:
                    stages['6 proposal sent -> Deliver (one round: finalization)'].append(t - proposal_sent[v][1])
                    stages['6 ' + kv.get('path', '?') + ' path: proposal sent -> Deliver'].append(t - proposal_sent[v][1])
                deliver_t = t
            elif text.startswith('published'):
                stages['7 Deliver -> published (journal, commit, publish)'].append(t - deliver_t)
    views = sorted(proposal_sent)
    gaps = [build_start[b] - proposal_sent[a][1] for a, b in zip(views, views[1:]) if b == a + 1 and b in build_start]
    if gaps:
        stages['8 next leader: proposal v sent -> BuildBlock v+1'].extend(gaps)
    print('%-62s %8s %9s %9s %9s %9s' % ('stage (us)', 'count', 'p50', 'p90', 'p99', 'max'))
    for name in sorted(stages):
        v = stages[name]
        print('%-62s %8d %9.1f %9.1f %9.1f %9.1f' % (name, len(v), pct(v, .5) / 1e3, pct(v, .9) / 1e3,
                                                     pct(v, .99) / 1e3, max(v) / 1e3))


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
