"""The bare Flask baseline for bench/http_load.py: gunicorn -w 2 'bench.hello_app:app'."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "hello"
