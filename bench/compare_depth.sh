#!/usr/bin/env bash
# Depth-4 stacks on the fast layers: plain lstm-lm (layers=4), residual-lm and highway-lm (depth=4), and the
# PyTorch peer ../shared/bench/torch_lm.py --layers 4, all at PTB-small's shape (embedding and width 200,
# batch 20, BPTT 20, SGD, no dropout), alternating round-robin so all see the same machine load.
# Targets (issue #20): residual and highway >= 0.9x the plain stack's tokens/s; the plain stack >= 1.5x the peer.
# Needs: apt-get install -y python3-torch libopenblas0-pthread (run with /usr/bin/python3).
# Usage: bench/compare_depth.sh [ROUNDS]      WARMUP (default 300) untimed steps on every side first.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
warmup="${WARMUP:-300}"
peer="$here/../shared/bench/torch_lm.py"
data="${ZOO_DATA_MIRROR:-$here/../shared/datasets}/ptb"
out="$here/runs/compare-depth-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out"
shape=(--dataset ptb --set embedding=200 --set hidden=200 --set batch=20 --set bptt=20 --set optimizer=sgd --set lr=1.0 --set dropout=0.0)
rate() { python3 -c "import json;print(round(json.load(open('$1'))['train_tokens_per_s']))"; }
for r in $(seq 1 "$rounds"); do
  "$here/zoo" bench lstm-lm "${shape[@]}" --set layers=4 --warmup "$warmup" --steps 50 --repeats 6 --sample-tokens 200 --json "$out/plain-$r.json" > "$out/plain-$r.txt" 2>&1
  "$here/zoo" bench residual-lm "${shape[@]}" --set depth=4 --warmup "$warmup" --steps 50 --repeats 6 --sample-tokens 200 --json "$out/residual-$r.json" > "$out/residual-$r.txt" 2>&1
  "$here/zoo" bench highway-lm "${shape[@]}" --set depth=4 --warmup "$warmup" --steps 50 --repeats 6 --sample-tokens 200 --json "$out/highway-$r.json" > "$out/highway-$r.txt" 2>&1
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$peer" --data "$data" --cell lstm --layers 4 --hidden 200 --bptt 20 --batch 20 \
    --warmup "$warmup" --steps 300 --threads 1 --eval-tokens 2000 > "$out/torch-$r.txt" 2>&1
  p=$(rate "$out/plain-$r.json"); s=$(rate "$out/residual-$r.json"); h=$(rate "$out/highway-$r.json")
  t=$(grep -o 'tokens_per_s=[0-9]*' "$out/torch-$r.txt" | cut -d= -f2)
  echo "round $r: plain-4 $p  residual-4 $s ($(python3 -c "print(round($s/$p,2))")x)  highway-4 $h ($(python3 -c "print(round($h/$p,2))")x)  pytorch-4 $t tokens/s  plain/pytorch $(python3 -c "print(round($p/$t,2))")"
done | tee "$out/summary.txt"
