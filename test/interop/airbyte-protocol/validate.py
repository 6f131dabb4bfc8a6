"""Check Airbyte messages with the official protocol models: one JSON message a line on stdin.

Test harness only (the product is TypeScript): the interop suite runs this with the pinned
airbyte-protocol-models (pydantic v2 variant, package airbyte_protocol_models_pdv2, module
airbyte_protocol.models) of .venv/pyairbyte, and pipes every stdout line of tap-bookings
spec/check/discover/read through it.

Each line is parsed with AirbyteMessage.model_validate_json in strict mode, so a value of the wrong
JSON type (an emitted_at written as a string, say) is an error rather than coerced. On success it
prints {"package": ..., "version": ..., "messages": N, "types": {TYPE: count}} and exits 0; on the
first bad line it names the line (number and text) and the model's errors on stderr and exits 1.
"""
import json
import sys
from collections import Counter
from importlib.metadata import version

from pydantic import ValidationError

from airbyte_protocol.models import AirbyteMessage

PACKAGE = "airbyte_protocol_models_pdv2"


def main() -> int:
    types: Counter = Counter()
    count = 0
    for number, line in enumerate(sys.stdin, start=1):
        line = line.rstrip("\n")
        if line == "":
            print(f"line {number} is empty: every stdout line must be one AirbyteMessage", file=sys.stderr)
            return 1
        try:
            message = AirbyteMessage.model_validate_json(line, strict=True)
        except ValidationError as err:
            print(f"line {number} is not a valid AirbyteMessage ({PACKAGE} {version(PACKAGE)}):\n{line[:500]}\n{err}", file=sys.stderr)
            return 1
        count += 1
        types[message.type.value] += 1
    print(json.dumps({"package": PACKAGE, "version": version(PACKAGE), "messages": count, "types": dict(types)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
