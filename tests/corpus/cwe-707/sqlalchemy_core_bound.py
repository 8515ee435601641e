"""SQLAlchemy Core statements bind the values they are given as parameters (FastAPI's SQL
databases tutorial: `notes.insert().values(text=note.text)` run by `databases.Database.execute`):
no SQL text is built from the request. The same request data formatted into the SQL string is
injection."""
import databases
import sqlalchemy
from fastapi import FastAPI
from pydantic import BaseModel

database = databases.Database("sqlite:///./notes.db")
metadata = sqlalchemy.MetaData()
notes = sqlalchemy.Table("notes", metadata, sqlalchemy.Column("id", sqlalchemy.Integer, primary_key=True),
                         sqlalchemy.Column("text", sqlalchemy.String))
app = FastAPI()


class NoteIn(BaseModel):
    text: str


@app.post("/notes/")
async def create_note(note: NoteIn):
    query = notes.insert().values(text=note.text)
    # ok: taint-sql-injection
    return await database.execute(query)


@app.get("/notes/search")
async def search_notes(text: str):
    query = sqlalchemy.select(notes).where(notes.c.text == text).limit(10)
    # ok: taint-sql-injection
    return await database.execute(query)


@app.delete("/notes/")
async def delete_note(note: NoteIn):
    # ruleid: taint-sql-injection
    return await database.execute(f"DELETE FROM notes WHERE text = '{note.text}'")


@app.get("/notes/raw")
async def raw_filter(text: str):
    # ruleid: taint-sql-injection
    query = sqlalchemy.select(notes).where(sqlalchemy.text(f"text = '{text}'"))
    # ok: taint-sql-injection
    return await database.execute(query)
