"""Inserting thousands of rows at once: COPY on PostgreSQL, ``bulk_create`` elsewhere.

Batch imports write tens of thousands of rows (articles, MinHash bands, spans and their audit
events). ``bulk_create`` spends most of that time in Python: compiling one placeholder per
field per row, then psycopg quoting every value into the statement (Django's client-side
binding). PostgreSQL's ``COPY ... FROM STDIN`` through psycopg's ``Cursor.copy`` streams the
rows instead, with psycopg's C row writer. The primary keys are taken from the table's
sequence first (one query), so the caller gets its objects back with their pks, as from
``bulk_create``.

Both functions take part in the caller's transaction, as ``bulk_create`` does; nothing here
commits. Model ``save()`` is not called (as with ``bulk_create``); ``auto_now`` /
``auto_now_add`` fields get the time of the insert.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Any, TypeVar

from django.db import connection, models
from django.utils import timezone

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
    # auto_now / auto_now_add get one time for the whole insert (bulk_create's pre_save
    # gives each row its own, a few microseconds apart).
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                setattr(obj, field.attname, now)
    getter = attrgetter(*(f.attname for f in fields))
    special = [(i, _converter(f)) for i, f in enumerate(fields) if not isinstance(f, _PLAIN)]

    def rows() -> Iterable[Sequence[Any]]:
        if not special:
            yield from map(getter, objs)
            return
        for obj in objs:
            row = list(getter(obj))
            for i, convert in special:
                row[i] = convert(row[i])
            yield row

    copy_rows(meta.db_table, [f.column for f in fields], rows())
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def _converter(field: models.Field) -> Callable[[Any], Any]:
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def to_json(value: Any) -> Any:
            return None if value is None and field.null else json.dumps(value, cls=encoder)

        return to_json
    # Anything else (binary, decimal, uuid ...) as Django prepares it for this database.
    return lambda value: field.get_db_prep_save(value, connection)
