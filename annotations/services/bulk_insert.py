"""Inserting thousands of rows at once: COPY on PostgreSQL, ``bulk_create`` elsewhere.

Batch imports write tens of thousands of rows (articles, MinHash bands, spans and their audit
events). ``bulk_create`` spends most of that time in Python: compiling one placeholder per
field per row, then psycopg quoting every value into the statement (Django's client-side
binding). PostgreSQL's ``COPY ... FROM STDIN`` through psycopg's ``Cursor.copy`` streams the
rows instead, with psycopg's C row writer. The primary keys are taken from the table's
sequence first (one query), so the caller gets its objects back with their pks, as from
``bulk_create``.

Both functions take part in the caller's transaction, as ``bulk_create`` does; nothing here
commits. Model ``save()`` is not called (as with ``bulk_create``); ``pre_save`` is, so
``auto_now`` / ``auto_now_add`` fields get their time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.db import connection, models

__all__ = ["bulk_insert", "copy_rows"]

M = TypeVar("M", bound=models.Model)

# Field classes whose Python value psycopg writes as it is (ints, strings, bools, datetimes).
_PLAIN = (
    models.AutoField,
    models.BigAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.DateTimeField,
    models.FloatField,
    models.ForeignKey,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.TextField,
)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY plain rows (tuples of Python values) into ``table`` on PostgreSQL."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def bulk_insert(objs: Sequence[M], *, batch_size: int = 1000) -> Sequence[M]:
    """Insert unsaved model instances of one model and set their pks; returns ``objs``."""
    if not objs:
        return objs
    model = type(objs[0])
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs, batch_size=batch_size)
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objs)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
    for obj, pk_value in zip(objs, ids, strict=True):
        setattr(obj, pk.attname, pk_value)
    fields = list(meta.concrete_fields)
    converters = [_converter(f) for f in fields]

    def rows() -> Iterable[list[Any]]:
        for obj in objs:
            yield [
                convert(field.pre_save(obj, True))
                for field, convert in zip(fields, converters, strict=True)
            ]

    copy_rows(meta.db_table, [f.column for f in fields], rows())
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def _same(value: Any) -> Any:
    return value


def _converter(field: models.Field) -> Callable[[Any], Any]:
    if isinstance(field, _PLAIN):
        return _same
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def to_json(value: Any) -> Any:
            return None if value is None and field.null else json.dumps(value, cls=encoder)

        return to_json
    # Anything else (binary, decimal, uuid ...) as Django prepares it for this database.
    return lambda value: field.get_db_prep_save(value, connection)
