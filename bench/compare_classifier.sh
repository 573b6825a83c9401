#!/usr/bin/env bash
# Issue #21: `zoo bench birnn-sentiment --preset sst2` against the PyTorch peer
# ../shared/bench/torch_classifier.py --bidirectional, alternating round-robin so both see the same
# machine load; per round the ratio of training sentences/s (rnn-zoo / peer), then the median.
# Target: >= 1.0 in the same run.
#
# The same shape on both sides (the birnn-sentiment card's sst2 preset): SST-2 sentences (stsa.binary
# train, 6,920 sentences), random 300-d embedding, one LSTM layer of 150 units per direction, each
# word's two states concatenated, max over the real steps, dropout 0.5, softmax over 2 classes, Adam
# 1e-3, batch 50, global-norm clip 5, no maximum length (whole sentences; padding masked on our side,
# packed on the peer's). Tokenisation is the same: both split the stsa lines on whitespace and keep
# case (the files are already lower-cased and PTB-tokenised); both build the vocabulary from every
# training word: 14,834 ids here (4 reserved) against the peer's 14,830 (<pad>, <unk>). Both count
# tokens as real tokens, padding excluded, and time batch building with the step.
# Differences left: our card's dropout also drops the LSTM layers' inputs (the embeddings, once per
# direction; Zaremba et al.'s non-recurrent connections), the peer's only the pooled vector; the peer
# never computes padded steps (packed sequences), ours computes and masks them; initialisation
# differs (no effect on speed).
#
# Needs: apt-get install -y python3-torch libopenblas0-pthread (run with /usr/bin/python3).
# Usage: bench/compare_classifier.sh [ROUNDS]
#   WARMUP (default 100) untimed steps on both sides; STEPS (default 100) timed steps on both sides
#   (ours as 5 repeats of STEPS/5, the median repeat reported); PEER_BLAS_THREADS (default "1"; "1 2"
#   runs the peer with one and with two OpenBLAS threads and takes the faster, as compare_with_pytorch.sh does).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
warmup="${WARMUP:-100}"; steps="${STEPS:-100}"; blas_threads="${PEER_BLAS_THREADS:-1}"
peer="$here/../shared/bench/torch_classifier.py"
data="${ZOO_DATA_MIRROR:-$here/../shared/datasets}"
out="$here/runs/compare-classifier-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out"
field() { grep -o "$1=[0-9.]*" "$2" | head -1 | cut -d= -f2; }
for r in $(seq 1 "$rounds"); do
  ZOO_DATA_MIRROR="$data" "$here/zoo" bench birnn-sentiment --preset sst2 --warmup "$warmup" --steps $((steps / 5)) --repeats 5 \
    --json "$out/zoo-$r.json" > "$out/zoo-$r.txt" 2>&1
  best=0
  for blas in $blas_threads; do
    OPENBLAS_NUM_THREADS=$blas /usr/bin/python3 "$peer" --data "$data/sst2" --prefix stsa.binary --bidirectional --pool max \
      --emb 300 --hidden 150 --layers 1 --dropout 0.5 --lr 0.001 --batch 50 --clip 5 --warmup "$warmup" --steps "$steps" \
      --threads 1 > "$out/torch-$r-blas$blas.txt" 2>&1
    t=$(field sents_per_s "$out/torch-$r-blas$blas.txt")
    best=$(python3 -c "print(max($best, $t))")
  done
  z=$(field sents_per_s "$out/zoo-$r.txt"); zt=$(field tokens_per_s "$out/zoo-$r.txt")
  echo "round $r: rnn-zoo $z sentences/s ($zt tokens/s)   pytorch $best sentences/s   ratio $(python3 -c "print(round($z/$best, 2))")"
done | tee "$out/summary.txt"
python3 "$here/bench/summarise_ratios.py" "$out/summary.txt" 1.0 | tee -a "$out/summary.txt"
echo "warm-up $warmup steps, $steps timed steps on both sides; details in $out"
