"""Versioned prompt templates of the data pipeline (``training/data/templates/<name>.<lang>.txt``).

Each file is a YAML header (name, version, lang, description, ``truncate``: the variable that may be
shortened to fit the context window) followed by ``### system`` and ``### user`` sections in
`string.Template` syntax (``$case``). `string.Template` rather than Jinja or ``str.format`` because
the prompts contain JSON examples full of braces and need nothing but substitution.

    tmpl = load_template("multi_generate", "zh")
    messages = tmpl.render(case="...")
    tmpl.identity      # {"name", "version", "sha"}: part of every cache key

Bump ``version`` when a prompt's meaning changes; the cache key also holds the text's hash, so an
edit without a bump can never return stale cached outputs.
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from psycollm.backends.base import Message
from psycollm.errors import ConfigError

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
_HEADER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_SECTION = re.compile(r"^### (system|user)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    version: str
    lang: str
    description: str
    system: str
    user: str
    truncate: str  # variable shortened when the prompt does not fit ('' = none)
    sha: str
    path: str

    @property
    def identity(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version, "lang": self.lang, "sha": self.sha}

    @property
    def variables(self) -> set[str]:
        names: set[str] = set()
        for text in (self.system, self.user):
            for match in string.Template.pattern.finditer(text):
                name = match.group("named") or match.group("braced")
                if name:
                    names.add(name)
        return names

    def render(self, **variables: str) -> list[Message]:
        missing = self.variables - set(variables)
        if missing:
            raise ConfigError(f"template {self.name}.{self.lang} needs {sorted(missing)}")
        messages: list[Message] = []
        if self.system.strip():
            messages.append({"role": "system", "content": string.Template(self.system).substitute(variables).strip()})
        messages.append({"role": "user", "content": string.Template(self.user).substitute(variables).strip()})
        return messages


def parse_template(text: str, path: str = "<string>") -> PromptTemplate:
    match = _HEADER.match(text)
    if not match:
        raise ConfigError(f"{path}: a prompt template starts with a '---' YAML header (name, version, lang).")
    header = yaml.safe_load(match.group(1)) or {}
    for key in ("name", "version", "lang"):
        if key not in header:
            raise ConfigError(f"{path}: header lacks '{key}'.")
    body = text[match.end():]
    parts = _SECTION.split(body)
    sections = {parts[i]: parts[i + 1].strip("\n") for i in range(1, len(parts) - 1, 2)}
    if "user" not in sections:
        raise ConfigError(f"{path}: no '### user' section.")
    return PromptTemplate(
        name=str(header["name"]), version=str(header["version"]), lang=str(header["lang"]),
        description=str(header.get("description", "")), system=sections.get("system", ""),
        user=sections["user"], truncate=str(header.get("truncate", "") or ""),
        sha=hashlib.sha256(text.encode("utf-8")).hexdigest()[:12], path=path)


@cache
def load_template(name: str, lang: str, directory: str | None = None) -> PromptTemplate:
    """The template ``<name>.<lang>.txt``; English when no file exists for ``lang``."""
    folder = Path(directory) if directory else TEMPLATE_DIR
    path = folder / f"{name}.{lang}.txt"
    if not path.exists():
        path = folder / f"{name}.en.txt"
    if not path.exists():
        raise ConfigError(f"No prompt template {name}.{lang}.txt in {folder}.")
    tmpl = parse_template(path.read_text(encoding="utf-8"), str(path))
    if tmpl.name != name:
        raise ConfigError(f"{path}: header name '{tmpl.name}' does not match the file name.")
    return tmpl


def all_templates(directory: str | None = None) -> list[PromptTemplate]:
    folder = Path(directory) if directory else TEMPLATE_DIR
    out = []
    for path in sorted(folder.glob("*.txt")):
        name, lang = path.name[:-4].rsplit(".", 1)
        out.append(load_template(name, lang, directory))
    return out
