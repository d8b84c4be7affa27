r"""The registry in memory: keys and values with the operations a fix engine needs.

Keys and value names compare case-insensitively, as Windows does, and keep the case and the order
in which they were exported, so an export read here and written back is the same file.

The keys form a tree (one node per key component, children looked up by folded name): deleting a
key with all its subkeys unlinks one node, and a key 30,000 components deep costs 30,000 nodes,
not the 30,000 prefixes of the flat index the parser used to build (issue 11 point 6).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .regfile import (
    NAME_CACHE,
    DeleteKey,
    RegData,
    RegOp,
    RegParseError,
    RegValue,
    SetKey,
    SetValue,
    _fold,
    _split_key,
    iter_reg,
)

__all__ = ["MEMORY_ALLOWANCE", "MEMORY_FACTOR", "RegistryModel", "memory_limit"]

# What the tree costs in CPython memory, measured with tracemalloc on 3.11 and rounded up: a node
# with its slot in the parent's dict, a key's first subkey or value (its dict of them), a value with
# its slot and line number; strings are counted apart (``_str_cost``). Estimated while parsing,
# not measured: counting is free, tracemalloc is not.
_NODE_COST = 130
_DICT_COST = 200
_VALUE_COST = 160
# Issue 11 point 6: what one export adds to the model stays under MEMORY_FACTOR times its bytes,
# plus MEMORY_ALLOWANCE (so a small file is never refused: one key at Windows' full depth of 512
# levels costs ~170 KB). The decoded text and the parser add ~1x on top, so the peak stays under
# 5x the file plus the allowance. Realistic exports need ~2x; what needs more (tens of thousands
# of one-letter keys or values, many keys hundreds of levels deep) is refused as unreadable
# evidence.
MEMORY_FACTOR = 3.75
MEMORY_ALLOWANCE = 256 * 1024


def memory_limit(file_bytes: int) -> int:
    """The most the model of ``file_bytes`` bytes of exports may cost (see ``MEMORY_FACTOR``)."""
    return int(MEMORY_FACTOR * file_bytes) + MEMORY_ALLOWANCE


class _Node:
    """One key. ``key`` is its full spelling as exported, ``None`` for an implied parent."""

    __slots__ = ("children", "key", "name", "values")

    def __init__(self, name: str) -> None:
        self.name = name
        self.key: str | None = None
        self.children: dict[str, _Node] | None = None
        self.values: dict[str, RegValue] | None = None


class RegistryModel:
    r"""A mutable registry tree.

    Key arguments take either root spelling (``HKEY_LOCAL_MACHINE`` or ``HKLM``), any case and a
    trailing backslash; a path with another root or an empty component raises ``ValueError``.
    ``""`` names the default value (``@=`` in a ``.reg`` file). Keys that were exported (or
    created here) are *explicit*: ``keys()`` lists them in the order they appeared and the
    writer gives each its ``[KEY]`` section. The parents of explicit keys exist too
    (``has_key``, ``subkeys``) but have no section and no values until something is set on them.
    """

    def __init__(self) -> None:
        """Create an empty registry."""
        self._roots: dict[str, _Node] = {}
        # Explicit keys in the order they appeared. A list (8 bytes a key, a dict took ~50): a
        # deleted node stays in it with ``key`` None and is skipped.
        self._order: list[_Node] = []
        self._explicit_count = 0
        # Estimated bytes of memory held by nodes and values ever created (deletions do not
        # give it back: the budget bounds the work a file can cause, not only what remains).
        self._cost = 0
        # Value name -> folded name, shared like the parser shares the names (same bound).
        self._folds: dict[str, str] = {}

    @property
    def cost(self) -> int:
        """Estimated bytes of memory the keys and values created so far took."""
        return self._cost

    @classmethod
    def from_reg(cls, data: bytes, source: str) -> RegistryModel:
        """Parse one ``.reg`` file and apply it; raises ``RegParseError`` on a bad file.

        A file whose model would cost more than ``memory_limit(len(data))`` is a bad file too.
        """
        model = cls()
        model.apply(iter_reg(data, source), max_cost=memory_limit(len(data)))
        return model

    @classmethod
    def from_ops(cls, ops: Iterable[RegOp]) -> RegistryModel:
        """Apply ``ops`` to an empty registry."""
        model = cls()
        model.apply(ops)
        return model

    # --- applying a file ----------------------------------------------------------------------

    def apply(self, ops: Iterable[RegOp], max_cost: int | None = None) -> None:
        """Apply operations as ``reg import`` does: later ones override earlier ones.

        With ``max_cost``, raise ``RegParseError`` at the first operation that takes ``cost``
        above it (the operations before it stay applied). What one call adds to ``cost`` is never
        more than the same operations cost in an empty model, so a file accepted alone is
        accepted in a merge with the same budget for it.
        """
        # Per call, like the parser's: a cache filled by earlier files would count differently.
        self._folds = {}
        for op in ops:
            if isinstance(op, SetKey):
                self._explicit(op.key)
            elif isinstance(op, DeleteKey):
                self.delete_key(op.key)
            elif isinstance(op, SetValue):
                node = self._explicit(op.key)
                if node.values is None:
                    node.values = {}
                    self._cost += _DICT_COST
                name = op.value.name
                folded = self._folds.get(name)
                self._cost += _VALUE_COST + _data_cost(op.value)
                if folded is None:
                    folded = _fold(name)
                    self._cost += 2 * _str_cost(name)
                    if len(self._folds) < NAME_CACHE:
                        self._folds[name] = folded
                        self._cost += _str_cost(name) + 100
                node.values[folded] = op.value
            else:
                values = self._explicit(op.key).values
                if values is not None:
                    values.pop(_fold(op.name), None)
            if max_cost is not None and self._cost > max_cost:
                where = op.value if isinstance(op, SetValue) else op
                source, line = where.source, where.line
                raise RegParseError(
                    f"too many keys and values for the file's size (more than {MEMORY_FACTOR}x "
                    f"its size in memory): not a real export",
                    source,
                    line,
                )

    # --- reading ------------------------------------------------------------------------------

    def has_key(self, key: str) -> bool:
        """Whether the key exists (explicit, or a parent of an explicit key)."""
        return self._find(_parts(key)) is not None

    def get_value(self, key: str, name: str) -> RegValue | None:
        """The value ``name`` of ``key``, or ``None`` when the key or the value is absent."""
        node = self._find(_parts(key))
        if node is None or node.values is None:
            return None
        return node.values.get(_fold(name))

    def values(self, key: str) -> list[RegValue]:
        """The values of ``key`` in their order; empty when the key is absent."""
        node = self._find(_parts(key))
        return [] if node is None or node.values is None else list(node.values.values())

    def subkeys(self, key: str) -> list[str]:
        """Names of the immediate subkeys of ``key`` as spelt, in the order they appeared."""
        node = self._find(_parts(key))
        if node is None or node.children is None:
            return []
        return [child.name for child in node.children.values()]

    def keys(self) -> list[str]:
        r"""Every explicit key as ``HKLM\...``, in the order it appeared."""
        return [node.key for node in self._order if node.key is not None]

    def __len__(self) -> int:
        """Count the explicit keys."""
        return self._explicit_count

    def __iter__(self) -> Iterator[tuple[str, list[RegValue]]]:
        """Each explicit key with its values, in order (what the writer writes)."""
        for node in self._order:
            if node.key is not None:
                yield node.key, [] if node.values is None else list(node.values.values())

    def to_ops(self) -> list[RegOp]:
        """The operations that rebuild this registry: a ``[KEY]`` and its values per key."""
        ops: list[RegOp] = []
        for key, values in self:
            ops.append(SetKey(key, "", 0))
            ops.extend(SetValue(key, value) for value in values)
        return ops

    # --- changing -----------------------------------------------------------------------------

    def create_key(self, key: str) -> None:
        """Create ``key`` (and its parents) as an explicit key; nothing if it is one already."""
        self._explicit("\\".join(_parts(key)))

    def set_value(self, key: str, name: str, type_: int, data: RegData) -> RegValue:
        """Set value ``name`` of ``key`` (created if missing) and return it.

        A value that exists keeps its place and the case of its name, as ``RegSetValueEx`` does.
        """
        node = self._explicit("\\".join(_parts(key)))
        if node.values is None:
            node.values = {}
        folded = _fold(name)
        old = node.values.get(folded)
        value = RegValue(name if old is None else old.name, int(type_), data, "", 0)
        node.values[folded] = value
        return value

    def delete_value(self, key: str, name: str) -> bool:
        """Delete value ``name`` of ``key``; return whether there was one."""
        node = self._find(_parts(key))
        if node is None or node.values is None:
            return False
        return node.values.pop(_fold(name), None) is not None

    def delete_key(self, key: str) -> bool:
        """Delete ``key`` with all its subkeys; return whether it existed.

        A root (``HKLM``) cannot be deleted: that raises ``ValueError``.
        """
        parts = _parts(key)
        if len(parts) == 1:
            raise ValueError(f"cannot delete a registry root: {key!r}")
        path = self._path(parts)
        if path is None:
            return False
        parent, node = path[-2], path[-1]
        assert parent.children is not None
        del parent.children[_fold(node.name)]
        # Forget the explicit keys of the subtree, iteratively: a deep key must not recurse.
        stack = [node]
        while stack:
            current = stack.pop()
            if current.key is not None:
                current.key = None
                self._explicit_count -= 1
            if current.children:
                stack.extend(current.children.values())
            # Dead nodes stay in ``_order``: let their values and subkeys go.
            current.children = current.values = None
        # An implied parent exists only for its subkeys: drop those left with none.
        for index in range(len(path) - 2, 0, -1):
            here = path[index]
            if here.key is not None or here.children:
                break
            above = path[index - 1]
            assert above.children is not None
            del above.children[_fold(here.name)]
        if len(path) >= 2 and path[0].key is None and not path[0].children:
            self._roots.pop(_fold(path[0].name), None)
        return True

    # --- the tree -----------------------------------------------------------------------------

    def _find(self, parts: tuple[str, ...]) -> _Node | None:
        node = self._roots.get(_fold(parts[0]))
        for part in parts[1:]:
            if node is None or node.children is None:
                return None
            node = node.children.get(_fold(part))
        return node

    def _path(self, parts: tuple[str, ...]) -> list[_Node] | None:
        node = self._roots.get(_fold(parts[0]))
        if node is None:
            return None
        path = [node]
        for part in parts[1:]:
            if node.children is None:
                return None
            found = node.children.get(_fold(part))
            if found is None:
                return None
            node = found
            path.append(node)
        return path

    def _explicit(self, key: str) -> _Node:
        """The node of ``key`` (normalised, short root), created with its parents if missing."""
        parts = key.split("\\")
        folded = _fold(parts[0])
        node = self._roots.get(folded)
        if node is None:
            node = self._roots[folded] = _Node(parts[0])
            self._cost += _NODE_COST
        for part in parts[1:]:
            if node.children is None:
                node.children = {}
                self._cost += _DICT_COST
            folded = _fold(part)
            child = node.children.get(folded)
            if child is None:
                # The name itself where folding leaves it alone ("SOFTWARE", "{GUID}"): one
                # string, not two.
                same = folded == part
                child = node.children[part if same else folded] = _Node(part)
                self._cost += _NODE_COST + _str_cost(part) + (0 if same else _str_cost(folded))
            node = child
        if node.key is None:
            node.key = key
            self._order.append(node)
            self._explicit_count += 1
            self._cost += _str_cost(key)
        return node

    def __repr__(self) -> str:
        return f"<RegistryModel {len(self)} keys>"


def _str_cost(text: str) -> int:
    """Bytes of a str object (one-character Latin-1 strings are shared by CPython: free)."""
    if len(text) <= 1 and text.isascii():
        return 0
    return 60 + len(text) * (1 if text.isascii() else 4)


def _data_cost(value: RegValue) -> int:
    """Bytes a value's data holds beyond the value itself (its text, items or bytes)."""
    data = value.data
    raw = 0 if value.raw is None else 40 + len(value.raw)
    if isinstance(data, int):
        return 40
    if isinstance(data, tuple):
        return 60 + 8 * len(data) + sum(_str_cost(item) for item in data) + raw
    if isinstance(data, str):
        return _str_cost(data) + raw
    return 40 + len(data) + raw


def _parts(key: str) -> tuple[str, ...]:
    parts = _split_key(key)
    if parts is None:
        raise ValueError(f"not a registry key path: {key!r}")
    return parts
