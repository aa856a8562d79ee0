"""Slugs for the post form: suggested from the title, checked for uniqueness."""

from __future__ import annotations

import re
import unicodedata

from psycopg import sql

from .introspect import TableInfo

MAX_LENGTH = 80
_NON_WORD = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = re.compile(r"\A[a-z0-9]+(?:-[a-z0-9]+)*\Z")  # whole text: no trailing newline


def suggest_slug(title: str, max_length: int = MAX_LENGTH) -> str:
    """``"Hello, Wörld! 2026"`` -> ``"hello-world-2026"`` (ASCII, lowercase, hyphens)."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = _NON_WORD.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rstrip("-")
    return slug


def slug_problem(slug: str) -> str:
    """'' if ``slug`` is well formed, else a plain reason."""
    if not slug:
        return "a slug is needed"
    if not SLUG_PATTERN.match(slug):
        return "use lowercase letters, digits and single hyphens (for example my-first-post)"
    return ""


def slug_taken(
    conn, info: TableInfo, slug: str, exclude_key: tuple | None = None, column: str = "slug"
) -> bool:
    """True if another row of ``info`` already uses ``slug``."""
    query = sql.SQL("SELECT 1 FROM {} WHERE {} = %s").format(info.ident(), sql.Identifier(column))
    params: list = [slug]
    if exclude_key is not None and info.primary_key:
        conds = [
            sql.SQL("{} = %s::{}").format(sql.Identifier(c), info.column(c).cast_target())
            for c in info.primary_key
        ]
        query += sql.SQL(" AND NOT ({})").format(sql.SQL(" AND ").join(conds))
        params += list(exclude_key)
    with conn.cursor() as cur:
        cur.execute(query + sql.SQL(" LIMIT 1"), params)
        return cur.fetchone() is not None


def unique_slug(conn, info: TableInfo, title: str, exclude_key: tuple | None = None) -> str:
    """The suggestion for ``title``, with ``-2``, ``-3``... appended until it is free."""
    base = suggest_slug(title) or "post"
    candidate, n = base, 1
    while slug_taken(conn, info, candidate, exclude_key):
        n += 1
        suffix = f"-{n}"
        candidate = base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
    return candidate
