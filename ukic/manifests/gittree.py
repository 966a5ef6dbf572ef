"""Copy a configuration folder as git sees it, at a base commit or in the working tree, into a temp folder.

Only git plumbing is used (rev-parse, ls-tree, cat-file, ls-files), so it works in a shallow CI
clone as long as the base commit was fetched, and ignores .gitattributes export rules.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ukic.errors import UsageError
from ukic.manifests.reader import is_manifest_file

_FETCH_HINT = "in a shallow CI clone, fetch it first, e.g. `git fetch --depth=1 origin main`"


@dataclass(frozen=True)
class Checkout:
    """Where the folder lives in its repository."""

    toplevel: Path
    prefix: str  # the folder relative to the repository root, "" or ending in "/"


def locate(folder: Path) -> Checkout:
    """The repository holding folder; UsageError when there is none (or no git)."""
    if not folder.is_dir():
        raise UsageError(f"manifests {folder}: no such folder")
    top = _git(folder, "rev-parse", "--show-toplevel", what=f"--base: {folder} is not inside a git repository")
    prefix = _git(folder, "rev-parse", "--show-prefix", what=f"--base: {folder}: cannot read its git prefix")
    return Checkout(Path(top.decode().strip()), prefix.decode().strip())


def resolve(checkout: Checkout, ref: str) -> str:
    """The commit id a ref names; UsageError naming the ref when the repository does not have it."""
    if not ref or ref.startswith("-"):
        raise UsageError(f"--base {ref!r}: not a git ref")
    result = _run(checkout.toplevel, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if result.returncode != 0:
        raise UsageError(f"--base {ref}: no such commit in {checkout.toplevel} ({_FETCH_HINT})")
    return result.stdout.decode().strip()


def export_commit(checkout: Checkout, commit: str, into: Path) -> int:
    """Write the folder's manifest files as of commit under into; returns how many (0: folder absent)."""
    listing = _git(
        checkout.toplevel,
        "ls-tree", "-r", "-z", "--full-tree", commit, "--", checkout.prefix or ".",
        what=f"--base: cannot list {checkout.prefix or '.'} at {commit}",
    )  # fmt: skip
    blobs: list[tuple[str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.decode("utf-8", "surrogateescape").partition("\t")
        mode, kind, sha = meta.split()
        if kind != "blob" or mode == "120000" or not is_manifest_file(path):
            continue  # submodules, symlinks and other files are not manifests
        blobs.append((sha, safe_relative(path, f"--base {commit}")[len(checkout.prefix) :]))
    contents = _cat_blobs(checkout.toplevel, [sha for sha, _ in blobs])
    for (_sha, rel), data in zip(blobs, contents, strict=True):
        target = into / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return len(blobs)


def export_worktree(folder: Path, into: Path) -> int:
    """Copy the folder's manifest files git would see (tracked or untracked, not ignored) under into."""
    listing = _git(
        folder, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".",
        what=f"--base: cannot list the files of {folder}",
    )  # fmt: skip
    count = 0
    root = folder.resolve()
    for rel in sorted(set(listing.decode("utf-8", "surrogateescape").split("\0"))):
        if not rel:
            continue
        source = folder / safe_relative(rel, f"--base: working tree {folder}")
        if not is_manifest_file(rel) or source.is_symlink() or not source.is_file():
            continue  # deleted in the working tree, a symlink, or not a manifest
        if not source.resolve().is_relative_to(root):
            continue  # reached through a symlinked folder: outside the tree
        target = into / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        count += 1
    return count


def safe_relative(path: str, where: str) -> str:
    """``path`` if it stays inside the tree (relative, no ``..``, no empty or ``.`` part); else UsageError."""
    parts = path.split("/")
    if path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
        raise UsageError(f"{where}: refusing the path {path!r}: it would lead outside the repository's folder")
    return str(PurePosixPath(path))


def _cat_blobs(toplevel: Path, shas: list[str]) -> list[bytes]:
    """Blob contents in order, read through one `git cat-file --batch`."""
    if not shas:
        return []
    request = "".join(f"{sha}\n" for sha in shas).encode()
    out = _git(toplevel, "cat-file", "--batch", what="--base: cannot read files from git", stdin=request)
    contents, pos = [], 0
    for sha in shas:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        if len(header) != 3 or header[0].decode() != sha:
            raise UsageError(f"--base: git could not read object {sha}")
        size = int(header[2])
        start = header_end + 1
        contents.append(out[start : start + size])
        pos = start + size + 1  # the content is followed by a newline
    return contents


def _run(cwd: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError("--base needs git on PATH") from None


def _git(cwd: Path, *args: str, what: str, stdin: bytes | None = None) -> bytes:
    result = _run(cwd, *args, stdin=stdin)
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip().splitlines()
        raise UsageError(f"{what}" + (f" ({detail[-1]})" if detail else ""))
    return result.stdout
