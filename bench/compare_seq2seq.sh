#!/usr/bin/env bash
# Issue #22: `zoo bench seq2seq-attention --preset g2p` against the PyTorch peer
# ../shared/bench/torch_seq2seq.py, alternating round-robin so both see the same machine load; per
# round the ratio of training target tokens/s (rnn-zoo / peer; target >= 1.0 in the same run), and
# greedy and beam-5 decoding speed, in test words per second, beside the peer's.
#
# Shape: the seq2seq-attention card's g2p preset — CMUdict G2P (CNTK's split, 108,952 training pairs on
# both sides, nothing cut by max_length 22; vocabularies 31 source / 43 target on both sides), embedding
# 64, a bidirectional LSTM encoder of 256 units per direction, an LSTM decoder of 256, Luong's general
# score, tanh attentional layer, softmax; teacher forcing, Adam 1e-3, batch 64, global-norm clip 5.
# Mapped onto the peer's flags: --emb 64 --enc-hidden 256 --hidden 256 --attn general (the peer's
# --hidden is the decoder's width and, without --enc-hidden, the concatenated encoder's: --enc-hidden 256
# gives it our 256 units per direction, so the two encoders do the same LSTM work). Target tokens are
# phonemes + </s> on both sides.
# Differences that no flag removes:
#  - memory width: our directions are summed (256 wide), the peer concatenates them (512 wide), so its
#    W_a is 512x256 instead of 256x256, its attentional layer reads 768 values instead of 512, and it
#    bridges the encoder's final 512-wide (h, c) to the decoder's 256 with two linear layers;
#  - decoder input: ours reads the encoder's last state (256) beside each previous phoneme's embedding
#    (64) and starts from zeros; the peer reads the embedding only and starts from the bridged final state;
#  - the peer packs the source (no work on padding); we compute padded steps and mask them;
#  - decoding: the peer decodes K seeded-random distinct test words (--eval-limit) in length-sorted
#    batches of 256 words (1,280 beam rows), a beam ending when all 5 hypotheses end, at most 2S+10
#    steps; we decode the first K distinct test words through the task's decoder (eval_batch 256 rows:
#    51 words a batch at beam 5), a word's beam ending when 5 hypotheses have finished, at most
#    max(22, longest source) + 2 steps; neither uses a length penalty (g2p preset alpha 0). Both decode
#    with the weights after their warm-up and timed steps (barely trained: output lengths differ; our
#    line gives our mean output length).
# The peer prints its decoding time only as a total; the wrapper below times each of its evaluate()
# calls (greedy, then beam) without changing the peer's code.
#
# Needs: apt-get install -y python3-torch libopenblas0-pthread (run with /usr/bin/python3).
# Usage: bench/compare_seq2seq.sh [ROUNDS]
#   WARMUP (default 100) untimed steps and STEPS (default 100) timed steps on both sides (ours as 5
#   repeats of STEPS/5); WORDS (default 500) test words decoded per run; PEER_BLAS_THREADS (default
#   "1"; "1 2" also runs the peer with two OpenBLAS threads and takes the faster training run).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
warmup="${WARMUP:-100}"; steps="${STEPS:-100}"; words="${WORDS:-500}"; blas_threads="${PEER_BLAS_THREADS:-1}"
peer="$here/../shared/bench/torch_seq2seq.py"
data="${ZOO_DATA_MIRROR:-$here/../shared/datasets}"
out="$here/runs/compare-seq2seq-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out"
field() { grep -o "$1=[0-9.]*" "$2" | head -1 | cut -d= -f2; }
for r in $(seq 1 "$rounds"); do
  ZOO_DATA_MIRROR="$data" "$here/zoo" bench seq2seq-attention --preset g2p --warmup "$warmup" --steps $((steps / 5)) --repeats 5 \
    --decode-sources "$words" --beam 5 --json "$out/zoo-$r.json" > "$out/zoo-$r.txt" 2>&1
  best=0; best_file=""
  for blas in $blas_threads; do
    OPENBLAS_NUM_THREADS=$blas /usr/bin/python3 - "$peer" --data "$data/cmudict-g2p" --emb 64 --hidden 256 --enc-hidden 256 \
      --attn general --lr 0.001 --batch 64 --clip 5 --warmup "$warmup" --steps "$steps" --beam 5 --eval-limit "$words" --threads 1 \
      > "$out/torch-$r-blas$blas.txt" 2>&1 <<'PY'
import os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(sys.argv[1])))
import torch_seq2seq as peer
timed = peer.evaluate
def evaluate(model, words, src_vocab, tgt_names, beam, bsz=256):
    t0 = time.perf_counter()
    result = timed(model, words, src_vocab, tgt_names, beam, bsz)
    s = time.perf_counter() - t0
    print("DECODE beam=%d words=%d sec=%.2f words_per_s=%.1f" % (beam, len(words), s, len(words) / s), flush=True)
    return result
peer.evaluate = evaluate
sys.argv = sys.argv[1:]
peer.main()
PY
    t=$(field tokens_per_s "$out/torch-$r-blas$blas.txt")
    if python3 -c "import sys; sys.exit(0 if $t > $best else 1)"; then best=$t; best_file="$out/torch-$r-blas$blas.txt"; fi
  done
  z=$(field tokens_per_s "$out/zoo-$r.txt")
  zg=$(field greedy_words_per_s "$out/zoo-$r.txt"); zb=$(field beam_words_per_s "$out/zoo-$r.txt")
  tg=$(grep 'DECODE beam=1 ' "$best_file" | grep -o 'words_per_s=[0-9.]*' | cut -d= -f2)
  tb=$(grep 'DECODE beam=5 ' "$best_file" | grep -o 'words_per_s=[0-9.]*' | cut -d= -f2)
  echo "round $r: rnn-zoo $z target tokens/s   pytorch $best   ratio $(python3 -c "print(round($z/$best, 2))")   decoding words/s: greedy $zg vs $tg, beam 5 $zb vs $tb"
done | tee "$out/summary.txt"
python3 "$here/bench/summarise_ratios.py" "$out/summary.txt" 1.0 | tee -a "$out/summary.txt"
echo "warm-up $warmup steps, $steps timed steps on both sides, $words test words decoded; details in $out"
