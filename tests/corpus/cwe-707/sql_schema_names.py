"""SQL a database backend builds from names of the schema, versus names and values from outside (CWE-89).

Identifiers cannot be bound parameters, so backends splice table and column names into DDL and
introspection queries. A name whose origin is not visible, in a place where SQL reads a name, is the
schema's; a name from a request or a caller, and any value in a string literal, is still reported.
"""
from flask import request


class ConstraintChecker:
    """A backend's foreign-key check after loading fixtures, as Django's MySQL backend writes it."""

    def __init__(self, connection, introspection):
        self.connection = connection
        self.introspection = introspection

    def check_constraints(self, table_names=None):
        with self.connection.cursor() as cursor:
            if table_names is None:
                table_names = self.introspection.table_names(cursor)
            for table_name in table_names:
                key = self.introspection.get_primary_key_column(cursor, table_name)
                for column, (target_column, target_table) in self.introspection.get_relations(cursor, table_name).items():
                    # ok: sql-injection-built-query
                    cursor.execute(
                        "SELECT REFERRING.`%s` FROM `%s` AS REFERRING LEFT JOIN `%s` AS REFERRED "
                        "ON (REFERRING.`%s` = REFERRED.`%s`) WHERE REFERRED.`%s` IS NULL"
                        % (key, table_name, target_table, column, target_column, target_column)
                    )

    def drop_leftover_tables(self, cursor):
        for name in self.introspection.table_names(cursor):
            if name.startswith("tmp_"):
                # ok: sql-injection-built-query
                cursor.execute("DROP TABLE IF EXISTS %s" % name)

    def orphans(self, cursor, table):
        subquery = self.introspection.relation_subquery(cursor, table)
        # A subquery is SQL text, not a name: still reported.
        # ruleid: sql-injection-built-query
        cursor.execute("SELECT id FROM orders WHERE NOT EXISTS %s" % subquery)

    def check_requested_table(self):
        table = request.args["table"]
        with self.connection.cursor() as cursor:
            # A name from the request is injection even between backquotes.
            # ruleid: sql-injection-built-query
            cursor.execute("SELECT COUNT(*) FROM `%s`" % table)

    def count_rows(self, cursor, table):
        # A caller's name in a name place: the caller must be trusted, still reported.
        # ruleid: sql-injection-built-query
        cursor.execute("SELECT COUNT(*) FROM %s" % table)
        return cursor.fetchone()[0]

    def rows_matching(self, cursor, column):
        name = self.introspection.get_primary_key_column(cursor, "auth_user")
        # A value of unknown origin inside a string literal is not a name: still reported.
        # ruleid: sql-injection-built-query
        cursor.execute("SELECT * FROM auth_user WHERE %s = '%s'" % (self.connection.ops.quote_name(column), name))


class SequenceEditor:
    """Sequences named after the model's table, as Django's Oracle schema editor names them."""

    def __init__(self, connection):
        self.connection = connection

    def execute(self, sql):
        self.connection.cursor().execute(sql)

    def sequence_name(self, table):
        return "%s_SQ" % table.upper()

    def delete_model(self, cursor, model):
        # ok: sql-injection-built-query
        cursor.execute(
            "BEGIN SELECT COUNT(1) INTO i FROM USER_SEQUENCES WHERE SEQUENCE_NAME = '%(sq_name)s'; "
            "EXECUTE IMMEDIATE 'DROP SEQUENCE \"%(sq_name)s\"'; END;"
            % {"sq_name": self.connection.ops.get_sequence_name(model._meta.db_table)}
        )

    def delete_sequence(self, cursor, sequence):
        # The same statement with a caller's text in the string literal.
        # ruleid: sql-injection-built-query
        cursor.execute(
            "BEGIN SELECT COUNT(1) INTO i FROM USER_SEQUENCES WHERE SEQUENCE_NAME = '%(sq_name)s'; END;"
            % {"sq_name": sequence}
        )


class TableRebuilder:
    """SQLite cannot alter a column: copy the rows into a new table, as Django's SQLite editor does."""

    def quote_name(self, name):
        return '"%s"' % name.replace('"', '""')

    def remake_table(self, cursor, model, new_table, defaults):
        mapping = {f.column: self.quote_name(f.column) for f in model._meta.local_concrete_fields}
        mapping.update(defaults)
        # ok: sql-injection-built-query
        cursor.execute(
            "INSERT INTO %s (%s) SELECT %s FROM %s"
            % (
                self.quote_name(new_table),
                ", ".join(self.quote_name(c) for c in mapping),
                ", ".join(mapping.values()),
                self.quote_name(model._meta.db_table),
            )
        )

    def copy_requested_columns(self, cursor, model):
        columns = request.form["columns"]
        # ruleid: sql-injection-built-query
        cursor.execute("INSERT INTO backup SELECT %s FROM %s" % (columns, self.quote_name(model._meta.db_table)))


class IsolationLevels:
    """SQLite's read_uncommitted pragma takes 0 or 1, looked up from the level's name."""

    _isolation_lookup = {"READ UNCOMMITTED": 1, "SERIALIZABLE": 0}

    def get_isolation_level_values(self):
        return list(self._isolation_lookup)

    def set_isolation_level(self, connection, level):
        isolation_level = self._isolation_lookup[level]
        cursor = connection.cursor()
        # ok: sql-injection-built-query
        cursor.execute(f"PRAGMA read_uncommitted = {isolation_level}")
        cursor.close()

    def set_isolation_level_unchecked(self, connection, level):
        cursor = connection.cursor()
        # The level as the caller passed it, not looked up.
        # ruleid: sql-injection-built-query
        cursor.execute(f"PRAGMA read_uncommitted = {level}")
        cursor.close()


class Journal:
    """A table whose entries a method changes at run time is no constant table."""

    _modes = {"wal": "WAL", "delete": "DELETE"}

    def register_mode(self, name, pragma_value):
        self._modes[name] = pragma_value

    def set_mode(self, connection, name):
        mode = self._modes[name]
        # ruleid: sql-injection-built-query
        connection.execute(f"PRAGMA journal_mode = '{mode}'")


class ViewReader:
    """SQL Server names its session view differently by edition: ask the catalogue which one exists."""

    def get_isolation_level(self, connection):
        cursor = connection.cursor()
        cursor.execute("SELECT name FROM sys.system_views WHERE name IN ('dm_exec_sessions', 'dm_pdw_nodes_exec_sessions')")
        view_name = f"sys.{cursor.fetchone()[0]}"
        # ok: sql-injection-built-query
        cursor.execute("SELECT transaction_isolation_level FROM {} WHERE session_id = @@SPID".format(view_name))
        return cursor.fetchone()[0]

    def get_session_value(self, connection):
        cursor = connection.cursor()
        cursor.execute("SELECT TOP 1 login_name FROM sys.dm_exec_sessions")
        login = cursor.fetchone()[0]
        # A value read back in a string literal: not a name place, still reported.
        # ruleid: sql-injection-built-query
        cursor.execute("SELECT session_id FROM sys.dm_exec_sessions WHERE login_name = '{}'".format(login))
        return cursor.fetchone()[0]
