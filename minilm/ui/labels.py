"""Every short label on the page, by key, in English; `minilm/ui/prose_tr.py` has the Turkish.

Keys are snake_case without dots (the browser's i18n reads dots as nesting). Longer explanations
live in `minilm/ui/prose.py` and are keyed in `minilm/ui/i18n.py`.
"""

LABELS = {
    # page
    "tab_tokens": "Tokens", "tab_windows": "Windows", "tab_embeddings": "Embeddings", "tab_train": "Train",
    "copy_link": "Copy the link to this view",
    # tokens
    "local_bpe_choice": "BPE · assets/tokenizer.json", "local_word_choice": "Word level · assets/tokenizer_word.json",
    "uploaded_choice": "My uploaded tokenizer.json", "trained_choice": "My trained BPE",
    "text_label": "Text (up to 20,000 characters)", "try": "Try", "local_tokenizer": "Local tokenizer",
    "add_bos": "Add special tokens (<bos> at the start)", "split_special": "Read typed special tokens (<bos>) as text",
    "own_tokenizer": "Your own tokenizer", "upload_tokenizer": "Upload a tokenizer.json", "train_on": "Train on",
    "the_corpus": "the corpus", "my_txt": "my .txt file", "train_text": "Text to train on (.txt, UTF-8, up to 5 MB)",
    "vocab_size": "Vocabulary size", "train_bpe": "Train a BPE", "gemma3": "Gemma 3", "show_code": "Show the code",
    "whole_file": "Tokenize a whole text file (token_ids.txt)", "your_txt_or_corpus": "Your .txt (empty: assets/text.txt)",
    "tokenizer": "Tokenizer", "make_ids": "Make token_ids.txt",
    # windows
    "prompt_source": "the text in the Tokens tab", "corpus_source": "assets/text.txt", "tokens_from": "Tokens from",
    "your_txt": "Your .txt (UTF-8)", "local_bpe": "local BPE", "local_word": "local word level",
    "keep_tail": "keep the tail (pad it; targets ignored by the loss)", "show_mistake": "show the common mistake (y = x)",
    "stream_plot": "the stream and its windows", "stride_plot": "A2: windows against stride",
    "download_pairs": "Download the pairs and token_ids.txt", "format": "format", "make_files": "Make the files",
    "pairs": "pairs",
    # embeddings
    "hand_made": "hand-made (seed 6.1)", "random_embedding": "nn.Embedding, untrained", "gemma_embed": "Gemma 3 embed_tokens",
    "vectors_from": "Vectors from", "sentence_a": "Sentence A", "sentence_b": "Sentence B (A1: swap france for germany)",
    "hand_table": "Hand-made vectors: edit them", "tokenize_with": "Tokenize with",
    "rows_for": "nn.Embedding rows for (its vocab size)", "dims": "three dimensions to plot", "pca": "PCA instead",
    "positions": "add position embeddings", "lines": "join consecutive tokens", "scatter": "3D view (drag to rotate)",
    "heatmap": "cosine similarity, every dimension", "neighbours_of": "nearest neighbours of",
    "neighbours": "neighbours (whole vocabulary)",
    # train
    "train_source": "Train on (local BPE tokens)", "also_mistake": "also run the y = x mistake, on the same chart",
    "start": "Start", "stop": "Stop", "blocks": "blocks (0 = single-layer)", "width": "width", "learning_rate": "learning rate",
    "loss": "loss", "continue_this": "continue this", "temperature": "temperature (0 = greedy)", "top_k": "top-k (0 = all)",
    "sample": "Sample", "sample_out": "sample", "embeddings_of": "embeddings of", "before_after": "Before and after training",
    "embeddings_pca": "token embeddings, PCA", "context": "context", "next_token": "Next token",
    "your_tiny_model": "your tiny model", "gemma_270m": "Gemma 3 270M",
}
