"""Reading many nested objects quickly, as plain rows, for building full ORUK records.

A full service record reads a dozen tables. Through the ORM (``.values_list`` with
``field__in=[...]``) most of the time went on Django building the query for a long list of
ids, on psycopg splitting a query with hundreds of placeholders, and on turning every id into a
``uuid.UUID`` only to turn it back into text for JSON. ``read_rows`` writes the one simple
query itself instead: the ids go in as one parameter on PostgreSQL (``= ANY(…)``) and as a plain
``IN`` list on SQLite, and ids come back as the text JSON wants (``"0b9e…-…"``), never as
``uuid.UUID``. Every other column goes through Django's own converters, so dates, times,
decimals and booleans read exactly as the ORM would give them.

Only for reading: ids here are strings in their canonical form (``str(uuid)``); compare them
with ``str(model_instance.id)``.
"""

# The SQL is made of model table and column names only; values are always parameters.
# ruff: noqa: S608

from django.db import connection, models


class Row(dict):
    """One object read as a row, whose columns read as attributes (``row.number``) as a model
    instance's do, so the dict functions take either. Its nested lists are set the same way
    (``row.languages_list``). Building these instead of model instances, and grouping them in
    plain dicts instead of Django's prefetching, is what makes a full service cheap."""

    __slots__ = ()

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    __setattr__ = dict.__setitem__


def _is_uuid(field):
    target = field.target_field if field.is_relation else field
    return isinstance(target, models.UUIDField)


def _dashed(value):
    """SQLite keeps a UUID as 32 hex digits: the canonical text, with its dashes."""
    if value is None:
        return None
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"


def _converter(field, table):
    """A function turning the database's value of ``field`` into what ``.values_list`` gives
    (UUIDs as canonical text instead), or None when the value needs no change."""
    if _is_uuid(field):
        return _dashed if connection.vendor == "sqlite" else None
    column = field.get_col(table)
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    if not converters:
        return None

    def convert(value):
        for converter in converters:
            value = converter(value, column, connection)
        return value

    return convert


def _select_column(field, table):
    if _is_uuid(field) and connection.vendor == "postgresql":
        return f'"{table}"."{field.column}"::text'
    return f'"{table}"."{field.column}"'


def _order_by(model, table):
    """The model's own order (``Meta.ordering``) on its own columns. An ordering by a relation
    (which the ORM follows to the related model's order) is left to the caller."""
    parts = []
    for name in model._meta.ordering:
        descending = name.startswith("-")
        field = model._meta.get_field(name.lstrip("-"))
        if field.is_relation:
            continue
        parts.append(f'"{table}"."{field.column}"{" DESC" if descending else ""}')
    parts.append(f'"{table}"."{model._meta.pk.column}"')
    return ", ".join(parts)


def _columns(model, names):
    """``(field, table alias)`` for each of ``names``, and the joins they need. A name
    ``"rel__field"`` reads ``field`` of the object the foreign key ``rel`` points to (LEFT
    JOIN, so a row without one still comes, with None)."""
    table = model._meta.db_table
    columns, joins = [], {}
    for name in names:
        if "__" not in name:
            columns.append((model._meta.get_field(name), table))
            continue
        relation_name, target_name = name.split("__", 1)
        relation = model._meta.get_field(relation_name)
        related = relation.related_model._meta
        alias = f"j_{relation_name}"
        joins[alias] = (
            f'LEFT JOIN "{related.db_table}" "{alias}" '
            f'ON "{alias}"."{relation.target_field.column}" = "{table}"."{relation.column}"'
        )
        columns.append((related.get_field(target_name), alias))
    return columns, list(joins.values())


def read_rows(model, names, where, *, only=None, row_class=Row):
    """The ``model`` objects whose column ``key`` holds one of ``ids``, for any ``(key, ids)``
    of ``where`` (a dict), as ``Row``s of ``names`` (field names, ``x_id`` columns, or
    ``rel__field`` across a foreign key), in the model's own order. Every key must be a UUID
    column of ``model``. Keep each list to a few thousand ids."""
    where = {key: [value for value in ids if value is not None] for key, ids in where.items()}
    where = {key: ids for key, ids in where.items() if ids}
    if not where:
        return []
    table = model._meta.db_table
    columns, joins = _columns(model, names)
    converters = [
        (position, convert) for position, (field, alias) in enumerate(columns) if (convert := _converter(field, alias))
    ]
    conditions, params = [], []
    postgresql = connection.vendor == "postgresql"
    for key, ids in where.items():
        column = f'"{table}"."{model._meta.get_field(key).column}"'
        if postgresql:
            # One text parameter rather than an array of them: psycopg checks every element
            # of an array for quoting, which cost more than the query.
            conditions.append(f"{column} = ANY(string_to_array(%s, ',')::uuid[])")
            params.append(",".join(str(value) for value in ids))
        else:
            conditions.append(f"{column} IN ({', '.join(['%s'] * len(ids))})")
            params.extend(str(value).replace("-", "") for value in ids)
    narrowing = ""
    for name, value in (only or {}).items():
        narrowing += f' AND "{table}"."{model._meta.get_field(name).column}" = %s'
        params.append(value)
    sql = (
        f"SELECT {', '.join(_select_column(field, alias) for field, alias in columns)} "
        f'FROM "{table}" {" ".join(joins)} '
        f"WHERE ({' OR '.join(conditions)}){narrowing} ORDER BY {_order_by(model, table)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = []
    for values in rows:
        if converters:
            values = list(values)
            for position, convert in converters:
                values[position] = convert(values[position])
        result.append(row_class(zip(names, values, strict=True)))
    return result
