"""Fails on any openapi-python-client warning about the corpus document but the allowed ones.

Allowed (each a naming clash inside openapi-python-client, not a fault of the document,
which openapi-spec-validator accepts):

- drive.Member: the tool names the inline enum of its `type` member `DriveMemberType`,
  the same Python name it gives the shared component `drive.MemberType` (other values),
  so it drops `drive.Member` and the three operations' replies that refer to it.

Usage: python openapi-python-warnings.py <generate log>
"""

import re
import sys

ALLOWED = {"drive.Member"}

text = open(sys.argv[1], encoding="utf-8").read()
unexpected = []
dropped = re.findall(r"Unable to process schema /components/schemas/(\S+):", text)
for schema in dropped:
    if schema not in ALLOWED:
        unexpected.append(f"schema {schema} could not be processed")
# Each "WARNING parsing <METHOD> <path>" block runs to the next one (or the schema notes).
blocks = re.split(r"\n(?=WARNING parsing |Unable to process schema )", text)
operations = 0
for block in blocks:
    if not block.startswith("WARNING parsing "):
        continue
    operations += 1
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', block))
    if not refs or not refs <= ALLOWED:
        unexpected.append(block.strip().splitlines()[0])
if "Warning" in text and not dropped and operations == 0:
    unexpected.append("a warning this script does not know how to read (see the log)")
if unexpected:
    print("openapi-python-client warned about the corpus document:", file=sys.stderr)
    for line in unexpected:
        print(f"  {line}", file=sys.stderr)
    sys.exit(1)
print(
    f"openapi-python-client: {len(dropped)} schema(s) and {operations} operation warning(s), "
    f"all allowed ({', '.join(sorted(ALLOWED))}: a Python name clash in the tool)"
)
