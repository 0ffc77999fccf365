"""Every word the app shows, in English, by key: labels, explanations, summaries and messages.

`minilm/lang/tr.py` has the same keys in Turkish. Keys are snake_case without dots (the browser's i18n
reads dots as nesting). Values may hold `{name}` fields, filled by `minilm.lang.say`.
Not here: choosing a language or formatting numbers (`minilm.lang`).
"""

TITLE = "minilm: the first chapter of language modelling, hands on"
EXAMPLES = ['the capital of france is paris', 'the capital of the united states is not ', "Türkiye'nin başkenti Ankara'dır; en kalabalık şehri ise İstanbul.", 'Emoji are bytes too: 👩\u200d👩\u200d👧 🇹🇷 ❤️', 'def greet(name):\n    return f"hello, {name}!"  # code\n', 'tokenization, tokenizer, tokenized, untokenizable']
EMBEDDINGS_A = 'the capital of united states and the capital of france'
EMBEDDINGS_B = 'the capital of united states and the capital of germany'

EN: dict[str, str] = {
    "tab_tokens": "Tokens",
    "tab_windows": "Windows",
    "tab_embeddings": "Embeddings",
    "tab_train": "Train",
    "copy_link": "Copy the link to this view",
    "uploaded_choice": "My uploaded tokenizer.json",
    "trained_choice": "My trained BPE",
    "text_label": "Text (up to 20,000 characters)",
    "try": "Try",
    "local_tokenizer": "Local tokenizer",
    "add_bos": "Add special tokens (<bos> at the start)",
    "split_special": "Read typed special tokens (<bos>) as text",
    "own_tokenizer": "Your own tokenizer",
    "upload_tokenizer": "Upload a tokenizer.json",
    "train_on": "Train on",
    "the_corpus": "the corpus",
    "my_txt": "my .txt file",
    "train_text": "Text to train on (.txt, UTF-8, up to 5 MB)",
    "vocab_size": "Vocabulary size",
    "train_bpe": "Train a BPE",
    "gemma3": "Gemma 3",
    "show_code": "Show the code",
    "whole_file": "Tokenize a whole text file (token_ids.txt)",
    "your_txt_or_corpus": "Your .txt (empty: assets/text.txt)",
    "tokenizer": "Tokenizer",
    "make_ids": "Make token_ids.txt",
    "prompt_source": "the text in the Tokens tab",
    "corpus_source": "assets/text.txt",
    "tokens_from": "Tokens from",
    "your_txt": "Your .txt (UTF-8)",
    "keep_tail": "keep the tail (pad it; targets ignored by the loss)",
    "show_mistake": "show the common mistake (y = x)",
    "stream_plot": "the stream and its windows",
    "stride_plot": "A2: windows against stride",
    "download_pairs": "Download the pairs and token_ids.txt",
    "format": "format",
    "make_files": "Make the files",
    "pairs": "pairs",
    "hand_made": "hand-made (seed 6.1)",
    "random_embedding": "nn.Embedding, untrained",
    "gemma_embed": "Gemma 3 embed_tokens",
    "vectors_from": "Vectors from",
    "sentence_a": "Sentence A",
    "sentence_b": "Sentence B (A1: swap france for germany)",
    "hand_table": "Hand-made vectors: edit them",
    "tokenize_with": "Tokenize with",
    "rows_for": "nn.Embedding rows for (its vocab size)",
    "dims": "three dimensions to plot",
    "pca": "PCA instead",
    "positions": "add position embeddings",
    "lines": "join consecutive tokens",
    "scatter": "3D view (drag to rotate)",
    "heatmap": "cosine similarity, every dimension",
    "neighbours_of": "nearest neighbours of",
    "neighbours": "neighbours (whole vocabulary)",
    "train_source": "Train on",
    "also_mistake": "also run the y = x mistake, on the same chart",
    "start": "Start",
    "stop": "Stop",
    "n_blocks_label": "blocks (0 = single-layer)",
    "learning_rate": "learning rate",
    "loss": "loss",
    "continue_this": "continue this",
    "temperature": "temperature (0 = greedy)",
    "top_k": "top-k (0 = all)",
    "sample": "Sample",
    "sample_out": "sample",
    "embeddings_of": "embeddings of",
    "before_after": "Before and after training",
    "embeddings_pca": "token embeddings, PCA",
    "context": "context",
    "next_token": "Next token",
    "your_tiny_model": "your tiny model",
    "gemma_270m": "Gemma 3 270M",
    "intro": """# minilm
Language modelling is next-token prediction: *the capital of france is* → **paris**.
Before a model can predict anything, text has to become numbers. Start with **Tokens**.""",
    "tokens_what": """**What you are seeing.** A tokenizer cuts text into pieces (tokens) and gives each piece an id
from its vocabulary. On the left, a tokenizer trained on this project's small corpus (`assets/text.txt`);
on the right, Google's Gemma 3 tokenizer (262,144 tokens). Hover a chip for its id and bytes.
`▁` marks a space that belongs to the token; `␣ ↵ ⇥` are spaces, newlines and tabs made visible.
Dark chips are special tokens (`<bos>` starts every sequence), red ones are `<unk>` (a word the
vocabulary lacks), dashed ones are byte-fallback tokens (`<0xF0>`: one UTF-8 byte of a character the
vocabulary lacks). The two id columns are different languages: an id means nothing without its tokenizer.""",
    "tokens_mistakes": """**Common mistakes.** Mixing tokenizers: id 529 is "▁of" for Gemma and something else for the local
BPE, so ids from one fed to the other's embeddings give nonsense. Expecting word-level decode to give
your text back: it loses spacing and every `<unk>`. Typing `<bos>` into a prompt: most tokenizers read
it as the special token, not as five characters (tick *read typed special tokens as text* to compare).""",
    "boundaries_help": """**Where they cut differently.** The text once, with a bar after every token: grey where both
tokenizers cut, blue where only the local one does, orange where only Gemma does.""",
    "file_help": """**Seed step 4: a whole text to `token_ids.txt`.** Encode `assets/text.txt` or your own UTF-8 `.txt`
(up to 20 MB) in one go and download the ids, one space-separated line. The same from a terminal:
`python -m minilm tokenize assets/text.txt -o token_ids.txt --tokenizer bpe` (or `gemma`).""",
    "train_help": """Train a new BPE on the corpus or on your own text and watch the splits change with the vocabulary
size: 260 ids are fixed (4 specials, 256 byte tokens), the rest are learned merges.""",
    "licence": "Gemma is provided under and subject to the Gemma Terms of Use: https://ai.google.dev/gemma/terms",
    "windows_what": """**What you are seeing.** A model learns from fixed-size windows of the token stream. Each window
gives an input `x` of `context_length` tokens and a target `y`: the same tokens shifted one to the right,
so at every position the target is the *next* token. Windows start every `stride` tokens: stride equal
to context_length tiles the stream, a smaller one overlaps windows (more, correlated examples), a larger
one skips tokens no window ever sees. The last window must have a full target, so a short tail is dropped
(or padded, with its missing targets set to -100, which `CrossEntropyLoss` ignores).""",
    "windows_mistake": """

**The mistake, shown in red:** with `y = x` the target at each position is the token the model is
already reading. The loss falls to almost zero because copying the input is trivial, and the model
learns nothing about what comes *next*. The right target is `x` shifted by one token.""",
    "windows_mistakes": """**Common mistakes.** Forgetting the shift (`y = x`). A stride larger than context_length: tokens
in the gaps (red in the picture) are never seen. A stride of 1 on a big text: windows multiply
(one per token) and neighbours are almost the same example. Reading the DataLoader's length as a
token count: it counts batches.""",
    "embeddings_what": """**What you are seeing.** An embedding gives every token id a vector: a point in a space of
many dimensions, where the model can place related tokens near each other. Start by hand (the seed's
words against *hardness, brightness, redness*), then a `torch.nn.Embedding`: a table of random
vectors, one row per id, that only training makes meaningful. Then Gemma 3's real `embed_tokens`, read
straight from the model file (Gemma multiplies each row by √hidden_size). The 3D view shows three
dimensions out of hundreds, or the three directions of largest spread (PCA); the heatmap beside it
compares the tokens in *all* dimensions.""",
    "embeddings_mistakes": """**Common mistakes.** Feeding one tokenizer's ids to another's embedding table (the ids mean
different tokens, or do not exist: try *Tokenize with Gemma* and *rows for local BPE*). Reading meaning
into an untrained `nn.Embedding`: its neighbours are random. Trusting three axes: two points far
apart in 3D can be close in the other 600 dimensions, which is why the heatmap is there.""",
    "gemma_no_positions": "Gemma has no position embedding table to add: it encodes positions with rotary embeddings (RoPE) inside attention. Position embeddings can be added to the nn.Embedding source.",
    "train_what": """**What you are seeing.** A tiny decoder-only model (token and position embeddings, a few blocks of
causal self-attention and MLP, an LM head) learns next-token prediction from the windows of the
Windows tab, with `CrossEntropyLoss`, AdamW, gradient clipping and a warmup-then-cosine learning rate.
Before training every token is equally likely, so the loss starts near ln(vocab size): the dotted
line. Validation loss is measured on held-out text the model never trains on. Zero blocks is the
seed's single-layer model: each position sees only its own token, the baseline to beat.""",
    "train_mistake": """**The y = x run** trains the same model with targets equal to inputs. Its training loss dives
to zero, because with causal attention the answer is the token it is reading, while its
validation loss on the real task (predict the *next* token) goes up, and its samples repeat one
token. A low training loss only means something if the target is right.""",
    "next_token_what": """**Seed section 1: the next token.** A language model reads the context and gives every token in
its vocabulary a probability for what comes next. Compare the tiny model you trained with Gemma 3
270M (loaded once, on the first request: about half a minute and 2.6 GB).""",
    "windows_head": "**{n:,} tokens → {w:,} windows → {b:,} batches** of up to {bs}.",
    "windows_shape": "`x` and `y` are `[{rows}, {L}]` tensors (batch, context_length).",
    "windows_overlap": "Consecutive windows share {o} tokens (stride {s} < context_length {L}).",
    "windows_gap": "Stride {s} > context_length {L}: {g} tokens between windows are never seen.",
    "windows_skipped": "{k:,} tokens are in no input (gaps and the dropped tail); {t:,} are never a target.",
    "windows_padded": "{p} tail window(s) padded; their missing targets are -100.",
    # messages the server fills in ({fields} are str.format fields)
    "tokenizer_bpe": 'Local BPE · assets/tokenizer.json',
    "tokenizer_word": 'Local word level · assets/tokenizer_word.json',
    "tokenizer_gemma": 'Gemma 3',
    "feature_hardness": 'hardness',
    "feature_brightness": 'brightness',
    "feature_redness": 'redness',
    "feature_size": 'size',
    "run_next_token": 'next token (y = x shifted)',
    "run_mistake": 'mistake (y = x)',
    "train_loss": 'train',
    "val_loss": 'validation',
    "step": 'step',
    "cross_entropy": 'cross-entropy loss',
    "before": 'before',
    "after": 'after',
    "before_after_title": 'token embeddings before and after training',
    "hand_title": 'hand-made vectors (seed 6.1)',
    "random_title": 'nn.Embedding({vocab:,}, {dim}) for the {tokenizer} tokenizer, seed {seed}, untrained',
    "vocab_title": '{name} · {n} tokens in its vocabulary',
    "note": 'Note: {notes}',
    "typed_special": "the text spells a special token; it became that token's id (tick 'read typed special tokens as text')",
    "loaded_tokenizer": 'Loaded {name}: {n} tokens.',
    "my_bpe": 'my BPE ({n} tokens)',
    "built_bpe": 'Trained {name} on {n} characters.',
    "token_ids_made": '{n} token ids from {file} ({chars} characters) with {tokenizer}.',
    "pairs_made": '{n} pairs (of {total} windows) and {ids} token ids.',
    "link_ignored": 'Link values ignored: {notes}',
    "choose_token": 'choose a token first',
    "train_first": 'Train a model first.',
    "train_for_left": 'Train a model for the left column.',
    "train_status": '**{run}**: step {step}/{steps} · train loss {train} · validation {val} · {steps_per_s} steps/s · {tokens_per_s} tokens/s',
    "train_stopped": 'Stopped.',
    "train_diverged": '⚠️ The loss became NaN or infinite: the learning rate {lr} is too high for this model (try 10x smaller). Training stopped; the model is from the step before.',
    "train_windows": 'Trains on windows 0–{last_train:,} of the {n:,} windows the Windows tab shows for {source}, {tokenizer}, context_length {context_length}, stride {stride}; windows {first_val:,}–{last:,} are held out for validation.',
    "train_windows_gap": "Left out between them, as they share tokens with the held-out ones: {skipped} window(s).",
    "unknown_tokenizer": 'unknown tokenizer {name!r}: choose one of {names}',
    "still_loading": '{what} is still loading ({stage}, {seconds} s so far); try again in a few seconds.',
    "load_failed": '{error}',
    "no_file": 'Upload a .txt file, or choose another source.',
    "no_upload": "There is no uploaded tokenizer yet: upload a tokenizer.json under 'Your own tokenizer' first.",
    "no_trained": "There is no trained tokenizer yet: train a BPE under 'Your own tokenizer' first.",
    "not_whole": '{name} must be a whole number, got {value}',
    "too_small": '{name} must be at least {minimum}, got {value}',
    "too_big": '{name} is capped at {maximum} here, got {value}',
    "not_in_range": '{name} must be above {low} and at most {high}, got {value}',
    "not_choice": '{name} must be one of {options}; got {value}',
    "not_flag": '{name} must be true or false, got {value}',
    "too_short_padded": 'the text has {n} tokens; even a padded window needs 2',
    "too_short": 'the text has {n} tokens; context_length {context_length} needs at least {needed} (x and the one-token shift for y). Use a longer text, a smaller context_length, or keep the padded tail.',
    "too_few_windows": '{tokens} tokens give {n} windows at context_length {context_length} and stride {stride}; training needs at least {needed} (windows to train on and one held out). Use a longer text, a smaller context_length or a smaller stride.',
    "dim_not_divisible": 'embedding_dim {embedding_dim} must be a multiple of the number of attention heads, {n_heads}',
    "dims_not_numbers": 'dimensions must be three whole numbers like 20, 21, 22; got {value}',
    "dims_not_three": 'choose exactly three dimensions, got {n}',
    "dims_not_distinct": 'the three dimensions must differ, got {dims}',
    "dim_missing": 'dimension {dim} does not exist: these vectors have dimensions 0 to {last}',
    "pca_needs_two": 'PCA needs at least two vectors',
    "nothing_to_plot": 'there are no tokens to plot',
    "hand_not_numbers": 'the features of {word!r} must be numbers',
    "hand_empty": 'the table is empty: add a word and its features',
    "hand_ragged": 'every word needs the same number of features',
    "id_not_in_table": "id {id} from the {tokenizer} tokenizer does not exist in {table}, which has {rows:,} rows. Ids only mean something to the tokenizer that made them: build the embedding for the same tokenizer (the seed's tokenizer-mismatch mistake).",
}
