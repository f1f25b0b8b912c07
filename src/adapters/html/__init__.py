"""HTML adapters: the sanitiser of rich text."""
