"""A receiver this module builds from a class is that class's object, not a cursor: a command loaded
by name (`import_module(...).Command()`, Django's `load_command_class`) or an instance of a class
here that defines `execute` runs the command's `execute`, which runs no SQL. A function of this
module returning a connection's cursor, or a driver's connection (`connect()` of a module imported
by name), keeps `execute` a DB-API sink."""
import argparse
import sqlite3
from importlib import import_module


class Job:
    def execute(self, *args, **options):
        return " ".join(str(a) for a in args)


def load_command_class(app_name, name):
    module = import_module("%s.management.commands.%s" % (app_name, name))
    return module.Command()


def make_job():
    return Job()


def open_database(driver):
    module = import_module(driver)
    return module.connect("app.db")


def open_cursor():
    return sqlite3.connect("app.db").cursor()


def call_command(name, argv):
    defaults = vars(argparse.ArgumentParser().parse_args(argv))
    args = defaults.pop("args", ())
    command = load_command_class("app", name)
    # ok: taint-sql-injection
    return command.execute(*args, **defaults)


def run_local_jobs(argv):
    options = argparse.ArgumentParser().parse_args(argv)
    job = Job()
    # ok: taint-sql-injection
    first = job.execute(options.query)
    # ok: taint-sql-injection
    return first, Job().execute(options.query)


def run_job_then_query(argv):
    options = argparse.ArgumentParser().parse_args(argv)
    job, cursor = make_job(), None
    # ok: taint-sql-injection
    job.execute(options.query)
    cursor = open_cursor()
    # ruleid: taint-sql-injection
    return cursor.execute(options.query)


def run_on_driver(argv):
    options = argparse.ArgumentParser().parse_args(argv)
    connection = open_database("sqlite3")
    # ruleid: taint-sql-injection
    return connection.execute(options.query)
