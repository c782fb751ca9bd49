"""A service made only for tests: it proves the kit on the real broker and the real database.

The writer takes notes over HTTP and publishes `kitdemo.note.added` through the outbox; the reader
consumes them and applies each one to its own table, counting how many times it was applied, so a
double application is visible. A note whose text is "explode" makes the reader's handler fail (a bug
stand-in), to prove dead-lettering.
"""
