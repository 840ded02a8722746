"""What people see: keyboards, callback data, message splitting, terminal rendering."""
