"""Drive tap-bookings through PyAirbyte, as a user of PyAirbyte would, and report what PyAirbyte made of it.

Test harness only (the product is TypeScript): the interop suite runs this with the pinned PyAirbyte of
.venv/pyairbyte and compares the JSON it writes with the sandbox's ground truth.

    driver.py EXECUTABLE CONFIG_JSON CACHE_DIR ACTION OUT_JSON
    ACTION: check | discover | read-full | read-incremental
"""
import datetime
import decimal
import json
import sys

import airbyte as ab
import sqlalchemy


def plain(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)  # exactly what the cache holds
    return str(value)


def main() -> None:
    executable, config_path, cache_dir, action, out_path = sys.argv[1:6]
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    source = ab.get_source("source-bookings", local_executable=executable, config=config)
    result: dict = {"action": action}
    if action == "check":
        try:
            source.check()
            result["succeeded"] = True
        except Exception as err:  # PyAirbyte raises on a FAILED status; report it for the test to read
            result["succeeded"] = False
            result["error"] = str(err)
    elif action == "discover":
        catalog = source.discovered_catalog
        result["streams"] = [json.loads(s.model_dump_json(exclude_none=True)) for s in catalog.streams]
    else:
        source.select_all_streams()
        cache = ab.new_local_cache(cache_name="tap_bookings", cache_dir=cache_dir, cleanup=False)
        read = source.read(cache=cache, force_full_refresh=(action == "read-full"))
        result["processed_records"] = read.processed_records
        result["rows"] = [dict(r) for r in cache["bookings"]]
        table = cache._read_processor.get_sql_table_name("bookings")  # noqa: SLF001 (the column types the cache chose)
        columns = sqlalchemy.inspect(cache.get_sql_engine()).get_columns(table, schema=cache.schema_name)
        result["column_types"] = {c["name"]: str(c["type"]) for c in columns}
        state = cache.get_state_provider(source_name=source.name)
        result["state"] = [json.loads(s.model_dump_json(exclude_none=True)) for s in state.state_message_artifacts]
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f, default=plain)


if __name__ == "__main__":
    main()
