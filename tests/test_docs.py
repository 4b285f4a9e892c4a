"""Every file the repository cites exists in the checkout, nothing cites notes kept outside
it, and docs/theory.md has a section for every registered claim.

What counts as a citation (precise enough to have no false positives on prose and maths):
- a repository-relative path: a run of path characters starting at a top-level folder
  (`spec/`, `reference/`, `proofs/`, `tests/`, `docs/`, `benchmarks/`, `.ci/`), not
  preceded by another path character (so paths inside site-packages and URLs are not
  citations), and ending in a file extension or in `/` (any name under `.ci/`); a `*`
  makes it a glob that must match something. A file path starting at the import name
  `genaccess` is a citation too, and always a wrong one: the checkout has no such folder;
- a top-level file name: an all-capitals Markdown name (`README.md`) or one of the usual
  top-level configuration files (`pyproject.toml`, `conftest.py`);
- in Markdown, a link target (relative to the page), with its `#anchor` when it has one.
Markdown pages are read whole; Python files only in their docstrings and comments (string
literals in code, such as the fake paths tests feed to commands, are not citations).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THEORY = ROOT / "docs" / "theory.md"

DOC_PAGES = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
CODE_FOLDERS = ("spec", "reference", "proofs", "tests", "benchmarks")
SKIPPED_DIRS = {".git", ".venv", ".hypothesis", ".mypy_cache", ".ruff_cache", ".pytest_cache",
                "__pycache__", "build", "dist", "genaccess-out"}
TEXT_SUFFIXES = {".py", ".md", ".toml", ".cfg", ".ini", ".txt", ".yml", ".yaml", ".json", ""}

# Built from pieces so that this file does not itself cite what it forbids.
OUTSIDE_CITATIONS = ("THEORY" + ".md", ".." + "/shared", "/work" + "/shared")

PATH_ROOTS = ("spec", "reference", "proofs", "tests", "docs", "benchmarks", r"\.ci", "genaccess")
ROOTED_PATH = re.compile(r"(?<![\w./*-])((?:" + "|".join(PATH_ROOTS) + r")/[\w./*-]*)")
EXTENSIONS = ("py", "md", "toml", "png", "json", "txt", "cfg", "yml", "yaml")
TOP_LEVEL_FILE = re.compile(
    r"(?<![\w./-])([A-Z][A-Z0-9_]*\.md|pyproject\.toml|conftest\.py|setup\.py|setup\.cfg)\b")
MARKDOWN_LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)\)")
EXPLICIT_ANCHOR = re.compile(r"""<a\s+(?:id|name)=["']([^"']+)["']""")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
# "docs/theory.md, HP1": a claim ID after the comma (prose such as "docs/theory.md, the" is
# not a citation of a section).
THEORY_CITATION = re.compile(r"docs/theory\.md,\s+([A-Z][A-Z0-9]+)\b")


# ---------------------------------------------------------------------------------------
# Extraction


def cited_paths(text: str) -> set[str]:
    """The repository paths `text` cites (see the module docstring)."""
    found: set[str] = set()
    for match in ROOTED_PATH.finditer(text):
        path = match.group(1).rstrip(".-")
        name = path.rsplit("/", 1)[-1]
        is_file = "." in name and name.rsplit(".", 1)[-1] in EXTENSIONS
        if is_file or (not name and not path.startswith("genaccess/")) \
                or path.startswith(".ci/"):
            found.add(path)
    found.update(match.group(1) for match in TOP_LEVEL_FILE.finditer(text))
    return found


def exists(path: str, root: Path = ROOT) -> bool:
    if "*" in path:
        return any(root.glob(path))
    return (root / path).exists()


def docstrings_and_comments(source: str) -> str:
    """The docstrings and comments of a Python source, one per line."""
    parts: list[str] = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                parts.append(doc)
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            parts.append(token.string)
    return "\n".join(parts)


def code_files() -> Iterator[Path]:
    yield ROOT / "conftest.py"
    for folder in CODE_FOLDERS:
        yield from sorted(p for p in (ROOT / folder).rglob("*.py")
                          if not SKIPPED_DIRS & set(p.relative_to(ROOT).parts))


def text_files() -> Iterator[Path]:
    """Every text file of the checkout (tracked or not), outside tool and build folders."""
    for path in sorted(ROOT.rglob("*")):
        parts = path.relative_to(ROOT).parts
        if (path.is_file() and not SKIPPED_DIRS & set(parts)
                and not any(part.endswith(".egg-info") for part in parts)
                and path.suffix in TEXT_SUFFIXES):
            yield path


def outside_mark(text: str) -> str | None:
    """The first citation of something outside the checkout in `text`, if any."""
    return next((mark for mark in OUTSIDE_CITATIONS if mark in text), None)


def missing_paths(text: str, root: Path = ROOT) -> list[str]:
    return sorted(path for path in cited_paths(text) if not exists(path, root))


def _outside_fences(text: str) -> Iterator[str]:
    fenced = False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            yield line


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to `-`."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    """Explicit `<a id>` anchors and heading anchors (with GitHub's `-1`, `-2` for repeats)."""
    found = set(EXPLICIT_ANCHOR.findall(markdown))
    seen: dict[str, int] = {}
    for line in _outside_fences(markdown):
        heading = HEADING.match(line)
        if heading:
            base = slug(heading.group(2))
            count = seen.get(base, 0)
            found.add(base if count == 0 else f"{base}-{count}")
            seen[base] = count + 1
    return found


def broken_links(page: Path, text: str) -> list[str]:
    """Markdown links of `page` whose file or anchor does not exist."""
    broken: list[str] = []
    for target in MARKDOWN_LINK.findall(text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        linked = (page.parent / file_part).resolve() if file_part else page
        unanchored = (linked.exists() and bool(anchor) and linked.suffix == ".md"
                      and anchor not in anchors(linked.read_text()))
        if not linked.exists() or unanchored:
            broken.append(target)
    return broken


def theory_sections(markdown: str) -> set[str]:
    """Claim IDs with a section in docs/theory.md: an anchor named by the ID and a heading
    that starts with it."""
    headed = {m.group(2).split()[0] for line in _outside_fences(markdown)
              if (m := HEADING.match(line)) and m.group(2).split()}
    return set(EXPLICIT_ANCHOR.findall(markdown)) & headed


def bad_theory_citations(text: str, theory_anchors: set[str]) -> list[str]:
    """Claim IDs cited as a section of docs/theory.md that has no such anchor."""
    return [name for name in THEORY_CITATION.findall(text) if name not in theory_anchors]


# ---------------------------------------------------------------------------------------
# The repository


def test_cited_paths_exist_in_the_checkout() -> None:
    missing = [f"{page.relative_to(ROOT)}: {path}"
               for page in DOC_PAGES for path in missing_paths(page.read_text())]
    missing += [f"{source.relative_to(ROOT)}: {path}"
                for source in code_files()
                for path in missing_paths(docstrings_and_comments(source.read_text()))]
    assert not missing, "cited paths missing from the checkout:\n" + "\n".join(missing)


def test_markdown_links_resolve() -> None:
    broken = [f"{page.relative_to(ROOT)}: {target}"
              for page in DOC_PAGES for target in broken_links(page, page.read_text())]
    assert not broken, "links to a missing file or anchor:\n" + "\n".join(broken)


def test_nothing_cites_files_outside_the_checkout() -> None:
    citing = [f"{path.relative_to(ROOT)}: {mark}"
              for path in text_files()
              if (mark := outside_mark(path.read_text(errors="replace"))) is not None]
    assert not citing, ("files citing something outside the repository (cite docs/theory.md "
                        "by claim ID instead):\n" + "\n".join(citing))


def test_theory_has_a_section_for_every_claim() -> None:
    from genaccess.spec.claims import REGISTRY  # here, so the path checks run without it

    sections = theory_sections(THEORY.read_text())
    missing = [claim.id for claim in REGISTRY if claim.id not in sections]
    assert not missing, f"docs/theory.md has no section (anchor and heading) for {missing}"


def test_theory_citations_name_a_section() -> None:
    theory_anchors = anchors(THEORY.read_text())
    texts = [(page, page.read_text()) for page in DOC_PAGES]
    texts += [(source, docstrings_and_comments(source.read_text())) for source in code_files()]
    bad = [f"{source.relative_to(ROOT)}: docs/theory.md, {name}"
           for source, text in texts for name in bad_theory_citations(text, theory_anchors)]
    assert not bad, "citations of docs/theory.md naming no section:\n" + "\n".join(bad)


# ---------------------------------------------------------------------------------------
# The rules catch what they are for, and only that


FAKE_PAGE = """\
# A page

See `genaccess/spec/access.py` and `spec/no_such_module.py`; run `python benchmarks/gone.py`;
the table is in [the blueprint](blueprint.md#claim-NOPE) and [a page](missing.md).
The notes are in NOTES.md. This follows docs/theory.md, HP9 (and docs/theory.md, the rest).
Fine: `spec/access.py`, `spec/claims/<id>.py`, `tests/test_hf_*.py`, [theory](theory.md#HP1),
alpha/(1-alpha), delta/2, site-packages/genaccess/spec/access.py, `genaccess/...`,
docs/theory.md, HP1.
"""


def test_the_rules_catch_bad_citations() -> None:
    assert missing_paths(FAKE_PAGE) == ["NOTES.md", "benchmarks/gone.py",
                                        "genaccess/spec/access.py", "spec/no_such_module.py"]
    page = ROOT / "docs" / "fake.md"
    assert broken_links(page, FAKE_PAGE) == ["blueprint.md#claim-NOPE", "missing.md"]
    assert bad_theory_citations(FAKE_PAGE, anchors(THEORY.read_text())) == ["HP9"]
    assert outside_mark(FAKE_PAGE) is None
    assert outside_mark("see " + OUTSIDE_CITATIONS[0] + " section 4") == OUTSIDE_CITATIONS[0]
    assert outside_mark("cp " + OUTSIDE_CITATIONS[1] + "/STYLE.md .") == OUTSIDE_CITATIONS[1]


def test_python_citations_are_read_from_docstrings_and_comments_only() -> None:
    source = '''"""Module: see `spec/gone.py`."""
# and reference/gone.py
PATH = "tests/not_a_citation.py"
def f() -> None:
    """Cites docs/gone.md."""
'''
    assert missing_paths(docstrings_and_comments(source)) == [
        "docs/gone.md", "reference/gone.py", "spec/gone.py"]


def test_theory_sections_need_anchor_and_heading() -> None:
    text = '<a id="HP1"></a>\n\n### HP1 — title\n\n<a id="HP2"></a>\n\n### Other\n\n### HP3 x\n'
    assert theory_sections(text) == {"HP1"}


def test_heading_anchors_follow_github() -> None:
    text = "# A\n## 5. Model 1: noisy (`noisy-sample(eta)`)\n## A\n```\n# not a heading\n```\n"
    assert anchors(text) == {"a", "5-model-1-noisy-noisy-sampleeta", "a-1"}
