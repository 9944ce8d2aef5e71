"""Reading YAML for the content library: the fast C parser where present, repeated keys refused.

PyYAML silently keeps the last of two equal keys in one mapping; in files people edit by
hand that hides mistakes (a copy key defined twice, a competency listed twice), so this
loader refuses them.
"""

from __future__ import annotations

from typing import Any

import yaml

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A safe YAML loader that refuses a key repeated in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Build a mapping, failing on the first repeated key."""
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


def load_yaml(text: str) -> Any:
    """Parse one YAML document with `StrictLoader`."""
    return yaml.load(text, Loader=StrictLoader)
