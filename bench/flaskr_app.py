"""The baseline for bench/signed_in_load.py: Flask's tutorial app (flaskr), logged-in index page.

Written the way pallets/flask examples/tutorial does it: raw DB-API, the user loaded in a
before_request hook (one query), the index one query (posts joined with their authors) and one
template extending a base layout. Two tables, as in flaskr. FLASKR_DATABASE is a SQLite path or a
postgresql:// URL (a connection per worker is kept open, as a pool would; flaskr's sqlite3 connects
per request, which costs microseconds).

    gunicorn -w 2 'bench.flaskr_app:app'    # FLASKR_DATABASE=/tmp/flaskr.sqlite, then seed() once
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from flask import Flask, g, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

DATABASE = os.environ.get("FLASKR_DATABASE", "/tmp/flaskr.sqlite")
IS_PG = DATABASE.startswith("postgres")
SCHEMA = """
DROP TABLE IF EXISTS flaskr_post;
DROP TABLE IF EXISTS flaskr_user;
CREATE TABLE flaskr_user (id {pk}, username TEXT UNIQUE NOT NULL, password TEXT NOT NULL);
CREATE TABLE flaskr_post (id {pk}, author_id INTEGER NOT NULL REFERENCES flaskr_user (id),
  created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, title TEXT NOT NULL, body TEXT NOT NULL);
"""
_pg = None


def get_db():
    if IS_PG:
        global _pg
        if _pg is None or _pg.closed:
            import psycopg
            from psycopg.rows import dict_row
            _pg = psycopg.connect(DATABASE.replace("postgresql+psycopg://", "postgresql://"), autocommit=True,
                                  row_factory=dict_row)
        return _pg
    if "db" not in g:
        g.db = sqlite3.connect(DATABASE, detect_types=sqlite3.PARSE_DECLTYPES)
        g.db.row_factory = sqlite3.Row
    return g.db


def query(sql: str, args=(), one=False):
    if IS_PG:
        sql = sql.replace("?", "%s")
    cur = get_db().execute(sql, args)
    if cur.description is None:  # INSERT: nothing to fetch
        return None
    return cur.fetchone() if one else cur.fetchall()


def seed(username: str, password: str, posts: int = 10) -> None:
    """Create the schema, one user and `posts` posts of realistic length."""
    db = get_db()
    script = SCHEMA.format(pk="SERIAL PRIMARY KEY" if IS_PG else "INTEGER PRIMARY KEY AUTOINCREMENT")
    if IS_PG:
        db.execute(script)
    else:
        db.executescript(script)
    query("INSERT INTO flaskr_user (username, password) VALUES (?, ?)",
          (username, generate_password_hash(password, method="pbkdf2:sha256:1000")))
    uid = query("SELECT id FROM flaskr_user WHERE username = ?", (username,), one=True)["id"]
    for n in range(posts):
        query("INSERT INTO flaskr_post (title, body, author_id) VALUES (?, ?, ?)",
              (f"第 {n + 1} 篇：客户服务的要点", "服务质量取决于客户的感知与期望之间的差距。" * 6, uid))
    if not IS_PG:
        db.commit()


app = Flask(__name__, template_folder=str(Path(__file__).resolve().parent / "flaskr_templates"),
            static_folder=str(Path(__file__).resolve().parent.parent / "static"))
app.secret_key = os.environ.get("SECRET_KEY", "bench-only-not-secret")


@app.teardown_appcontext
def close_db(e=None):
    db = g.pop("db", None)
    if db is not None:
        db.close()


@app.before_request
def load_logged_in_user():
    user_id = session.get("user_id")
    g.user = None if user_id is None else query("SELECT * FROM flaskr_user WHERE id = ?", (user_id,), one=True)


@app.route("/auth/login", methods=("GET", "POST"))
def login():
    error = None
    if request.method == "POST":
        user = query("SELECT * FROM flaskr_user WHERE username = ?", (request.form["username"],), one=True)
        if user is None or not check_password_hash(user["password"], request.form["password"]):
            error = "Incorrect username or password."
        else:
            session.clear()
            session["user_id"] = user["id"]
            return redirect(url_for("index"))
    return render_template("auth/login.html", error=error)


@app.route("/")
def index():
    posts = query("SELECT p.id, title, body, created, author_id, username FROM flaskr_post p"
                  " JOIN flaskr_user u ON p.author_id = u.id ORDER BY created DESC")
    return render_template("blog/index.html", posts=posts)
