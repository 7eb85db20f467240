"""Safe, bounded, line-aware YAML loading.

PyYAML's ``safe_load`` does not bound aliases: a few lines can expand into a
billion nodes once anything walks the result. This loader composes the node graph
(which is linear in the text), measures what it would expand to, and only then
constructs Python values. It also remembers where every key and value sits, so
errors can name a line and column. libyaml's parser (PyYAML's C loader) reads the text
when PyYAML was built with it, as its wheels are: ten times the pure-Python one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import yaml

from kairos_ci.errors import ConfigProblem

MAX_BYTES = 256 * 1024
MAX_ALIASES = 100
MAX_EXPANDED_NODES = 100_000

_STR_TAG = "tag:yaml.org,2002:str"
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"  # libyaml's own cap, 1000 levels

Path_ = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based line and column


@dataclass(frozen=True)
class YamlDocument:
    data: object
    value_positions: Mapping[Path_, Position]
    key_positions: Mapping[Path_, Position]

    def position(self, path: Path_, *, of_key: bool = False) -> Position | None:
        """Where ``path`` is written, falling back to its nearest written ancestor."""
        for depth in range(len(path), -1, -1):
            prefix = path[:depth]
            if of_key and depth == len(path) and prefix in self.key_positions:
                return self.key_positions[prefix]
            if prefix in self.value_positions:
                return self.value_positions[prefix]
        return None


class YamlRejected(Exception):
    def __init__(self, problem: ConfigProblem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def load_yaml(text: str, source: str) -> YamlDocument:
    """Parse one YAML document; raise ``YamlRejected`` with a located problem."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise _rejected(source, None, f"file is larger than {MAX_BYTES // 1024} KiB")
    try:
        loader = _safe_loader(text)
    except yaml.reader.ReaderError as err:
        raise _not_text(source, err) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise _rejected(source, None, "file is empty; it needs at least `version: 1`")
        _check_graph(node, source)
        value_positions: dict[Path_, Position] = {}
        key_positions: dict[Path_, Position] = {}
        _record_positions(node, (), value_positions, key_positions, source)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as err:
        raise _rejected(source, err.problem_mark, _describe(err)) from None
    except yaml.reader.ReaderError as err:  # libyaml's reader meets them only here
        raise _not_text(source, err) from None
    except yaml.YAMLError as err:
        raise _rejected(source, None, f"YAML error: {err}") from None
    except RecursionError:
        raise _rejected(source, None, "YAML is nested too deeply") from None
    finally:
        loader.dispose()
    return YamlDocument(data, value_positions, key_positions)


def _safe_loader(text: str) -> yaml.SafeLoader | yaml.CSafeLoader:
    """A safe loader; the pure-Python one rejects control characters already here."""
    if hasattr(yaml, "CSafeLoader"):  # absent when PyYAML was built without libyaml
        return yaml.CSafeLoader(text)
    return yaml.SafeLoader(text)


def _check_graph(root: yaml.Node, source: str) -> None:
    """Reject recursive aliases, too many aliases, and alias bombs, before expanding."""
    sizes: dict[int, int] = {}
    seen_twice = 0
    stack: list[tuple[yaml.Node, Iterator[yaml.Node]]] = [(root, _children(root))]
    on_stack = {id(root)}
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            on_stack.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(c)] for c in _children(node))
            if sizes[id(node)] > MAX_EXPANDED_NODES:
                raise _rejected(
                    source,
                    node.start_mark,
                    f"YAML expands to more than {MAX_EXPANDED_NODES:,} nodes through aliases",
                )
            continue
        if id(child) in on_stack:
            raise _rejected(source, child.start_mark, "recursive YAML alias")
        if id(child) in sizes:
            seen_twice += 1
            if seen_twice > MAX_ALIASES:
                raise _rejected(source, child.start_mark, f"more than {MAX_ALIASES} YAML aliases")
            continue
        stack.append((child, _children(child)))
        on_stack.add(id(child))


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, yaml.SequenceNode):
        yield from node.value


def _record_positions(
    node: yaml.Node,
    path: Path_,
    values: dict[Path_, Position],
    keys: dict[Path_, Position],
    source: str,
) -> None:
    values[path] = _position(node.start_mark)
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_positions(item, (*path, index), values, keys, source)
    elif isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR_TAG:
                raise _rejected(source, key_node.start_mark, "keys must be plain strings")
            key = key_node.value
            if key in seen:
                raise _rejected(source, key_node.start_mark, f"duplicate key '{key}'")
            seen.add(key)
            keys[(*path, key)] = _position(key_node.start_mark)
            _record_positions(value_node, (*path, key), values, keys, source)


def _position(mark: yaml.Mark) -> Position:
    return (mark.line + 1, mark.column + 1)


def _describe(err: yaml.MarkedYAMLError) -> str:
    if err.problem and _LIBYAML_TOO_DEEP in err.problem:
        return "YAML is nested too deeply"
    parts = [p for p in (err.context, err.problem) if p]
    return "YAML syntax error: " + ", ".join(parts)


def _not_text(source: str, err: yaml.reader.ReaderError) -> YamlRejected:
    """Control characters, which YAML does not allow anywhere."""
    return _rejected(source, None, "not YAML text: " + " ".join(str(err).split()))


def _rejected(source: str, mark: yaml.Mark | None, message: str) -> YamlRejected:
    line, column = _position(mark) if mark is not None else (None, None)
    return YamlRejected(ConfigProblem(source, "", line, column, message))
