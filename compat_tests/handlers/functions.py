"""Lambda handlers the end-to-end tests run as local functions."""

import os
import time


def echo(event, context):
    return {"event": event, "function": context.function_name}


def fail(event, context):
    raise ValueError("bad input")


def slow(event, context):
    time.sleep(30)
    return event


def crash(event, context):
    os._exit(3)


def token(event, context):
    return {"token": event.get("token")}
