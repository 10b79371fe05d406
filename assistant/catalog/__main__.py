"""``python -m assistant.catalog``: validate every structured knowledge file."""

import sys

from assistant.catalog import validate_all

errors = validate_all()
for error in errors:
    print(error, file=sys.stderr)
print("knowledge files valid" if not errors else f"{len(errors)} file(s) invalid")
sys.exit(1 if errors else 0)
