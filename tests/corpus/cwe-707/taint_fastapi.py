"""Taint flows in FastAPI path operations: path, query and body parameters, the Request."""
import subprocess
import uuid

from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel
from sqlalchemy import text

app = FastAPI()


class Job(BaseModel):
    name: str
    retries: int = 0


def current_user():
    return "alice"


@app.get("/items/{item_id}")
async def read_item(item_id: str, q: str = "", db=None):
    # ruleid: taint-sql-injection
    statement = text(f"SELECT * FROM items WHERE id = '{item_id}'")
    # ok: taint-sql-injection
    bound = text("SELECT * FROM items WHERE id = :id").bindparams(id=item_id)
    # ruleid: taint-command-injection
    subprocess.run("grep " + q + " /srv/items.txt", shell=True)
    return {"statement": str(statement), "bound": str(bound)}


@app.get("/users/{user_id}")
def read_user(user_id: int, token: uuid.UUID, user: str = Depends(current_user)):
    # ok: taint-command-injection
    # ruleid: command-injection-shell
    subprocess.run(f"id {user_id} {token} {user}", shell=True)


@app.post("/jobs")
async def create_job(job: Job):
    # ruleid: taint-command-injection
    subprocess.run(f"schedule {job.name}", shell=True)
    # ok: taint-command-injection
    # ok: command-injection-shell
    subprocess.run(f"schedule --retries {job.retries}", shell=True)  # the only data is an int pydantic converted


@app.post("/hook")
async def hook(request: Request):
    payload = await request.json()
    # ruleid: taint-command-injection
    subprocess.run("notify " + payload["channel"], shell=True)
    # ruleid: taint-command-injection
    subprocess.run("notify " + request.query_params["to"], shell=True)
