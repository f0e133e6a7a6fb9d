"""The workflow engine: definitions as data, shared machines, one transition function.

No Flask views live here; features call `start`, `fire`, `touch` and `available_actions`.
"""

from .core import (
    SYSTEM,
    Action,
    TransitionContext,
    available_actions,
    fire,
    start,
    subject_of,
    touch,
)
from .errors import (
    EngineError,
    GuardRefused,
    InvalidInput,
    NotAllowed,
    NotVisible,
    StaleVersion,
    UnknownAction,
    WrongState,
)
from .models import Case, ChainHead, HistoryEntry
from .registry import effect, guard, subject
from .workflows import WorkflowSet, workflows

__all__ = [
    "SYSTEM",
    "Action",
    "Case",
    "ChainHead",
    "EngineError",
    "GuardRefused",
    "HistoryEntry",
    "InvalidInput",
    "NotAllowed",
    "NotVisible",
    "StaleVersion",
    "TransitionContext",
    "UnknownAction",
    "WorkflowSet",
    "WrongState",
    "available_actions",
    "effect",
    "fire",
    "guard",
    "start",
    "subject",
    "subject_of",
    "touch",
    "workflows",
]
