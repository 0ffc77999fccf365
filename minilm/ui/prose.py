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
