"""One slow load (a model, an index) run once in a background thread, with its progress.

The app stays responsive while it runs; handlers read `stage` and `value` and show progress
until it is ready. A stage (and `what`) may be a key of `minilm.lang`, so the "still loading" and
"could not be loaded" problems read in the learner's language. A failure is reported once; the next
`ready()` or `wait()` tries again, so a fixed cause needs no restart. `console_progress(loader)`
reports the stages on the console. Not here: what is loaded.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Callable

from minilm.lang import EN, Problem, say, words

_STAGE_KEYS = {"not started": "stage_not_started"}


def _worded(value, lang: str):
    """A stage, a name or an error as `lang` words it: keys and `Problem`s are translated, the rest kept."""
    if isinstance(value, BaseException):
        return words(value, lang)
    if not isinstance(value, str):
        return value  # a number: the text's format spec writes it
    key = _STAGE_KEYS.get(value, value)
    return say(key, lang) if key in EN and "{" not in EN[key] else value


class _Loading(Problem):
    """A problem whose values (stage, what, error) are worded in the visitor's language too."""

    def __init__(self, key: str, **values):
        self.raw = values
        super().__init__(key, **{k: _worded(v, "en") for k, v in values.items()})

    def words(self, lang: str) -> str:
        return say(self.key, lang, **{k: _worded(v, lang) for k, v in self.raw.items()})


class BackgroundLoader:
    """Runs `load(progress=...)` once in a background thread; `stage` tells how far it got.

    >>> loader = BackgroundLoader(load_gemma).start()  # doctest: +SKIP
    >>> loader.stage, loader.wait().name  # doctest: +SKIP
    ('ready', 'Gemma 3 270M (bundled GGUF)')
    """

    def __init__(self, load: Callable, *, what: str = "the model"):
        self.what = what
        self._load = load
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.value = None
        self.error: str | None = None  # in English; `ready()` raises it in any language
        self._failure: BaseException | None = None
        self._reported = False  # the failure was raised once: the next call starts a fresh attempt
        self.stage = "not started"
        self.started_at: float | None = None
        self.on_stage: Callable[[str], None] | None = None  # e.g. print, to report progress on a console

    def start(self) -> "BackgroundLoader":
        """Start loading, unless it is under way or done; after a reported failure, start again."""
        with self._lock:
            if self._thread is None or (self._failure is not None and self._reported):
                self._failure, self.error, self._reported, self.stage = None, None, False, "not started"
                self.started_at = time.monotonic()
                self._thread = threading.Thread(target=self._run, name=f"load {self.what}", daemon=True)
                self._thread.start()
        return self

    def wait(self, timeout: float | None = None):
        self.start()._thread.join(timeout)
        return self.ready()

    def ready(self):
        """The value if loaded; else starts loading and raises the one "still loading" (or "failed") problem."""
        self.start()
        if self.value is not None:
            return self.value
        failure = self._failure
        if failure is not None:
            self._reported = True
            raise _Loading("load_failed_because", what=self.what, error=failure)
        raise _Loading("still_loading", what=self.what, stage=self.stage, seconds=round(self.elapsed))

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started_at if self.started_at else 0.0

    def _run(self) -> None:
        try:
            self.value = self._load(progress=self._set_stage)
            self._set_stage("ready")
        except Exception as err:  # shown to the user; the local tokenizer keeps working
            self.error = say("load_failed_because", "en", what=_worded(self.what, "en"), error=words(err, "en"))
            self._set_stage("failed")
            self._failure = err  # last: a retry (which needs it) starts only once this thread is done with its state

    def _set_stage(self, stage: str) -> None:
        self.stage = stage
        if self.on_stage is not None:
            self.on_stage(_worded(stage, "en"))


def console_progress(loader: BackgroundLoader, *, stream=None) -> Callable[[str], None]:
    """An `on_stage` hook printing the loader's progress, readiness (with seconds) or failure on the console.

    >>> loader = BackgroundLoader(lambda progress: 1, what="Gemma 3")  # doctest: +SKIP
    >>> loader.on_stage = console_progress(loader)  # doctest: +SKIP
    """
    def report(stage: str) -> None:
        what = _worded(loader.what, "en")
        if loader.stage == "ready":
            line = say("console_ready", "en", what=what, seconds=loader.elapsed)
        elif loader.stage == "failed":
            line = say("console_failed", "en", error=loader.error)
        else:
            line = say("console_stage", "en", what=what, stage=stage)
        print(line, file=stream or sys.stderr, flush=True)

    return report
