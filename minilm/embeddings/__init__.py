"""Guide sections 6 to 8: vectors for tokens, from hand-made ones to Gemma 3's embed_tokens, in 3D.

`gguf` and `tables` (reading embedding tables), `vectors` (the three sources, one sentence at a time),
`neighbours` (nearest tokens by cosine), `projection` (three axes or PCA), `settings` (the tab's
inputs), `figures` (the 3D scatter and the cosine heatmap).
"""
