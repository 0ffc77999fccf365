"""torch's thread count put back after each test of training (the helpers they share: lm_helpers.py)."""

import pytest
import torch


@pytest.fixture(autouse=True)
def keep_threads():
    """A test may switch torch's thread count; the session's (one, as the app) comes back."""
    before = torch.get_num_threads()
    try:
        yield
    finally:
        torch.set_num_threads(before)
