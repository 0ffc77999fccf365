"""Words the app shows: explanations, help texts and examples, kept apart from the layout."""

TITLE = "minilm: the first chapter of language modelling, hands on"

INTRO = """# minilm
Language modelling is next-token prediction: *the capital of france is* → **paris**.
Before a model can predict anything, text has to become numbers. Start with **Tokens**."""

TOKENS_WHAT = """**What you are seeing.** A tokenizer cuts text into pieces (tokens) and gives each piece an id
from its vocabulary. On the left, a tokenizer trained on this project's small corpus (`assets/text.txt`);
on the right, Google's Gemma 3 tokenizer (262,144 tokens). Hover a chip for its id and bytes.
`▁` marks a space that belongs to the token; `␣ ↵ ⇥` are spaces, newlines and tabs made visible.
Dark chips are special tokens (`<bos>` starts every sequence), red ones are `<unk>` (a word the
vocabulary lacks), dashed ones are byte-fallback tokens (`<0xF0>`: one UTF-8 byte of a character the
vocabulary lacks). The two id columns are different languages: an id means nothing without its tokenizer."""

TOKENS_MISTAKES = """**Common mistakes.** Mixing tokenizers: id 529 is "▁of" for Gemma and something else for the local
BPE, so ids from one fed to the other's embeddings give nonsense. Expecting word-level decode to give
your text back: it loses spacing and every `<unk>`. Typing `<bos>` into a prompt: most tokenizers read
it as the special token, not as five characters (tick *read typed special tokens as text* to compare)."""

BOUNDARIES_HELP = """**Where they cut differently.** The text once, with a bar after every token: grey where both
tokenizers cut, blue where only the local one does, orange where only Gemma does."""

FILE_HELP = """**Seed step 4: a whole text to `token_ids.txt`.** Encode `assets/text.txt` or your own UTF-8 `.txt`
(up to 20 MB) in one go and download the ids, one space-separated line. The same from a terminal:
`python -m minilm tokenize assets/text.txt -o token_ids.txt --tokenizer bpe` (or `gemma`)."""

TRAIN_HELP = """Train a new BPE on the corpus or on your own text and watch the splits change with the vocabulary
size: 260 ids are fixed (4 specials, 256 byte tokens), the rest are learned merges."""

EXAMPLES = [
    "the capital of france is paris",
    "the capital of the united states is not ",
    "Türkiye'nin başkenti Ankara'dır; en kalabalık şehri ise İstanbul.",
    "Emoji are bytes too: 👩‍👩‍👧 🇹🇷 ❤️",
    "def greet(name):\n    return f\"hello, {name}!\"  # code\n",
    "tokenization, tokenizer, tokenized, untokenizable",
]

GEMMA_LICENCE = (
    "Gemma is provided under and subject to the Gemma Terms of Use: https://ai.google.dev/gemma/terms"
)

WINDOWS_WHAT = """**What you are seeing.** A model learns from fixed-size windows of the token stream. Each window
gives an input `x` of `context_length` tokens and a target `y`: the same tokens shifted one to the right,
so at every position the target is the *next* token. Windows start every `stride` tokens: stride equal
to context_length tiles the stream, a smaller one overlaps windows (more, correlated examples), a larger
one skips tokens no window ever sees. The last window must have a full target, so a short tail is dropped
(or padded, with its missing targets set to -100, which `CrossEntropyLoss` ignores)."""

WINDOWS_MISTAKE = """

**The mistake, shown in red:** with `y = x` the target at each position is the token the model is
already reading. The loss falls to almost zero because copying the input is trivial, and the model
learns nothing about what comes *next*. The right target is `x` shifted by one token."""

WINDOWS_MISTAKES = """**Common mistakes.** Forgetting the shift (`y = x`). A stride larger than context_length: tokens
in the gaps (red in the picture) are never seen. A stride of 1 on a big text: windows multiply
(one per token) and neighbours are almost the same example. Reading the DataLoader's length as a
token count: it counts batches."""


