"""Guide section 5: a token stream becomes `(x, y)` next-token windows.

`loader` (`create_data_loader` and counts by formula), `settings` (the tab's inputs: which stream,
which windows), `figures` (the pairs table, the stream picture, windows against stride).
"""
