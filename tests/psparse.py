"""The tree-sitter PowerShell grammar, as the collector-script test uses it, for the exports."""

from __future__ import annotations

import re

import pytest

# What Windows PowerShell 2.0 (Windows 7) does not have, and the version that brought it.
PS3_ONLY = (
    ("ConvertTo-Json", "cmdlet, PowerShell 3.0"),
    ("ConvertFrom-Json", "cmdlet, PowerShell 3.0"),
    ("[ordered]", "type accelerator, PowerShell 3.0"),
    ("Get-CimInstance", "cmdlet, PowerShell 3.0"),
    ("$PSItem", "automatic variable, PowerShell 3.0"),
    ("$PSScriptRoot", "automatic variable in scripts, PowerShell 3.0"),
    (" -in ", "operator, PowerShell 3.0"),
    (" -notin ", "operator, PowerShell 3.0"),
    (".ForEach(", "intrinsic method, PowerShell 4.0"),
    (".Where(", "intrinsic method, PowerShell 4.0"),
    ("using namespace", "statement, PowerShell 5.0"),
    ("::new(", "constructor syntax, PowerShell 5.0"),
    ("RegistryView", ".NET 4 (PowerShell 2.0 runs on .NET 2)"),
    ("OpenBaseKey", ".NET 4 (PowerShell 2.0 runs on .NET 2)"),
)
_CLASS = re.compile(r"^\s*class\s", re.MULTILINE)


def parse_errors(text: str) -> list[str]:
    """Every ERROR or MISSING node of ``text`` under the tree-sitter PowerShell grammar."""
    ts = pytest.importorskip("tree_sitter", reason="pip install tree-sitter (test extras)")
    grammar = pytest.importorskip("tree_sitter_powershell", reason="test extras")
    tree = ts.Parser(ts.Language(grammar.language())).parse(text.encode("utf-8"))
    bad: list[str] = []
    stack = [tree.root_node]
    lines = text.splitlines()
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            row = node.start_point[0]
            bad.append(
                f"{node.type} at line {row + 1}: {lines[row][:100] if row < len(lines) else ''}"
            )
        stack.extend(node.children)
    if tree.root_node.has_error and not bad:
        bad.append("the tree has an error")
    return bad


def ps2_problems(text: str) -> list[str]:
    """The PowerShell 3.0+ features ``text`` uses."""
    found = [f"{needle} ({why})" for needle, why in PS3_ONLY if needle in text]
    if _CLASS.search(text):
        found.append("class (statement, PowerShell 5.0)")
    return found
