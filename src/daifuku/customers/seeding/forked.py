"""Run a generator of batches in a forked process while the caller writes them.

Seeding is two kinds of work on two cores: building rows in Python (generation, name and
phone cleaning, search n-grams) and writing them (the database client). The builder runs
in a child forked from the loading process (so it has the same state — caches, random
streams — and produces exactly what the loader would produce alone); batches come back in
order through a pipe, one or two ahead of the writer. The child never touches the
database connection it inherits: it exits with ``os._exit`` (multiprocessing's fork
start method), which closes nothing.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")


def _produce(make_items: Callable[[], Iterator], sender) -> None:
    try:
        for item in make_items():
            sender.send(("item", item))
        sender.send(("done", None))
    except BaseException:  # noqa: BLE001 — reported to the parent, which raises
        sender.send(("error", traceback.format_exc()))
    finally:
        sender.close()


def in_forked_process(make_items: Callable[[], Iterator[T]]) -> Iterator[T]:
    """The items of ``make_items()``, computed in a forked child process, in order."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_produce, args=(make_items, sender), daemon=True)
    process.start()
    sender.close()
    try:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError:
                raise RuntimeError("the seeding worker process died") from None
            if kind == "done":
                return
            if kind == "error":
                raise RuntimeError(f"the seeding worker process failed:\n{payload}")
            yield payload
    finally:
        receiver.close()
        process.join(timeout=10)
        if process.is_alive():
            process.terminate()
            process.join()
