"""The web admin: pages for admins, leaders and officials at a desk or inside Telegram."""
