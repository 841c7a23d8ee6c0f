"""The schemas' compiled validators, kept between runs in this user's cache folder.

fastjsonschema writes a validator as Python source (120 KB for a playbook) that
Python then compiles: 30 ms of every edit rebuild and every `csops validate` that
meets a changed file, for a schema that changes only with csops. The compiled code
is kept by the schema, fastjsonschema's version and Python's, next to the machine
secret (trust.py) and signed with it (signed_files.py): code is loaded only if
this user wrote it here.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import sys

import fastjsonschema

from .signed_files import read_signed, write_signed
from .trust import secret_file


def compiled_validator(schema: dict):
    """fastjsonschema.compile(schema), from the kept code when there is some."""
    key = hashlib.sha256(json.dumps([schema, fastjsonschema.VERSION, sys.version], sort_keys=True,
                                    default=repr).encode("utf-8")).hexdigest()
    path = secret_file().parent / "validators" / f"{key[:32]}.marshal"
    body = read_signed(path)
    try:
        code = marshal.loads(body) if body is not None else None
    except (ValueError, EOFError, TypeError):  # signed here, so ours: damaged on disk; compiled again
        code = None
    if code is None:
        code = compile(fastjsonschema.compile_to_code(schema), f"<validator {key[:12]}>", "exec")
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            write_signed(path, marshal.dumps(code))
        except OSError:
            pass  # an unwritable cache folder only costs the next run the compilation
    scope: dict = {}
    exec(code, scope)
    return scope["validate"]
