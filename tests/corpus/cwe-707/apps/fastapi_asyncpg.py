"""A FastAPI service on asyncpg (issue 20): bound parameters, one formatted query, one sort column."""
import asyncpg
from fastapi import Depends, FastAPI, HTTPException

app = FastAPI()
SORTABLE = {"created": "created_at", "name": "name"}


async def get_pool() -> asyncpg.Pool:
    return await asyncpg.create_pool("postgresql://app@db/app")


@app.get("/users/{user_id}")
async def read_user(user_id: int, pool: asyncpg.Pool = Depends(get_pool)):
    async with pool.acquire() as conn:
        # ok: taint-sql-injection
        row = await conn.fetchrow("SELECT id, name FROM users WHERE id = $1", user_id)
    if row is None:
        raise HTTPException(status_code=404)
    return dict(row)


@app.get("/users")
async def list_users(sort: str = "created", name: str = "", pool: asyncpg.Pool = Depends(get_pool)):
    column = SORTABLE.get(sort, "created_at")
    async with pool.acquire() as conn:
        # ok: taint-sql-injection
        rows = await conn.fetch(f"SELECT id, name FROM users WHERE name LIKE $1 ORDER BY {column}", f"{name}%")
    return [dict(r) for r in rows]


@app.get("/search")
async def search(q: str, pool: asyncpg.Pool = Depends(get_pool)):
    async with pool.acquire() as conn:
        # ruleid: taint-sql-injection
        rows = await conn.fetch(f"SELECT id, name FROM users WHERE name LIKE '%{q}%'")
    return [dict(r) for r in rows]


@app.delete("/users/{user_id}")
async def delete_user(user_id: int, pool: asyncpg.Pool = Depends(get_pool)):
    async with pool.acquire() as conn:
        # ok: taint-sql-injection
        await conn.execute("DELETE FROM users WHERE id = $1", user_id)
    return {"deleted": user_id}
