"""Plain SQL for the few statements every request runs, with the ORM's own column conversions.

Compiling a QuerySet to SQL costs Django 0.3 to 0.9 ms each time (the user with its organisation
is 53 columns); the query itself costs a tenth of that. The session, the logged-in user, the
agreements gate and the audit chain run on every request or every login, so they write their SQL
once, from the models' metadata, and turn rows into model instances here with the same converters
the ORM applies (dates on SQLite, booleans, JSON). Everything else keeps using the ORM.

Table and column names come from the models and are quoted by the database backend; values are
always parameters. That is why the SQL built here carries `noqa: S608` (string-built SQL).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import connections
from django.db.models import Field, Model


def table(model: type[Model], alias: str = "default") -> str:
    return connections[alias].ops.quote_name(model._meta.db_table)


def field(model: type[Model], name: str) -> Field[Any, Any]:
    """A concrete field of `model` (not a reverse relation)."""
    found = model._meta.get_field(name)
    assert isinstance(found, Field), name
    return found


def _column(model: type[Model], name: str) -> str:
    column_name = field(model, name).column
    assert column_name is not None, name
    return column_name


def column(model: type[Model], name: str, alias: str = "default") -> str:
    return connections[alias].ops.quote_name(_column(model, name))


def columns(model: type[Model], prefix: str, alias: str = "default") -> str:
    """The model's concrete columns, qualified by `prefix` (a table alias), in field order."""
    quote = connections[alias].ops.quote_name
    return ", ".join(f"{prefix}.{quote(str(f.column))}" for f in model._meta.concrete_fields)


def _converters(model: type[Model], connection):
    """The ORM's converters for each column, kept on the connection they are bound to (each
    thread has its own connection, and a converter may read its connection's settings)."""
    known = connection.__dict__.setdefault("_knooppunt_converters", {})
    if model not in known:
        found = []
        for field in model._meta.concrete_fields:
            col = field.get_col(model._meta.db_table)
            found.append(
                (col, connection.ops.get_db_converters(col) + col.get_db_converters(connection))
            )
        known[model] = ([f.attname for f in model._meta.concrete_fields], found)
    return known[model]


def instance(model: type[Model], row, start: int = 0, alias: str = "default") -> Model:
    """The model instance for the columns of `columns(model, ...)` in `row` from `start` on."""
    connection = connections[alias]
    names, converters = _converters(model, connection)
    values = list(row[start : start + len(names)])
    for index, (col, found) in enumerate(converters):
        for converter in found:
            values[index] = converter(values[index], col, connection)
    return model.from_db(alias, names, values)


def width(model: type[Model]) -> int:
    return len(model._meta.concrete_fields)


@cache
def _update_sql(model: type[Model], names: tuple[str, ...], alias: str) -> str:
    quote = connections[alias].ops.quote_name
    sets = ", ".join(f"{quote(_column(model, n))} = %s" for n in names)
    pk = quote(str(model._meta.pk.column))
    return f"UPDATE {table(model, alias)} SET {sets} WHERE {pk} = %s"  # noqa: S608


def update(obj: Model, *names: str, alias: str = "default") -> int:
    """Write these fields of `obj` in one UPDATE, like `save(update_fields=...)` without the
    signals (callers that need a signal's effect do it themselves). Returns the rows changed."""
    connection = connections[alias]
    fields = [field(type(obj), n) for n in names]
    values = [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(_update_sql(type(obj), names, alias), [*values, obj.pk])
        return cursor.rowcount


@cache
def _select_sql(model: type[Model], by: str, lock: bool, alias: str) -> str:
    connection = connections[alias]
    suffix = " FOR UPDATE" if lock and connection.features.has_select_for_update else ""
    where = f"t.{column(model, by, alias)} = %s"
    return f"SELECT {columns(model, 't', alias)} FROM {table(model, alias)} t WHERE {where}{suffix}"  # noqa: S608


def get(model: type[Model], by: str, value, *, lock: bool = False, alias: str = "default"):
    """The one row of `model` whose field `by` (unique) equals `value`, or None; `lock` adds
    FOR UPDATE where the database has it (on SQLite the transaction itself holds the lock)."""
    with connections[alias].cursor() as cursor:
        cursor.execute(_select_sql(model, by, lock, alias), [value])
        row = cursor.fetchone()
    return None if row is None else instance(model, row, alias=alias)
