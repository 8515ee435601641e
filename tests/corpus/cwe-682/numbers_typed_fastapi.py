"""A FastAPI reporting service whose numbers arrive converted by FastAPI and pydantic (CWE-369, CWE-789, CWE-834,
CWE-1339). `n: int` is still the client's number: zero, or as large as it likes; the declared constraints
(`Query(gt=0)`, `Annotated[int, Query(le=...)]`, `Field(gt=0, le=...)`, `PositiveInt`) are the checks."""
from typing import Annotated

from fastapi import FastAPI, HTTPException, Query
from pydantic import BaseModel, Field, PositiveInt

app = FastAPI()
MAX_ROWS = 500
MAX_SAMPLES = 64


class SplitRequest(BaseModel):
    amount_cents: int
    people: int
    rounds: int = 1


class CheckedSplit(BaseModel):
    amount_cents: int
    people: PositiveInt
    rounds: int = Field(default=1, ge=1, le=12)


@app.get("/orders/average")
async def average_order(total_cents: int, orders: int):
    # ruleid: division-by-untrusted-value
    return {"average": total_cents / orders}


@app.get("/orders/average/checked")
async def average_order_checked(total_cents: int, orders: int = Query(gt=0)):
    # ok: division-by-untrusted-value
    return {"average": total_cents / orders}


@app.get("/orders/export")
async def export_orders(rows: Annotated[int, Query(ge=1)]):
    # ruleid: allocation-size-from-input
    header = b"\x00" * rows
    # ruleid: loop-bound-from-input
    lines = [f"row {i}" for i in range(rows)]
    return {"header": len(header), "lines": lines}


@app.get("/orders/export/checked")
async def export_orders_checked(rows: Annotated[int, Query(ge=1, le=MAX_ROWS)]):
    # ok: allocation-size-from-input
    header = b"\x00" * rows
    # ok: loop-bound-from-input
    lines = [f"row {i}" for i in range(rows)]
    return {"header": len(header), "lines": lines}


@app.post("/bills/split")
async def split_bill(bill: SplitRequest):
    shares = []
    # ruleid: loop-bound-from-input
    for _ in range(bill.rounds):
        # ruleid: division-by-untrusted-value
        shares.append(bill.amount_cents // bill.people)
    return {"shares": shares}


@app.post("/bills/split/checked")
async def split_bill_checked(bill: CheckedSplit):
    shares = []
    # ok: loop-bound-from-input
    for _ in range(bill.rounds):
        # ok: division-by-untrusted-value
        shares.append(bill.amount_cents // bill.people)
    return {"shares": shares}


@app.get("/samples")
async def samples(count: int):
    if count > MAX_SAMPLES:
        raise HTTPException(status_code=400, detail="too many samples")
    # ok: loop-bound-from-input
    return [i * i for i in range(count)]


@app.get("/discount")
async def discount(rate: float):
    # ruleid: float-input-nan-unchecked
    if rate < 0 or rate > 0.5:
        raise HTTPException(status_code=400, detail="rate out of range")
    return {"rate": rate}


@app.get("/discount/checked")
async def discount_checked(rate: float = Query(ge=0, le=0.5)):
    # ok: float-input-nan-unchecked
    if rate < 0.1:
        return {"rate": 0.0}
    return {"rate": rate}
