"""
Telethon (an independent Python MTProto implementation) against the emulator's MTProto server.

Usage: python3 handshake.py PORT PUBLIC_KEY_PEM_FILE

For each transport it connects with a fresh StringSession (real auth key creation with Telethon's
own RSA padding), then makes a few calls. Prints one JSON object: per transport, each step's
outcome ({"ok": true, ...} or {"ok": false, "error": ...}).
"""
import asyncio
import json
import logging
import random
import sys

from telethon import TelegramClient
from telethon.crypto import rsa
from telethon.network.connection import (
    ConnectionTcpAbridged,
    ConnectionTcpFull,
    ConnectionTcpIntermediate,
    ConnectionTcpObfuscated,
)
from telethon.sessions import StringSession
from telethon.tl import functions, types
from telethon.tl.alltlobjects import LAYER

TRANSPORTS = {
    "full": ConnectionTcpFull,
    "intermediate": ConnectionTcpIntermediate,
    "abridged": ConnectionTcpAbridged,
    "obfuscated": ConnectionTcpObfuscated,
}


async def step(results, name, coro):
    try:
        value = await asyncio.wait_for(coro, 5)
        results[name] = {"ok": True, "value": value}
    except Exception as e:  # report every failure, the caller decides what is expected
        results[name] = {"ok": False, "error": type(e).__name__, "message": str(e)[:200]}


async def run_transport(port, connection):
    results = {}
    client = TelegramClient(
        StringSession(), 12345, "0123456789abcdef0123456789abcdef",
        connection=connection, connection_retries=1, retry_delay=0, auto_reconnect=False,
        request_retries=1,
    )
    client.session.set_dc(2, "127.0.0.1", port)

    async def connect():
        # connect() creates the auth key, then sends invokeWithLayer(initConnection(help.getConfig)).
        await client.connect()
        return "connected"

    await step(results, "connect", connect())

    async def session_ready():
        if not client.is_connected() or client.session.auth_key is None:
            raise RuntimeError("no encrypted session")
        return len(client.session.auth_key.key)

    await step(results, "authKey", session_ready())

    async def ping():
        ping_id = random.randrange(-2**63, 2**63)
        pong = await client(functions.PingRequest(ping_id=ping_id))
        if not isinstance(pong, types.Pong) or pong.ping_id != ping_id:
            raise RuntimeError("bad pong %r" % pong)
        return "pong"

    async def nearest_dc():
        dc = await client(functions.help.GetNearestDcRequest())
        return {"country": dc.country, "thisDc": dc.this_dc}

    async def get_state():
        state = await client(functions.updates.GetStateRequest())
        return {"pts": state.pts}

    async def get_config():
        config = await client(functions.help.GetConfigRequest())
        return type(config).__name__

    for name, coro in (
        ("ping", ping()),
        ("help.getNearestDc", nearest_dc()),
        ("updates.getState", get_state()),
        ("help.getConfig", get_config()),
    ):
        await step(results, name, coro)

    await client.disconnect()
    return results


async def main():
    port = int(sys.argv[1])
    with open(sys.argv[2]) as f:
        rsa.add_key(f.read(), old=False)
    report = {"layer": LAYER}
    for name, connection in TRANSPORTS.items():
        report[name] = await run_transport(port, connection)
    print(json.dumps(report))


if __name__ == "__main__":
    logging.basicConfig(level=logging.CRITICAL)
    asyncio.run(main())
