"""The bot's HTTP faces besides the Bot API client: Telegram's webhook, health and metrics."""
