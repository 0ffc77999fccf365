"""The Gradio layer: one module per tab. The only package besides app.py that imports gradio."""
