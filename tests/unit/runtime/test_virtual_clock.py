"""The virtual clock: time moves only when told (or, ``auto``, when everything waits on a timer)."""

from __future__ import annotations

import asyncio

import pytest

from emulator.runtime.virtual_clock import VirtualClock, holding, parking, within

START = 1_700_000_000.0


async def _sleeper(clock: VirtualClock, seconds: float, woke: list[tuple[float, float]]) -> None:
    await clock.sleep(seconds)
    woke.append((seconds, clock.now()))


async def test_time_stands_still_until_advanced() -> None:
    clock = VirtualClock(START)
    woke: list[tuple[float, float]] = []
    task = asyncio.ensure_future(_sleeper(clock, 10, woke))
    for _ in range(20):
        await asyncio.sleep(0)
    assert woke == [] and clock.now() == START
    assert clock.pending() == [START + 10]
    await clock.advance(10)
    await task
    assert woke == [(10, START + 10)]


async def test_advance_fires_timers_in_deadline_order_at_their_own_deadlines() -> None:
    clock = VirtualClock(START)
    woke: list[tuple[float, float]] = []
    tasks = [asyncio.ensure_future(_sleeper(clock, s, woke)) for s in (30, 10, 20)]
    await clock.advance(100)
    await asyncio.gather(*tasks)
    assert woke == [(10, START + 10), (20, START + 20), (30, START + 30)]
    assert clock.now() == START + 100


async def test_a_timer_set_by_a_woken_sleeper_fires_within_the_same_advance() -> None:
    clock = VirtualClock(START)
    stamps: list[float] = []

    async def chain() -> None:
        for _ in range(3):
            await clock.sleep(5)
            stamps.append(clock.now())

    task = asyncio.ensure_future(chain())
    await clock.advance(12)
    assert stamps == [START + 5, START + 10]
    await clock.advance(3)
    await task
    assert stamps == [START + 5, START + 10, START + 15]


async def test_the_clock_never_moves_backwards() -> None:
    clock = VirtualClock(START)
    with pytest.raises(ValueError):
        await clock.set(START - 1)
    with pytest.raises(ValueError):
        await clock.advance(-1)


async def test_auto_jumps_to_each_timer_when_everything_waits() -> None:
    clock = VirtualClock(START, auto=True)
    woke: list[tuple[float, float]] = []
    await asyncio.gather(_sleeper(clock, 365 * 86400, woke), _sleeper(clock, 60, woke))
    assert woke == [(60, START + 60), (365 * 86400, START + 365 * 86400)]
    await clock.close()


async def test_auto_does_not_skip_while_work_is_out_with_a_service() -> None:
    clock = VirtualClock(START, auto=True)
    woke: list[tuple[float, float]] = []
    release = asyncio.Event()

    async def service_call() -> None:
        with holding(clock):
            await release.wait()

    call = asyncio.ensure_future(service_call())
    await asyncio.sleep(0)
    sleeper = asyncio.ensure_future(_sleeper(clock, 60, woke))
    for _ in range(50):
        await asyncio.sleep(0)
    assert woke == []
    release.set()
    await asyncio.gather(call, sleeper)
    assert woke == [(60, START + 60)]
    await clock.close()


async def test_a_parked_wait_holds_auto_but_not_an_explicit_advance() -> None:
    clock = VirtualClock(START, auto=True)

    async def waiting_for_a_worker() -> None:
        with holding(clock), parking(clock):
            await within(asyncio.Event().wait(), 60, clock)

    task = asyncio.ensure_future(waiting_for_a_worker())
    for _ in range(50):
        await asyncio.sleep(0)
    assert not task.done() and clock.now() == START
    await clock.advance(60)  # does not wait for the parked work: its timer fires
    with pytest.raises(TimeoutError):
        await task
    await clock.close()


async def test_within_answers_the_result_before_the_deadline() -> None:
    clock = VirtualClock(START)

    async def quick() -> str:
        await asyncio.sleep(0)
        return "done"

    assert await within(quick(), 10, clock) == "done"
    assert clock.pending() == []  # the timer was cancelled


@pytest.mark.parametrize("virtual", [False, True], ids=["real clock", "virtual clock"])
async def test_within_keeps_a_cancellation_that_arrives_as_the_work_ends(virtual: bool) -> None:
    # StopExecution cancelling a Task state in the very turn its call answers must still stop it
    # (3.11's asyncio.wait_for returned the answer and dropped the cancellation).
    clock = VirtualClock(START) if virtual else None
    answer: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    task = asyncio.ensure_future(within(answer, 10, clock))
    await asyncio.sleep(0)
    answer.set_result("done")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    if clock is not None:
        await clock.close()


async def test_reset_cancels_sleepers_and_restarts_the_time() -> None:
    clock = VirtualClock(START)
    task = asyncio.ensure_future(clock.sleep(10))
    await asyncio.sleep(0)
    clock.reset(START + 5000)
    with pytest.raises(asyncio.CancelledError):
        await task
    assert clock.now() == START + 5000 and clock.pending() == []


async def test_a_wait_parked_outside_any_hold_does_not_offset_another_hold() -> None:
    clock = VirtualClock(START)
    finished: list[bool] = []

    async def parked_alone() -> None:  # a nested execution's parent waiting for its token
        with parking(clock):
            await asyncio.Event().wait()

    async def service_call() -> None:
        with holding(clock):
            for _ in range(50):  # an answer from another thread: loop steps without clock reads
                await asyncio.sleep(0)
            finished.append(True)

    parked = asyncio.ensure_future(parked_alone())
    call = asyncio.ensure_future(service_call())
    await clock.advance(10)  # waits for the held call, whatever is parked elsewhere
    assert finished == [True]
    parked.cancel()
    await asyncio.gather(parked, call, return_exceptions=True)


async def test_auto_does_not_skip_while_an_evaluation_runs_on_a_thread() -> None:
    import threading

    from emulator.language.evaluate.budget import SliceExhausted
    from emulator.runtime.evaluation import Evaluations

    clock = VirtualClock(START, auto=True)
    go = threading.Event()
    calls: list[int] = []

    def step() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise SliceExhausted()  # too long for the loop's slice: it goes to a thread
        go.wait(timeout=30)  # (the test releases it: no wall-clock wait when all goes well)
        return "done"

    woke: list[tuple[float, float]] = []
    sleeper = asyncio.ensure_future(_sleeper(clock, 60, woke))
    evaluation = asyncio.ensure_future(Evaluations(clock=clock).run(step))
    for _ in range(100):
        await asyncio.sleep(0)
    assert len(calls) == 2 and woke == [] and clock.now() == START  # held while the thread works
    go.set()
    assert await evaluation == "done"
    await sleeper
    assert woke == [(60, START + 60)]
    await clock.close()
