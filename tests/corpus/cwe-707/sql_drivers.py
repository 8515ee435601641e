"""SQL text of drivers and ORM raw escapes beyond DB-API execute (issue 20, specs/sql_drivers.toml).

The statement is the sink; values passed as query arguments are bound apart from it.
"""
# capability: sql-drivers
import aiosqlite
import asyncpg
import peewee
import pg8000.native
from fastapi import FastAPI
from psycopg import sql
from sqlalchemy import create_engine, literal_column, select, table
from tortoise import Tortoise

app = FastAPI()
engine = create_engine("postgresql://app@db/app")
db = peewee.PostgresqlDatabase("app")


@app.get("/asyncpg")
async def by_name(name: str):
    conn = await asyncpg.connect("postgresql://app@db/app")
    # ruleid: taint-sql-injection
    rows = await conn.fetch(f"SELECT id FROM users WHERE name = '{name}'")
    # ruleid: taint-sql-injection
    row = await conn.fetchrow("SELECT id FROM users WHERE name = '%s'" % name)
    # ruleid: taint-sql-injection
    count = await conn.fetchval("SELECT count(*) FROM users WHERE name = '" + name + "'")
    # ok: taint-sql-injection
    same = await conn.fetch("SELECT id FROM users WHERE name = $1", name)
    # ok: taint-sql-injection
    one = await conn.fetchval("SELECT count(*) FROM users WHERE name = $1", name)
    return {"rows": rows, "row": row, "count": count, "same": same, "one": one}


@app.get("/pg8000")
def pg(name: str):
    conn = pg8000.native.Connection("app")
    # ruleid: taint-sql-injection
    bad = conn.run(f"SELECT id FROM users WHERE name = '{name}'")
    # ok: taint-sql-injection
    good = conn.run("SELECT id FROM users WHERE name = :name", name=name)
    return {"bad": bad, "good": good}


@app.get("/aiosqlite")
async def lite(name: str):
    async with aiosqlite.connect("app.db") as conn:
        # ruleid: taint-sql-injection
        bad = await conn.execute_fetchall(f"SELECT id FROM users WHERE name = '{name}'")
        # ok: taint-sql-injection
        good = await conn.execute_fetchall("SELECT id FROM users WHERE name = ?", (name,))
    return {"bad": bad, "good": good}


@app.get("/sqlalchemy")
def alchemy(column: str, name: str):
    with engine.connect() as conn:
        # ruleid: taint-sql-injection
        conn.exec_driver_sql(f"SELECT id FROM users WHERE name = '{name}'")
        # ok: taint-sql-injection
        conn.exec_driver_sql("SELECT id FROM users WHERE name = %(name)s", {"name": name})
    # ruleid: taint-sql-injection
    chosen = select(literal_column(column)).select_from(table("users"))
    # ok: taint-sql-injection
    fixed = select(literal_column("id")).select_from(table("users"))
    return str(chosen) + str(fixed)


@app.get("/peewee")
def pw(order: str, name: str):
    # ruleid: taint-sql-injection
    clause = peewee.SQL(f"name = '{name}'")
    # ok: taint-sql-injection
    bound = peewee.SQL("name = %s", [name])
    # ruleid: taint-sql-injection
    db.execute_sql("SELECT id FROM users ORDER BY " + order)
    # ok: taint-sql-injection
    db.execute_sql("SELECT id FROM users WHERE name = %s", (name,))
    return str(clause) + str(bound)


@app.get("/tortoise")
async def tt(name: str):
    conn = Tortoise.get_connection("default")
    # ruleid: taint-sql-injection
    await conn.execute_query(f"SELECT id FROM users WHERE name = '{name}'")
    # ok: taint-sql-injection
    await conn.execute_query("SELECT id FROM users WHERE name = $1", [name])
    return {}


@app.get("/psycopg")
def composed(column: str, name: str):
    with engine.raw_connection() as raw:
        cur = raw.cursor()
        # ok: taint-sql-injection
        query = sql.SQL("SELECT {} FROM users WHERE name = %s").format(sql.Identifier(column))
        # ok: taint-sql-injection
        cur.execute(query, (name,))
        # ok: taint-sql-injection
        cur.execute(sql.SQL("SELECT id FROM users WHERE name = {}").format(sql.Literal(name)))
        # ruleid: taint-sql-injection
        cur.execute(sql.SQL(f"SELECT {column} FROM users"))
    return {}


# mysqlclient: the connection's own query() runs the text as given (issue 20).
@app.get("/mysql/raw")
def mysql_raw(name: str):
    import MySQLdb
    db = MySQLdb.connect(host="db", db="shop")
    # ruleid: taint-sql-injection
    db.query("SELECT * FROM items WHERE name = '%s'" % name)
    # ok: taint-sql-injection
    db.query("SELECT * FROM items WHERE name = '%s'" % db.escape_string(name).decode())
    return db.store_result().fetch_row()
