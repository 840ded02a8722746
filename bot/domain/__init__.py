"""Plain types shared by every layer; imports nothing of ours."""
