"""The yardstick: a bare FastAPI app with an async and a sync /ping, nothing else."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
async def ping() -> dict[str, str]:
    return {"ping": "pong"}


@app.get("/ping-sync")
def ping_sync() -> dict[str, str]:
    return {"ping": "pong"}
