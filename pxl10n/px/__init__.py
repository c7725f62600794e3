"""Talking to PX: the kinds it localizes, its HTTP client, and the untrusted exports it answers with."""
