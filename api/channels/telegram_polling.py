"""`python -m api.channels.telegram_polling`: Telegram without a public URL, for local use.

Removes the bot's webhook (Telegram serves either a webhook or getUpdates,
never both) and long-polls getUpdates with python-telegram-bot's `Bot`; each
update goes through the same `handle_update` as the webhook. Replies leave
through the outbox, so the outbox sender (started by scripts/run) must run too.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable

import httpx
from telegram import Bot, Update
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError

from api.assistant.client import RasaClient
from api.channels.telegram_service import handle_update
from api.config import Settings, get_settings
from api.database import make_engine, session_factory
from api.migrations import upgrade_database

log = logging.getLogger(__name__)

# Telegram holds a getUpdates request open this long while there is nothing new.
POLL_SECONDS = 30
RETRY_SECONDS = 5.0
NO_TOKEN = (
    "Telegram polling needs a bot token: set VIOL3_TELEGRAM_BOT_TOKEN to the token "
    "@BotFather gave you (see README.md, Telegram)."
)


async def poll(*, bot: Bot, handle: Callable[[Update], None]) -> None:
    """Until cancelled: fetch the updates after the last one seen and handle each."""
    await bot.delete_webhook()
    offset: int | None = None
    while True:
        try:
            updates = await bot.get_updates(
                offset=offset, timeout=POLL_SECONDS, allowed_updates=["message"]
            )
        except BadRequest:
            raise  # our request is wrong: trying again will not help
        except NetworkError as exc:  # includes timeouts: Telegram or the network, later
            log.warning("telegram getUpdates failed (%s), trying again", type(exc).__name__)
            await asyncio.sleep(RETRY_SECONDS)
            continue
        for update in updates:
            offset = update.update_id + 1  # confirms it: Telegram will not send it again
            try:
                # In a thread: the database and Rasa calls block. On Ctrl-C the
                # update being handled is finished before the process exits.
                await asyncio.to_thread(handle, update)
            except Exception:
                log.exception("telegram update %s could not be handled", update.update_id)


async def _run(bot: Bot, handle: Callable[[Update], None]) -> None:
    async with bot:  # getMe: fails at once on a wrong token
        log.info("polling Telegram as @%s; Ctrl-C stops", bot.username)
        await poll(bot=bot, handle=handle)


def main(settings: Settings | None = None) -> int:
    """Poll until Ctrl-C; 2 without a bot token, 1 if Telegram refuses it."""
    settings = settings or get_settings()
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    if not token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL at INFO, and Telegram's URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    engine = make_engine(settings.database_url)
    upgrade_database(engine)
    factory = session_factory(engine)
    try:
        with httpx.Client() as http:
            assistant = RasaClient(settings, http)

            def handle(update: Update) -> None:
                with factory() as db:
                    handle_update(db=db, assistant=assistant, settings=settings, update=update)

            asyncio.run(_run(Bot(token, base_url=settings.telegram_api_url), handle))
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
    except InvalidToken:
        # Not the exception's text: the library puts the token in it.
        print("Telegram rejected VIOL3_TELEGRAM_BOT_TOKEN.", file=sys.stderr)
        return 1
    except TelegramError as exc:
        print(f"Telegram refused: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
