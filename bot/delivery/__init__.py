"""Getting messages to Telegram: the outbox's delivery worker and the pace it keeps."""
