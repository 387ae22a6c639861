"""The yardstick: a bare Starlette endpoint returning a small HTML page, served like Ting."""

from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

PAGE = "<!doctype html><html lang=en><title>bare</title><p>Hello</p></html>"


async def hello(request):  # type: ignore[no-untyped-def]
    return HTMLResponse(PAGE)


app = Starlette(routes=[Route("/", hello)])
