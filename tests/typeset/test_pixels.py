"""The decoded-pixel budget: threads take turns once their frames would pass the limit."""

from __future__ import annotations

import threading

from paperpress.typeset.pixels import Budget, decoded_bytes


def test_decoded_sizes_follow_pillow_modes() -> None:
    assert decoded_bytes("P", (100, 10)) == 1000
    assert decoded_bytes("I;16", (100, 10)) == 2000
    assert decoded_bytes("RGB", (100, 10)) == 4000  # Pillow pads three bands to four bytes


def test_holders_never_pass_the_limit_together() -> None:
    budget = Budget(100)
    inside = threading.Barrier(2)  # the first two holders (40 each) are inside together
    done = []

    def work(size: int, meet: bool) -> None:
        with budget.hold(size):
            if meet:
                inside.wait(timeout=10)
            done.append(size)

    threads = [threading.Thread(target=work, args=(40, True)) for _ in range(2)]
    threads += [threading.Thread(target=work, args=(size, False)) for size in (70, 30, 100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(done) == [30, 40, 40, 70, 100]
    assert budget.peak <= 100 and budget.held == 0


def test_a_frame_larger_than_the_limit_runs_alone() -> None:
    budget = Budget(100)
    with budget.hold(250):
        assert budget.held == 250
    assert budget.peak == 250 and budget.held == 0
