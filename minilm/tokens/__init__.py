"""Guide sections 3 and 4: text becomes tokens and ids, by a local tokenizer or by Gemma 3's.

`tokenizer` (the seed's `Tokenizer`), `registry` (tokenizers by name), `gemma` (Gemma 3's tokenizer,
offline), `vocab` (building the local ones), `sandbox` (uploaded ones), `compare` (where two cut
differently), `files` (`token_ids.txt`), `settings` (the tab's inputs and what it shows), `figures`
(chips and boundary maps), `snippets` (the code behind the view).
"""
