"""A class's own method named like a cursor method is not a cursor: `self.execute(...)` in a
management command calls the command's `execute`, which runs no SQL."""
import sqlite3
import sys


class Command:
    def execute(self, *args, **options):
        return "\n".join(str(a) for a in args)

    def run_from_argv(self):
        # ok: taint-sql-injection
        return self.execute(*sys.argv[2:])


class Report:
    def __init__(self):
        self.cursor = sqlite3.connect("app.db").cursor()

    def run(self):
        name = sys.argv[1]
        # ruleid: taint-sql-injection
        return self.cursor.execute("SELECT * FROM t WHERE name = '%s'" % name)
