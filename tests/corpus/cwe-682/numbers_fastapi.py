"""A FastAPI export endpoint that reads its chunk size from the raw query string (CWE-369, CWE-789)."""
from fastapi import FastAPI, HTTPException, Request

app = FastAPI()
MAX_CHUNK = 1 << 20


def _chunk_size(request: Request) -> int:
    return int(request.query_params.get("chunk", "65536"))


@app.get("/export")
async def export(request: Request):
    chunk = _chunk_size(request)
    # ruleid: allocation-size-from-input
    buffer = bytearray(chunk)
    # ruleid: division-by-untrusted-value
    return {"chunks": 10_000_000 // chunk, "buffer": len(buffer)}


@app.get("/export/checked")
async def export_checked(request: Request):
    chunk = _chunk_size(request)
    if chunk <= 0 or chunk > MAX_CHUNK:
        raise HTTPException(status_code=400, detail="chunk out of range")
    # ok: allocation-size-from-input
    buffer = bytearray(chunk)
    # ok: division-by-untrusted-value
    return {"chunks": 10_000_000 // chunk, "buffer": len(buffer)}
