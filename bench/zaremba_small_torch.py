#!/usr/bin/python3
"""Reference run: Zaremba et al. (2014) "small" LSTM LM on PTB, in PyTorch, on this machine.

The recipe as TensorFlow's PTB tutorial (small config) implements it, so our DL4J run of
`./zoo train lstm-lm --preset zaremba-small` has a peer trained the same way on the same bytes:
2 x LSTM(200), embedding 200, TBPTT 20, batch 20, SGD lr 1.0 (x0.5 each epoch after epoch 4),
loss = sum over the 20 time steps of the batch-mean cross-entropy, global-norm clip 5,
weights uniform in [-0.1, 0.1], LSTM biases 0 and forget bias 0 (TF's BasicLSTMCell), 13 epochs.
Prints one line per epoch (train/valid perplexity) and the test perplexity at the end.

Run:  /usr/bin/python3 bench/zaremba_small_torch.py --data ../shared/datasets/ptb
Needs Debian's python3-torch and libopenblas0-pthread (see ../shared/bench/README.md).
"""
import argparse, math, time
import torch
import torch.nn as nn


def read_tokens(path, vocab, grow):
    ids = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            for w in line.split() + ["<eos>"]:
                if w not in vocab:
                    if not grow:
                        w = "<unk>"
                    else:
                        vocab[w] = len(vocab)
                ids.append(vocab[w])
    return torch.tensor(ids, dtype=torch.long)


def batchify(data, bsz):
    n = data.size(0) // bsz
    return data[: n * bsz].view(bsz, n).t().contiguous()  # [n, bsz]: column b is one contiguous stream


class LM(nn.Module):
    def __init__(self, ntok, hidden, layers, bias_init, single_bias):
        super().__init__()
        self.emb = nn.Embedding(ntok, hidden)
        self.rnn = nn.LSTM(hidden, hidden, layers)
        self.out = nn.Linear(hidden, ntok)
        for name, p in self.named_parameters():
            if name.startswith("rnn.bias") and bias_init == "zero":
                nn.init.zeros_(p)
            else:
                nn.init.uniform_(p, -0.1, 0.1)
        if single_bias:
            # one bias per gate, as TF's BasicLSTMCell and DL4J's LSTM (torch keeps b_ih and b_hh, whose
            # sum then learns at twice the rate); output bias starting at 0 as in rnn-zoo
            for name, p in self.rnn.named_parameters():
                if name.startswith("bias_hh"):
                    nn.init.zeros_(p)
                    p.requires_grad_(False)
            nn.init.zeros_(self.out.bias)

    def forward(self, x, h):
        y, h = self.rnn(self.emb(x), h)
        return self.out(y), h


def evaluate(model, data, bptt, layers, hidden):
    model.eval()
    nll, n = 0.0, 0
    bsz = data.size(1)
    h = (torch.zeros(layers, bsz, hidden), torch.zeros(layers, bsz, hidden))
    with torch.no_grad():
        for i in range(0, data.size(0) - 1, bptt):
            seq = min(bptt, data.size(0) - 1 - i)
            x, y = data[i:i + seq], data[i + 1:i + 1 + seq]
            out, h = model(x, h)
            nll += nn.functional.cross_entropy(out.view(-1, out.size(-1)), y.reshape(-1), reduction="sum").item()
            n += y.numel()
    model.train()
    return math.exp(nll / n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="folder with ptb.train.txt / ptb.valid.txt / ptb.test.txt")
    ap.add_argument("--epochs", type=int, default=13)
    ap.add_argument("--bias-init", choices=["zero", "uniform"], default="zero",
                    help="zero: TF's BasicLSTMCell; uniform: Zaremba's Lua code (every parameter in +-0.1)")
    ap.add_argument("--single-bias", action="store_true",
                    help="one LSTM bias per gate and a zero output bias: the exact model rnn-zoo trains")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    hidden, layers, bptt, bsz, clip = 200, 2, 20, 20, 5.0
    vocab = {}
    train = batchify(read_tokens(a.data + "/ptb.train.txt", vocab, True), bsz)
    valid = batchify(read_tokens(a.data + "/ptb.valid.txt", vocab, False), bsz)
    test = batchify(read_tokens(a.data + "/ptb.test.txt", vocab, False), 1)
    model = LM(len(vocab), hidden, layers, a.bias_init, a.single_bias)
    trainable = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(trainable, lr=1.0)
    for epoch in range(1, a.epochs + 1):
        lr = 1.0 * 0.5 ** max(epoch - 4, 0)
        for g in opt.param_groups:
            g["lr"] = lr
        h = (torch.zeros(layers, bsz, hidden), torch.zeros(layers, bsz, hidden))
        nll, n, t0 = 0.0, 0, time.time()
        for i in range(0, train.size(0) - 1, bptt):
            seq = min(bptt, train.size(0) - 1 - i)
            x, y = train[i:i + seq], train[i + 1:i + 1 + seq]
            h = tuple(s.detach() for s in h)
            out, h = model(x, h)
            # TF's sequence_loss(average_across_batch=True, average_across_timesteps=False), summed.
            loss = nn.functional.cross_entropy(out.view(-1, out.size(-1)), y.reshape(-1)) * seq
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(trainable, clip)
            opt.step()
            nll += loss.item() / seq * y.numel()
            n += y.numel()
        secs = time.time() - t0
        print("epoch %d lr %.4g train_ppl %.2f valid_ppl %.2f tokens_per_s %.0f" %
              (epoch, lr, math.exp(nll / n), evaluate(model, valid, bptt, layers, hidden), n / secs), flush=True)
    print("RESULT test_ppl %.2f" % evaluate(model, test, bptt, layers, hidden), flush=True)


if __name__ == "__main__":
    main()
