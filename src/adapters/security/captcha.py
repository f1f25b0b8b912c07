"""Captcha images (the `captcha` library's ImageCaptcha), drawn off the event loop."""

from __future__ import annotations

import asyncio

from captcha.image import ImageCaptcha

from core.rbac.ports import CaptchaImages


class ImageCaptchaImages(CaptchaImages):
    def __init__(self, width: int = 160, height: int = 60) -> None:
        self._width = width
        self._height = height

    async def render(self, text: str) -> bytes:
        # Drawing takes milliseconds of CPU (Pillow): a worker thread, not the loop.
        return await asyncio.to_thread(self._draw, text)

    def _draw(self, text: str) -> bytes:
        image = ImageCaptcha(width=self._width, height=self._height)
        return image.generate(text, format="png").getvalue()
