"""What the training tests share: a chooser that alternates thread counts, and a run's events reduced to the
numbers a learner reads."""

from minilm.lm.threads import HeldThreads


class Alternating(HeldThreads):
    """A chooser that switches at every step: `Alternating(1)` runs 2, 1, 2, 1, ... threads."""

    def start_step(self):
        self.threads = 3 - self.threads
        return super().start_step()


def losses(events):
    """Each event's step, losses, whether its validation loss is fresh, and learning rate."""
    return [(e.step, e.train_loss, e.val_loss, e.val_fresh, e.lr) for e in events]
