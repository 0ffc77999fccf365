"""Take it home, in a real browser: the code each tab shows and the notebook the page's button gives.

A learner opens a link, reads the Windows tab's code for that view, clicks *Download as a notebook*
(its label in the page's language) and gets a file: a valid notebook whose Markdown is in that language
and whose code carries the link's settings. Debian's Chromium under Playwright, fenced to the app.
"""

import pytest

from helpers import block_off_host

pytestmark = [pytest.mark.slow, pytest.mark.browser]
WAIT_MS = 30_000
LINK = "?tab=windows&context_length=8&stride=4&windows_tokenizer=word&steps=5"
WORDS = {  # what a person reads, in each language
    "en": ("Download as a notebook", "## 1. The next token", "minilm_lesson.ipynb", "Your notebook (.ipynb)"),
    "tr": ("Notebook olarak indir", "## 1. Bir sonraki token", "minilm_ders.ipynb", "Notebook’unuz (.ipynb)"),
}


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_download_as_a_notebook_gives_the_views_notebook_in_the_pages_language(browser, app_url, lang, tmp_path):
    import nbformat

    button_label, first_heading, file_name, file_label = WORDS[lang]
    context = browser.new_context(viewport={"width": 1300, "height": 1000}, locale="en-US", accept_downloads=True)
    block_off_host(context, app_url)
    page = context.new_page()
    page.goto(f"{app_url}{LINK}&lang={lang}")
    page.wait_for_function("() => document.querySelector('#windows-summary')?.innerText?.includes('[1, 8]')", timeout=90_000)

    # The Windows tab's code, for this view: its accordion opened as a learner would
    page.get_by_text({"en": "Show the code", "tr": "Kodu göster"}[lang]).locator("visible=true").first.click()
    page.wait_for_function("() => (document.querySelector('#windows-code .cm-content')?.innerText || '').includes('stride=4')",
                           timeout=WAIT_MS)
    code = page.locator("#windows-code .cm-content").inner_text()
    assert 'get_tokenizer("word")' in code and "context_length=8, stride=4, batch_size=1" in code

    button = page.locator("#download-notebook")
    assert button.inner_text().strip() == button_label
    button.click()
    link = page.locator("#notebook-file a").first
    link.wait_for(timeout=WAIT_MS)
    shown = page.locator("#notebook-file").inner_text()
    assert file_name in shown.replace("\n", "") and shown.startswith(file_label), shown  # the name is drawn in two parts
    with page.expect_download(timeout=WAIT_MS) as info:
        link.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name == file_name

    nb = nbformat.read(str(saved), as_version=4)
    nbformat.validate(nb)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert markdown[1].startswith(first_heading)
    assert all(other not in "".join(markdown) for other in (WORDS["tr" if lang == "en" else "en"][1],))
    windows = next(c.source for c in nb.cells if c.get("id") == "windows-code")
    assert "context_length=8, stride=4" in windows
    train = next(c.source for c in nb.cells if c.get("id") == "train-code")
    assert 'tokenizer="word"' in train and "steps=5" in train
    context.close()
