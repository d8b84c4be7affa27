"""Fixes as data: typed changes (:mod:`.changes`) and the one renderer of their steps."""

from __future__ import annotations

from .changes import (
    ABSENT,
    UNKNOWN,
    Before,
    Change,
    DeleteKey,
    DeleteValue,
    Hive,
    ManualStep,
    Missing,
    RegistryChange,
    RunCommand,
    Safety,
    SetValue,
    Shell,
    ValueType,
    change_from_json,
    manual,
    split_hive,
)
from .plan import Plan, PlanStep, Skipped
from .render import command_line, render_step, render_steps

__all__ = [
    "ABSENT",
    "UNKNOWN",
    "Before",
    "Change",
    "DeleteKey",
    "DeleteValue",
    "Hive",
    "ManualStep",
    "Missing",
    "Plan",
    "PlanStep",
    "RegistryChange",
    "RunCommand",
    "Safety",
    "SetValue",
    "Shell",
    "Skipped",
    "ValueType",
    "change_from_json",
    "command_line",
    "manual",
    "render_step",
    "render_steps",
    "split_hive",
]
