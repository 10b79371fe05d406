"""Composition and use cases: services (wiring), a session (one conversation), the store,
intent (what a message is). Adapters call this layer; it calls the capabilities."""
