"""Guided flows: data-defined conversations that admins edit as YAML."""
