"""The seed's reference route, verbatim from module1_1_guide section 12 ("Basit pencereleyici"):
what the benchmarks measure minilm against. Not to be improved: it is the baseline."""

from typing import List, Tuple

import torch


def make_windows(token_ids: List[int], ctx_len: int, stride: int) -> List[Tuple[List[int], List[int]]]:
    windows = []
    for start in range(0, max(0, len(token_ids) - ctx_len), stride):
        x = token_ids[start:start+ctx_len]
        # target is the next-token version of x
        y = token_ids[start+1:start+ctx_len+1]
        if len(y) < ctx_len:
            # pad target if you use padding; or skip
            # Here we skip incomplete tail window
            break
        windows.append((x, y))
    return windows

class TinyDataset(torch.utils.data.Dataset):
    def __init__(self, windows):
        self.windows = windows
    def __len__(self):
        return len(self.windows)
    def __getitem__(self, idx):
        x, y = self.windows[idx]
        return torch.tensor(x, dtype=torch.long), torch.tensor(y, dtype=torch.long)
