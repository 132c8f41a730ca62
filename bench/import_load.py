"""Benchmark: importing 10 000 questions as a Markdown zip, upload to confirmation (issue 13).

Target: a 10 000-question import finishes in under 10 s on PostgreSQL (upload + preview + confirm).
Each round starts from an empty schema holding only the syllabus areas and knowledge points, then goes
through the instructor's real routes with Flask's test client: POST the zip (read and kept as a batch),
GET the preview (every file parsed and checked against the live content), POST the confirmation (all
files published as the instructor's documents in one transaction). Baseline in the same run: reading
the zip and parsing its files, the floor any importer pays.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/import_load.py
    .venv/bin/python bench/import_load.py           # a temp SQLite file
    .venv/bin/python bench/import_load.py --rounds 3 --questions 10000
"""
from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]
if os.path.dirname(_HERE) not in sys.path:
    sys.path.insert(0, os.path.dirname(_HERE))

import argparse
import io
import shutil
import tempfile
import time
from pathlib import Path

from bench._common import database_url, describe_url, make_app, median, reset_schema, verdict
from bench.synthetic import make_synthetic_content


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--questions", type=int, default=10_000)
    args = ap.parse_args()
    url, tmp = database_url()
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        from training.content.items import ContentSet
        from training.content.parse import parse_document
        from training.content.sync import sync_content
        from training.content.validate import read_content
        from training.extensions import db
        from training.interchange.mdzip import export_zip, layout_files, read_zip
        from training.models import Question, Role, User
        files_n = max(1, args.questions // 1000)
        root = make_synthetic_content(work, files=files_n, per_file=args.questions // files_n)
        files = {p: t for p, t in layout_files(root).items() if p.startswith("questions/synthetic/")}
        data = export_zip(files)
        base = read_content(root)
        print(f"{args.questions} questions in {len(files)} files, zip {len(data) / 1e6:.1f} MB; database {describe_url(url)}")
        app = make_app(url)
        app.config["IMPORT_MAX_BYTES"] = 50 * 1024 * 1024
        app.config["WTF_CSRF_ENABLED"] = False
        floor, totals, parts = [], [], []
        for n in range(args.rounds):
            t0 = time.perf_counter()
            for path, text in read_zip(data).items():
                parse_document(path, text)
            floor.append(time.perf_counter() - t0)
            with app.app_context():
                reset_schema()
                sync_content(db.session, ContentSet(areas=base.areas, topics=base.topics))
                teacher = User(username=f"bench-{n}@x.local", nickname="讲师", role=Role.instructor)
                teacher.set_password("bench-password-long-1")
                db.session.add(teacher)
                db.session.commit()
                client = app.test_client()
                client.post("/auth/login", data={"username": teacher.username, "password": "bench-password-long-1"})
                t0 = time.perf_counter()
                r = client.post("/manage/docs/import", data={"file": (io.BytesIO(data), "bank.zip")},
                                content_type="multipart/form-data")
                t1 = time.perf_counter()
                assert r.status_code == 302, (r.status_code, r.get_data(as_text=True)[-600:])
                preview = r.headers["Location"]
                page = client.get(preview).get_data(as_text=True)
                t2 = time.perf_counter()
                assert "有错误" not in page.split("<tbody>")[1], "the synthetic bank should import cleanly"
                done = client.post(preview + "/confirm")
                t3 = time.perf_counter()
                assert done.status_code == 302
                stored = db.session.execute(db.select(db.func.count()).select_from(Question)).scalar_one()
                assert stored == args.questions, (stored, args.questions)
                totals.append(t3 - t0)
                parts.append((t1 - t0, t2 - t1, t3 - t2))
                print(f"round {n + 1}: upload {t1 - t0:.2f} s, preview {t2 - t1:.2f} s, confirm {t3 - t2:.2f} s, "
                      f"total {t3 - t0:.2f} s (floor: read + parse {floor[-1]:.2f} s); {stored} questions stored")
        total = median(totals)
        print(f"median total {total:.2f} s over {args.rounds} rounds; floor {median(floor):.2f} s; "
              f"ratio {total / median(floor):.1f}× the floor")
        ok = total < 10
        print(f"target < 10 s: {verdict(ok)}")
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