_SUMMARY = {
    "en": {
        "head": "**{n:,} tokens → {w:,} windows → {b:,} batches** of up to {bs}.",
        "shape": "`x` and `y` are `[{rows}, {L}]` tensors (batch, context_length).",
        "overlap": "Consecutive windows share {o} tokens (stride {s} < context_length {L}).",
        "gap": "Stride {s} > context_length {L}: {g} tokens between windows are never seen.",
        "skipped": "{k:,} tokens are in no input (gaps and the dropped tail); {t:,} are never a target.",
        "padded": "{p} tail window(s) padded; their missing targets are -100.",
    },
    "tr": {
        "head": "**{n:,} token → {w:,} pencere → {b:,} yığın** (en çok {bs} pencere).",
        "shape": "`x` ve `y`, `[{rows}, {L}]` boyutlu tensörlerdir (yığın, context_length).",
        "overlap": "Ardışık pencereler {o} token paylaşır (stride {s} < context_length {L}).",
        "gap": "Stride {s} > context_length {L}: pencerelerin arasındaki {g} token hiç görülmez.",
        "skipped": "{k:,} token hiçbir girdide yok (boşluklar ve atılan kuyruk); {t:,} token hiç hedef olmuyor.",
        "padded": "{p} kuyruk penceresi dolduruldu; eksik hedefleri -100.",
    },
}


def windows_summary(stats, batch_size: int, lang: str = "en") -> str:
    """The numbers under the sliders, in words, in English or Turkish."""
    say = _SUMMARY.get(lang, _SUMMARY["en"])
    values = dict(n=stats.n_tokens, w=stats.n_windows, b=stats.n_batches(batch_size), bs=batch_size, rows=min(batch_size, stats.n_windows),
                  L=stats.context_length, s=stats.stride, o=stats.overlap, g=stats.gap, k=stats.n_skipped,
                  t=stats.n_never_target, p=stats.n_padded)
    shown = ["head", "shape", *[key for key, on in (("overlap", stats.overlap), ("gap", stats.gap),
                                                    ("skipped", stats.n_skipped), ("padded", stats.n_padded)) if on]]
    return "\n\n".join(say[key].format(**values) for key in shown)


EMBEDDINGS_A = "the capital of united states and the capital of france"
EMBEDDINGS_B = "the capital of united states and the capital of germany"

EMBEDDINGS_WHAT = """**What you are seeing.** An embedding gives every token id a vector: a point in a space of
many dimensions, where the model can place related tokens near each other. Start by hand (the seed's
words against *hardness, brightness, redness*), then a `torch.nn.Embedding`: a table of random
vectors, one row per id, that only training makes meaningful. Then Gemma 3's real `embed_tokens`, read
straight from the model file (Gemma multiplies each row by √hidden_size). The 3D view shows three
dimensions out of hundreds, or the three directions of largest spread (PCA); the heatmap beside it
compares the tokens in *all* dimensions."""

EMBEDDINGS_MISTAKES = """**Common mistakes.** Feeding one tokenizer's ids to another's embedding table (the ids mean
different tokens, or do not exist: try *Tokenize with Gemma* and *rows for local BPE*). Reading meaning
into an untrained `nn.Embedding`: its neighbours are random. Trusting three axes: two points far
apart in 3D can be close in the other 600 dimensions, which is why the heatmap is there."""

GEMMA_NO_POSITIONS = (
    "Gemma has no position embedding table to add: it encodes positions with rotary embeddings (RoPE) "
    "inside attention. Position embeddings can be added to the nn.Embedding source."
)

TRAIN_WHAT = """**What you are seeing.** A tiny decoder-only model (token and position embeddings, a few blocks of
causal self-attention and MLP, an LM head) learns next-token prediction from the windows of the
Windows tab, with `CrossEntropyLoss`, AdamW, gradient clipping and a warmup-then-cosine learning rate.
Before training every token is equally likely, so the loss starts near ln(vocab size): the dotted
line. Validation loss is measured on held-out text the model never trains on. Zero blocks is the
seed's single-layer model: each position sees only its own token, the baseline to beat."""

TRAIN_MISTAKE = """**The y = x run** trains the same model with targets equal to inputs. Its training loss dives
to zero, because with causal attention the answer is the token it is reading, while its
validation loss on the real task (predict the *next* token) goes up, and its samples repeat one
token. A low training loss only means something if the target is right."""

NEXT_TOKEN_WHAT = """**Seed section 1: the next token.** A language model reads the context and gives every token in
its vocabulary a probability for what comes next. Compare the tiny model you trained with Gemma 3
270M (loaded once, on the first request: about half a minute and 2.6 GB)."""
