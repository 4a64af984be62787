"""convlib.timing: warm blocks, turns, medians and argument checks, on a fake clock."""

from __future__ import annotations

import statistics

import pytest

from convlib import timing


class FakeClock:
    """A ``perf_counter`` that moves only when a timed function says how long it took."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def function(self, durations, log=None, name=None):
        """A callable whose calls take ``durations`` seconds in turn (then the last one)."""
        durations = list(durations)

        def call():
            seconds = durations.pop(0) if len(durations) > 1 else durations[0]
            self.now += seconds
            if log is not None:
                log.append((name, seconds))

        return call


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(timing, "perf_counter", fake)
    return fake


def test_the_median_is_the_median_of_the_samples(clock):
    result = timing.time_warm(clock.function([5.0, 1.0, 4.0, 2.0, 3.0]), 5, warm_up=0)
    assert result.samples == (5.0, 1.0, 4.0, 2.0, 3.0)
    assert result.median == 3.0
    even = timing.time_warm(clock.function([4.0, 1.0, 2.0, 8.0]), 4, warm_up=0)
    assert even.median == statistics.median(even.samples) == 3.0
    turns = timing.time_in_turns({"a": clock.function([1.0, 9.0, 2.0])}, 3, warm_up=0)
    assert turns["a"] == (2.0, (1.0, 9.0, 2.0))


def test_the_warm_up_is_not_timed(clock):
    # Two slow calls (10 s each) fill a 15 s warm-up; the three timed calls follow.
    result = timing.time_warm(clock.function([10.0, 10.0, 1.0, 2.0, 3.0]), 3, warm_up=15)
    assert result.samples == (1.0, 2.0, 3.0)
    assert clock.now == 26.0


def test_a_warm_up_makes_one_call_at_least(clock):
    log = []
    timing.time_warm(clock.function([100.0, 1.0], log), 2, warm_up=0.5)
    assert [seconds for _, seconds in log] == [100.0, 1.0, 1.0]


def test_peers_take_turns_in_blocks_in_a_rotating_order(clock):
    log = []
    functions = {name: clock.function([1.0], log, name) for name in "abc"}
    result = timing.time_in_turns(functions, repeats=5, block=2, warm_up=0)
    order = "".join(name for name, _ in log)
    assert order == "aabbcc" + "bbccaa" + "cab"  # the last round has one call left each
    assert list(result) == ["a", "b", "c"]
    assert all(len(t.samples) == 5 for t in result.values())


def test_every_block_starts_with_untimed_calls(clock):
    log = []
    slow_then_fast = clock.function([9.0, 1.0], log, "a")
    other = clock.function([0.5], log, "b")
    result = timing.time_in_turns({"a": slow_then_fast, "b": other}, repeats=2, block=1, warm_up=2)
    assert result["a"].samples == (1.0, 1.0)  # the 9 s first call was a warm-up call
    assert result["b"].samples == (0.5, 0.5)
    # Round 1: a warms up (9 s), a timed, b warms up (4 x 0.5 s), b timed; round 2 from b.
    assert [name for name, _ in log] == ["a", "a"] + ["b"] * 5 + ["b"] * 5 + ["a"] * 3


def test_a_peer_over_its_budget_gets_no_more_blocks(clock):
    functions = {"slow": clock.function([10.0]), "fast": clock.function([1.0])}
    result = timing.time_in_turns(functions, repeats=6, block=2, warm_up=0, budget=15)
    assert result["slow"].samples == (10.0, 10.0)  # 20 s after one block: stopped
    assert len(result["fast"].samples) == 6


def test_settle_allocator_runs():
    assert timing.settle_allocator() is None
    assert timing.settle_allocator(2**20) is None


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: timing.time_warm(print, 0), ValueError, r"time_warm: repeats must be positive"),
        (lambda: timing.time_warm(print, 2.5), TypeError, r"time_warm: repeats must be an int"),
        (lambda: timing.time_warm(None, 3), TypeError, r"time_warm: function must be callable"),
        (
            lambda: timing.time_warm(print, 3, warm_up=-1),
            ValueError,
            r"time_warm: warm_up must be >= 0 seconds, got warm_up=-1",
        ),
        (
            lambda: timing.time_warm(print, 3, warm_up="0.2"),
            TypeError,
            r"time_warm: warm_up must be a number of seconds",
        ),
        (
            lambda: timing.time_in_turns([print], 3),
            TypeError,
            r"time_in_turns: functions must be a mapping",
        ),
        (
            lambda: timing.time_in_turns({}, 3),
            ValueError,
            r"time_in_turns: functions must name at least one",
        ),
        (
            lambda: timing.time_in_turns({"a": print, "b": 1}, 3),
            TypeError,
            r"time_in_turns: functions\['b'\] must be callable",
        ),
        (
            lambda: timing.time_in_turns({"a": print}, 3, block=0),
            ValueError,
            r"time_in_turns: block must be positive",
        ),
        (
            lambda: timing.time_in_turns({"a": print}, 3, budget=0),
            ValueError,
            r"time_in_turns: budget must be > 0 seconds",
        ),
        (
            lambda: timing.settle_allocator(True),
            TypeError,
            r"settle_allocator: nbytes must be an integer",
        ),
    ],
)
def test_bad_arguments_name_the_function_and_the_parameter(call, error, message):
    with pytest.raises(error, match=message):
        call()
