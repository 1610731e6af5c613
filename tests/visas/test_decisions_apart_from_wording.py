"""The rules engine decides; it does not word. Sentences live in visas/wording.py, where they
are translated at display time."""

from __future__ import annotations

import ast
from pathlib import Path

import visas.rules


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _in_raise(tree: ast.AST) -> set[int]:
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise):
            inside |= {id(child) for child in ast.walk(node)}
    return inside


def test_the_engine_composes_no_sentences() -> None:
    tree = ast.parse(Path(visas.rules.__file__).read_text())
    skipped = _docstrings(tree) | _in_raise(tree)
    sentences = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        and len(node.value.split()) >= 3
    ]
    assert sentences == []
