#!/usr/bin/env bash
# Same model, same data, same machine, same batch/TBPTT: rnn-zoo's `zoo bench` against the PyTorch
# peer in ../shared/bench/torch_lm.py, alternating (round-robin) so both see the same machine load.
# Needs: apt-get install -y python3-torch libopenblas0-pthread   (run with /usr/bin/python3).
# Usage: bench/compare_with_pytorch.sh [ROUNDS] [extra zoo bench args, e.g. --set layers=1]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"; shift || true
peer="$here/../shared/bench/torch_lm.py"
data="${ZOO_DATA_MIRROR:-$here/../shared/datasets}/ptb"
out="$here/runs/compare-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out"
for r in $(seq 1 "$rounds"); do
  "$here/zoo" bench lstm-lm --preset zaremba-small --dataset ptb --steps 50 --repeats 3 --json "$out/zoo-$r.json" "$@" \
    > "$out/zoo-$r.txt" 2>&1
  # One BLAS thread for the peer too: with libopenblas0-pthread's default (all cores) PyTorch collapses
  # when anything else runs (measured: 1,550-1,760 tokens/s vs 4,036 with OPENBLAS_NUM_THREADS=1, same load).
  OPENBLAS_NUM_THREADS="${PEER_BLAS_THREADS:-1}" /usr/bin/python3 "$peer" --data "$data" --cell lstm --layers 2 --hidden 200 --bptt 20 --batch 20 --steps 150 \
    > "$out/torch-$r.txt" 2>&1
  z=$(python3 -c "import json;print(round(json.load(open('$out/zoo-$r.json'))['train_tokens_per_s']))")
  t=$(grep -o 'tokens_per_s=[0-9]*' "$out/torch-$r.txt" | cut -d= -f2)
  echo "round $r: rnn-zoo $z tokens/s   pytorch $t tokens/s   ratio $(python3 -c "print(round($z/$t, 2))")"
done | tee "$out/summary.txt"
echo "details in $out"
