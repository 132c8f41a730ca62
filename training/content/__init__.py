"""The Markdown content format: parse (text → items), validate, sync (items → DB)."""
