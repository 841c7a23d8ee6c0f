"""Plain data that remembers where each value sits in its file: what every check reads to name a file:line:col.

located_yaml.py builds these from YAML text; the rules, the schema check and the model builder read them. They are
also what the content cache keeps of a file, so they pickle small (`__reduce__`) and unpack their positions only
when a check asks.
"""

from __future__ import annotations

from .problems import Position


class LocDict(dict):
    """A mapping that remembers where it, its keys and its values start (1-based line, col)."""

    pos: Position = (1, 1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_pos: dict = {}
        self.value_pos: dict = {}
        self.value_style: dict = {}
        # key -> ((offset in the value, line, col), …) per source line of a folded ('>') value: its text no longer
        # says where its lines broke (`where_in_text`)
        self.value_lines: dict = {}

    def __reduce__(self):
        """Pickled with its positions as one tuple of numbers, unpacked when first asked for (`__getattr__`).

        A file's parse holds about 2,000 position tuples and dicts, which made unpickling the parses an
        edit rebuild takes from the content cache seven times slower than unpickling their data.
        """
        keys = tuple(self)  # positions go by these keys, not by the mapping's order, should it ever change
        numbers = tuple(n for key in keys for n in (*self.where_key(key), *self.where(key)))
        styles = tuple(self.value_style.get(key) for key in keys)
        return _located_dict, (dict(self), self.pos, keys, numbers, None if styles.count(None) == len(styles) else styles,
                               dict(self.value_lines) or None)

    def __getattr__(self, name):
        packed = self.__dict__.pop("_packed", None)
        if packed is None:
            raise AttributeError(name)
        keys, numbers, styles, lines = packed
        self.key_pos = {key: (numbers[4 * i], numbers[4 * i + 1]) for i, key in enumerate(keys)}
        self.value_pos = {key: (numbers[4 * i + 2], numbers[4 * i + 3]) for i, key in enumerate(keys)}
        self.value_style = dict(zip(keys, styles or (None,) * len(keys)))
        self.value_lines = dict(lines or {})
        return getattr(self, name)

    def without(self, keys) -> LocDict:
        """A copy without `keys`, each other key and value where it was."""
        copy = LocDict({key: value for key, value in self.items() if key not in keys})
        copy.pos = self.pos
        copy.key_pos = {key: self.where_key(key) for key in copy}
        copy.value_pos = {key: self.where(key) for key in copy}
        copy.value_style = {key: self.value_style.get(key) for key in copy}
        copy.value_lines = {key: lines for key, lines in self.value_lines.items() if key in copy}
        return copy

    def where(self, key) -> Position:
        if "_packed" in self.__dict__:
            return self._packed_position(key, 2)
        return self.value_pos.get(key, self.pos)

    def where_key(self, key) -> Position:
        if "_packed" in self.__dict__:
            return self._packed_position(key, 0)
        return self.key_pos.get(key, self.pos)

    def _packed_position(self, key, offset: int) -> Position:
        """A position read from the packed numbers, without unpacking them (the id rules ask every item once)."""
        keys, numbers, _, _ = self._packed
        for index, candidate in enumerate(keys):
            if candidate == key:
                return numbers[4 * index + offset], numbers[4 * index + offset + 1]
        return self.pos

    def where_in_text(self, key, offset: int) -> Position:
        """Position of character `offset` inside the text value of `key`."""
        segments = self.value_lines.get(key)
        if segments:  # the source line holding `offset`, as the value's text gives no line breaks to count
            start, line, col = max((s for s in segments if s[0] <= offset), default=segments[0], key=lambda s: s[0])
            return line, col + max(0, offset - start)
        text = self[key]
        if segments is not None or (self.value_style.get(key) == '"' and "\n" in text):
            # a plain or quoted value over several lines, or one line whose escapes (\n) made several: counting
            # lines in its text pointed past the value, and past the end of the file
            return self.where(key)
        line, col = self.where(key)
        before = text[:offset]
        newlines = before.count("\n")
        in_line = offset - (before.rfind("\n") + 1)
        if self.value_style.get(key) in ("|", ">"):
            key_col = self.where_key(key)[1]
            return line + 1 + newlines, key_col + 2 + in_line
        quote = 1 if self.value_style.get(key) in ("'", '"') else 0
        return line + newlines, (col + quote + in_line) if not newlines else in_line + 1


class LocList(list):
    """A sequence that remembers where it and each item start."""

    pos: Position = (1, 1)

    def __init__(self, *args):
        super().__init__(*args)
        self.item_pos: list[Position] = []

    def where(self, index: int) -> Position:
        return self.item_pos[index] if index < len(self.item_pos) else self.pos

    def __reduce__(self):
        """Pickled with its positions as one tuple of numbers (see LocDict.__reduce__)."""
        return _located_list, (list(self), self.pos, tuple(n for position in self.item_pos for n in position))

    def __getattr__(self, name):
        numbers = self.__dict__.pop("_packed", None)
        if numbers is None:
            raise AttributeError(name)
        self.item_pos = list(zip(numbers[::2], numbers[1::2]))
        return getattr(self, name)


def _located_dict(items: dict, pos: Position, keys: tuple, numbers: tuple, styles: tuple | None,
                  lines: dict | None = None) -> LocDict:
    data = LocDict.__new__(LocDict)
    dict.update(data, items)
    data.pos = pos
    data._packed = (keys, numbers, styles, lines)
    return data


def _located_list(items: list, pos: Position, numbers: tuple) -> LocList:
    data = LocList.__new__(LocList)
    list.extend(data, items)
    data.pos = pos
    data._packed = numbers
    return data
