"""dlt peer for `npm run bench`: the seed's rest_api_source configuration against the sandbox.

Usage (run by bench/run.ts with .venv/dlt/bin/python):
    python dlt_bookings.py --base-url URL --client-id ID --client-secret SECRET \
        --start-date 2024-01-01T00:00:00.000Z --booking-types FLIGHT,HOTEL \
        --workdir DIR [--page-size 50] [--destination stdout|duckdb|filesystem] [--parallelized]

It mirrors the seed (shared/docs/seed.md) with the keys dlt 1.x really has:
  - auth "oauth2" + token_url     -> type "oauth2_client_credentials" + access_token_url
  - paginator page_number with limit_param/limit (not PageNumberPaginator arguments)
                                  -> page_number paginator (page_param "page", base_page 0,
                                     total_path "page.totalPages") and `size` sent as a fixed param
  - incremental_sync start/end    -> `incremental` with start_param updatedFrom / end_param updatedTo,
                                     cursor_path lastModified, initial_value start_date, end_value now
  - one resource per booking type (the seed lists FLIGHT; the bench reads FLIGHT and HOTEL), both
    loaded into the one table `bookings`, primary key uuid, write_disposition merge.
Everything else is left at dlt's defaults (resources are extracted one thread, round robin), unless
--parallelized: `parallelized=True` on the source (dlt's documented setting for extracting resources in
parallel: each resource's generator runs in dlt's extract thread pool, 5 workers by default, so the two booking
types are read side by side; the pages of one resource are still read one after the other, as dlt's paginators do).

--destination stdout: no pipeline at all. The source is iterated (dlt's own extraction: REST client, paginator,
incremental, its pipe iterator with the parallelism above) and every record is written to stdout as a Singer-like
RECORD line (dlt's JSON encoder), as tap-bookings, the Singer SDK tap and the Airbyte CDK write theirs: the same sink
for every tool's extraction row. Nothing is normalised or loaded; the summary line goes to stderr.

--destination duckdb|filesystem: pipeline.extract, normalize and load; one JSON line on stdout at the end: rows in
the destination table, rows normalized, step timings. Logs go to stderr.
"""

import argparse
import json
import os
import sys
import time
from datetime import datetime, timezone


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--client-id", required=True)
    ap.add_argument("--client-secret", required=True)
    ap.add_argument("--start-date", required=True)
    ap.add_argument("--booking-types", default="FLIGHT,HOTEL")
    ap.add_argument("--page-size", type=int, default=50)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--destination", choices=["stdout", "duckdb", "filesystem"], default="duckdb")
    ap.add_argument("--parallelized", action="store_true")
    args = ap.parse_args()

    os.makedirs(args.workdir, exist_ok=True)
    # Keep dlt's state, config lookups and telemetry out of the user's home and off the network.
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    os.environ["DLT_DATA_DIR"] = os.path.join(args.workdir, "dlt-data")

    t_import = time.perf_counter()
    import dlt
    from dlt.sources.rest_api import rest_api_source

    imported = time.perf_counter() - t_import

    # The seed sends the lastModified format the API uses (UTC, milliseconds): initial_value must compare
    # as the records' strings do, so it is written the same way.
    end_value = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    start_value = args.start_date
    if len(start_value) == 10:  # a date
        start_value += "T00:00:00.000Z"

    def resource(booking_type: str) -> dict:
        return {
            "name": f"bookings_{booking_type.lower()}",
            "table_name": "bookings",
            "endpoint": {
                "path": "/v1/bookings",
                "params": {"bookingType": booking_type, "size": args.page_size},
                "data_selector": "data",
                "paginator": {
                    "type": "page_number",
                    "page_param": "page",
                    "base_page": 0,
                    "total_path": "page.totalPages",
                },
                "incremental": {
                    "start_param": "updatedFrom",
                    "end_param": "updatedTo",
                    "cursor_path": "lastModified",
                    "initial_value": start_value,
                    "end_value": end_value,
                },
            },
        }

    source = rest_api_source(
        {
            "client": {
                "base_url": args.base_url,
                "auth": {
                    "type": "oauth2_client_credentials",
                    "client_id": args.client_id,
                    "client_secret": args.client_secret,
                    "access_token_url": args.base_url.rstrip("/") + "/oauth/token",
                },
            },
            "resource_defaults": {"primary_key": "uuid", "write_disposition": "merge"},
            "resources": [resource(t.strip()) for t in args.booking_types.split(",") if t.strip()],
        },
        parallelized=args.parallelized,
    )

    if args.destination == "stdout":
        from dlt.common.json import json as dlt_json

        out = sys.stdout.buffer
        head = b'{"type":"RECORD","stream":"bookings","record":'
        t0 = time.perf_counter()
        n = 0
        for record in source:
            out.write(head + dlt_json.dumpb(record) + b"}\n")
            n += 1
        out.flush()
        sys.stderr.write(json.dumps({"rows": n, "extract_s": round(time.perf_counter() - t0, 3), "import_s": round(imported, 3),
                                     "dlt_version": dlt.__version__, "destination": "stdout", "parallelized": args.parallelized}) + "\n")
        return 0

    if args.destination == "duckdb":
        destination = dlt.destinations.duckdb(os.path.join(args.workdir, "bench.duckdb"))
    else:
        destination = dlt.destinations.filesystem(bucket_url="file://" + os.path.join(args.workdir, "fs"))

    pipeline = dlt.pipeline(
        pipeline_name="bench_bookings",
        destination=destination,
        dataset_name="travel",
        pipelines_dir=os.path.join(args.workdir, "pipelines"),
    )

    steps = {}
    t0 = time.perf_counter()
    pipeline.extract(source)
    steps["extract"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    normalize_info = pipeline.normalize()
    steps["normalize"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    pipeline.load()
    steps["load"] = time.perf_counter() - t2

    normalized_rows = 0
    for table, n in (normalize_info.row_counts or {}).items():
        if table == "bookings":
            normalized_rows += n

    table_rows = None
    if args.destination == "duckdb":
        with pipeline.sql_client() as client:
            table_rows = client.execute_sql("SELECT count(*) FROM bookings")[0][0]
            distinct = client.execute_sql("SELECT count(DISTINCT uuid) FROM bookings")[0][0]
    else:
        distinct = None
        fs_dir = os.path.join(args.workdir, "fs", "travel", "bookings")
        table_rows = 0
        import gzip

        for name in os.listdir(fs_dir):
            path = os.path.join(fs_dir, name)
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rt") as fh:
                table_rows += sum(1 for line in fh if line.strip())

    print(
        json.dumps(
            {
                "rows": table_rows,
                "distinct_uuids": distinct,
                "normalized_rows": normalized_rows,
                "steps_s": {k: round(v, 3) for k, v in steps.items()},
                "import_s": round(imported, 3),
                "dlt_version": dlt.__version__,
                "destination": args.destination,
                "parallelized": args.parallelized,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
